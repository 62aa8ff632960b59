"""bench/ingest: pages per second of our ingest against `trafilatura.extract` alone, same pages, same run.

Both sides start from the file's bytes: ours reads, decodes, cleans, detects the kind, extracts every
field and normalizes; the baseline decodes (same decoder) and runs trafilatura.extract.
"""
from __future__ import annotations

import subprocess
import sys
import time

from common import EXTERNAL, ROOT, machine, median_seconds, real_pages

from pipeline.ingest.decode import decode_bytes
from pipeline.ingest.evaluate import char_f1
from pipeline.ingest.files import ingest_file
from pipeline.text.normalize import normalize_text


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
    # Accuracy: body of the whole ingest against the hand-made text (normalized like the corpus).
    labelled = [p for p in pages if (EXTERNAL / "chinese-web-content-extraction" / "cleaned" / f"{p.stem}.txt").exists()]
    ours_f1, theirs_f1 = [], []
    for page in labelled:
        truth = normalize_text((EXTERNAL / "chinese-web-content-extraction" / "cleaned" / f"{page.stem}.txt")
                               .read_text(encoding="utf-8"))
        result = ingest_file(page)
        ours_f1.append(char_f1(result.records[0].body if result.records else "", truth))
        baseline_text = trafilatura.extract(decode_bytes(page.read_bytes())[0]) or ""
        theirs_f1.append(char_f1(normalize_text(baseline_text) or "", truth))
    print(f"- body F1 on {len(labelled)} hand-labelled pages: ours {sum(ours_f1) / len(ours_f1):.3f}, "
          f"trafilatura {sum(theirs_f1) / len(theirs_f1):.3f} (both normalized like the corpus)")


if __name__ == "__main__":
    main()
