"""Trend numbers against hand counts (a small corpus built here) and against pandas on the NSSF titles."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, nssf_titles, write_corpus
from pipeline.analysis.concepts import Concept, load_concepts, resolve
from pipeline.analysis.corpus import load_corpus
from pipeline.analysis.trends import wilson_interval

HAND_RECORDS = [
    {"id": "r1", "year": 2018, "source_kind": "cnki", "journal": "社会学研究", "indexing": ["CSSCI"],
     "title_zh": "党建引领社区治理的实践逻辑", "abstract_zh": "以党建引领基层治理创新。",
     "keywords_zh": ["党建引领", "社区治理"], "keywords_en": ["Party-building leadership", "community governance"]},
    {"id": "r2", "year": 2018, "source_kind": "wanfang", "journal": "城市问题", "indexing": ["北大核心"],
     "title_zh": "韧性社区建设路径", "abstract_en": "Community resilience matters.",
     "keywords_zh": ["韧性社区", "应急管理"], "keywords_en": ["resilient community", "emergency management"]},
    {"id": "r3", "year": 2020, "source_kind": "cnki", "journal": "社会学研究", "indexing": ["CSSCI", "北大核心"],
     "title_zh": "多元共治视角下的社区治理", "keywords_zh": ["多元共治", "社区治理"], "keywords_en": []},
    {"id": "r4", "year": 2020, "source_kind": "cnki", "journal": "城市问题", "indexing": [],
     "title_zh": "城市韧性与共建共治共享", "keywords_zh": ["城市韧性", "共建共治共享"],
     "keywords_en": ["urban resilience", "co-construction"]},
    {"id": "r5", "year": None, "source_kind": "generic", "title_zh": "党建引领"},
    {"id": "r6", "year": 2020, "source_kind": "newspaper", "title_en": "Party-led co-governance in Chinese cities",
     "body": "党建引领与韧性"},
]
# Segmented tokens (as tokens.parquet would hold them): r6's come from its body.
HAND_TOKENS = [
    {"id": "r1", "tokens_zh": ["党建", "引领", "社区", "治理", "逻辑"], "tokens_en": []},
    {"id": "r2", "tokens_zh": ["韧性", "社区", "建设", "路径"], "tokens_en": ["resilience"]},
    {"id": "r3", "tokens_zh": ["多元", "共治", "社区", "治理"], "tokens_en": []},
    {"id": "r4", "tokens_zh": ["城市", "韧性", "共建", "共治", "共享", "韧性"], "tokens_en": []},
    {"id": "r5", "tokens_zh": ["党建引领"], "tokens_en": []},
    {"id": "r6", "tokens_zh": ["党建", "引领", "韧性"], "tokens_en": ["party-led"]},
]


@pytest.fixture
def hand(tmp_path):
    return load_corpus(write_corpus(tmp_path / "hand", HAND_RECORDS))


@pytest.fixture
def hand_with_tokens(tmp_path):
    return load_corpus(write_corpus(tmp_path / "tok", HAND_RECORDS, HAND_TOKENS))


def rows(table, concept):
    return table[table["concept"] == concept].set_index("period")


def test_wilson_interval_matches_the_formula_worked_by_hand():
    low, high = wilson_interval([1, 0, 5], [2, 5, 5])
    # 1 of 2: centre 0.5, half-width 1.96·√(0.125 + 0.9604/4)/(1 + 1.9208) = 0.40547
    assert low[0] == pytest.approx(0.094531, abs=1e-6) and high[0] == pytest.approx(0.905469, abs=1e-6)
    # 0 of n: upper bound z²/(n + z²)
    assert low[1] == 0 and high[1] == pytest.approx(3.841459 / (5 + 3.841459), abs=1e-6)
    assert high[2] == 1 and low[2] == pytest.approx(5 / (5 + 3.841459), abs=1e-6)
    assert np.isnan(wilson_interval([0], [0])[0][0])
    assert wilson_interval([0], [3])[0][0] == 0.0 and wilson_interval([3], [3])[1][0] == 1.0  # no 1e-17


def test_yearly_counts_equal_hand_counts_with_empty_years_as_rows(hand):
    table = hand.trends(["党建引领", "韧性", "共治"], by="year")
    assert list(table.columns[:7]) == ["concept", "period", "docs", "total", "share", "ci_low", "ci_high"]
    assert list(rows(table, "韧性").index) == [2018, 2019, 2020]
    # 党建引领: r1 (title, keywords, abstract), r6 ("Party-led" in its English title); r5 has no year.
    assert rows(table, "党建引领")[["docs", "total", "hits"]].values.tolist() == [[1, 2, 3], [0, 0, 0], [1, 3, 1]]
    # 韧性: r2 via 韧性社区, resilient, resilience; r4 via 城市韧性, urban resilience.
    assert rows(table, "韧性")[["docs", "hits", "occurrences"]].values.tolist() == [[1, 3, 4], [0, 0, 0], [1, 2, 3]]
    # 共治: r3 (多元共治), r4 (共建共治共享), r6 (co-governance).
    assert rows(table, "共治")["docs"].tolist() == [0, 0, 3]
    assert rows(table, "共治").loc[2020, "share"] == 1.0
    assert np.isnan(rows(table, "共治").loc[2019, "share"])
    assert table.attrs["unassigned"] == 1  # r5


def test_fields_choose_where_to_match(hand):
    body_only = hand.trends(["党建引领"], fields=["body"])
    assert body_only["docs"].sum() == 1 and rows(body_only, "党建引领").loc[2020, "docs"] == 1
    titles = hand.trends(["韧性"], fields=["title"])
    assert rows(titles, "韧性")["hits"].tolist() == [1, 0, 1]


def test_groupings_by_journal_indexing_and_source_kind(hand):
    journal = rows(hand.trends(["共治"], by="journal"), "共治")
    assert journal[["docs", "total"]].to_dict("index") == {
        "(none)": {"docs": 1, "total": 2}, "城市问题": {"docs": 1, "total": 2}, "社会学研究": {"docs": 1, "total": 2}}
    tiers = rows(hand.trends(["社区治理"], by="indexing"), "社区治理")
    # r1 (CSSCI) and r3 (CSSCI and 北大核心) mention 社区治理; r4, r5, r6 list no tier.
    assert tiers[["docs", "total"]].to_dict("index") == {
        "(none)": {"docs": 0, "total": 3}, "CSSCI": {"docs": 2, "total": 2}, "北大核心": {"docs": 1, "total": 2}}
    kinds = rows(hand.trends(["党建引领"], by="source_kind"), "党建引领")
    assert kinds["docs"].to_dict() == {"cnki": 1, "generic": 1, "newspaper": 1, "wanfang": 0}


def test_per_10k_and_token_matching_use_tokens_parquet(hand, hand_with_tokens):
    assert hand.trends(["韧性"])["per_10k"].isna().all()
    table = rows(hand_with_tokens.trends(["韧性"]), "韧性")
    assert table["tokens"].tolist() == [10, 0, 14]  # 2018: r1 + r2; 2020: r3 + r4 + r6
    # Tokens containing a term: r2 韧性, resilience; r4 韧性 twice; r6 韧性.
    assert table["token_occurrences"].tolist() == [2, 0, 3]
    assert table.loc[2018, "per_10k"] == pytest.approx(2 / 10 * 10_000)
    assert table.loc[2020, "per_10k"] == pytest.approx(3 / 14 * 10_000)
    assert np.isnan(table.loc[2019, "per_10k"])
    # As a field, tokens find 韧性 in r6 (whose body was segmented), 3 tokens in r4.
    with_tokens = rows(hand_with_tokens.trends(["韧性"], fields=["title", "tokens"]), "韧性")
    assert with_tokens.loc[2020, "docs"] == 2 and with_tokens.loc[2020, "occurrences"] == 1 + 2 + 1


def test_english_terms_resolve_to_chinese_concepts(hand):
    concepts = load_concepts()
    assert resolve("resilience", concepts).name == "韧性"
    assert resolve("以党建引领", concepts).name == "党建引领"
    assert resolve("韧性社区", concepts) == Concept.literal("韧性社区")  # a narrower term asked for itself
    # Not in the concept file: the glossary from bilingual keywords pairs it with 应急管理.
    table = hand.trends(["emergency management", "Resilient"])
    assert list(dict.fromkeys(table["concept"])) == ["应急管理", "韧性"]
    assert rows(table, "应急管理")["docs"].tolist() == [1, 0, 0]


def test_literal_terms_and_traditional_input(hand):
    table = hand.trends(["社區治理", "chinese cit*", "co-construction"])
    assert rows(table, "社区治理")["docs"].tolist() == [1, 0, 1]
    assert rows(table, "chinese cit*")["docs"].tolist() == [0, 0, 1]  # r6: "Chinese cities"
    # The glossary pairs it with 共建共治共享 (r4), a narrower term of 共治 asked for itself.
    assert rows(table, "共建共治共享")["docs"].tolist() == [0, 0, 1]


def test_concept_file_beside_the_corpus_is_used(tmp_path):
    (tmp_path / "concepts.toml").write_text('["基层"]\nzh = ["基层", "社区"]\n', encoding="utf-8")
    corpus = load_corpus(write_corpus(tmp_path / "build", HAND_RECORDS))
    table = corpus.trends(["基层", "韧性"])
    assert rows(table, "基层")["docs"].tolist() == [2, 0, 1]  # r1 (基层, 社区), r2 (韧性社区), r3 (社区治理)
    assert rows(table, "韧性")["hits"].tolist() == [2, 0, 2]  # literal now: 韧性 in Chinese text only


def test_bad_concept_file_names_the_file(tmp_path):
    bad = tmp_path / "concepts.toml"
    bad.write_bytes(b"[\xff\xfe")
    with pytest.raises(ValueError, match="concepts.toml"):
        load_concepts(bad)


def test_nssf_yearly_counts_equal_pandas_str_contains(nssf_corpus):
    titles = nssf_titles()
    table = load_corpus(nssf_corpus).trends(["社区治理", "党建"], by="year", fields=["title"])
    years = range(int(titles["year"].min()), int(titles["year"].max()) + 1)
    dated = titles[titles["year"].notna()]
    assert table.attrs["unassigned"] == titles["year"].isna().sum() > 3000
    for term in ["社区治理", "党建"]:
        expected = dated[dated["title"].str.contains(term, regex=False)].groupby("year").size()
        got = rows(table, term)
        assert got["docs"].tolist() == expected.reindex(years, fill_value=0).tolist()
        assert got["total"].tolist() == dated.groupby("year").size().reindex(years, fill_value=0).tolist()
        assert got["docs"].sum() > 50


def test_cli_trends_csv(tmp_path):
    corpus = write_corpus(tmp_path / "c", HAND_RECORDS)
    out = subprocess.run([sys.executable, "-m", "pipeline", "trends", "共治", "韧性", "--corpus", str(corpus),
                          "--format", "csv", "--plot", str(tmp_path / "t.png")],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("concept,period,docs,total,share,ci_low,ci_high")
    assert lines[1].startswith("共治,2018,0,2,0.0,0.0,") and lines[3].startswith("共治,2020,3,3,1.0,")
    assert (tmp_path / "t.png").stat().st_size > 10_000
    as_json = subprocess.run([sys.executable, "-m", "pipeline", "trends", "共治", "--corpus", str(corpus),
                              "--format", "json"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert [row["docs"] for row in json.loads(as_json.stdout)] == [0, 0, 3]
    per_10k = subprocess.run([sys.executable, "-m", "pipeline", "trends", "共治", "--corpus", str(corpus),
                              "--measure", "per_10k"], capture_output=True, text=True, cwd=ROOT)
    assert per_10k.returncode == 2 and "tokens.parquet" in per_10k.stderr


def test_help_shows_the_notebook_api():
    import pydoc

    import pipeline

    text = pydoc.render_doc(pipeline)
    assert "corpus.trends(" in text and "corpus.keywords(" in text and "plot_trends" in text
    assert callable(pipeline.load_corpus) and callable(pipeline.plot_trends)


def test_a_token_counts_when_it_contains_a_term():
    from pipeline.analysis.concepts import TextIndex

    docs = pd.DataFrame({"id": ["a", "b"], "title_zh": ["x", "y"]})
    tokens = pd.DataFrame({"id": ["a", "b"], "tokens_zh": [["韧性治理", "社区"], ["治理"]],
                           "tokens_en": [["resilient", "irresilient"], []]})
    hits = TextIndex(docs, tokens).token_hits(load_concepts()["韧性"])
    assert hits.tolist() == [2, 0]  # 韧性治理 and resilient; not irresilient (whole words)


def test_text_normalization_skips_only_texts_it_would_not_change():
    """Concept matching normalizes field texts (NFKC, lower case) only where the check says they could
    change: on real titles and abstracts (full-width letters, digits and punctuation, Latin words, capitals)
    the result equals both kernels run on every text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from conftest import EXTERNAL, need
    from pipeline.analysis.concepts import _normalized

    csl = [json.loads(line) for line in open(need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"),
                                             encoding="utf-8")][:2000]
    texts = list(nssf_titles()["title"]) + [r["title"] for r in csl] + [r["abstract"] for r in csl] + [None, "", "ＡＢＣ１２３"]
    values = pa.array(texts, pa.large_string())
    normalized = _normalized(values)
    assert normalized.equals(pc.utf8_lower(pc.utf8_normalize(pc.fill_null(values, ""), "NFKC")))
    assert 0 < pc.sum(pc.not_equal(normalized, pc.fill_null(values, ""))).as_py() < len(texts) / 2
