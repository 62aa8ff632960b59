"""Pages of unknown sites: main text by trafilatura (a fast text-density extractor replaces this)."""
from __future__ import annotations

import lxml.html

from pipeline.page import Page
from pipeline.record import Record
from pipeline.sites import common

KIND = "generic"
HOSTS: tuple[str, ...] = ()


def looks_like(page: Page) -> bool:
    return True


def main_text(tree: lxml.html.HtmlElement, html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, fast=True) or ""


def page_metadata(tree: lxml.html.HtmlElement) -> dict:
    title = (common.meta(tree, "og:title") or [None])[0] or (tree.findtext(".//title") or "").strip() or None
    return {"title": title, "date": None, "author": None}


def extract(page: Page) -> Record:
    rec = Record(source_kind=KIND)
    if page.is_html:
        info = page_metadata(page.tree)
        rec.title_zh = info["title"]
        rec.date = info["date"]
        rec.authors = [info["author"]] if info["author"] else []
        rec.body = main_text(page.tree, page.text)
    else:
        lines = page.lines
        rec.title_zh = lines[0] if lines else None
        rec.body = "\n".join(lines[1:])
    return rec
