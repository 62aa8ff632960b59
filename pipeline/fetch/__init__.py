"""Fetch: URLs → pages stored in the raw corpus (`<out>/<host>/…` with a `.meta.json` sidecar), politely
(robots.txt, delays, retries, caps). Ingest reads what it stores; nothing here depends on later stages.

    fetcher.py       the polite downloader (`python -m pipeline fetch URLFILE`): robots.txt, host gates, retries
    store.py         where a response is stored (page + sidecar), and reading it back
    responses.py     what a response says: content type, charset, anti-bot walls, Retry-After
    crawl.py         walks an e-paper edition, a journal issue or a section index through the same fetcher
                     (`python -m pipeline crawl START_URL…`); in: start URLs or an edition template and dates
    structures.toml  the known structures (which links are articles, which navigation) as data
"""
from pipeline.fetch.fetcher import FetchOptions, FetchSummary, fetch_urls

__all__ = ["FetchOptions", "FetchSummary", "fetch_urls"]
