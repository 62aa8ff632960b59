"""The corpus as one unit (issue 13, findings 1-3): generations switched at once, a lock per output
directory, incremental builds equal to clean ones, and load_corpus refusing parts that disagree."""
import json
import os
import shutil

import pytest

import pipeline.build.build as build_module
from conftest import ROOT
from pipeline.analysis.corpus import CorpusError, load_corpus
from pipeline.build.build import build
from pipeline.build.layout import corpus_files
from pipeline.build.lock import BuildLocked, build_lock

PUBLIC = ("documents.jsonl", "documents.parquet", "tokens.parquet")


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    return raw


def built(out):
    return {name: (out / name).read_bytes() for name in PUBLIC}


def test_incremental_build_equals_a_clean_build_after_renames_moves_deletions_and_edits(raw, tmp_path):
    out = tmp_path / "incremental"
    build(raw, out, jobs=1, progress=False)
    (raw / "extra.jsonl").write_text('{"id": "e1", "title_zh": "韧性城市", "keywords_zh": ["韧性城市"]}\n'
                                     '{"id": "e2", "title_zh": "基层治理现代化"}\n', encoding="utf-8")
    steps = [
        lambda: (raw / "001_eee3230f3eb5a9d6.txt").rename(raw / "renamed.txt"),
        lambda: (raw / "sub").mkdir() or (raw / "002_abf699afd1581f9d.txt").rename(raw / "sub" / "moved.txt"),
        lambda: (raw / "extra.jsonl").write_text('{"id": "e1", "title_zh": "韧性城市建设"}\n', encoding="utf-8"),
        lambda: (raw / "renamed.txt").unlink(),
        lambda: shutil.copy(raw / "sub" / "moved.txt", raw / "a_copy.txt"),  # the copy now comes first
    ]
    for number, step in enumerate(steps):
        step()
        build(raw, out, jobs=1, progress=False)
        clean = build(raw, tmp_path / f"clean{number}", jobs=1, progress=False)
        assert built(out) == built(tmp_path / f"clean{number}"), f"step {number}"
        assert not clean.failures
    sources = {json.loads(line)["source"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()}
    assert str(raw / "a_copy.txt") in sources and str(raw / "sub" / "moved.txt") not in sources


def test_the_public_names_lead_to_the_current_generation(raw, tmp_path):
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    gen = corpus_files(out)
    assert gen.name == "gen-000001" and os.readlink(out / "current") == "gen-000001"
    for name in (*PUBLIC, "manifest.json"):
        assert os.readlink(out / name) == f"current/{name}" and (out / name).read_bytes() == (gen / name).read_bytes()
    (raw / "001_eee3230f3eb5a9d6.txt").unlink()
    build(raw, out, jobs=1, progress=False)
    assert corpus_files(out).name == "gen-000002" and (out / "gen-000001").is_dir()  # kept for readers until the next build
    assert len(load_corpus(out)) == 3


def test_a_build_killed_between_documents_and_tokens_leaves_the_old_corpus_whole(raw, tmp_path, monkeypatch):
    """Finding 1: documents.jsonl used to be replaced before tokens.parquet; a kill in between left new
    documents with old tokens."""
    out = tmp_path / "build"
    build(raw, out, jobs=1, progress=False)
    before = built(out)
    (raw / "003_9b1384a9c2849d8b.txt").unlink()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(build_module, "write_tokens", killed)
    with pytest.raises(KeyboardInterrupt):
        build(raw, out, jobs=1, progress=False)
    assert built(out) == before and len(load_corpus(out)) == 4
    monkeypatch.undo()
    build(raw, out, jobs=1, progress=False)
    assert len(load_corpus(out)) == 3


def test_load_corpus_refuses_parts_that_disagree(raw, tmp_path):
    out, other = tmp_path / "build", tmp_path / "other"
    build(raw, out, jobs=1, progress=False)
    (raw / "002_abf699afd1581f9d.txt").unlink()
    build(raw, other, jobs=1, progress=False)
    gen = corpus_files(out)
    (gen / "tokens.parquet").unlink()
    shutil.copy(corpus_files(other) / "tokens.parquet", gen / "tokens.parquet")  # tokens of other documents
    with pytest.raises(CorpusError, match="corpus parts disagree: tokens.parquet made from other documents"):
        load_corpus(out)
    shutil.copy(corpus_files(other) / "documents.jsonl", gen / "documents.jsonl.new")
    os.replace(gen / "documents.jsonl.new", gen / "documents.jsonl")  # now the manifest disagrees
    with pytest.raises(CorpusError, match="manifest.json and documents.parquet made from other documents"):
        load_corpus(out)


def test_load_corpus_refuses_a_documents_table_of_other_documents(raw, tmp_path):
    """documents.parquet (the columnar copy load_corpus reads) belongs to its documents.jsonl: one from
    another build is refused, not loaded in its place."""
    out, other = tmp_path / "build", tmp_path / "other"
    build(raw, out, jobs=1, progress=False)
    (raw / "002_abf699afd1581f9d.txt").unlink()
    build(raw, other, jobs=1, progress=False)
    gen = corpus_files(out)
    assert len(load_corpus(out)) == 4
    shutil.copy(corpus_files(other) / "documents.parquet", gen / "documents.parquet.new")
    os.replace(gen / "documents.parquet.new", gen / "documents.parquet")
    with pytest.raises(CorpusError, match="corpus parts disagree: documents.parquet made from other documents"):
        load_corpus(out)


def test_a_second_build_is_refused_naming_the_holder(raw, tmp_path):
    """Finding 2: two builds into one --out used to race (one died with a traceback)."""
    out = tmp_path / "build"
    with build_lock(out):
        with pytest.raises(BuildLocked, match=rf"being built by another build \(pid {os.getpid()} on .+, started "):
            build(raw, out, jobs=1, progress=False)
    assert not build(raw, out, jobs=1, progress=False).failures


def test_a_dead_builds_lock_is_taken_over_and_said(raw, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / ".build.lock").write_text('{"pid": 999999, "host": "elsewhere", "started": "2024-01-01T00:00:00+00:00"}')
    summary = build(raw, out, jobs=1, progress=False)
    assert summary.warnings[0] == (str(out / ".build.lock"), "took over the lock of a build that ended without "
                                   "releasing it (pid 999999 on elsewhere, started 2024-01-01T00:00:00+00:00)")
    assert (out / ".build.lock").read_text() == ""  # released cleanly: nothing for the next build to take over
    assert "took over" not in build(raw, out, jobs=1, progress=False).report()


def test_a_build_waits_for_the_holder_with_wait(raw, tmp_path):
    import threading

    out = tmp_path / "build"
    release = threading.Event()
    held = threading.Event()

    def holder():
        with build_lock(out):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(30)
    waited = []
    real_lock = build_module.build_lock

    def noting(*args, on_wait=None, **kwargs):
        return real_lock(*args, on_wait=lambda message: waited.append(message) or release.set(), **kwargs)

    build_module.build_lock, saved = noting, build_module.build_lock
    try:
        summary = build(raw, out, jobs=1, progress=False, wait=True)
    finally:
        build_module.build_lock = saved
    thread.join()
    assert waited and waited[0].startswith(f"waiting for the build of {out} by pid {os.getpid()}")
    assert summary.records == 4


def test_the_command_line_refuses_a_second_build_in_one_line_exit_2(raw, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "build"
    with build_lock(out):
        run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out", str(out), "-q",
                              "--jobs", "1"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {out} is being built by another build (pid {os.getpid()} on ")
    assert len(run.stderr.splitlines()) == 1 and not (out / "current").exists()
