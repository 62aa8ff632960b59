"""`make corpus`: incremental, atomic, deterministic."""
import json
import os
import shutil

import pyarrow.parquet as pq
import pytest

import pipeline.build.build as build_module
import pipeline.build.merge as merge_module
import pipeline.build.tokens as token_store
from conftest import EXTERNAL, ROOT, need
from pipeline.build.build import build
from pipeline.build.layout import corpus_files


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    return raw


def test_build_writes_sorted_records_and_is_byte_identical(raw, tmp_path):
    out1, out2 = tmp_path / "b1", tmp_path / "b2"
    summary = build(raw, out1, jobs=1, progress=False)
    assert summary.records == 4 and not summary.failures
    assert summary.spam_blocks == 2 and summary.converted_t2s == 1
    lines = (out1 / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [line.split('"id":"')[1].split('"')[0] for line in lines]
    assert ids == sorted(ids) and len(ids) == 4
    build(raw, out2, jobs=2, progress=False)
    assert (out1 / "documents.jsonl").read_bytes() == (out2 / "documents.jsonl").read_bytes()


def test_rebuild_reprocesses_only_changed_inputs(raw, tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    calls = []
    real = build_module.ingest_file
    monkeypatch.setattr(build_module, "ingest_file", lambda p, s=None: calls.append(p.name) or real(p, s))
    written = (out / "documents.jsonl").stat().st_mtime_ns
    for entry in (out / "cache").glob("*.jsonl"):
        entry.write_bytes(b"")  # a no-op rebuild must not even read the cache
    again = build(raw, out, jobs=1, progress=False)
    assert calls == [] and again.reused == 4 and again.records == 4 and again.spam_blocks == 2
    assert (out / "documents.jsonl").stat().st_mtime_ns == written  # a no-op rebuild writes nothing
    build(raw, tmp_path / "fresh", jobs=1, progress=False)  # restore the cache entries emptied above
    for entry in (tmp_path / "fresh" / "cache").glob("*.jsonl"):
        (out / "cache" / entry.name).write_bytes(entry.read_bytes())
    calls.clear()
    target = raw / "001_eee3230f3eb5a9d6.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("李晨曦", "李晨"), encoding="utf-8")
    third = build(raw, out, jobs=1, progress=False)
    assert calls == ["001_eee3230f3eb5a9d6.txt"] and third.reused == 3
    assert '"authors":["李晨"]' in (out / "documents.jsonl").read_text(encoding="utf-8")


def test_failures_are_reported_and_others_go_through(raw, tmp_path):
    (raw / "empty.html").write_bytes(b"")
    summary = build(raw, tmp_path / "build", jobs=1, progress=False)
    assert summary.records == 4
    assert summary.failures == [(str(raw / "empty.html"), "empty file")]
    assert "failures: 1" in summary.report() and "empty.html: empty file" in summary.report()


def test_a_build_killed_half_way_leaves_the_previous_corpus(raw, tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    before = (out / "documents.jsonl").read_bytes()
    (raw / "003_9b1384a9c2849d8b.txt").write_text("新的页面\n" * 5, encoding="utf-8")
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith("documents.jsonl"):
            raise KeyboardInterrupt("killed")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        build(raw, out, jobs=1, progress=False)
    assert (out / "documents.jsonl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_build_killed_during_segmentation_leaves_the_previous_tokens(raw, tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    gen = corpus_files(out)
    before = (gen / "tokens.parquet").read_bytes(), (gen / "token_keys.parquet").read_bytes()
    target = raw / "001_eee3230f3eb5a9d6.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("党建引领", "党建引领下"), encoding="utf-8")
    monkeypatch.setattr(token_store, "PART_BYTES", 4096)  # several partitions: the kill comes after the first
    real = token_store._segment_part
    calls = []

    def killed_after_one(part):
        if calls:
            raise KeyboardInterrupt("killed")
        calls.append(part)
        return real(part)

    monkeypatch.setattr(token_store, "_segment_part", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        build(raw, out, jobs=1, progress=False)
    assert corpus_files(out) == gen and sorted(p.name for p in out.glob("gen-*")) == [gen.name]
    assert ((out / "tokens.parquet").read_bytes(), (gen / "token_keys.parquet").read_bytes()) == before
    assert not [p.name for p in [*out.iterdir(), *(out / "cache").iterdir(), *gen.iterdir()] if hidden(p)]
    monkeypatch.setattr(token_store, "_segment_part", real)
    # A build killed harder (no clean-up) leaves temporary files and its generation; the next build
    # removes them.
    unfinished = out / "gen-000099"
    leftovers = [out / ".documents.jsonl.runs.x1", out / "cache" / ".tokens-parts.x2", unfinished / ".tokens-parts.x"]
    for folder in leftovers:
        folder.mkdir(parents=True)
        (folder / "00000").write_bytes(b"partial")
    (out / "cache" / ".0123-abcd.jsonl.x3.tmp").write_bytes(b"partial")
    assert build(raw, out, jobs=1, progress=False).tokens.segmented == 1  # the next build finishes the job
    gen = corpus_files(out)
    assert sorted(p.name for p in out.glob("gen-*")) == ["gen-000001", "gen-000002"] == ["gen-000001", gen.name]
    assert not [p.name for p in [*out.iterdir(), *(out / "cache").iterdir(), *gen.iterdir()] if hidden(p)]


def hidden(path):
    """A temporary file or folder (the build lock, a dot-name too, stays)."""
    return path.name.startswith(".") and path.name != ".build.lock"


def test_removed_input_leaves_the_corpus(raw, tmp_path):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    (raw / "002_abf699afd1581f9d.txt").unlink()
    summary = build(raw, out, jobs=1, progress=False)
    text = (out / "documents.jsonl").read_text(encoding="utf-8")
    assert summary.records == 3 and "五社联动" not in text.split('"body"')[0] and len(list((out / "cache").glob("*.jsonl"))) == 3


def test_dask_engine_gives_the_same_corpus(raw, tmp_path, monkeypatch):
    for i in range(10):  # enough inputs to spread over the workers
        (raw / f"extra{i}.jsonl").write_text(f'{{"title_zh": "标题{i}", "year": {2000 + i}}}\n', encoding="utf-8")
    monkeypatch.setattr(token_store, "PART_BYTES", 4096)  # several token partitions for the workers too
    local = build(raw, tmp_path / "local", jobs=1, progress=False)
    distributed = build(raw, tmp_path / "dask", jobs=2, progress=False, engine="dask")
    assert local.records == distributed.records == 14
    assert distributed.tokens.segmented == 14
    for name in ("documents.jsonl", "documents.parquet", "tokens.parquet"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    assert pq.ParquetFile(tmp_path / "dask" / "tokens.parquet").num_row_groups > 1


def test_a_new_fetch_sidecar_reprocesses_its_page(raw, tmp_path):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    page = raw / "002_abf699afd1581f9d.txt"
    (raw / (page.name + ".meta.json")).write_text('{"final_url": "https://d.wanfangdata.com.cn/periodical/x"}')
    summary = build(raw, out, jobs=1, progress=False)
    assert summary.reused == 3
    assert '"url":"https://d.wanfangdata.com.cn/periodical/x"' in (out / "documents.jsonl").read_text(encoding="utf-8")


def test_sorted_lines_merges_spilled_runs(tmp_path):
    import random

    lines = [f'{{"id":"{i:05d}","x":{i}}}\n'.encode() for i in range(500)]
    shuffled = lines[:]
    random.Random(7).shuffle(shuffled)
    writer = build_module._SortedLines(tmp_path / "documents.jsonl", run_bytes=1000)  # many small runs
    for line in shuffled:
        writer.extend([line])
    writer.commit()
    writer.discard()
    assert len(writer.runs) > 10
    assert (tmp_path / "documents.jsonl").read_bytes() == b"".join(lines)
    assert [p.name for p in tmp_path.iterdir()] == ["documents.jsonl"]


@pytest.mark.parametrize("run_bytes", [40, 2**20])  # spilled and merged; one run kept in memory
def test_sorted_lines_sort_like_the_ids_whatever_their_script(tmp_path, run_bytes):
    ids = ["b", "a中", "a", "é", "Z", "中文", "a-1", "𠀀", "ab"]
    lines = [f'{{"id":"{i}","x":1}}\n'.encode() for i in ids]
    writer = build_module._SortedLines(tmp_path / "documents.jsonl", run_bytes=run_bytes)
    writer.extend(lines)
    writer.commit()
    writer.discard()
    written = (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in written] == sorted(ids)


def test_duplicates_across_inputs_are_merged_with_provenance(raw, tmp_path):
    seed = (raw / "003_9b1384a9c2849d8b.txt").read_text(encoding="utf-8")
    (raw / "copy_of_003.txt").write_text(seed.replace("主站蜘蛛池模板", "主站蜘蛛池模板 "), encoding="utf-8")
    export = raw / "list.jsonl"
    export.write_text('{"id": "x1", "title_zh": "協作型共治下的超大社區治理之道", "authors": ["陈俊"], "year": 2025,'
                      ' "doi": "10.1234/jnlt.2025.01"}\n', encoding="utf-8")
    summary = build(raw, tmp_path / "build", jobs=1, progress=False)
    assert (summary.duplicate_groups, summary.merged) == (1, 2)
    lines = (tmp_path / "build" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    merged = [json.loads(line) for line in lines if "超大社区" in (json.loads(line)["title_zh"] or "")]
    assert len(lines) == 4 and len(merged) == 1
    assert sorted(merged[0]["sources"]) == sorted(str(p) for p in (raw / "003_9b1384a9c2849d8b.txt",
                                                                  raw / "copy_of_003.txt", export))
    assert merged[0]["doi"] == "10.1234/jnlt.2025.01" and "保洁阿姨的一天" in merged[0]["body"]
    assert merged[0]["id"] == min(merged[0]["cleaning"]["merged_ids"])
    again = build(raw, tmp_path / "build", jobs=1, progress=False)
    assert (again.reused, again.records, again.duplicate_groups, again.merged) == (6, 4, 1, 2)
    unmerged = build(raw, tmp_path / "nodedup", jobs=1, progress=False, dedup=False)
    assert summary.records == 4 and unmerged.records == 6 and unmerged.merged == 0


def test_a_page_saved_twice_gives_its_records_once(raw, tmp_path):
    seed = raw / "002_abf699afd1581f9d.txt"
    for n in range(12):  # enough inputs for the workers; each copy would race for the same cache entry
        (raw / f"zz_copy{n:02d}.txt").write_bytes(seed.read_bytes())
    one = build(raw, tmp_path / "one", jobs=1, progress=False, dedup=False)
    two = build(raw, tmp_path / "two", jobs=2, progress=False, dedup=False)
    assert one.records == two.records == 4
    assert (str(raw / "zz_copy03.txt"), f"same content as {seed}: not added again") in one.warnings
    assert (tmp_path / "one" / "documents.jsonl").read_bytes() == (tmp_path / "two" / "documents.jsonl").read_bytes()
    assert f'"source":"{seed}"' in (tmp_path / "two" / "documents.jsonl").read_text(encoding="utf-8")
    again = build(raw, tmp_path / "two", jobs=2, progress=False, dedup=False)  # a no-op rebuild says the same
    assert again.records == 4 and again.warnings == one.warnings


def test_keywords_of_merged_away_duplicates_stay_protected_everywhere(tmp_path):
    from pipeline.build.tokens import corpus_segmenter

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.jsonl").write_text('{"id": "x1", "title_zh": "协同赋能体推动社区治理", "doi": "10.1/x", "keywords_zh": '
                                 '["社区治理"]}\n', encoding="utf-8")
    (raw / "b.jsonl").write_text('{"id": "x2", "title_zh": "协同赋能体推动社区治理", "doi": "10.1/x", "keywords_zh": '
                                 '["协同赋能体"]}\n', encoding="utf-8")
    out = tmp_path / "build"
    summary = build(raw, out, jobs=1, progress=False)
    assert summary.merged == 1 and "协同赋能体" not in (out / "documents.jsonl").read_text(encoding="utf-8").split(
        '"keywords_zh"')[1].split("]")[0]  # the merged record kept the first member's keywords
    built = pq.read_table(out / "tokens.parquet").to_pydict()["tokens_zh"][0]
    assert "协同赋能体" in built
    assert "协同赋能体" in corpus_segmenter(out).tokens_zh("推进协同赋能体建设")  # what `pipeline segment` uses


def test_duplicate_merging_in_worker_partitions_equals_one_process(tmp_path, monkeypatch):
    """Match keys are computed by the workers, a partition of documents.jsonl each; the groups and the
    merged corpus must not depend on how the file was cut or how many workers there were."""
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [{"id": f"r{i:03d}", "title_zh": f"党建引领社区治理的第{i % 40}种路径研究", "authors": [f"作者{i % 40}"],
             "year": 2020 + i % 40 // 20} for i in range(120)]  # each title three times: 40 groups of 3
    for n in range(4):
        (raw / f"part{n}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[n::4]),
                                           encoding="utf-8")
    whole = build(raw, tmp_path / "whole", jobs=1, progress=False)
    monkeypatch.setattr(merge_module, "PART_BYTES", 2000)  # many partitions, spread over 2 workers
    monkeypatch.setattr(merge_module, "GROUPS_PER_TASK", 7)  # and several merge tasks
    parts = build(raw, tmp_path / "parts", jobs=2, progress=False)
    assert (whole.duplicate_groups, whole.merged, whole.records) == (parts.duplicate_groups, parts.merged,
                                                                    parts.records) == (40, 80, 40)
    assert (tmp_path / "whole" / "documents.jsonl").read_bytes() == (tmp_path / "parts" / "documents.jsonl").read_bytes()


def test_documents_the_term_mining_segmented_keep_its_tokens(tmp_path, monkeypatch):
    """The term mining segments its documents with the build's lexicons and author keywords; the token
    stage takes those tokens for the documents none of the mined terms occurs in and segments the rest
    again. Every document's tokens must still be those of segmenting it afresh with the build's
    segmenter, however the mining and the token stage cut the file (a real CNKI export: 307 records)."""
    from pipeline.record import iter_records
    from pipeline.text import lexicon
    from pipeline.text.segment import record_text_zh

    export = need(EXTERNAL / "cnki-exports" / "cnki2citespace" / "download_1-307.txt")
    raw, out = tmp_path / "raw", tmp_path / "build"
    raw.mkdir()
    (raw / export.name).symlink_to(export)
    monkeypatch.setattr(lexicon, "MINING_PART", 40)  # mining parts and token partitions that straddle
    monkeypatch.setattr(token_store, "PART_BYTES", 30_000)  # each other, spread over 2 workers
    stats = build(raw, out, jobs=2, progress=False).tokens
    spec = json.loads((corpus_files(out) / "segmenter.json").read_text(encoding="utf-8"))
    records = list(iter_records(out / "documents.jsonl"))
    segmenter, _ = token_store._segmenter_from_spec(corpus_files(out) / "segmenter.json", "test")
    mined_terms = set(spec["corpus_terms"])
    without = sum(mined_terms.isdisjoint(segmenter.terms_in(record_text_zh(r))) for r in records)
    assert len(mined_terms) >= 5 and stats.segmented == stats.documents == len(records) > 300
    assert stats.mined == without and 0 < without < len(records)
    afresh = token_store.write_tokens(records, tmp_path / "afresh", keywords=spec["keywords"],
                                      corpus_terms=spec["corpus_terms"])
    assert afresh.mined == 0
    assert (tmp_path / "afresh" / "tokens.parquet").read_bytes() == (out / "tokens.parquet").read_bytes()


@pytest.mark.slow
def test_a_large_table_shows_progress_while_it_is_read(tmp_path, capfd):
    """Issue 14: the 17 MB NSSF CSV took 15-23 s without a sign of life (the bar needed 20 files)."""
    from conftest import NSSF_CSV, need

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "nssf.csv").symlink_to(need(NSSF_CSV))
    build(raw, tmp_path / "out", jobs=1, progress=True, dedup=False)
    err = capfd.readouterr().err
    assert "ingest" in err and "nssf.csv" in err and "16.8M/16.8M" in err
