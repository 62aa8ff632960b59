"""Web-of-Science field-tagged text, the format CiteSpace reads (`download_*.txt`): reader and writer.

A record runs from `PT` to `ER`; continuation lines are indented three spaces and hold the next item
of a list field (AU, AF, C1, CR). A real WoS file starts with a UTF-8 BOM, `FN …` and `VR 1.0`, and ends
with `EF`; the writer produces exactly that, so CiteSpace treats our files like WoS downloads.
"""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, apply_roles, looks_like, mark_truncated, parse_tagged, tag_matcher

FIELD = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
HEADER_TAGS = ("FN", "VR", "EF")
COMMAS_SEPARATE = False  # one list item per line: a comma belongs to the item
RECORDS_PER_FILE = 500  # CNKI's export limit; CiteSpace users expect download_1-500.txt, …

ROLES = {
    "PT": "doc_type", "DT": "doc_type", "AU": "authors_short", "AF": "authors", "TI": "title",
    "SO": "journal", "DE": "keywords", "AB": "abstract", "C1": "affiliations", "PY": "year",
    "VL": "volume", "IS": "issue", "BP": "first_page", "EP": "last_page", "DI": "doi", "SN": "issn",
    "FU": "fund", "UT": "accession", "CR": "references",
}
# Written DT for each doc_type; read back through common.DOC_TYPES (DT is listed before PT there).
DOC_TYPE_DT = {"journal": "Article", "thesis": "Dissertation", "conference": "Proceedings Paper",
               "newspaper": "News Item", "book": "Book", "patent": "Patent", "standard": "Standard",
               "yearbook": "Yearbook", "achievement": "Achievement"}


_match = tag_matcher(FIELD, strip=True)


def detect(head: list[str]) -> bool:
    return looks_like(head, r"(FN .*|PT [A-Z])\s*$", r"(TI|AU) \S")


def entries(text: str) -> list[Entry]:
    body = "\n".join(line for line in text.split("\n") if line[:2] not in HEADER_TAGS or line[2:3] not in ("", " "))
    raw = parse_tagged(body, _match, lambda tag, current: tag == "PT", lambda tag: tag == "ER")
    out = []
    for entry in raw:
        # DT ("Article", "Dissertation") is more specific than PT ("J"): put it first.
        entry["DT"] = entry.get("DT", []) + entry.pop("PT", [])
        # Each continuation line of CR is one cited reference.
        entry["CR"] = [line.strip() for value in entry.get("CR", []) for line in value.split("\n") if line.strip()]
        out.append(apply_roles(entry, ROLES))
    return mark_truncated(out, text, "ER")


# ---- writer -----------------------------------------------------------------------------------------
