"""The knowledge-map report: one self-contained HTML page (`DIR/index.html`) with the tables and
figures of a CiteSpace-style study of the corpus, each table sortable, each cluster, node and burst
opening the documents behind it. Offline: inline CSS and JS, figures as PNG data URIs (also written as
PNG and SVG to DIR/figures/), the network files of each unit in DIR/<unit>/. When the documents carry
references, a citation section: most-cited works, reference bursts and the co-citation network of cited
works with its clusters (pipeline.analysis.citations). Every corpus string goes through `esc`.
"""
from __future__ import annotations

import base64
import io
from pathlib import Path

import pandas as pd

from pipeline.analysis import bibliometrics, views
from pipeline.analysis.plot import with_embedded_font
from pipeline.analysis.citations import cited_works
from pipeline.analysis.topics.report import esc
from pipeline.safe_text import csv_table

NETWORK_UNITS = ("keywords", "authors", "institutions", "regions")
DRILL_NODES = 15     # nodes (per unit) and bursts whose documents are listed
DRILL_DOCS = 30      # documents listed per node, cluster or burst

STYLE = """
body{font-family:"Embedded CJK",system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.3em;margin-top:2.2em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0}td,th{padding:2px 8px;border-bottom:1px solid #e4e4e4;
text-align:left;vertical-align:top}th{cursor:pointer;background:#f5f5f5;user-select:none}th:after{content:" ⇅";color:#aaa}
td.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto}
nav a{margin-right:1em}.muted{color:#777}details{margin:.2em 0}summary{cursor:pointer}
.scroll{max-height:420px;overflow:auto;width:fit-content;max-width:100%}
"""

# Click a column header to sort by it (numbers numerically), again to reverse.
SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
  var table=th.closest('table'),body=table.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
  var up=th.getAttribute('data-order')!=='up';th.setAttribute('data-order',up?'up':'down');
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,
    p=parseFloat(x),q=parseFloat(y),c=(!isNaN(p)&&!isNaN(q))?p-q:x.localeCompare(y,'zh');return up?c:-c;});
  rows.forEach(function(r){body.appendChild(r);});
});});
"""


def table_html(table: pd.DataFrame, caption: str | None = None, limit: int | None = 100) -> str:
    """A sortable table of `table` (first `limit` rows)."""
    shown = table.head(limit) if limit else table
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = []
    for values in shown.itertuples(index=False):
        cells = []
        for value in values:
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            text = f"{value:.4g}" if isinstance(value, float) and not pd.isna(value) else esc(value)
            cells.append(f'<td class="n">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f'<p class="muted">First {limit} of {len(table)} rows.</p>' if limit and len(table) > limit else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="scroll"><table class="sortable">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>{more}')


def figure_html(fig, name: str, out: Path, alt: str) -> str:
    """Save the figure as DIR/figures/NAME.png and .svg; return an <img> with the PNG inline."""
    import matplotlib.pyplot as plt

    folder = out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.svg", metadata={"Date": None})
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    (folder / f"{name}.png").write_bytes(buffer.getvalue())
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def documents_html(docs: pd.DataFrame) -> str:
    items = []
    for r in docs.head(DRILL_DOCS).itertuples():
        title = r.title_zh if isinstance(r.title_zh, str) else getattr(r, "title_en", None)
        authors = "、".join(r.authors) if isinstance(r.authors, list) else ""
        year = "" if pd.isna(r.year) else r.year
        journal = r.journal if isinstance(r.journal, str) else ""
        items.append(f"<li>{esc(title) or esc(r.id)} <span class='muted'>{esc(authors)} · {esc(journal)} "
                     f"{esc(year)} · {esc(r.id)}</span></li>")
    more = f"<li class='muted'>… {len(docs) - DRILL_DOCS} more</li>" if len(docs) > DRILL_DOCS else ""
    return f"<ol>{''.join(items)}{more}</ol>"


def drill_down(title: str, docs: pd.DataFrame) -> str:
    return f"<details><summary>{esc(title)} <span class='muted'>({len(docs)} documents)</span></summary>" \
           f"{documents_html(docs)}</details>"


def network_section(kmap, out: Path, title: str) -> str:
    unit = kmap.unit
    kmap.write(out / unit)
    s = kmap.summary
    silhouette = "–" if s["silhouette"] is None else f"{s['silhouette']:.3f}"
    parts = [f'<h2 id="{unit}">{esc(title)}</h2>',
             f"<p>{s['nodes']} nodes, {s['edges']} links, {s['clusters']} clusters; modularity Q = "
             f"{s['modularity']:.3f}, mean silhouette S = {silhouette}. "
             f"Files: <code>{esc(unit)}/</code> (nodes.csv, edges.csv, clusters.csv, summary.json, GEXF, VOSviewer).</p>",
             figure_html(views.plot_network(kmap), f"{unit}_network", out, f"{unit} network"),
             "<h3>Clusters</h3>", table_html(kmap.clusters, limit=30),
             "<h3>Nodes</h3>", table_html(kmap.nodes, limit=60),
             "<h3>Documents behind the largest clusters and nodes</h3>"]
    for r in kmap.clusters.head(10).itertuples():
        parts.append(drill_down(f"Cluster #{r.cluster} {r.label}", kmap.documents_of(cluster=r.cluster)))
    for node in kmap.nodes.sort_values(["docs", "node"], ascending=[False, True]).head(DRILL_NODES)["node"]:
        parts.append(drill_down(f"{node}", kmap.documents_of(node=node)))
    return "\n".join(parts)


def citations_section(corpus, out: Path, seed: int, top: int, min_docs: int) -> str:
    """Most-cited works, reference bursts and the reference co-citation network; one line without references."""
    heading = '<h2 id="citations">Cited works and co-citation</h2>'
    cited = corpus.most_cited(top=0)
    if not len(cited):
        return heading + "<p>No document of this corpus has a reference list that could be read, so there is " \
                         "no citation analysis.</p>"
    bursts = corpus.reference_bursts(min_docs=min_docs)
    csv_table(cited).to_csv(out / "most_cited.csv", index=False, lineterminator="\n")
    csv_table(bursts).to_csv(out / "reference_bursts.csv", index=False, lineterminator="\n")
    citing = int(sum(bool(works) for works in cited_works(corpus)))
    parts = [heading, f"<p>{citing} of {len(corpus)} documents have references: {len(cited)} cited works "
             f"(one key per work, pipeline/references/keys.py). Tables: most_cited.csv, reference_bursts.csv.</p>",
             "<h3>Most-cited works</h3>", table_html(cited, limit=30),
             "<h3>Reference bursts (Kleinberg)</h3>",
             table_html(bursts, limit=30) if len(bursts) else
             f"<p class='muted'>No burst: {esc(bursts.attrs.get('note') or 'no cited work bursts in the citing years')}.</p>"]
    kmap = corpus.knowledge_map("references", min_docs=min_docs, top=top, seed=seed)
    if len(kmap.nodes):
        parts.append(network_section(kmap, out, "Reference co-citation network"))
    else:
        parts.append(f"<p class='muted'>No work is cited by {min_docs} or more documents: no co-citation network.</p>")
    return "\n".join(parts)


def write_report(corpus, out: str | Path, seed: int = 0, top: int = 100, min_docs: int = 2) -> Path:
    """Render the knowledge map of `corpus` into `out`/index.html (and the files beside it)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    per_year = bibliometrics.publications_per_year(corpus)
    core = bibliometrics.core_authors(corpus)
    journals = bibliometrics.journals(corpus)
    maps = {unit: corpus.knowledge_map(unit, min_docs=min_docs if unit == "keywords" else 1, top=top, seed=seed)
            for unit in NETWORK_UNITS}
    keywords = maps["keywords"]
    frequent, central = bibliometrics.top_keywords(keywords)
    bursts = corpus.bursts()
    for name, table in [("publications_per_year", per_year), ("core_authors", core), ("journals", journals),
                        ("top_institutions", bibliometrics.top_institutions(corpus)),
                        ("keywords_frequent", frequent), ("keywords_central", central), ("bursts", bursts)]:
        csv_table(table).to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    burst_docs = "".join(drill_down(f"{r.term} {r.begin}–{r.end}", corpus.documents_of(r.term, years=(r.begin, r.end)))
                         for r in bursts.sort_values(["strength", "term"], ascending=[False, True]).head(DRILL_NODES)
                         .itertuples())
    zones = journals.groupby("zone").agg(journals=("journal", "size"), docs=("docs", "sum")).reset_index()
    sections = {
        "publications": ("Publications per year", table_html(per_year, limit=None) + figure_html(
            views.plot_publications(per_year), "publications", out, "publications per year")),
        "core-authors": ("Core authors (Price's law)", f"<p>m = 0.749·√n<sub>max</sub> = {core.attrs['threshold']:.2f}: "
                         f"{len(core)} of {core.attrs['authors']} authors have at least m documents; "
                         f"{core.attrs['core_share']:.1%} of the documents have a core author.</p>" + table_html(core)),
        "journals": ("Journals and Bradford zones", table_html(zones, limit=None) + table_html(journals, limit=50)),
        "institutions-top": ("Top institutions", table_html(bibliometrics.top_institutions(corpus), limit=None)),
    }
    body = [f'<h2 id="{key}">{esc(title)}</h2>{html}' for key, (title, html) in sections.items()]
    body.append(network_section(maps["authors"], out, "Author collaboration network"))
    body.append(network_section(maps["institutions"], out, "Institution collaboration network"))
    body.append(network_section(maps["regions"], out, "Region collaboration network"))
    body.append(network_section(keywords, out, "Keyword co-occurrence network"))
    body.append('<h2 id="timeline">Timeline view of the keyword clusters</h2>'
                + figure_html(views.plot_timeline(keywords), "timeline", out, "timeline view"))
    body.append('<h2 id="timezone">Time-zone view of the keywords</h2>'
                + figure_html(views.plot_timezone(keywords), "timezone", out, "time-zone view"))
    body.append('<h2 id="bursts">Keyword bursts (Kleinberg)</h2>' + table_html(bursts, limit=60)
                + "<h3>Documents behind the strongest bursts</h3>" + burst_docs)
    body.append('<h2 id="top-keywords">Most frequent and most central keywords</h2>'
                + "<div style='display:flex;gap:2em;flex-wrap:wrap'>" + table_html(frequent, "most frequent")
                + table_html(central, "most central (betweenness)") + "</div>")
    body.append(citations_section(corpus, out, seed, top, min_docs))
    nav = " ".join(f'<a href="#{key}">{esc(label)}</a>' for key, label in [
        ("publications", "publications"), ("core-authors", "authors"), ("journals", "journals"),
        ("authors", "author network"), ("institutions", "institution network"), ("regions", "regions"),
        ("keywords", "keyword network"), ("timeline", "timeline"), ("timezone", "time zones"), ("bursts", "bursts"),
        ("top-keywords", "top keywords"), ("citations", "citations")])
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width"><title>Knowledge map</title><style>{STYLE}</style></head>\n<body>'
            f"<h1>Knowledge map</h1><p>{len(corpus)} documents from <code>{esc(corpus.path)}</code>; seed {seed}.</p>"
            f"<nav>{nav}</nav>\n" + "\n".join(body) + f"\n<script>{SCRIPT}</script></body></html>\n")
    path = out / "index.html"
    path.write_text(with_embedded_font(page), encoding="utf-8")
    return path
