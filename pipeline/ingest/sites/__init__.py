"""One extractor per page kind: a Page in, a Record out. Each site module (cnki, wanfang, cqvip, newspaper,
mirror, generic) has `KIND`, `HOSTS` (host patterns), `looks_like(page)` (page markers, for saves without a
URL) and `extract(page) -> Record`; its selectors sit beside it as data.

Shared by them: dom.py (reading the tree), labels.py + labels.toml (section labels), assign.py (labelled
values → fields), fallback.py (fields the site rules missed: rows → meta tags → generic), references.py
(reference lists), values.toml (value cleaners' patterns)."""
from __future__ import annotations

import re
from types import ModuleType

from pipeline.ingest.page import Page
from pipeline.ingest.sites import cnki, cqvip, generic, mirror, newspaper, wanfang

# Tried in this order; `generic` takes every page no other extractor recognizes.
EXTRACTORS: tuple[ModuleType, ...] = (cnki, wanfang, cqvip, newspaper, mirror)


def detect(page: Page) -> ModuleType:
    """The extractor for a page: by its URL's host where known, else by page markers."""
    host = page.host
    if host:
        for site in EXTRACTORS:
            if any(re.search(pattern, host) for pattern in site.HOSTS):
                return site
    for site in EXTRACTORS:
        if site.looks_like(page):
            return site
    return generic
