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


def _cli(*args):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_cli_empty_results_say_why_in_one_line(tmp_path, external, nssf_corpus):
    exports = write_corpus(tmp_path / "exports", _records_of([external / "cnki-exports"]))
    glossary = _cli("glossary", "--corpus", exports, "--min-support", 2)
    assert glossary.returncode == 0 and glossary.stdout == "(no rows)\n"
    assert glossary.stderr.startswith("note: no pair is seen in 2 or more records") and glossary.stderr.count("\n") == 1
    bursts = _cli("bursts", "--corpus", nssf_corpus)
    assert bursts.stdout == "(no rows)\n" and bursts.stderr.startswith("note: no dated document lists an author keyword")
    undated = write_corpus(tmp_path / "undated", [{"id": "a", "title_zh": "社区治理"}, {"id": "b", "title_zh": "韧性"}])
    for command in (["trends", "治理", "--by", "year"], ["keywords", "--by", "year"]):
        out = _cli(*command, "--corpus", undated)
        assert out.stdout == "(no rows)\n" and out.stderr.startswith("note: no document has a year (2 documents)"), command


def test_cli_keywords_per_document(tmp_path):
    records = [{"id": "a", "title_zh": "韧性社区", "abstract_zh": "社区韧性，网格化治理。"}, {"id": "b", "title_zh": "乡村振兴"}]
    out = _cli("keywords", "--corpus", write_corpus(tmp_path / "c", records), "--by", "id", "--top", 1, "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert [line.split(",")[:3] for line in out.stdout.splitlines()[1:]] == [["a", "1", "韧性社区"], ["b", "1", "乡村振兴"]]


def test_cli_topics_infer_names_a_missing_file(tmp_path):
    out = _cli("topics", "infer", tmp_path, tmp_path / "missing.txt")
    assert out.returncode == 2 and out.stderr == f"error: {tmp_path / 'missing.txt'}: no such file\n"


def test_cli_build_reports_failures_on_stderr(tmp_path, external):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "demo.txt").write_bytes((external / "cnki-exports" / "mrhelper" / "demo_cnki_202101.txt").read_bytes())
    (raw / "empty.html").write_bytes(b"")
    out = _cli("build", "--raw", raw, "--out", tmp_path / "build", "--jobs", 1, "-q")
    assert out.returncode == 1
    assert "failures: 1" in out.stdout and "empty.html" not in out.stdout
    (line,) = [line for line in out.stderr.splitlines() if "empty.html" in line]
    assert line.startswith(f"{raw / 'empty.html'}: ")


def test_topics_report_function_survives_its_module_being_imported():
    """Found by the test above: importing pipeline.analysis.topics.report (as report() itself does on its
    first call) replaced the function pipeline.topics.report with the module."""
    import pipeline.analysis.topics.report  # noqa: F401
    from pipeline.analysis import topics

    assert callable(topics.report)
