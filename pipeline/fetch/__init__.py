"""Fetch: URLs → pages stored in the raw corpus (`<out>/<host>/…` with a `.meta.json` sidecar), politely
(robots.txt, delays, retries, caps). Ingest reads what it stores; nothing here depends on later stages.

    fetcher.py   the polite downloader (`python -m pipeline fetch URLFILE`)
"""
from pipeline.fetch.fetcher import FetchOptions, FetchSummary, fetch_urls

__all__ = ["FetchOptions", "FetchSummary", "fetch_urls"]
