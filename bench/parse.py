"""bench/parse: HTML parsing with lxml (what the extractors use) against BeautifulSoup (the package the
user first asked for), on the same 131 real pages, same run. Needs the `bench` extra (beautifulsoup4)."""
from __future__ import annotations

from common import machine, median_seconds, real_pages

from pipeline.ingest.decode import decode_bytes


def main() -> None:
    import lxml.html
    from bs4 import BeautifulSoup

    pages = [decode_bytes(p.read_bytes())[0] for p in real_pages()]
    n = len(pages)
    lxml_s = median_seconds(lambda: [lxml.html.document_fromstring(h) for h in pages])
    bs4_lxml_s = median_seconds(lambda: [BeautifulSoup(h, "lxml") for h in pages])
    bs4_py_s = median_seconds(lambda: [BeautifulSoup(h, "html.parser") for h in pages])
    print(f"## HTML parsing ({machine()}), {n} real pages, median of 3")
    print(f"- lxml.html:                    {n / lxml_s:7.1f} pages/s")
    print(f"- BeautifulSoup(lxml):          {n / bs4_lxml_s:7.1f} pages/s ({bs4_lxml_s / lxml_s:.1f}x slower)")
    print(f"- BeautifulSoup(html.parser):   {n / bs4_py_s:7.1f} pages/s ({bs4_py_s / lxml_s:.1f}x slower)")


if __name__ == "__main__":
    main()
