"""Bad input gets one clear reason naming the file; the other inputs still go through."""
import json
import subprocess
import sys

from conftest import ROOT
from pipeline.ingest.files import ingest_file

GOOD = ROOT / "corpus" / "raw" / "003_9b1384a9c2849d8b.txt"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path):
    assert ingest_file(write(tmp_path, "empty.html", b"")).error == "empty file"
    assert ingest_file(write(tmp_path, "blank.txt", b"  \n\r\n")).error == "empty file"


def test_binary_file(tmp_path):
    result = ingest_file(write(tmp_path, "picture.html", PNG * 20))
    assert result.error == "binary content, not text or HTML" and not result.records


def test_undecodable_bytes(tmp_path):
    data = bytes(range(0x80, 0x100)) * 40  # high bytes only: no encoding yields text with few errors
    result = ingest_file(write(tmp_path, "garbage.txt", data))
    assert result.error and "undecodable" in result.error


def test_huge_page_is_refused_with_its_size(tmp_path):
    page = b"<html><body><p>" + "社区治理".encode() * (30 * 2**20 // 12) + b"</p></body></html>"
    result = ingest_file(write(tmp_path, "huge.html", page))
    assert result.error.startswith("file too large (30.0 MiB > 20 MiB limit")


def test_nothing_extractable(tmp_path):
    result = ingest_file(write(tmp_path, "shell.html", b"<html><head></head><body><div></div></body></html>"))
    assert result.error == "nothing extractable: no title, abstract or body text found"


def test_truncated_html_keeps_what_it_has_and_warns(tmp_path):
    page = ("<html><head><title>韧性社区建设研究</title></head><body><div><p>"
            + "韧性社区建设需要多元主体协同参与，形成共建共治共享的治理格局。" * 20).encode()
    result = ingest_file(write(tmp_path, "cut.html", page))
    assert result.error is None
    assert result.records[0].title_zh == "韧性社区建设研究"
    assert "协同参与" in result.records[0].body
    assert result.warnings and "truncated HTML" in result.warnings[0]


def test_record_lines_keep_ids_and_report_bad_lines(tmp_path):
    lines = [json.dumps({"id": "mine-1", "title_zh": "黨建引領", "year": "2020"}, ensure_ascii=False), "{oops",
             json.dumps({"foo": 1})]
    result = ingest_file(write(tmp_path, "records.jsonl", "\n".join(lines).encode()))
    assert [r.id for r in result.records] == ["mine-1"]
    assert result.records[0].title_zh == "党建引领" and result.records[0].year == 2020
    assert result.warnings[0].startswith("line 2: not JSON") and result.warnings[1].startswith("line 3: not a record")


def test_cli_names_the_file_and_line_of_each_bad_json_line(tmp_path, capsys):
    import pipeline.cli.main as cli

    path = write(tmp_path, "records.jsonl", '{"title_zh": "韧性社区"}\n{"title_zh": \n'.encode())
    assert cli.main(["ingest", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"{path}: warning: line 2: not JSON (Expecting value)\n"
    assert [json.loads(line)["title_zh"] for line in captured.out.splitlines()] == ["韧性社区"]
    write(tmp_path, "records.jsonl", b"{oops\n[]\n")
    assert cli.main(["ingest", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}: no records: no line holds a JSON object (line 1: not JSON")


def test_cli_reports_each_bad_file_and_goes_on(tmp_path):
    bad = [write(tmp_path, "empty.html", b""), write(tmp_path, "image.txt", PNG * 20)]
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(tmp_path), str(GOOD)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 1
    errors = run.stderr.strip().splitlines()
    assert errors == [f"{bad[0]}: empty file", f"{bad[1]}: binary content, not text or HTML"]
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["title_zh"] for r in records] == ["协作型共治下的超大社区治理之道"]
