"""Database exports go through the same ingest and build as pages (detected by content)."""
import json
import shutil
import subprocess
import sys

from conftest import EXTERNAL, ROOT, need
from pipeline.build.build import build

EXPORTS = EXTERNAL / "cnki-exports"
EXPORT_FILES = {"mrhelper/demo_cnki_202101.txt": 20, "mrhelper/demo_wanfang_202101.NET": 20,
                "cnki2citespace/download_1-307.txt": 307}


def test_build_reads_pages_and_every_real_export_file(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    for name in EXPORT_FILES:
        shutil.copy(need(EXPORTS / name), raw / name.replace("/", "_"))
    for net in sorted(need(EXPORTS / "cnki2bibtex").glob("*.net")):
        shutil.copy(net, raw / f"cnki2bibtex_{net.name}")
    summary = build(raw, tmp_path / "build", jobs=1, progress=False)
    assert not summary.failures, summary.failures
    assert summary.kinds["export"] == 20 + 20 + 307 + 55
    # One article is in two of the NoteExpress files: merged into one record listing both sources.
    assert (summary.duplicate_groups, summary.merged, summary.records) == (1, 1, 4 + 402 - 1)
    records = [json.loads(line) for line in (tmp_path / "build" / "documents.jsonl").open(encoding="utf-8")]
    wanfang = [r for r in records if r["source"].endswith("demo_wanfang_202101.NET")]
    assert all(r["title_zh"] and r["year"] for r in wanfang)
    assert any(r["title_en"] and r["abstract_en"] for r in wanfang)
    merged = [r for r in records if len(r["sources"]) > 1]
    assert [(r["title_zh"], sorted(s.rsplit("/", 1)[1] for s in r["sources"])) for r in merged] == [
        ("基于公共行政理念的政府公共关系发展历程探析", ["cnki2bibtex_mixed.net", "cnki2bibtex_withLineBreakInAddress.net"])]


def test_a_table_with_a_mapping_sidecar(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "projects.csv").write_text("编号,课题名称,年份,负责人\n1,黨建引領社區治理研究,2019,张三\n2,韧性城市建设,2021,李四\n",
                                      encoding="utf-8")
    (raw / "projects.csv.map.toml").write_text('[columns]\ntitle_zh = "课题名称"\nyear = "年份"\nauthors = "负责人"\n',
                                               encoding="utf-8")
    build(raw, tmp_path / "build", jobs=1, progress=False)
    records = [json.loads(line) for line in (tmp_path / "build" / "documents.jsonl").open(encoding="utf-8")]
    assert sorted((r["title_zh"], r["year"], r["authors"]) for r in records) == [
        ("党建引领社区治理研究", 2019, ["张三"]), ("韧性城市建设", 2021, ["李四"])]


def test_cli_ingest_with_a_column_mapping(tmp_path):
    table = tmp_path / "list.csv"
    table.write_text("名称,时间\n网格化治理的逻辑,2018-05-01\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(table), "--map", "title_zh=名称",
                          "--map", "year=时间"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert (record["title_zh"], record["year"], record["source_kind"]) == ("网格化治理的逻辑", 2018, "export")
