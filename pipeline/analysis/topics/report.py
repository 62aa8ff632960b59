"""One self-contained HTML page for a topic-model fit: opens offline (inline CSS, SVG and a few lines of
JS, nothing fetched). Every string from the corpus (terms, labels, titles, ids) goes through `esc`."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from pipeline.analysis.plot import with_embedded_font

WIDTH, HEIGHT, PAD, RIGHT = 640, 220, 36, 24
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]

STYLE = """
body{font-family:"Embedded CJK",system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:980px;
color:#222;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}h3{margin:0 0 .4em}
table{border-collapse:collapse;font-size:.9em}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}
.chosen{font-weight:bold;background:#fff3c4}
.topic{border:1px solid #ddd;border-radius:6px;padding:1em;margin:1em 0}
.topic.dim{display:none}
.bar{background:#4c78a8;height:.8em;display:inline-block;vertical-align:middle}
.terms td:first-child{width:9em}
svg text{font-size:11px}.map text{pointer-events:none}
.map circle{cursor:pointer}.map circle:hover,.map circle.on{fill-opacity:.9}
.lines polyline:hover{stroke-width:4}
.muted{color:#777}.recurs{color:#2a7a2a}.unstable{color:#b03a2e}
"""

# Clicking a topic on the map (or its list entry) shows only that topic; clicking again shows all.
SCRIPT = """
document.querySelectorAll('[data-topic]').forEach(function(el){el.addEventListener('click',function(ev){
  ev.preventDefault();var t=el.getAttribute('data-topic');var only=!el.classList.contains('on');
  document.querySelectorAll('[data-topic]').forEach(function(o){
    o.classList.toggle('on',only&&o.getAttribute('data-topic')===t)});
  document.querySelectorAll('.topic').forEach(function(s){s.classList.toggle('dim',only&&s.id!=='topic-'+t)});
  if(only){document.getElementById('topic-'+t).scrollIntoView();}
});});
"""


def esc(value) -> str:
    """Text for HTML (element content and attribute values alike)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else escape(str(value), quote=True)


def num(value: float) -> str:
    return f"{value:.1f}"


def topic_map_svg(info: pd.DataFrame) -> str:
    """Topics as circles (area ∝ prevalence) at their map positions; a click selects the topic."""
    xs, ys = info["x"].astype(float), info["y"].astype(float)
    span_x = (xs.max() - xs.min()) or 1.0
    span_y = (ys.max() - ys.min()) or 1.0
    size = 420
    top = info["prevalence"].max() or 1.0
    parts = [f'<svg class="map" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img">']
    for row in info.itertuples():
        cx = PAD + (row.x - xs.min()) / span_x * (size - 2 * PAD)
        cy = size - PAD - (row.y - ys.min()) / span_y * (size - 2 * PAD)
        r = 6 + 24 * (row.prevalence / top) ** 0.5
        color = PALETTE[row.topic % len(PALETTE)]
        parts.append(f'<circle data-topic="{row.topic}" cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" '
                     f'fill="{color}" fill-opacity="0.55" stroke="#333">'
                     f'<title>{row.topic}: {esc(row.label)} ({row.prevalence:.1%})</title></circle>'
                     f'<text x="{num(cx)}" y="{num(cy + 4)}" text-anchor="middle">{row.topic}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _scale(values, low, high, out_low, out_high):
    span = (high - low) or 1.0
    return [out_low + (v - low) / span * (out_high - out_low) for v in values]


def _axes(years: list, y_max: float) -> str:
    xs = _scale(years, min(years), max(years), PAD, WIDTH - RIGHT)
    ticks = "".join(f'<text x="{num(x)}" y="{HEIGHT - 8}" text-anchor="middle">{esc(y)}</text>'
                    for x, y in zip(xs, years))
    return (f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - PAD}" stroke="#999"/>'
            f'<text x="2" y="14">{y_max:.0%}</text><text x="2" y="{HEIGHT - PAD}">0</text>{ticks}')


def prevalence_svg(rows: pd.DataFrame) -> str:
    """One topic's prevalence by year: line with its 95% interval as a band."""
    rows = rows.sort_values("year")
    years = rows["year"].astype(int).tolist()
    if not years:
        return '<p class="muted">No dated documents.</p>'
    y_max = max(rows["ci_high"].max(), 1e-9)
    xs = _scale(years, min(years), max(years), PAD, WIDTH - RIGHT)
    to_y = lambda col: _scale(rows[col].tolist(), 0, y_max, HEIGHT - PAD, 10)  # noqa: E731
    mid, low, high = to_y("prevalence"), to_y("ci_low"), to_y("ci_high")
    band = " ".join(f"{num(x)},{num(y)}" for x, y in [*zip(xs, high), *reversed(list(zip(xs, low)))])
    line = " ".join(f"{num(x)},{num(y)}" for x, y in zip(xs, mid))
    dots = "".join(f'<circle cx="{num(x)}" cy="{num(y)}" r="2.5" fill="#4c78a8"><title>{esc(yr)}: {p:.1%} '
                   f'({lo:.1%}–{hi:.1%}), {d} docs</title></circle>'
                   for x, y, yr, p, lo, hi, d in zip(xs, mid, years, rows["prevalence"], rows["ci_low"],
                                                     rows["ci_high"], rows["docs"]))
    return (f'<svg width="{WIDTH}" height="{HEIGHT}" role="img">{_axes(years, y_max)}'
            f'<polygon points="{band}" fill="#4c78a8" fill-opacity="0.18"/>'
            f'<polyline points="{line}" fill="none" stroke="#4c78a8" stroke-width="2"/>{dots}</svg>')


def all_topics_svg(prevalence: pd.DataFrame, info: pd.DataFrame) -> str:
    """Every topic's prevalence by year in one chart; hover a line for its label."""
    years = sorted(prevalence["year"].astype(int).unique())
    if len(years) < 2:
        return '<p class="muted">Fewer than two years with dated documents: no time chart.</p>'
    y_max = max(prevalence["prevalence"].max(), 1e-9)
    parts = [f'<svg class="lines" width="{WIDTH}" height="{HEIGHT}" role="img">{_axes(years, y_max)}']
    for topic, rows in prevalence.groupby("topic", sort=True):
        rows = rows.sort_values("year")
        xs = _scale(rows["year"].astype(int).tolist(), years[0], years[-1], PAD, WIDTH - RIGHT)
        ys = _scale(rows["prevalence"].tolist(), 0, y_max, HEIGHT - PAD, 10)
        label = info.loc[info["topic"] == topic, "label"].iloc[0]
        points = " ".join(f"{num(x)},{num(y)}" for x, y in zip(xs, ys))
        color = PALETTE[topic % len(PALETTE)]
        parts.append(f'<polyline points="{points}" fill="none" stroke-width="1.5" stroke="{color}">'
                     f'<title>{topic}: {esc(label)}</title></polyline>')
    parts.append("</svg>")
    return "".join(parts)


def terms_table(terms: pd.DataFrame) -> str:
    top = terms["weight"].max() or 1.0
    rows = "".join(f'<tr><td>{esc(r.term)}</td><td><span class="bar" style="width:{num(200 * r.weight / top)}px">'
                   f'</span> {r.weight:.3f}</td></tr>' for r in terms.itertuples())
    return f'<table class="terms">{rows}</table>'


def shifts_table(by_period: pd.DataFrame, top: int = 8) -> str:
    if by_period.empty:
        return '<p class="muted">No dated documents: no per-period terms.</p>'
    rows = "".join(f"<tr><td>{esc(period)}</td><td>{esc(' '.join(g.sort_values('rank')['term'].head(top)))}</td></tr>"
                   for period, g in by_period.groupby("period", sort=True))
    return f"<table><tr><th>period</th><th>top terms in the period</th></tr>{rows}</table>"


def documents_list(docs: pd.DataFrame) -> str:
    items = "".join(f"<li>{esc(r.title) or esc(r.id)} <span class='muted'>"
                    f"({'; '.join(p for p in (esc(r.year), f'{r.proportion:.0%}') if p)})</span></li>"
                    for r in docs.itertuples())
    return f"<ol>{items}</ol>" if items else ""


def k_table_html(k_table: pd.DataFrame | None, rule: str | None) -> str:
    if k_table is None:
        return ""
    rows = "".join(f'<tr class="{"chosen" if r.chosen else ""}"><td>{r.k}</td><td>{r.npmi:.4f}</td>'
                   f'<td>{r.c_v:.4f}</td><td>{r.stability:.3f}</td><td>{"← chosen" if r.chosen else ""}</td></tr>'
                   for r in k_table.itertuples())
    return (f"<h2>Choosing the number of topics</h2><p>Rule: {esc(rule)}.</p><table><tr><th>K</th>"
            f"<th>NPMI</th><th>c_v</th><th>stability</th><th></th></tr>{rows}</table>")


def recurrence_text(row, seeds: int) -> str:
    """How far to trust a topic: in how many refits with other seeds it came back."""
    if not seeds or not hasattr(row, "recurs"):
        return ""
    trust = "recurs" if row.recurs == seeds else ("unstable" if row.recurs == 0 else "partly recurs")
    return (f' <span class="{trust.split()[-1]}">{trust}: in {row.recurs} of {seeds} refits with other seeds '
            f'(top-term overlap {row.stability:.2f})</span>')


def write_report(result, out: Path) -> Path:
    """Render a TopicResult (as `pipeline.topics.load` returns it) to one HTML file."""
    p, info = result.params, result.info
    seeds = len(p.get("stability_seeds", []))
    sections = []
    for row in info.itertuples():
        t = row.topic
        sections.append(
            f'<section class="topic" id="topic-{t}"><h3>Topic {t}: {esc(row.label)}</h3>'
            f'<p>{row.prevalence:.1%} of the corpus; main topic of {row.docs} documents.'
            f'{recurrence_text(row, seeds)}</p>'
            f'<div style="display:flex;gap:2em;flex-wrap:wrap">'
            f'<div>{terms_table(result.topics[result.topics.topic == t])}'
            f'</div><div><h4>Prevalence by year (95% interval)</h4>'
            f'{prevalence_svg(result.prevalence[result.prevalence.topic == t])}'
            f'<h4>Top terms per period</h4>{shifts_table(result.terms_by_period[result.terms_by_period.topic == t])}'
            f'</div></div><h4>Documents most about this topic</h4>'
            f'{documents_list(result.top_docs[result.top_docs.topic == t])}</section>')
    listing = "".join(f'<li><a href="#topic-{r.topic}" data-topic="{r.topic}">{r.topic}: {esc(r.label)}</a> '
                      f'<span class="muted">{r.prevalence:.1%}</span>'
                      f'{" <span class=unstable>(unstable)</span>" if seeds and getattr(r, "recurs", seeds) == 0 else ""}'
                      f'</li>' for r in info.itertuples())
    stability = (f'<h2>Stability across seeds</h2><p>Each topic was looked for in {seeds} refits with seeds '
                 f'{", ".join(map(str, p["stability_seeds"]))} (matched one to one by their top 10 terms). '
                 f'A topic that <span class="recurs">recurs</span> in every refit is a pattern of the corpus; an '
                 f'<span class="unstable">unstable</span> one may be an accident of the seed: read it with care. '
                 f'Mean top-term overlap {p["stability"]:.2f}.</p>'
                 f'<table><tr><th>topic</th><th>label</th><th>recurs in</th><th>overlap</th></tr>'
                 + "".join(f'<tr><td>{r.topic}</td><td>{esc(r.label)}</td><td>{r.recurs} / {seeds}</td>'
                           f'<td>{r.stability:.2f}</td></tr>' for r in info.itertuples()) + "</table>"
                 ) if seeds and "recurs" in info else ""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Topic model: {esc(p.get("method", "").upper())}, {p.get("k")} topics</title><style>{STYLE}</style></head>
<body><h1>Topic model: {esc(p.get("method", "").upper())}, {p.get("k")} topics</h1>
<p>{p.get("documents")} documents ({p.get("empty_documents")} without terms), vocabulary {p.get("vocabulary")},
seed {p.get("seed")}, corpus <code>{esc(p.get("corpus"))}</code>.</p>
{k_table_html(result.k_table, p.get("k_rule"))}
<h2>Topic map</h2><p class="muted">Circles are topics (area ∝ prevalence); near topics share vocabulary
(Jensen–Shannon distance, classical scaling). Click a circle or a name to show only that topic.</p>
<div style="display:flex;gap:2em;flex-wrap:wrap">{topic_map_svg(info)}<ul>{listing}</ul></div>
{stability}
<h2>Prevalence over time</h2><p class="muted">Mean topic proportion of each year's documents.
Hover a line for its topic.</p>{all_topics_svg(result.prevalence, info)}
<h2>Topics</h2>{"".join(sections)}
<script>{SCRIPT}</script></body></html>
"""
    out.write_text(with_embedded_font(page), encoding="utf-8")
    return out
