"""Plots that show Chinese on any machine: the Noto Sans CJK SC font (SIL OFL) shipped in the pinned
`mplfonts` wheel is registered with matplotlib, so no system CJK font is needed (no boxes for glyphs)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FONT_NAME = "Noto Sans CJK SC"
MEASURE_LABELS = {"doc_share": "文献占比", "count": "文献数", "per_10k": "每万词出现次数"}
SOLID_PERIOD_DOCS = 30  # periods with fewer documents do not set the y-axis scale
BY_LABELS = {"year": "年份", "source_kind": "来源类型", "journal": "期刊", "indexing": "收录"}


def cjk_font_path() -> Path:
    # Found without importing mplfonts: its import has side effects we do not need.
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (which ships the CJK font) is not installed; run `make venv`")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise RuntimeError(f"{path}: CJK font missing from the mplfonts package")
    return path


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


def plot_trends(table, measure: str = "doc_share", path: str | Path | None = None, title: str | None = None, ax=None):
    """Plot a trends table: lines over years (with the Wilson 95% band for doc_share), grouped bars
    for other periods. Saves to `path` when given; returns the matplotlib Figure."""
    from pipeline.analysis.trends import MEASURES

    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    use_cjk_font()
    import matplotlib.pyplot as plt
    import numpy as np

    column = MEASURES[measure]
    by = table.attrs.get("by", "year")
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    else:
        fig = ax.figure
    concepts = list(dict.fromkeys(table["concept"]))
    if by == "year":
        for concept in concepts:
            rows = table[table["concept"] == concept]
            x = rows["period"].to_numpy(dtype=float)
            ax.plot(x, rows[column].to_numpy(dtype=float), marker="o", markersize=3, label=concept)
            if measure == "doc_share":
                ax.fill_between(x, rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float), alpha=0.2)
    else:
        labels = list(dict.fromkeys(table["period"]))
        width = 0.8 / max(len(concepts), 1)
        for i, concept in enumerate(concepts):
            rows = table[table["concept"] == concept].set_index("period").reindex(labels)
            ax.bar(np.arange(len(labels)) + i * width, rows[column].to_numpy(dtype=float), width, label=concept)
        ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, labels, rotation=45, ha="right")
    if measure == "doc_share":
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        # Scale to the periods with enough documents; the wide intervals of near-empty periods run off
        # the top instead of flattening every line.
        solid = table[table["total"] >= SOLID_PERIOD_DOCS]
        top = np.nanmax([solid["ci_high"].max(), table["share"].max(), 0]) if len(solid) else np.nan
        if top > 0:
            ax.set_ylim(0, top * 1.1)
    ax.set_xlabel(BY_LABELS.get(by, by))
    ax.set_ylabel(MEASURE_LABELS[measure])
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig
