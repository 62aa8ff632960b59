"""Cleaning speed: remove_hidden and strip_spam on the 131 real pages, against lxml parsing in the same run.

    .venv/bin/python bench/clean.py        (or `make bench`)

Per pass over all pages, the median of the repeats: lxml parsing (the baseline: every HTML ingest pays it
anyway), remove_hidden on the parsed trees, strip_spam on the visible text (the page text without scripts
and style sheets, what an extractor hands on). MB/s are of the pages' HTML as UTF-8; decoding is excluded.
Prints a Markdown section for BENCHMARKS.md.
"""
from __future__ import annotations

import statistics
import time

import lxml.html
from common import machine, real_pages

from pipeline.ingest.clean import is_spam_text, remove_hidden, strip_spam
from pipeline.ingest.decode import decode_bytes

REPEATS = 5


def visible_text(tree) -> str:
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return tree.text_content()


def timed(function, inputs) -> tuple[float, list]:
    start = time.perf_counter()
    outputs = [function(item) for item in inputs]
    return time.perf_counter() - start, outputs


def main() -> None:
    htmls = [decode_bytes(path.read_bytes())[0] for path in real_pages()]
    megabytes = sum(len(h.encode("utf-8")) for h in htmls) / 1e6
    is_spam_text("")  # loads the lexicon outside the timings
    parse, hidden, spam = [], [], []
    for _ in range(REPEATS):
        seconds, trees = timed(lxml.html.document_fromstring, htmls)
        parse.append(seconds)
        seconds, _ = timed(remove_hidden, trees)
        hidden.append(seconds)
        texts = [visible_text(tree) for tree in trees]
        seconds, _ = timed(strip_spam, texts)
        spam.append(seconds)
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    p, h, s = (statistics.median(x) for x in (parse, hidden, spam))
    print(f"## Cleaning (bench/clean.py)\n\n{machine()}; {len(htmls)} real pages, {megabytes:.1f} MB of HTML "
          f"({text_mb:.1f} MB of visible text); median of {REPEATS}.\n")
    print("| pass | seconds | MB/s of HTML |\n|---|---|---|")
    for name, seconds in (("lxml parse (baseline)", p), ("remove_hidden", h), ("strip_spam", s),
                          ("remove_hidden + strip_spam", h + s)):
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.1f} |")
    print(f"\nremove_hidden + strip_spam take {(h + s) / p:.2f}x the time of parsing the same pages.")


if __name__ == "__main__":
    main()
