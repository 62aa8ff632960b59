"""bench/faults: kill -9 a build of the real data at random moments; after each kill the corpus must be
the old one or the new one, whole (issue 13).

The raw corpus is real data from ../shared/data/external: the 131 real pages, the 2,000 CSL abstracts and
`--nssf` NSSF titles as record JSON Lines. It alternates between two states (A: with an extra export of
500 records and one page edited; B: without them), so every build has something to do: ingest, sort,
merge duplicates, segment, switch. Reference corpora of A and B come from clean builds (an incremental
build equals a clean one byte for byte). Then `--kills` times: the raw corpus is switched to the other
state, `python -m pipeline build` starts in its own process group, and the whole group gets SIGKILL after
a random delay drawn over the length of an unkilled build. After each kill, documents.jsonl and
tokens.parquet must equal those of A or of B, the same one, and `load_corpus` must accept them. A last
build without a kill must reach the target state (the dead build's lock and leftovers taken over).
Run: `python bench/faults.py [--kills 20] [--nssf 20000] [--seed 13]`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import EXTERNAL, NSSF_CSV, ROOT, machine, need, nssf_projects, real_pages

sys.path.insert(0, str(ROOT))
PUBLIC = ("documents.jsonl", "tokens.parquet")


def make_raw(raw: Path, nssf_count: int) -> None:
    (raw / "pages").mkdir(parents=True)
    for i, page in enumerate(real_pages()):
        (raw / "pages" / f"{i:03d}{page.suffix}").write_bytes(page.read_bytes())
    csl = [json.loads(line) for line in open(need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"),
                                             encoding="utf-8")]
    records = [{"id": f"csl-{r['id']}", "title_zh": r["title"], "abstract_zh": r["abstract"],
                "keywords_zh": r["keywords"]} for r in csl]
    records += [{"id": f"nssf-{i}", "title_zh": title, "year": year}
                for i, (title, year) in enumerate(nssf_projects(need(NSSF_CSV))[:nssf_count])]
    for start in range(0, len(records), 2000):
        (raw / f"records{start // 2000:03d}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[start:start + 2000]), encoding="utf-8")


def set_state(raw: Path, state: str) -> None:
    """A: an extra export and page 000 edited; B: neither."""
    extra, page = raw / "extra.jsonl", raw / "pages" / "000.html"
    original = page.with_name(".000.original")
    if not original.exists():
        shutil.copy(page, original)
    if state == "A":
        rows = [json.loads(line) for line in open(raw / "records000.jsonl", encoding="utf-8")][:500]
        extra.write_text("".join(json.dumps({**r, "id": "extra-" + r["id"], "title_zh": r["title_zh"] + "（续）"},
                                            ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        page.write_bytes(original.read_bytes() + "<p>编辑过的页面</p>".encode())
    else:
        extra.unlink(missing_ok=True)
        page.write_bytes(original.read_bytes())


def run_build(raw: Path, out: Path, kill_after: float | None = None) -> float:
    """Seconds the build ran (until done, or until killed with its workers)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out", str(out),
                                "--jobs", "2", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return time.perf_counter() - start


def corpus_state(out: Path, references: dict[str, dict[str, bytes]]) -> str:
    """Which reference the corpus in `out` is (A or B), or what is wrong with it."""
    from pipeline.analysis.corpus import load_corpus
    from pipeline.build.layout import corpus_files

    files = corpus_files(out)
    found = {name: (files / name).read_bytes() for name in PUBLIC}
    states = [state for state, ref in references.items() if ref == found]
    if not states:
        parts = {name: [s for s, ref in references.items() if ref[name] == found[name]] for name in PUBLIC}
        return f"MIXED {parts}"
    load_corpus(out)  # raises on parts that disagree
    return states[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--nssf", type=int, default=20000, help="NSSF titles in the corpus")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=ROOT.parent) as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "build"
        make_raw(raw, args.nssf)
        references, seconds = {}, {}
        for state in ("A", "B"):
            set_state(raw, state)
            seconds[state] = run_build(raw, Path(tmp) / f"clean{state}")
            references[state] = {name: (Path(tmp) / f"clean{state}" / name).read_bytes() for name in PUBLIC}
        shutil.copytree(Path(tmp) / "cleanB", out, symlinks=True)  # the starting corpus: B
        incremental = []
        for _ in range(2):  # how long an unkilled incremental build takes, to draw the kill moments over
            for state in ("A", "B"):
                set_state(raw, state)
                incremental.append(run_build(raw, out))
        length = max(incremental)
        outcomes = []
        current = corpus_state(out, references)
        for kill in range(args.kills):
            target = "A" if current == "B" else "B"
            set_state(raw, target)
            moment = rng.uniform(0, length)
            run_build(raw, out, kill_after=moment)
            found = corpus_state(out, references)
            outcomes.append((moment, current, target, found))
            print(f"kill {kill + 1:2d} at {moment:5.1f} s: old {current}, new {target}: corpus is "
                  f"{'the old one' if found == current else 'the new one' if found == target else found}", flush=True)
            current = found if found in ("A", "B") else current
        final_target = "A" if current == "B" else "B"
        set_state(raw, final_target)
        run_build(raw, out)
        final = corpus_state(out, references)
    whole = sum(found in ("A", "B") for *_, found in outcomes)
    old = sum(found == old for _, old, _, found in outcomes)
    documents = references["A"]["documents.jsonl"].count(b"\n")
    print(f"\ncorpus: 131 real pages, 2,000 CSL abstracts, {args.nssf:,} NSSF titles (state A {documents:,} "
          f"records); clean builds A {seconds['A']:.1f} s, B {seconds['B']:.1f} s; incremental builds up to "
          f"{length:.1f} s")
    print(f"{args.kills} kills (SIGKILL to the build and its workers, moments uniform over {length:.1f} s): "
          f"{whole} left a whole corpus ({old} the old one, {whole - old} the new one), "
          f"{args.kills - whole} a mixed or broken one")
    print(f"a build after the last kill reached the new corpus: {final == final_target}")
    print(machine())


if __name__ == "__main__":
    main()
