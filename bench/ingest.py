"""bench/ingest: pages per second of our ingest against `trafilatura.extract` alone, same pages, same run.

Both sides start from the file's bytes: ours reads, decodes, cleans, detects the kind, extracts every
field and normalizes; the baseline decodes (same decoder) and runs trafilatura.extract.
"""
from __future__ import annotations

import subprocess
import sys
import time

from common import ROOT, machine, median_seconds, real_pages

from pipeline.decode import decode_bytes
from pipeline.ingest import ingest_file


def main() -> None:
    import trafilatura

    pages = real_pages()
    raws = [p.read_bytes() for p in pages]
    ours = median_seconds(lambda: [ingest_file(p) for p in pages])
    baseline = median_seconds(lambda: [trafilatura.extract(decode_bytes(r)[0]) for r in raws])
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "ingest", *map(str, pages)], cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    cli = time.perf_counter() - start
    n = len(pages)
    print(f"## Ingest speed ({machine()})")
    print(f"{n} real pages; medians of 3 runs")
    print(f"- pipeline ingest (library):   {n / ours:6.1f} pages/s")
    print(f"- trafilatura.extract alone:   {n / baseline:6.1f} pages/s")
    print(f"- ratio ours / trafilatura:    {baseline / ours:6.2f}x")
    print(f"- `python -m pipeline ingest` (one run, incl. start-up): {n / cli:6.1f} pages/s")


if __name__ == "__main__":
    main()
