"""Acceptance on real data (issue 14): the documented commands on the real corpus (tests/acceptance_corpus.py),
run as a user runs them, with results checked against counts made independently from documents.jsonl."""
import io
import json
import subprocess
import sys

import pandas as pd

from conftest import ROOT
from pipeline.analysis.trends import BY
from pipeline.cli.analysis_commands import GROUPS

GENERIC = {"中国", "我国", "及其", "机制", "新", "研究", "问题", "发展", "分析"}


def run(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def csv_out(*args: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(run(*args, "--format", "csv").stdout))


def matches(doc: dict, term: str) -> bool:
    """The independent count: the term in the title, an author keyword or the abstract."""
    return any(term in (text or "") for text in (doc["title_zh"], doc["abstract_zh"], *doc["keywords_zh"]))


def test_trends_shares_match_an_independent_count(real_corpus):
    table = csv_out("trends", "治理", "--corpus", str(real_corpus.build))
    docs = [doc for doc in real_corpus.documents() if doc["year"] is not None]
    years = [doc["year"] for doc in docs]
    assert list(table["period"]) == list(range(min(years), max(years) + 1))  # no year 2989 any more
    assert table["share"].dropna().between(0, 1).all()
    dated = table[table["total"] > 0]
    assert ((dated["ci_low"] <= dated["share"]) & (dated["share"] <= dated["ci_high"])).all()
    for row in table.itertuples():
        in_year = [doc for doc in docs if doc["year"] == row.period]
        assert row.total == len(in_year)
        assert row.docs == sum(matches(doc, "治理") for doc in in_year), row.period
    assert table["docs"].sum() > 50


def test_from_and_to_cut_every_analysis_to_the_years(real_corpus, tmp_path):
    whole = csv_out("trends", "治理", "--corpus", str(real_corpus.build))
    cut = csv_out("trends", "治理", "--corpus", str(real_corpus.build), "--from", "2005", "--to", "2012")
    assert list(cut["period"]) == list(range(2005, 2013))
    assert cut.set_index("period")["total"].equals(whole.set_index("period").loc[2005:2012, "total"])
    keywords = csv_out("keywords", "--method", "author", "--by", "year", "--corpus", str(real_corpus.build),
                       "--from", "2010", "--to", "2011")
    assert len(keywords) and set(keywords["period"]) <= {2010, 2011}
    bursts = csv_out("bursts", "--corpus", str(real_corpus.build), "--from", "2010", "--to", "2017")
    assert bursts.empty or (bursts["begin"] >= 2010).all() and (bursts["end"] <= 2017).all()
    wrong = subprocess.run([sys.executable, "-m", "pipeline", "trends", "治理", "--corpus", str(real_corpus.build),
                            "--from", "2012", "--to", "2005"], cwd=ROOT, capture_output=True, text=True)
    assert wrong.returncode == 2 and wrong.stderr.startswith("error: ") and len(wrong.stderr.splitlines()) == 1


def test_topics_fit_takes_the_years(real_corpus, tmp_path):
    run("topics", "fit", "--corpus", str(real_corpus.build), "--k", "4", "--passes", "1", "--iterations", "20",
        "--from", "2013", "--to", "2015", "--out", str(tmp_path / "fit"), "-q")
    doc_topics = pd.read_parquet(tmp_path / "fit" / "doc_topics.parquet")
    in_years = {doc["id"] for doc in real_corpus.documents() if doc["year"] in (2013, 2014, 2015)}
    assert set(doc_topics["id"]) == in_years


def test_topic_fit_on_a_mixed_year_real_corpus(real_loaded):
    from pipeline.analysis import topics

    assert real_loaded.docs["year"].isna().any() and real_loaded.docs["year"].notna().any()
    result = topics.fit(real_loaded, k=4, options=topics.Options(passes=1, iterations=20))
    assert len(result.doc_topics) == len(real_loaded)
    dated = set(real_loaded.docs["year"].dropna().astype(int))
    assert set(result.prevalence["year"].dropna().astype(int)) <= dated


def test_group_by_discipline(real_corpus):
    """Issue 14 item 12: --by classification groups by NSSF discipline (and CSL's)."""
    assert GROUPS == list(BY)
    table = csv_out("trends", "治理", "--by", "classification", "--corpus", str(real_corpus.build))
    counts = {}
    for doc in real_corpus.documents():
        for label in doc["classification"] or ["(none)"]:
            counts[label] = counts.get(label, 0) + 1
    assert dict(zip(table["period"], table["total"])) == counts
    assert counts["社会学"] >= 100


def test_keywords_are_not_empty(real_corpus):
    for method in ("tfidf", "textrank", "author"):
        table = csv_out("keywords", "--method", method, "--top", "20", "--corpus", str(real_corpus.build))
        assert len(table) == 20 and table["term"].notna().all(), method


def test_keywords_are_not_generic(real_corpus):
    """Issue 14 item 4: tfidf and textrank returned 中国, 我国, 及其, 机制, 新."""
    for method in ("tfidf", "textrank"):
        table = csv_out("keywords", "--method", method, "--top", "20", "--corpus", str(real_corpus.build))
        assert not GENERIC & set(table["term"]), method


def test_network_glossary_export_and_duplicates(real_corpus, tmp_path):
    build = str(real_corpus.build)
    nodes = csv_out("network", "--top", "50", "--corpus", build)
    assert 0 < len(nodes) <= 50
    glossary = csv_out("glossary", "--corpus", build)
    assert len(glossary) >= 10 and glossary["zh"].str.contains(r"[\u4e00-\u9fff]").all()
    run("export", "--format", "csv", "--out", str(tmp_path / "csv"), "--corpus", build)
    exported = pd.read_csv(tmp_path / "csv" / "corpus.csv", encoding="utf-8-sig")
    assert len(exported) == len(real_corpus.documents())
    listed = run("duplicates", "--format", "json", "--corpus", build).stdout.splitlines()
    merged = [doc for doc in real_corpus.documents() if doc["cleaning"].get("merged_ids")]
    assert len([json.loads(line) for line in listed]) >= len(merged) > 0
