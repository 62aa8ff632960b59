"""Issue 14: our keywords against the authors' own, beside jieba's two extractors in the same run
(bench/keywords.py: F1@5 on the CNKI exports and CSL, the answers held out of our segmentation)."""
import pytest

from bench.keywords import CNKI_EXPORTS, CSL, evaluate, f1_at
from conftest import need


def test_f1_at_5():
    assert f1_at(["社区治理", "韧性", "x", "y", "z", "not counted"], ["韧性", "社区治理", "网格"]) == 2 * 0.4 * (2 / 3) / (0.4 + 2 / 3)
    assert f1_at(["Resilience"], ["resilience"]) == 1.0
    assert f1_at([], ["韧性"]) == 0.0


@pytest.mark.slow
def test_our_keywords_beat_both_jieba_baselines_on_real_records():
    need(CNKI_EXPORTS), need(CSL)
    scores = evaluate(csl_limit=600)
    assert scores["cnki"]["documents"] > 300 and scores["csl"]["documents"] == 600
    for source, found in scores.items():
        best_baseline = max(found["jieba extract_tags"], found["jieba textrank"])
        assert found["ours tfidf"] > best_baseline + 0.05, (source, found)
