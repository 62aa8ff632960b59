"""Issue 14, items 8, 9 and 11: empty results say why (attrs["note"]), English hyphens survive the
glossary, bursts leak no numpy warning — on the real data where the findings came from."""
import json
import warnings

import pandas as pd

from conftest import write_corpus
from pipeline.analysis.corpus import load_corpus


def _records_of(paths) -> list[dict]:
    from pipeline.ingest.files import ingest_paths

    return [r.to_dict() for result in ingest_paths(paths) for r in result.records]


def test_glossary_keeps_english_hyphens(tmp_path):
    records = [{"id": f"p{i}", "title_zh": "x", "keywords_zh": ["党建引领", "社区治理"],
                "keywords_en": ["Party-led Leadership", spelling]}
               for i, spelling in enumerate(["community governance", "Community-Governance", "community governance"])]
    glossary = load_corpus(write_corpus(tmp_path / "c", records)).glossary()
    assert glossary.values.tolist() == [["党建引领", "party-led leadership", 3], ["社区治理", "community governance", 3]]


def test_glossary_on_the_real_exports_says_why_it_is_empty(tmp_path, external):
    corpus = load_corpus(write_corpus(tmp_path / "c", _records_of([external / "cnki-exports"])))
    assert len(corpus.glossary(min_support=1)) == 6  # the one record listing both, 6 keywords each
    empty = corpus.glossary(min_support=2)
    assert empty.empty
    assert empty.attrs["note"].startswith("no pair is seen in 2 or more records: 1 record(s) list Chinese and "
                                          "English keywords in equal number, giving 6 pair(s)")


def test_trends_and_keywords_by_year_without_years(tmp_path, external):
    rows = [json.loads(line) for line in open(external / "csl" / "csl_benchmark_joined_dev_test.jsonl",
                                              encoding="utf-8")][:200]
    records = [{"id": r["id"], "title_zh": r["title"], "abstract_zh": r["abstract"]} for r in rows]
    corpus = load_corpus(write_corpus(tmp_path / "csl", records))
    trends = corpus.trends(["模型"], by="year")
    assert trends.empty and trends.attrs["note"].startswith("no document has a year (200 documents)")
    keywords = corpus.keywords(method="tfidf", by="year")
    assert keywords.empty and keywords.attrs["note"] == "no document has a year (200 documents)"
    assert not corpus.trends(["模型"], by="source_kind").empty


def test_default_bursts_on_nssf_say_why_there_are_none(nssf_corpus):
    table = load_corpus(nssf_corpus).bursts()
    assert table.empty and table.attrs["note"].startswith("no dated document lists an author keyword")


def test_bursts_of_an_absent_term_leak_no_numpy_warning(nssf_corpus):
    corpus = load_corpus(nssf_corpus)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = corpus.bursts(["共治", "一个不存在的词语"])
    assert set(table["term"]) == {"共治"}  # 共治 rises from 2014 (see the trend plot); the absent term has none


def test_no_burst_is_explained(tmp_path):
    records = [{"id": f"{y}-{i}", "year": y, "title_zh": "治理" if i < 5 else "x"} for y in range(2010, 2016)
               for i in range(20)]
    table = load_corpus(write_corpus(tmp_path / "c", records)).bursts(["治理"])
    assert table.empty and table.attrs["note"].startswith("none of the 1 series followed has a burst")
    assert isinstance(table, pd.DataFrame)


def test_topic_report_lists_documents_without_an_empty_year():
    """CSL records have no year: the report printed "(; 97%)"."""
    from pipeline.analysis.topics.report import documents_list

    docs = pd.DataFrame({"id": ["a", "b"], "title": ["无年份的论文", "有年份的论文"],
                         "year": pd.array([None, 2020], dtype="Int64"), "proportion": [0.97, 0.5]})
    html = documents_list(docs)
    assert "(97%)" in html and "(2020; 50%)" in html and "(;" not in html
