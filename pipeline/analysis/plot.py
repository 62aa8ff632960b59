"""Plots and pages that show Chinese on any machine: the Noto Sans CJK SC font (SIL OFL) shipped in the
pinned `mplfonts` wheel is registered with matplotlib, and embedded (cut down to the characters used) in the
HTML reports, so no system CJK font is needed (no boxes for glyphs)."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FONT_NAME = "Noto Sans CJK SC"
MEASURE_LABELS = {"doc_share": "文献占比", "count": "文献数", "per_10k": "每万词出现次数"}
SOLID_PERIOD_DOCS = 30  # periods with fewer documents get no confidence band
BY_LABELS = {"year": "年份", "source_kind": "来源类型", "journal": "期刊", "indexing": "收录", "classification": "学科分类",
             "category": "类别", "doc_type": "文献类型", "database": "数据库"}


def cjk_font_path() -> Path:
    # Found without importing mplfonts: its import has side effects we do not need.
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (which ships the CJK font) is not installed; run `make venv`")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise RuntimeError(f"{path}: CJK font missing from the mplfonts package")
    return path


EMBEDDED_FONT = "Embedded CJK"   # the family name the HTML reports give the embedded subset


def with_embedded_font(page: str) -> str:
    """An HTML page with the CJK font embedded in it (a `<style>` before `</head>`): an @font-face of the
    font cut down to the Chinese characters the page uses, as base64 WOFF, so that the report shows its
    Chinese on a machine with no CJK font (no boxes). The pages' CSS names EMBEDDED_FONT first.
    Byte-identical for the same page."""
    import base64
    import io

    from fontTools import subset

    characters = "".join(sorted({ch for ch in page if ord(ch) >= 0x2E80}))
    if not characters:
        return page
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    font = subset.load_font(str(cjk_font_path()), options)
    font.recalcTimestamp = False   # the subset keeps the font's own date: same page, same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    data = io.BytesIO()
    subset.save_font(font, data, options)
    face = (f'@font-face{{font-family:"{EMBEDDED_FONT}";src:url(data:font/woff;base64,'
            f'{base64.b64encode(data.getvalue()).decode()}) format("woff")}}')
    return page.replace("</head>", f"<style>{face}</style></head>", 1)


def use_cjk_font() -> str:
    """Register the CJK font and make it matplotlib's first sans-serif font (DejaVu Sans as fallback)."""
    import matplotlib
    from matplotlib import font_manager

    path = str(cjk_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [CJK_FONT_NAME, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return CJK_FONT_NAME


def plot_trends(table, measure: str = "doc_share", path: str | Path | None = None, title: str | None = None,
                ax=None, counts: bool = True):
    """Plot a trends table as a figure for a paper: lines over years, grouped bars for other periods.

    Over years: integer year ticks; for doc_share a light Wilson 95% band, drawn only for years with at
    least SOLID_PERIOD_DOCS documents (a band over 0 of 17 documents reaches 18% and says nothing), with
    the y-axis scaled to the lines, not to the bands (a band may run off the top); and, unless `ax` is
    given or `counts` is False, a panel below with the documents per year, so sparse years are visible.
    Saves to `path` when given; returns the matplotlib Figure."""
    from pipeline.analysis.trends import MEASURES

    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    use_cjk_font()
    import matplotlib.pyplot as plt
    import numpy as np

    column = MEASURES[measure]
    by = table.attrs.get("by", "year")
    count_panel = ax is None and counts and by == "year"
    if ax is None and count_panel:
        fig, (ax, count_ax) = plt.subplots(2, 1, figsize=(8, 5.2), dpi=150, sharex=True, layout="constrained",
                                           gridspec_kw={"height_ratios": [3.2, 1]})
    elif ax is None:
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=150, layout="constrained")
    else:
        fig = ax.figure
    concepts = list(dict.fromkeys(table["concept"]))
    if by == "year":
        _year_lines(ax, table, concepts, column, measure == "doc_share")
    else:
        labels = list(dict.fromkeys(table["period"]))
        width = 0.8 / max(len(concepts), 1)
        for i, concept in enumerate(concepts):
            rows = table[table["concept"] == concept].set_index("period").reindex(labels)
            ax.bar(np.arange(len(labels)) + i * width, rows[column].to_numpy(dtype=float), width, label=concept)
        ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, labels, rotation=45, ha="right")
        ax.set_xlabel(BY_LABELS.get(by, by))
    if measure == "doc_share":
        from matplotlib.ticker import PercentFormatter

        top = ax.get_ylim()[1] * 100
        decimals = max(0, 1 - math.floor(math.log10(top))) if top > 0 else 0  # 0.30%, 2.5%, 30%
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    ax.set_ylabel(MEASURE_LABELS[measure] + ("（阴影：95% 置信区间）" if measure == "doc_share" and by == "year" else ""))
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, loc="upper left")
    if count_panel:
        _count_panel(count_ax, table)
    elif by == "year":
        ax.set_xlabel(BY_LABELS["year"])
    fig.align_ylabels()
    if path is not None:
        fig.savefig(path)
    return fig


def _year_lines(ax, table, concepts: list, column: str, bands: bool) -> None:
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    for concept in concepts:
        rows = table[table["concept"] == concept]
        x = rows["period"].to_numpy(dtype=float)
        (line,) = ax.plot(x, rows[column].to_numpy(dtype=float), marker="o", markersize=3, linewidth=1.6,
                          label=concept, zorder=3)
        if bands:
            # Only over the years from the concept's first to its last document: before and after, the
            # band of 0 of n documents is about absence, and three of them stacked hide the lines.
            found = np.flatnonzero(rows["docs"].to_numpy() > 0)
            span = np.zeros(len(rows), dtype=bool)
            if len(found):
                span[found[0]:found[-1] + 1] = True
            solid = span & (rows["total"].to_numpy() >= SOLID_PERIOD_DOCS)
            ax.fill_between(x, rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float),
                            where=solid, color=line.get_color(), alpha=0.12, linewidth=0, zorder=1)
    values = table[column].to_numpy(dtype=float)
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    if top > 0:  # room for the legend above the lines; a share never goes past 100 %
        ax.set_ylim(0, min(top * 1.3, 1.02) if column == "share" else top * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    years = table["period"].to_numpy(dtype=float)
    if len(years):
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)


def _count_panel(ax, table) -> None:
    """Documents per year (all documents of the period, whatever they mention) as grey bars."""
    from matplotlib.ticker import MaxNLocator

    per_year = table.drop_duplicates("period")
    ax.bar(per_year["period"].to_numpy(dtype=float), per_year["total"].to_numpy(dtype=float), width=0.8,
           color="0.75")
    ax.set_ylabel(MEASURE_LABELS["count"])
    ax.set_xlabel(BY_LABELS["year"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.spines[["top", "right"]].set_visible(False)
