"""documents.parquet, the build's columnar copy of documents.jsonl (issue 18): load_corpus reads it and
gets the very DataFrame the JSON Lines give; a corpus without it (built before it existed, or written by
other tools) still loads, from the JSON Lines."""
import json
import shutil

import pandas as pd
import pyarrow.parquet as pq

from conftest import EXTERNAL, ROOT, need
from pipeline.analysis.corpus import _read_json_lines, load_corpus
from pipeline.build import documents_table
from pipeline.build.build import build
from pipeline.build.layout import corpus_files

CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"


def _real_raw(tmp_path, csl_rows: int = 300):
    """The project's real pages, CSL records with author keywords, and a second copy of some of them
    under other ids (so that duplicates are merged: merged_ids, several sources)."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    rows = [json.loads(line) for line in open(need(CSL), encoding="utf-8")][:csl_rows]
    records = [{"id": f"csl-{r['id']}", "title_zh": r["title"], "abstract_zh": r["abstract"],
                "keywords_zh": r["keywords"], "authors": ["作者甲"], "year": 2020} for r in rows]
    (raw / "csl.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    copies = [{**r, "id": f"copy-{r['id']}", "doi": None} for r in records[:40]]
    (raw / "copies.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in copies), encoding="utf-8")
    return raw


def test_load_corpus_from_the_columnar_copy_equals_the_json_lines(tmp_path):
    out = tmp_path / "build"
    summary = build(_real_raw(tmp_path), out, jobs=1, progress=False)
    assert summary.merged == 40
    files = corpus_files(out)
    table = pq.read_table(files / "documents.parquet")
    ids = [json.loads(line)["id"] for line in open(files / "documents.jsonl", encoding="utf-8")]
    assert table.column("id").to_pylist() == ids  # same records, same order
    corpus = load_corpus(out)
    expected = _read_json_lines(out, files)
    pd.testing.assert_frame_equal(corpus.docs, expected)
    merged = corpus.docs[corpus.docs["cleaning"].map(lambda c: len(c.get("merged_ids", [])) > 1)]
    assert len(merged) == 40 and all(len(sources) == 2 for sources in merged["sources"])
    assert isinstance(corpus.docs["keywords_zh"].iloc[0], list) and corpus.docs["year"].dtype == "Int64"


def test_a_corpus_without_the_columnar_copy_loads_from_the_json_lines(tmp_path):
    out = tmp_path / "build"
    build(_real_raw(tmp_path, csl_rows=50), out, jobs=1, progress=False)
    with_table = load_corpus(out).docs
    (corpus_files(out) / "documents.parquet").unlink()  # as a corpus built before it existed
    pd.testing.assert_frame_equal(load_corpus(out).docs, with_table)


def test_the_copy_is_byte_identical_across_worker_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(documents_table, "GROUP_ROWS", 150)  # row groups of partitions of both workers
    raw = _real_raw(tmp_path, csl_rows=400)
    build(raw, tmp_path / "one", jobs=1, progress=False)
    build(raw, tmp_path / "two", jobs=2, progress=False)
    assert pq.ParquetFile(tmp_path / "two" / "documents.parquet").num_row_groups > 1
    assert (tmp_path / "one" / "documents.parquet").read_bytes() == (tmp_path / "two" / "documents.parquet").read_bytes()


def test_the_nssf_corpus_loads_from_its_copy_as_from_its_lines(nssf_corpus):
    corpus = load_corpus(nssf_corpus)
    assert len(corpus) == 62_501
    # its partitions' rows gathered into one row group (a reader decodes each group's columns on their own)
    assert pq.ParquetFile(corpus_files(nssf_corpus) / "documents.parquet").num_row_groups == 1
    pd.testing.assert_frame_equal(corpus.docs, _read_json_lines(nssf_corpus, corpus_files(nssf_corpus)))


def test_a_corpus_written_by_other_tools_gets_its_copy(tmp_path, monkeypatch):
    """write_documents_table (what bench/trends.py uses): lines with fields left out, as other tools
    write them, load alike from the copy and from the lines (missing text NaN, missing lists [])."""
    import pytest

    from conftest import nssf_titles, write_corpus
    from pipeline.build.documents_table import write_documents_table

    nssf = nssf_titles()
    titles = pd.concat([nssf.head(2500), nssf[nssf["year"].isna()].head(500)])  # projects without a year too
    records = [{"id": f"{i:06d}", "source_kind": "export", "title_zh": title, "year": None if pd.isna(year) else int(year)}
               for i, (title, year) in enumerate(zip(titles["title"], titles["year"]))]
    records[5]["keywords_zh"] = ["社区治理", "韧性"]
    records[6]["cleaning"] = {"merged_ids": ["a", "b"]}
    directory = write_corpus(tmp_path / "corpus", records)
    monkeypatch.setattr(documents_table, "GROUP_ROWS", 1000)
    write_documents_table(directory, part_bytes=50_000)
    assert pq.ParquetFile(directory / "documents.parquet").num_row_groups > 1
    loaded = load_corpus(directory).docs
    pd.testing.assert_frame_equal(loaded, _read_json_lines(directory, directory))
    assert loaded["keywords_zh"].iloc[5] == ["社区治理", "韧性"] and loaded["keywords_zh"].iloc[4] == []
    assert loaded["year"].isna().sum() == titles["year"].isna().sum() > 0
    plain = write_corpus(tmp_path / "plain", records[:5])  # no line with a list field or cleaning
    write_documents_table(plain)
    pd.testing.assert_frame_equal(load_corpus(plain).docs, _read_json_lines(plain, plain))
    (directory / "documents.jsonl").write_text('{"id": "x", "title_zh": "t", "extra": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="fields a record does not have: extra"):
        write_documents_table(directory)

