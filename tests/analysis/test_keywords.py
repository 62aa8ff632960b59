"""Keyword methods: log-odds against a worked example, TF-IDF and TextRank by hand, author keywords, glossary."""
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, write_corpus
from pipeline.analysis.corpus import load_corpus
from pipeline.analysis.glossary import aligned_pairs
from pipeline.analysis.background import Background, candidate_terms, default_background
from pipeline.analysis.keywords import log_odds, pagerank
from test_trends import HAND_RECORDS


def test_log_odds_matches_the_worked_example():
    # Group A says x three times and y once; group B the reverse. Prior: corpus counts (α_x = α_y = 4, α_0 = 8).
    counts = pd.DataFrame({"group": ["A", "A", "B", "B"], "term": ["x", "y", "x", "y"], "count": [3, 1, 1, 3]})
    table = log_odds(counts).set_index(["group", "term"])
    delta = math.log((3 + 4) / (4 + 8 - 3 - 4)) - math.log((1 + 4) / (4 + 8 - 1 - 4))  # ln(7/5) − ln(5/7)
    z = delta / math.sqrt(1 / (3 + 4) + 1 / (1 + 4))
    assert table.loc[("A", "x"), "log_odds"] == pytest.approx(delta)
    assert table.loc[("A", "x"), "z"] == pytest.approx(z) == pytest.approx(1.149271, abs=1e-6)
    assert table.loc[("A", "y"), "z"] == pytest.approx(-z)
    assert table.loc[("B", "y"), "z"] == pytest.approx(z)
    # A weaker prior (α_w = 0.5 · y_w): δ = ln(5/3) − ln(3/5), σ² = 1/5 + 1/3.
    weak = log_odds(counts, prior_scale=0.5).set_index(["group", "term"])
    assert weak.loc[("A", "x"), "z"] == pytest.approx(2 * math.log(5 / 3) / math.sqrt(1 / 5 + 1 / 3))


def tokens_corpus(tmp_path, docs):
    records = [{"id": f"d{i}", "year": year, "title_zh": "".join(tokens)} for i, (year, tokens) in enumerate(docs)]
    tokens = [{"id": f"d{i}", "tokens_zh": tokens, "tokens_en": []} for i, (_, tokens) in enumerate(docs)]
    return load_corpus(write_corpus(tmp_path / "c", records, tokens))


BACKGROUND = Background(documents=1000, frequency={"韧性": 9, "治理": 19, "中国": 100})


def test_tfidf_by_hand_against_the_background(tmp_path):
    records = [{"id": "d1", "title_zh": "韧性", "abstract_zh": "韧性，治理，中国。"}]
    table = load_corpus(write_corpus(tmp_path / "c", records)).keywords(method="tfidf", by="id",
                                                                         background=BACKGROUND)
    # 韧性: once in the title (weight 3) + once in the abstract; 治理 once; 中国 is in 10% of the
    # background's titles (over MAX_BACKGROUND_SHARE): generic, never a keyword.
    assert table["term"].tolist() == ["韧性", "治理"]
    assert table["score"].tolist() == pytest.approx([4 * math.log(1001 / 10), math.log(1001 / 20)])
    assert table["period"].tolist() == ["d1", "d1"]


def test_candidates_are_tokens_and_phrases_within_a_run():
    assert candidate_terms([["社区", "治理", "创新"], ["网格"], ["化"]]) == [
        "社区", "治理", "创新", "社区治理", "治理创新", "社区治理创新", "网格"]


def test_shipped_background_makes_generic_words_weigh_nothing():
    background = default_background()
    assert background.documents == 70501
    for word in ("中国", "发展", "机制"):
        assert background.is_generic(word) and background.idf(word) == 0
    assert 0 < background.idf("治理") < background.idf("社区治理") < background.idf("未见过的术语xyz")


def test_logodds_keywords_pick_what_distinguishes_a_period(tmp_path):
    docs = [(2019, ["社区", "管理"])] * 20 + [(2021, ["社区", "韧性"])] * 20
    top = tokens_corpus(tmp_path, docs).keywords(method="logodds", by="year", top=1)
    assert top[["period", "term"]].values.tolist() == [[2019, "管理"], [2021, "韧性"]]
    # 管理: 20 of 2019's 40 tokens, none of 2021's; prior α = 20 (its corpus count), α_0 = 80.
    expected = (math.log(40 / 80) - math.log(20 / 100)) / math.sqrt(1 / 40 + 1 / 20)
    assert top["z"].tolist() == pytest.approx([expected, expected])


def test_pagerank_without_damping_is_proportional_to_strength():
    # Undirected, aperiodic (a triangle): with no teleporting, the stationary distribution is
    # strength / total strength.
    ranks = pagerank(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([2.0, 1.0, 1.0]), damping=1.0)
    assert ranks == pytest.approx([3 / 8, 3 / 8, 2 / 8], abs=1e-6)


def test_textrank_ranks_the_hub_first(tmp_path):
    records = [{"id": "d1", "year": 2020, "title_zh": "社区、韧性、社区、治理、社区、共治"},
               {"id": "d2", "year": 2020, "title_zh": "网格、社区"}]
    flat = Background(documents=1000, frequency={})  # every word as distinctive: PageRank decides
    table = load_corpus(write_corpus(tmp_path / "c", records)).keywords(method="textrank", by="year", top=3,
                                                                         background=flat)
    assert table["term"].iloc[0] == "社区"
    assert table["rank"].tolist() == [1, 2, 3]


def test_corpus_keywords_against_the_background_on_a_real_export(tmp_path, external):
    """The 307 art-theory records of a CNKI export: without --by, log-odds against the background (was:
    every score 0, terms in alphabetical order); TF-IDF and TextRank lead with the field's terms."""
    from pipeline.ingest.files import ingest_paths

    (result,) = ingest_paths([external / "cnki-exports" / "cnki2citespace" / "download_1-307.txt"])
    corpus = load_corpus(write_corpus(tmp_path / "c", [r.to_dict() for r in result.records]))
    logodds = corpus.keywords(method="logodds", top=10)
    assert logodds["term"].iloc[0] == "艺术学理论" and logodds["score"].iloc[0] > 10
    assert logodds["score"].is_monotonic_decreasing and logodds["score"].iloc[-1] > 2
    for method in ("tfidf", "textrank"):
        assert corpus.keywords(method=method, top=3)["term"].tolist() == ["艺术学理论", "艺术学", "艺术"]


@pytest.mark.slow
def test_nssf_keywords_are_not_generic(nssf_corpus):
    """The issue's words (中国, 我国, 及其, 机制, 新) led TF-IDF and TextRank on the NSSF titles."""
    corpus = load_corpus(nssf_corpus)
    for method in ("tfidf", "textrank"):
        terms = corpus.keywords(method=method, top=20)["term"].tolist()
        assert len(terms) == 20 and not {"中国", "我国", "及其", "机制", "新"} & set(terms), (method, terms)
    by_year = corpus.keywords(method="tfidf", by="year", top=5)
    assert {"一带一路", "新常态"} <= set(by_year[by_year["period"] >= 2015]["term"])


def test_author_keywords_per_period(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "hand", HAND_RECORDS))
    overall = corpus.keywords(method="author", top=1)
    assert overall[["period", "term", "docs"]].values.tolist() == [["all", "社区治理", 2]]
    assert overall["share"].iloc[0] == pytest.approx(2 / 6)
    by_year = corpus.keywords(method="author", by="year", top=10)
    assert sorted(by_year[by_year["period"] == 2020]["term"]) == ["共建共治共享", "城市韧性", "多元共治", "社区治理"]


def test_keywords_work_from_documents_alone(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "hand", HAND_RECORDS))
    assert corpus.tokens is None
    terms = set(corpus.keywords(method="tfidf", top=50)["term"])
    assert any("治理" in t for t in terms) and any("韧性" in t for t in terms)


def test_glossary_aligns_equal_length_keyword_lists(tmp_path):
    assert aligned_pairs(["韧性", "治理"], ["Resilience", "Governance"]) == [("韧性", "resilience"), ("治理", "governance")]
    assert aligned_pairs(["韧性", "治理"], ["resilience"]) == []
    records = [{"id": f"g{i}", "title_zh": "x", "keywords_zh": ["社区治理", "韧性"],
                "keywords_en": ["Community governance", "resilience"]} for i in range(3)]
    records.append({"id": "g9", "title_zh": "x", "keywords_zh": ["社区治理"], "keywords_en": ["community-governance"]})
    records.append({"id": "g8", "title_zh": "x", "keywords_zh": ["社区治理", "韧性"], "keywords_en": ["resilience"]})
    glossary = load_corpus(write_corpus(tmp_path / "g", records)).glossary()
    assert glossary.values.tolist() == [["社区治理", "community governance", 4], ["韧性", "resilience", 3]]
    out = subprocess.run([sys.executable, "-m", "pipeline", "glossary", "--corpus", str(tmp_path / "g"),
                          "--min-support", "4", "--format", "csv"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.splitlines() == ["zh,en,support", "社区治理,community governance,4"]


def test_cli_keywords_and_bursts(tmp_path):
    corpus = write_corpus(tmp_path / "hand", HAND_RECORDS)
    out = subprocess.run([sys.executable, "-m", "pipeline", "keywords", "--corpus", str(corpus), "--method", "author",
                          "--by", "year", "--top", "1", "--format", "csv"], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.splitlines() == ["period,rank,term,score,docs,share",
                                       "2018,1,党建引领,1,1,0.5", "2020,1,共建共治共享,1,1,0.3333333333333333"]
    bursts = subprocess.run([sys.executable, "-m", "pipeline", "bursts", "共治", "--corpus", str(corpus),
                             "--format", "json"], capture_output=True, text=True, check=True, cwd=ROOT)
    # 共治: 0 of 2 documents in 2018, 3 of 3 in 2020; p0 = 3/5, p1 = 2·p0 capped just below 1.
    (burst,) = json.loads(bursts.stdout)
    assert (burst["term"], burst["begin"], burst["end"]) == ("共治", 2020, 2020)
    assert burst["strength"] == pytest.approx(3 * math.log(1 / 0.6), rel=1e-6)
