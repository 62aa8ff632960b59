"""RIS (`TY  - JOUR` … `ER  - `), what Zotero, EndNote and NoteExpress all import: reader and writer."""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, apply_roles, looks_like, mark_truncated, parse_tagged, tag_matcher

COMMAS_SEPARATE = False  # one list item per line: a comma belongs to the item
FIELD = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")

ROLES = {
    "TY": "doc_type", "AU": "authors", "A1": "authors", "TI": "title", "T1": "title", "TT": "title_en",
    "T2": "journal", "JO": "journal", "JF": "journal", "PY": "year", "Y1": "year", "DA": "date",
    "VL": "volume", "IS": "issue", "SP": "first_page", "EP": "last_page", "KW": "keywords",
    "AB": "abstract", "N2": "abstract", "DO": "doi", "SN": "issn", "UR": "url", "AD": "affiliations",
    "DB": "database", "DP": "database", "PB": "publisher",
}
DOC_TYPE_TY = {"journal": "JOUR", "thesis": "THES", "conference": "CONF", "newspaper": "NEWS",
               "patent": "PAT", "book": "BOOK", "standard": "STAND"}


_match = tag_matcher(FIELD, strip=True)


def detect(head: list[str]) -> bool:
    return looks_like(head, r"TY  - \S", r"(TI|T1|AU|A1)  - \S")


def entries(text: str) -> list[Entry]:
    raw = parse_tagged(text, _match, lambda tag, current: tag == "TY", lambda tag: tag == "ER")
    return mark_truncated([apply_roles(entry, ROLES) for entry in raw], text, "ER")
