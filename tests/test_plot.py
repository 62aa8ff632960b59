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
