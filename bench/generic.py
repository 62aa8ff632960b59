"""Generic main-text extraction: speed and accuracy against trafilatura, measured in the same run.

    .venv/bin/python bench/generic.py [--repeats 3]

Speed: pages/s over the 69 hand-labelled pages plus the 62 GNE news pages (decoding excluded, HTML
parsing included), the median of the repeats. Accuracy: mean character-level F1 on the 69 hand-labelled
pages (bag of non-whitespace characters; per page, then averaged), also per half by file name, and on
the 4 Chinese pages of Mozilla Readability's tests, which were not looked at while writing the rules.
Prints a Markdown section for BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import lxml.html
import trafilatura

from pipeline.decode import decode_bytes
from pipeline.sites.generic import main_text, page_metadata

EXTERNAL = Path(os.environ.get("PIPELINE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "external"
LABELLED = EXTERNAL / "chinese-web-content-extraction"
NEWS = EXTERNAL / "gne-test-pages" / "tests"
HELD_OUT = EXTERNAL / "readability-zh-pages"


def char_f1(predicted: str, expected: str) -> float:
    pred = Counter(ch for ch in predicted if not ch.isspace())
    gold = Counter(ch for ch in expected if not ch.isspace())
    common = sum((pred & gold).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def generic(html: str) -> str:
    return main_text(lxml.html.document_fromstring(html), html)


def generic_with_metadata(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    page_metadata(tree)
    return main_text(tree, html)


EXTRACTORS = {
    "generic main_text (with lxml parse)": generic,
    "generic main_text + page_metadata": generic_with_metadata,
    "trafilatura.extract (default)": lambda html: trafilatura.extract(html) or "",
    "trafilatura.extract (fast=True)": lambda html: trafilatura.extract(html, fast=True) or "",
}


def pages_per_second(extract, pages: list[str], repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for html in pages:
            extract(html)
        rates.append(len(pages) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for path in (LABELLED, NEWS, HELD_OUT):
        if not path.exists():
            sys.exit(f"external data missing: {path}")
    labelled = sorted((LABELLED / "original").glob("*.html"))
    labelled_html = [decode_bytes(p.read_bytes())[0] for p in labelled]
    expected = [(LABELLED / "cleaned" / f"{p.stem}.txt").read_text(encoding="utf-8") for p in labelled]
    news_html = [decode_bytes(p.read_bytes())[0] for p in sorted(NEWS.glob("**/*.html"))]
    all_pages = labelled_html + news_html
    held_out = sorted((HELD_OUT / "input").glob("*.html"))
    held_out_html = [decode_bytes(p.read_bytes())[0] for p in held_out]
    held_out_expected = [lxml.html.fromstring((HELD_OUT / "GoldStandard" / f"{p.stem}.txt").read_text()).text_content()
                         for p in held_out]

    half = len(labelled) // 2
    print("## Generic main-text extraction\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"lxml {lxml.etree.__version__}, trafilatura {trafilatura.__version__}; "
          f"{datetime.date.today().isoformat()}. `bench/generic.py`, median of {args.repeats} repeats over "
          f"{len(all_pages)} pages ({len(labelled)} hand-labelled + {len(news_html)} GNE news pages).\n")
    print("| extractor | pages/s | mean F1 (69 pages) | F1 first half | F1 second half | F1 held-out (4) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, extract in EXTRACTORS.items():
        rate = pages_per_second(extract, all_pages, args.repeats)
        scores = [char_f1(extract(html), gold) for html, gold in zip(labelled_html, expected)]
        held_out_scores = [char_f1(extract(html), gold) for html, gold in zip(held_out_html, held_out_expected)]
        print(f"| {name} | {rate:.0f} | {statistics.mean(scores):.3f} | {statistics.mean(scores[:half]):.3f} | "
              f"{statistics.mean(scores[half:]):.3f} | {statistics.mean(held_out_scores):.3f} |")


if __name__ == "__main__":
    main()
