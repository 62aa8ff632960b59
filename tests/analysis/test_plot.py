"""Plots show Chinese with the bundled font: any missing-glyph warning fails the test."""
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont  # noqa: E402

from conftest import write_corpus  # noqa: E402
from pipeline.analysis.corpus import load_corpus  # noqa: E402
from pipeline.analysis.plot import cjk_font_path, plot_trends  # noqa: E402
from test_trends import HAND_RECORDS  # noqa: E402

GLYPH_WARNING = r"(?i)glyph|missing from font"


def test_trend_plot_renders_chinese_without_missing_glyphs(tmp_path):
    table = load_corpus(write_corpus(tmp_path / "c", HAND_RECORDS)).trends(["党建引领", "韧性", "共治"])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_WARNING)
        fig = plot_trends(table, path=tmp_path / "trends.png", title="概念趋势：党建引领、韧性、共治")
        fig.canvas.draw()
    assert findfont(FontProperties(family=["sans-serif"])) == str(cjk_font_path())
    assert (tmp_path / "trends.png").stat().st_size > 10_000
    plt.close(fig)


def test_grouped_plot_by_journal(tmp_path):
    table = load_corpus(write_corpus(tmp_path / "c", HAND_RECORDS)).trends(["共治"], by="journal")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_WARNING)
        fig = plot_trends(table, measure="count", path=tmp_path / "journal.png")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["(none)", "城市问题", "社会学研究"]
    plt.close(fig)


def test_the_check_catches_missing_glyphs_with_the_default_font(tmp_path):
    # The control: without the bundled font, matplotlib's DejaVu Sans has no Chinese glyphs and warns.
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("韧性")
        with pytest.warns(UserWarning, match=GLYPH_WARNING):
            fig.savefig(tmp_path / "boxes.png")
        plt.close(fig)


def test_trend_plot_of_real_titles_is_readable(nssf_corpus, tmp_path):
    """NSSF titles, 党建引领/韧性/共治 (issue 14): the lines (≤ 0.3%) fill the axis instead of the bands of
    sparse years (up to 2.3%), years are integers, both axes are labelled, documents per year shown."""
    table = load_corpus(nssf_corpus).trends(["党建引领", "韧性", "共治"])
    fig = plot_trends(table, path=tmp_path / "nssf.png")
    lines, counts = fig.axes
    assert lines.get_ylim()[1] <= 1.3 * table["share"].max() + 1e-12
    assert lines.get_ylabel().startswith("文献占比") and counts.get_ylabel() == "文献数"
    assert counts.get_xlabel() == "年份"
    ticks = [t for t in counts.get_xticks() if lines.get_xlim()[0] <= t <= lines.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    # No band before a concept's first document: 共治's first is 2007, so nothing is shaded before it.
    first = int(table[(table["concept"] == "共治") & (table["docs"] > 0)]["period"].min())
    shaded = [p.get_paths()[0].vertices[:, 0].min() for p in lines.collections if p.get_paths()]
    assert shaded and min(shaded) >= first - 1e-9
    plt.close(fig)


def test_two_years_get_two_integer_ticks(tmp_path):
    records = [{"id": f"r{i}", "year": 2024 + i % 2, "title_zh": "共治" if i % 3 else "治理"} for i in range(40)]
    fig = plot_trends(load_corpus(write_corpus(tmp_path / "c", records)).trends(["共治"]))
    ax = fig.axes[-1]
    fig.canvas.draw()
    low, high = ax.get_xlim()
    assert [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high] == ["2024", "2025"]
    plt.close(fig)
