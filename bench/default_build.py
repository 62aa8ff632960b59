"""bench/default_build: the build as users run it, duplicate merging on (issue 18).

Corpora from the real data in ../shared/data/external (bench/build.make_corpus): the 131 real pages, the
2,000 CSL abstracts and the 62,501 NSSF titles as record JSON Lines, about 22 MB and 64,632 records a copy;
copies beyond the first get titles of their own (`distinct_titles`), so merging finds in each copy what
it finds in the real data (the NSSF titles repeat: about 4,400 records merged a copy) and not the copies
of each other. Measured:
- mixed 1x (one copy) and mixed 9x (about 200 MB): `--jobs 1` and `--jobs 2`, the speedup;
- text-only 1x (the records alone, 8 MB): MB/s per core of the build (input bytes over the CPU seconds
  of the build process and its workers) beside the ceiling measured in the same run: the per-document
  stages alone, in one process, on the same records (JSON parsing, normalization with t2s, segmentation
  with the build's lexicon and the corpus's author keywords).
Every build runs in a fresh process; the kinds of run alternate within each round (so a noisy stretch
of a shared machine hits them alike); the fastest of `--rounds` is quoted, with the load average.
Run: `python bench/default_build.py [--rounds R] [--scale N]` (about 15 minutes on 2 idle cores).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import make_corpus  # noqa: E402
from common import ROOT, machine  # noqa: E402

BUILD = """
import resource, sys, time
from pipeline.build.build import build
wall, cpu = time.perf_counter(), time.process_time()
summary = build(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]), progress=False)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, cpu, children.ru_utime + children.ru_stime, summary.records, summary.merged + summary.duplicate_groups)
"""

CEILING = """
import json, sys, time
from pathlib import Path
from pipeline.record import Record
from pipeline.text.normalize import normalize_record
from pipeline.text.segment import get_segmenter
from pipeline.text.wordlists import DEFAULT_LEXICON
files = sorted(Path(sys.argv[1]).rglob("*.jsonl"))
keywords = {k for f in files for line in open(f, encoding="utf-8") for k in json.loads(line).get("keywords_zh", [])}
segmenter = get_segmenter(DEFAULT_LEXICON, keywords)  # built before the clock starts, as the build's is
cpu = time.process_time()
for f in files:
    for line in open(f, encoding="utf-8"):
        record = Record.from_dict(json.loads(line))
        normalize_record(record)
        segmenter.segment_record(record)
print(time.process_time() - cpu)
"""


def run(script: str, *args) -> list[float]:
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return [float(x) for x in done.stdout.split()]


def build_once(raw: Path, out: Path, jobs: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    wall, cpu, children, records, merged = run(BUILD, raw, out, jobs)
    return {"wall": wall, "cpu": cpu + children, "parent": cpu, "records": int(records), "merged": int(merged)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale", type=int, default=9, help="copies in the large corpus")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-default-build-"))
    try:
        corpora = {"mixed 1x": work / "mixed1", "text-only 1x": work / "text1"}
        sizes = {"mixed 1x": make_corpus(corpora["mixed 1x"], 1),
                 "text-only 1x": make_corpus(corpora["text-only 1x"], 1, pages=False)}
        if not args.skip_large:
            name = f"mixed {args.scale}x"
            corpora[name] = work / "large"
            sizes[name] = make_corpus(corpora[name], args.scale, distinct_titles=True)
        runs: dict = {(name, jobs): [] for name in corpora for jobs in (1, 2)}
        ceilings = []
        loads = [os.getloadavg()]
        for _ in range(args.rounds):
            for name, raw in corpora.items():
                for jobs in (1, 2):
                    runs[name, jobs].append(build_once(raw, work / "out", jobs))
                if name == "text-only 1x":
                    ceilings.append(run(CEILING, raw)[0])
            loads.append(os.getloadavg())
        print(f"## Default build, duplicate merging on ({machine()}; fastest of {args.rounds} alternating rounds)")
        print("load average (1 min) at the start and after each round: " + ", ".join(f"{load[0]:.1f}" for load in loads))
        for name in corpora:
            one, two = (min(runs[name, jobs], key=lambda r: r["wall"]) for jobs in (1, 2))
            mb = sizes[name] / 1e6
            print(f"- {name}: {mb:.1f} MB, {one['records']} records after merging ({one['merged']} merged)")
            print(f"  --jobs 1 {one['wall']:.1f} s, --jobs 2 {two['wall']:.1f} s: speedup {one['wall'] / two['wall']:.2f}x; "
                  f"CPU s (build + workers) {one['cpu']:.1f} / {two['cpu']:.1f}, of which the parent {two['parent']:.1f} "
                  f"with --jobs 2; {mb / min(r['cpu'] for r in runs[name, 1]):.2f} MB/s per core (--jobs 1 CPU)")
            assert two["records"] == one["records"]
        text_mb = sizes["text-only 1x"] / 1e6
        print(f"- ceiling, text-only 1x (JSON + normalization + t2s + segmentation, 1 process): {min(ceilings):.1f} CPU s, "
              f"{text_mb / min(ceilings):.2f} MB/s per core")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
