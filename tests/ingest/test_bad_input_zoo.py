"""The bad-input zoo of issue 13: every case gets one line naming the file and the reason, the other
inputs go through, and the exit code says some failed. Each case failed (crash, hang or silent loss)
before."""
import errno
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from pipeline.build.build import build
from pipeline.ingest.files import ingest_file

GOOD = ROOT / "corpus" / "raw" / "003_9b1384a9c2849d8b.txt"
PAGE = ("<html><head><title>韧性社区建设研究</title></head><body><div><p>"
        + "韧性社区建设需要多元主体协同参与，形成共建共治共享的治理格局。" * 20 + "</p></div></body></html>")


def xlsx_bytes(tmp_path) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["题名", "年"])
    book.active.append(["韧性社区建设研究", 2020])
    book.save(tmp_path / "book.xlsx")
    return (tmp_path / "book.xlsx").read_bytes()


def zoo(raw, tmp_path) -> dict[str, tuple[str, str]]:
    """Bad inputs under `raw`: name → (failure or warning, what its line says, …)."""
    def write(name, data):
        (raw / name).write_bytes(data if isinstance(data, bytes) else data.encode())

    write("hex.html", PAGE.replace("<head>", '<head><meta charset="hex">'))
    write("idna.html", PAGE.replace("<head>", '<head><meta charset="idna">').encode("utf-8")[:-30] + b"\xff</html>")
    write("fetched.html", PAGE.encode("gbk"))
    write("fetched.html.meta.json", '{"charset": "hex", "final_url": 5}')
    write("listed.html", PAGE)
    write("listed.html.meta.json", "[1, 2]")
    write("surrogate.jsonl", '{"title_zh": "韧性\\ud800社区"}\n')
    write("authors.jsonl", '{"title_zh": "韧性社区一", "authors": 5}\n')
    write("keywords.jsonl", '{"title_zh": "韧性社区二", "keywords_zh": true}\n')
    write("cleaning.jsonl", '{"title_zh": "韧性社区三", "cleaning": "abc"}\n')
    write("title.jsonl", '{"title_zh": {"text": "韧性社区"}, "body": "社区治理的正文"}\n')
    write("long.csv", "题名,摘要\n韧性社区四," + "长" * 200_000 + "\n")
    write("cut.xlsx", xlsx_bytes(tmp_path)[:1500])
    write("control.html", PAGE.replace("协同参与", "协同\x01参与\x0b", 1).replace("<title>", "<title>\x1f"))
    write("table.csv", "题名,年\n韧性社区五,2020\n")
    write("table.csv.map.toml", "[columns]\ntitle_zh = 5\n")
    write("unreadable.txt", GOOD.read_bytes())
    os.symlink("/dev/zero", raw / "device.txt")
    os.mkfifo(raw / "fifo.txt")
    os.symlink("missing.txt", raw / "dangling.txt")
    os.symlink("loop-b.txt", raw / "loop-a.txt")
    os.symlink("loop-a.txt", raw / "loop-b.txt")
    (raw / "sub").mkdir()
    os.symlink("..", raw / "sub" / "up")
    write("renamed.html", b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"stream " * 300)
    write("chart.txt", '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><title>图</title></svg>')
    (raw / os.fsdecode(b"name-\xff.txt")).write_bytes(GOOD.read_bytes().replace("超大".encode(), "特大".encode()))
    return {
        "hex.html": ("warning", "<meta> charset 'hex' is not a usable text encoding: ignored"),
        "idna.html": ("warning", "<meta> charset 'idna' is not a usable text encoding: ignored",
                      "1 undecodable byte sequence(s) replaced by U+FFFD (read as utf-8)"),
        "fetched.html": ("warning", "sidecar fetched.html.meta.json: final_url ignored (number where a string is expected)",
                         "HTTP charset 'hex' is not a usable text encoding: ignored"),
        "listed.html": ("warning", "sidecar listed.html.meta.json ignored: not a JSON object"),
        "surrogate.jsonl": ("warning", "1 control character(s) or lone surrogate(s) removed"),
        "authors.jsonl": ("warning", "line 1: field authors ignored: number where a list of strings is expected"),
        "keywords.jsonl": ("warning", "line 1: field keywords_zh ignored: boolean where a list of strings is expected"),
        "cleaning.jsonl": ("warning", "line 1: field cleaning ignored: string where an object is expected"),
        "title.jsonl": ("warning", "line 1: field title_zh ignored: object where a string is expected"),
        "cut.xlsx": ("failure", "unreadable Excel workbook: File is not a zip file"),
        "control.html": ("warning", "2 control character(s) or lone surrogate(s) removed"),
        "table.csv": ("failure", "columns.title_zh must be text"),
        "unreadable.txt": ("failure", "cannot read file (Permission denied)"),
        "device.txt": ("failure", "not a regular file (a character device)"),
        "fifo.txt": ("failure", "not a regular file (a FIFO (named pipe))"),
        "dangling.txt": ("failure", "dangling symbolic link (to missing.txt, which does not exist)"),
        "loop-a.txt": ("failure", "symbolic link loop"),
        "loop-b.txt": ("failure", "symbolic link loop"),
        "sub/up": ("failure", "a folder link that leads back to a folder being read (a loop): not followed"),
        "renamed.html": ("failure", "a PDF document, not a page or export"),
        "chart.txt": ("failure", "an SVG image, not a page"),
        "name-\\xff.txt": ("failure", "file name is not valid UTF-8 (rename the file)"),
    }


@pytest.fixture
def unreadable(monkeypatch):
    """Tests run as root, who reads any file: a file named unreadable.txt refuses to open instead."""
    real_open = os.open

    def refusing(path, flags, *args, **kwargs):
        if str(path).endswith("unreadable.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)


def test_every_bad_input_of_the_zoo_gets_one_line_and_the_others_go_through(tmp_path, unreadable):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_bytes(GOOD.read_bytes())
    expected = zoo(raw, tmp_path)
    summary = build(raw, tmp_path / "build", jobs=1, progress=False)
    lines = {"failure": summary.failures, "warning": summary.warnings}
    for name, (kind, *reasons) in expected.items():
        mine = [text for source, text in lines[kind] if source == f"{raw}/{name}"]
        assert len(mine) == len(reasons) and all(reason in text for reason, text in zip(reasons, mine)), (name, mine)
    failed = {source for source, _ in summary.failures}
    assert failed == {f"{raw}/{name}" for name, (kind, *_) in expected.items() if kind == "failure"}
    records = [json.loads(line) for line in (tmp_path / "build" / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    titles = {r["title_zh"] for r in records}
    assert {"韧性社区一", "韧性社区二", "韧性社区三", "韧性社区四", "韧性社区建设研究", "协作型共治下的超大社区治理之道"} <= titles
    assert "韧性\ufffd社区" in titles  # the lone surrogate, replaced
    long = next(r for r in records if r["title_zh"] == "韧性社区四")
    assert len(long["abstract_zh"]) == 200_000  # a field longer than the csv module's limit is read whole
    controlled = next(r for r in records if r["source"].endswith("control.html"))
    assert controlled["cleaning"]["control_chars"] == 2 and "协同参与" in controlled["body"]
    assert next(r for r in records if r["source"].endswith("cleaning.jsonl"))["cleaning"] == {"line": 1, "converted_t2s": False}
    assert "failures: 12" in summary.report()


def test_ingest_goes_through_the_zoo_without_blocking_and_exits_1(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    zoo(raw, tmp_path)
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(raw), str(GOOD)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)  # a FIFO used to block here forever
    assert run.returncode == 1
    assert f"{raw}/fifo.txt: not a regular file (a FIFO (named pipe))" in run.stderr.splitlines()
    assert f"{raw}/name-\\xff.txt: file name is not valid UTF-8 (rename the file)" in run.stderr.splitlines()
    assert "Traceback" not in run.stderr
    assert "协作型共治下的超大社区治理之道" in run.stdout


def test_one_stray_byte_costs_a_character_not_the_file(tmp_path, external):
    """Finding 4: cut or damaged UTF-8 exports lost every record."""
    export = external / "cnki-exports" / "mrhelper" / "demo_cnki_202101.txt"
    data = export.read_bytes()
    whole = ingest_file(export)
    for cut in (len(data) // 3, len(data) // 2 + 1, len(data) - 2):
        path = tmp_path / "cut.txt"
        path.write_bytes(data[:cut] + b"\xff" + data[cut:])
        result = ingest_file(path)
        assert result.error is None and len(result.records) == len(whole.records)
        assert any("undecodable byte sequence(s) replaced by U+FFFD (read as utf-8)" in w for w in result.warnings)


def test_a_wrong_http_charset_is_checked_against_the_bytes(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(PAGE.encode("gbk"))
    (tmp_path / "p.html.meta.json").write_text('{"charset": "iso-8859-1"}')
    result = ingest_file(page)
    assert result.records[0].title_zh == "韧性社区建设研究"
    assert result.warnings == ["HTTP charset 'iso-8859-1' does not fit the bytes (they pair up like GBK/Big5): ignored"]
    latin = tmp_path / "latin.html"
    latin.write_bytes("<html><head><title>Résumé of a café study</title></head><body><p>Éléments "
                      "d'une étude sur la coopération des communautés à Zürich.</p></body></html>".encode("latin-1"))
    (tmp_path / "latin.html.meta.json").write_text('{"charset": "iso-8859-1"}')
    assert ingest_file(latin).records[0].title_en == "Résumé of a café study"


def test_truncated_endnote_and_refworks_records_warn(tmp_path):
    endnote = "".join(f"%0 Journal Article\n%A 作者{i}\n%T 韧性社区研究{i}\n%J 社会学研究\n%D 2020\n%W CNKI\n\n" for i in range(3))
    refworks = "".join(f"RT Journal Article\nA1 作者{i}\nT1 韧性社区研究{i}\nJF 社会学研究\nYR 2020\nDS CNKI\n\n" for i in range(3))
    for name, text in (("cut.enw", endnote), ("cut.ref", refworks)):
        path = tmp_path / name
        path.write_text(text[:text.rindex("2020")], encoding="utf-8")
        records = ingest_file(path).records
        assert len(records) == 3
        assert [r.cleaning.get("warnings") for r in records[:2]] == [None, None]
        assert "truncated: the file ends inside this record" in records[2].cleaning["warnings"][0]


def test_an_unclosed_csv_quote_warns_instead_of_gluing_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('题名,年\n"韧性社区一,2020\n韧性社区二,2021\n韧性社区三,2022\n', encoding="utf-8")
    result = ingest_file(path)
    assert [r.title_zh for r in result.records] == ['"韧性社区一', "韧性社区二", "韧性社区三"]
    assert result.warnings == ["line 2: a quote is never closed: the lines from there on are read without quoting"]


def test_what_one_input_may_expand_to_is_capped_and_said(tmp_path):
    """Finding 10: a 13 MB one-line text file became a 4.5-million-character title (4.3 GB peak in a
    build); a page of a million <p> took 0.9 GB in lxml."""
    line = tmp_path / "oneline.txt"
    line.write_text("社区治理韧性党建引领" * 300_000, encoding="utf-8")
    result = ingest_file(line)
    assert len(result.records[0].title_zh) == 2000
    assert (f"record {result.records[0].id}: title_zh cut to its first 2,000 characters (of 3,000,000; "
            "PIPELINE_MAX_FIELD_CHARS)") in result.warnings
    assert result.records[0].cleaning["cut_fields"] == {"title_zh": 3_000_000}
    page = tmp_path / "paragraphs.html"
    page.write_text("<html><body>" + "<p>社区治理</p>" * 300_000 + "</body></html>", encoding="utf-8")
    assert ingest_file(page).error == ("page too large to parse: 600,004 tags, opening and closing "
                                       "(limit 200,000, PIPELINE_MAX_TAGS)")
