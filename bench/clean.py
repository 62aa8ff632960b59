"""Speed of the cleaning passes on the 131 real pages in ../shared/data/external.

Run: .venv/bin/python -m bench.clean [--repeat 5]
Times, per pass over all pages (median of the repeats): lxml parsing (the baseline every ingester pays
anyway), remove_hidden on the parsed trees, and strip_spam on the visible text (no scripts or styles).
MB/s are of the pages' HTML as UTF-8.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

import lxml.html

from pipeline.clean import _lexicon, remove_hidden, strip_spam
from pipeline.decode import decode_bytes

EXTERNAL = Path(os.environ.get("PIPELINE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "external"


def pages() -> list[str]:
    paths = (sorted((EXTERNAL / "chinese-web-content-extraction" / "original").glob("*.html"))
             + sorted((EXTERNAL / "gne-test-pages" / "tests").glob("*/*.html")))
    if not paths:
        raise SystemExit(f"no pages under {EXTERNAL}")
    return [decode_bytes(path.read_bytes())[0] for path in paths]


def visible_text(tree) -> str:
    """What an extractor hands to strip_spam: the page text without scripts and style sheets."""
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return tree.text_content()


def timed(function, inputs) -> tuple[float, list]:
    start = time.perf_counter()
    outputs = [function(item) for item in inputs]
    return time.perf_counter() - start, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    htmls = pages()
    megabytes = sum(len(h.encode("utf-8")) for h in htmls) / 1e6
    _lexicon()  # load once, outside the timings
    parse, hidden, spam = [], [], []
    for _ in range(args.repeat):
        seconds, trees = timed(lxml.html.document_fromstring, htmls)
        parse.append(seconds)
        seconds, _ = timed(remove_hidden, trees)
        hidden.append(seconds)
        texts = [visible_text(tree) for tree in trees]
        seconds, _ = timed(strip_spam, texts)
        spam.append(seconds)
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    p, h, s = (statistics.median(x) for x in (parse, hidden, spam))
    print(f"{date.today()} {platform.machine()} {platform.processor() or ''} Python {platform.python_version()}, "
          f"{len(htmls)} pages, {megabytes:.1f} MB HTML ({text_mb:.1f} MB visible text), median of {args.repeat}")
    print(f"lxml parse (baseline)      {p:6.2f} s  {megabytes / p:6.1f} MB/s")
    print(f"remove_hidden              {h:6.2f} s  {megabytes / h:6.1f} MB/s of HTML")
    print(f"strip_spam                 {s:6.2f} s  {megabytes / s:6.1f} MB/s of HTML ({text_mb / s:.1f} MB/s of text)")
    print(f"remove_hidden + strip_spam {h + s:6.2f} s  {megabytes / (h + s):6.1f} MB/s of HTML, "
          f"{(h + s) / p:.2f}x the parse time")


if __name__ == "__main__":
    main()
