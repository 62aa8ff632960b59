"""CNKI Refworks export (`RT Journal Article`, `A1 …`, `T1 …`, … `DS CNKI`), the format CiteSpace's
CNKI converter takes. Tags are two characters and a space; a record starts at `RT`."""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, apply_roles, looks_like, mark_cut_short, parse_tagged

FIELD = re.compile(r"^([A-Z][A-Z0-9]) (.*)$|^([A-Z][A-Z0-9])\s*$")

ROLES = {
    "RT": "doc_type", "A1": "authors", "AU": "authors", "AD": "affiliations", "T1": "title",
    "T2": "title_en", "JF": "journal", "JO": "journal", "PB": "publisher", "YR": "year", "FD": "date",
    "VO": "volume", "IS": "issue", "OP": "pages", "SP": "first_page", "K1": "keywords",
    "AB": "abstract", "SN": "issn", "DS": "database", "LK": "url", "UL": "url", "DO": "doi",
    "FU": "fund", "CL": "classification",
}


def _match(line: str) -> tuple[str, str] | None:
    m = FIELD.match(line)
    if not m:
        return None
    return (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "")


def detect(head: list[str]) -> bool:
    return looks_like(head, r"RT \S", r"(T1|A1) \S")


def entries(text: str) -> list[Entry]:
    raw = parse_tagged(text, _match, lambda tag, current: tag == "RT")
    return mark_cut_short(raw, [apply_roles(entry, ROLES) for entry in raw])
