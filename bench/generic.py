"""Generic main-text extraction: speed and accuracy against trafilatura, measured in the same run.

    .venv/bin/python bench/generic.py        (or `make bench`)

Speed: pages/s over the 69 hand-labelled pages plus the 62 GNE news pages (decoding excluded, HTML
parsing included), the median of the repeats. Accuracy: mean character-level F1 on the 69 hand-labelled
pages (bag of non-whitespace characters; per page, then averaged), also per half by file name, and on
the 4 Chinese pages of Mozilla Readability's tests, kept out while the rules were written (see BENCHMARKS.md).
Prints a Markdown section for BENCHMARKS.md.
"""
from __future__ import annotations

import os
import re
import statistics
import time
from pathlib import Path

import lxml.html
import trafilatura
from common import EXTERNAL, machine, need, real_pages

from pipeline.ingest.decode import decode_bytes
from pipeline.ingest.evaluate import char_f1
from pipeline.ingest.sites.generic import main_text, page_metadata

LABELLED = EXTERNAL / "chinese-web-content-extraction"
HELD_OUT = EXTERNAL / "readability-zh-pages"



def generic(html: str) -> str:
    return main_text(lxml.html.document_fromstring(html))


def generic_with_metadata(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    page_metadata(tree)
    return main_text(tree)


EXTRACTORS = {
    "generic main_text (with lxml parse)": generic,
    "generic main_text + page_metadata": generic_with_metadata,
    "trafilatura.extract (default)": lambda html: trafilatura.extract(html) or "",
    "trafilatura.extract (fast=True)": lambda html: trafilatura.extract(html, fast=True) or "",
}
BASELINE = "trafilatura.extract (default)"
REPEATS = 3


def pages_per_second(pages: list[str], repeats: int) -> dict[str, float]:
    """Median pages/s of each extractor; the extractors take turns within each repeat, so that the load
    of a shared machine falls on all of them alike."""
    rates: dict[str, list[float]] = {name: [] for name in EXTRACTORS}
    for _ in range(repeats):
        for name, extract in EXTRACTORS.items():
            start = time.perf_counter()
            for html in pages:
                extract(html)
            rates[name].append(len(pages) / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    labelled = sorted((need(LABELLED) / "original").glob("*.html"))
    labelled_html = [decode_bytes(p.read_bytes())[0] for p in labelled]
    expected = [(LABELLED / "cleaned" / f"{p.stem}.txt").read_text(encoding="utf-8") for p in labelled]
    all_pages = [decode_bytes(p.read_bytes())[0] for p in real_pages()]
    held_out = sorted((need(HELD_OUT) / "input").glob("*.html"))
    held_out_html = [decode_bytes(p.read_bytes())[0] for p in held_out]
    held_out_expected = [lxml.html.fromstring((HELD_OUT / "GoldStandard" / f"{p.stem}.txt").read_text())
                         .text_content() for p in held_out]

    half = len(labelled) // 2
    load = os.getloadavg()[0]
    print("## Generic main-text extraction\n")
    print(f"Machine: {machine()}, lxml {lxml.etree.__version__}, trafilatura {trafilatura.__version__}. "
          f"`bench/generic.py`, median of {REPEATS} repeats over {len(all_pages)} pages "
          f"({len(labelled)} hand-labelled + {len(all_pages) - len(labelled)} GNE news pages); "
          f"load average {load:.1f} at the start.\n")
    print("| extractor | pages/s | × trafilatura | mean F1 (69 pages) | F1 first half | F1 second half "
          "| F1 held-out (4) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rates = pages_per_second(all_pages, REPEATS)
    for name, extract in EXTRACTORS.items():
        rate = rates[name]
        scores = [char_f1(extract(html), gold) for html, gold in zip(labelled_html, expected)]
        held_out_scores = [char_f1(extract(html), gold) for html, gold in zip(held_out_html, held_out_expected)]
        print(f"| {name} | {rate:.0f} | {rate / rates[BASELINE]:.1f} | {statistics.mean(scores):.3f} | "
              f"{statistics.mean(scores[:half]):.3f} | {statistics.mean(scores[half:]):.3f} | "
              f"{statistics.mean(held_out_scores):.3f} |")
    print()
    print(metadata_accuracy(labelled))


def metadata_accuracy(pages: list[Path]) -> str:
    """page_metadata against the hand-labelled dates and authors (where the set knows them)."""
    dates = authors = known_dates = known_authors = 0
    for page in pages:
        meta = page_metadata(lxml.html.document_fromstring(decode_bytes(page.read_bytes())[0]))
        date = (LABELLED / "date" / f"{page.stem}.txt").read_text(encoding="utf-8").strip()
        author = (LABELLED / "author" / f"{page.stem}.txt").read_text(encoding="utf-8").strip()
        if day := re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date):  # one file holds a name instead
            known_dates += 1
            iso = "{:04d}-{:02d}-{:02d}".format(*map(int, day.groups())) if None not in day.groups() else None
            dates += iso is not None and meta["date"] == iso
        if author and author != "UNKNOWN":
            known_authors += 1
            authors += bool(meta["author"]) and "".join(meta["author"].split()) in "".join(author.split())
    return (f"page_metadata on the same 69 pages: date right on {dates} of {known_dates} pages that have one "
            f"(a page with only a year or month never matches), author right on {authors} of {known_authors}.")


if __name__ == "__main__":
    main()
