"""Kleinberg burst detection against a series with a known burst."""
import math

import pytest

from conftest import write_corpus
from pipeline.analysis.bursts import detect_bursts
from pipeline.analysis.corpus import load_corpus

YEARS = list(range(2000, 2010))
TOTALS = [100] * 10


def test_known_burst_is_found_with_its_strength():
    counts = [5, 5, 5, 30, 30, 30, 5, 5, 5, 5]
    (begin, end, strength), = detect_bursts(YEARS, counts, TOTALS)
    assert (begin, end) == (2003, 2005)
    # p0 = 125/1000, p1 = 2·p0; each burst year saves 30·ln(p1/p0) + 70·ln((1−p1)/(1−p0)).
    p0, p1 = 0.125, 0.25
    saved = 30 * math.log(p1 / p0) + 70 * math.log((1 - p1) / (1 - p0))
    assert strength == pytest.approx(3 * saved)


def test_flat_series_and_short_blips_have_no_burst():
    assert detect_bursts(YEARS, [10] * 10, TOTALS) == []
    # One year at 12 of 100 against a base of 10: the saving is below the cost of entering (ln 10).
    assert detect_bursts(YEARS, [10] * 5 + [12] + [10] * 4, TOTALS) == []


def test_a_higher_gamma_needs_a_stronger_burst():
    counts = [5, 5, 5, 5, 5, 5, 5, 5, 16, 5]
    assert detect_bursts(YEARS, counts, TOTALS, gamma=1.0) != []
    assert detect_bursts(YEARS, counts, TOTALS, gamma=10.0) == []


def test_corpus_bursts_of_author_keywords(tmp_path):
    records = []
    for year in range(2010, 2020):
        for i in range(20):
            keywords = ["社区治理"]
            if year in (2016, 2017) and i < 12 or i == 0:
                keywords.append("网格化管理")
            records.append({"id": f"{year}-{i:02d}", "year": year, "title_zh": "题", "keywords_zh": keywords})
    table = load_corpus(write_corpus(tmp_path / "c", records)).bursts(min_docs=3)
    assert table[["term", "begin", "end"]].values.tolist() == [["网格化管理", 2016, 2017]]
    assert table["strength"].iloc[0] > 10
