"""Corpus -> CiteSpace / CSV / RIS -> import again: the same titles, authors, years and keywords."""
import pytest

from conftest import EXTERNAL, need
from pipeline.cli.main import main
from pipeline.ingest.readers import detect_format, read_export, read_export_file
from pipeline.writers import write_export
from pipeline.writers.citespace import write_citespace

EXPORTS = EXTERNAL / "cnki-exports"


@pytest.fixture
def corpus(tmp_path):
    """A built corpus made of real export records: journal papers, theses, newspapers, English papers."""
    records = []
    for name in ("cnki2citespace/download_1-307.txt", "mrhelper/demo_wanfang_202101.NET",
                 "mrhelper/demo_cnki_202101.txt", "cnki2bibtex/CoverAllTest15Entries.net"):
        path = need(EXPORTS / name)
        records += read_export(str(path), path.read_text(encoding="utf-8"))
    records.sort(key=lambda r: r.id)
    (tmp_path / "documents.jsonl").write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")
    return tmp_path, records


def essentials(rec):
    return (rec.title_zh or rec.title_en, rec.authors, rec.year, rec.keywords_zh or rec.keywords_en)


def test_citespace_round_trip(corpus, tmp_path):
    build, records = corpus
    out = tmp_path / "citespace"
    assert main(["export", "--format", "citespace", "--out", str(out), "--corpus", str(build)]) == 0
    (path,) = sorted(out.iterdir())
    assert path.name == f"download_1-{len(records)}.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n")
    assert raw.endswith(b"ER\n\nEF\n")
    text = raw.decode("utf-8")
    assert detect_format(text) == "wos"
    again = read_export(str(path), text)
    assert [essentials(r) for r in again] == [essentials(r) for r in records]
    assert [(r.journal, r.doc_type, r.affiliations) for r in again] == \
        [(r.journal, r.doc_type, r.affiliations) for r in records]
    uts = [line for line in text.splitlines() if line.startswith("UT ")]
    assert len(set(uts)) == len(records)  # CiteSpace drops records with a repeated UT


def test_citespace_files_hold_500_records_each(corpus, tmp_path):
    _, records = corpus
    paths = write_citespace(records * 3, tmp_path / "cs")
    assert [p.name for p in paths] == ["download_1-500.txt", "download_501-1000.txt",
                                       f"download_1001-{len(records) * 3}.txt"]
    assert [p.read_text(encoding="utf-8-sig").count("\nER\n") for p in paths] == [500, 500, len(records) * 3 - 1000]


def test_csv_round_trip(corpus, tmp_path):
    build, records = corpus
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "csv"), "--corpus", str(build)]) == 0
    path = tmp_path / "csv" / "corpus.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,source,source_kind,title_zh")  # Excel reads the BOM
    again = read_export_file(path)
    assert [essentials(r) for r in again] == [essentials(r) for r in records]


def test_ris_round_trip(corpus, tmp_path):
    _, records = corpus
    (path,) = write_export(records, "ris", tmp_path / "ris")
    text = path.read_text(encoding="utf-8")
    assert detect_format(text) == "ris"
    again = read_export(str(path), text)
    assert [essentials(r) for r in again] == [essentials(r) for r in records]
    assert [(r.journal, r.doi, r.pages) for r in again] == [(r.journal, r.doi, r.pages) for r in records]


def test_unknown_writer_format(tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'bib'"):
        write_export([], "bib", tmp_path)


def test_export_without_a_built_corpus_says_so(tmp_path, capsys):
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "out"), "--corpus", str(tmp_path / "none")]) == 2
    assert "no built corpus here" in capsys.readouterr().err
