"""bench/build: the corpus build at scale (issue 8), every figure a ratio measured in the same run.

The corpus is made from real data in ../shared/data/external: the 131 real pages (69 + 62), the 2,000
CSL abstracts and the 62,501 NSSF titles as record JSON Lines (22 MB), each copy made distinct so that it
is a new document. The timed corpus has `--scale` copies (9 by default: about 200 MB, as the issue asks);
the memory comparison builds `--memory-scale` copies (1×) and four times as many (4×). Reported:
- build throughput (`--jobs 1`) against the library ceiling: plain trafilatura + OpenCC + jieba on the
  same inputs in one process;
- speedup of `--jobs 2` over `--jobs 1`;
- a no-op rebuild against the full build;
- peak memory (max RSS of the build process) at 1× and 4× the corpus;
- on the 1× memory corpus: the full build with duplicate merging on (the default; the others leave it
  off), and the build on a Dask LocalCluster of 2 workers, checked byte for byte against the local one.
Full builds, the 2-worker builds and the ceiling run `--repeats` times, interleaved; medians are quoted.
Run: `python bench/build.py [--scale N] [--memory-scale M] [--repeats R]` (about 10 minutes at the defaults
on 2 cores).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import EXTERNAL, NSSF_CSV, ROOT, machine, need, nssf_projects, real_pages

RECORDS_PER_FILE = 2000


def make_corpus(raw: Path, copies: int, pages: bool = True, distinct_titles: bool = False) -> int:
    """Write `copies` distinct copies of the real data under `raw`; returns its size in bytes. Without
    `pages`, only the records (text-only inputs). With `distinct_titles`, the titles of copy k > 0 end in
    `（k）` (a number duplicate merging never matches across), so that merging finds in every copy what
    it finds in the real data, not the copies of each other."""
    raw.mkdir(parents=True)
    pages = real_pages() if pages else []
    csl = [json.loads(line) for line in open(need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"),
                                             encoding="utf-8")]
    nssf = nssf_projects(need(NSSF_CSV))
    for copy in range(copies):
        folder = raw / f"copy{copy}"
        (folder / "pages").mkdir(parents=True)
        mark = f"（{copy}）" if distinct_titles and copy else ""
        for i, page in enumerate(pages):
            (folder / "pages" / f"{i:03d}{page.suffix}").write_bytes(page.read_bytes() + f"<!-- {copy} -->".encode())
        records = [{"id": f"csl-{copy}-{r['id']}", "title_zh": r["title"] + mark, "abstract_zh": r["abstract"],
                    "keywords_zh": r["keywords"]} for r in csl]
        records += [{"id": f"nssf-{copy}-{i}", "title_zh": title + mark, "year": year}
                    for i, (title, year) in enumerate(nssf)]
        for start in range(0, len(records), RECORDS_PER_FILE):
            chunk = records[start:start + RECORDS_PER_FILE]
            (folder / f"records{start // RECORDS_PER_FILE:03d}.jsonl").write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk), encoding="utf-8")
    return sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())


BUILD = """
import resource, sys, time
from pipeline.build.build import build
start = time.perf_counter()
summary = build(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]), progress=False, dedup=sys.argv[4] == "1",
                engine=sys.argv[5])
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, summary.records)
"""


def run_build(raw: Path, out: Path, jobs: int, dedup: bool = False, engine: str = "local",
              fresh: bool = True) -> tuple[float, int, int]:
    """(seconds, peak RSS of the build process in KiB, records) of one `build` in a fresh process, into an
    empty `out` unless not `fresh`. The scaling runs leave dedup off: the replicated copies are exact
    duplicates it would merge."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", BUILD, str(raw), str(out), str(jobs), str(int(dedup)), engine],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, rss, records = done.stdout.split()
    return float(seconds), int(rss), int(records)


def ceiling(raw: Path) -> float:
    """Seconds for the library ceiling on the same inputs: trafilatura + OpenCC t2s + jieba, one process."""
    import jieba
    import opencc
    import trafilatura

    from pipeline.ingest.decode import decode_bytes

    t2s = opencc.OpenCC("t2s")
    jieba.initialize()
    start = time.perf_counter()
    for path in sorted(raw.rglob("*")):
        if path.suffix == ".html" or path.suffix == ".htm":
            text = trafilatura.extract(decode_bytes(path.read_bytes())[0]) or ""
            jieba.lcut(t2s.convert(text))
        elif path.suffix == ".jsonl":
            for line in open(path, encoding="utf-8"):
                r = json.loads(line)
                jieba.lcut(t2s.convert(r.get("title_zh", "") + "\n" + r.get("abstract_zh", "")))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=9, help="copies of the real data in the timed corpus")
    parser.add_argument("--memory-scale", type=int, default=1, help="copies in the 1x corpus of the memory runs")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timed build (medians quoted)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        timed, raw1, raw4 = work / "timed", work / "raw1", work / "raw4"
        size = make_corpus(timed, args.scale)
        size1 = make_corpus(raw1, args.memory_scale)
        size4 = make_corpus(raw4, 4 * args.memory_scale)
        runs1, runs2, bases = [], [], []
        for _ in range(args.repeats):  # interleaved, so that a noisy stretch hits every kind alike
            runs1.append(run_build(timed, work / "t1", jobs=1))
            runs2.append(run_build(timed, work / "t2", jobs=2))
            bases.append(ceiling(timed))
        full1, full2 = statistics.median(r[0] for r in runs1), statistics.median(r[0] for r in runs2)
        base, records = statistics.median(bases), runs1[0][2]
        noop, _, _ = run_build(timed, work / "t1", jobs=1, fresh=False)
        plain, rss1, records1 = run_build(raw1, work / "m1", jobs=1)
        _, rss4, records4 = run_build(raw4, work / "m4", jobs=1)
        with_dedup, _, deduped = run_build(raw1, work / "dedup", jobs=1, dedup=True)
        dask, _, _ = run_build(raw1, work / "dask", jobs=2, engine="dask")
        same = all((work / "dask" / name).read_bytes() == (work / "m1" / name).read_bytes()
                   for name in ("documents.jsonl", "tokens.parquet"))
        print(f"## Build at scale ({machine()}; medians of {args.repeats})")
        print(f"timed corpus: {size / 1e6:.0f} MB, {records} records")
        print(f"- full build --jobs 1: {full1:.1f} s ({size / 1e6 / full1:.2f} MB/s)")
        print(f"- library ceiling (trafilatura + OpenCC + jieba, 1 process): {base:.1f} s "
              f"({size / 1e6 / base:.2f} MB/s)")
        print(f"- throughput ratio build / ceiling: {base / full1:.2f}x")
        print(f"- full build --jobs 2: {full2:.1f} s; speedup over --jobs 1: {full1 / full2:.2f}x")
        print(f"- no-op rebuild: {noop:.2f} s = {100 * noop / full1:.1f}% of the full build")
        print(f"memory corpus: 1x {size1 / 1e6:.0f} MB, {records1} records; 4x {size4 / 1e6:.0f} MB, {records4} records")
        print(f"- peak RSS (--jobs 1): 1x {rss1 / 1024:.0f} MiB, 4x {rss4 / 1024:.0f} MiB; ratio {rss4 / rss1:.2f}")
        print(f"- 1x build --jobs 1 with duplicate merging (the default): {with_dedup:.1f} s against {plain:.1f} s "
              f"without; {records1 - deduped} of {records1} records merged away")
        print(f"- 1x build --engine dask (LocalCluster, 2 workers): {dask:.1f} s; documents.jsonl and tokens.parquet "
              f"{'byte-identical to' if same else 'DIFFERENT from'} the local build's")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
