"""Web-of-Science field-tagged text, the format CiteSpace reads (`download_*.txt`): reader and writer.

A record runs from `PT` to `ER`; continuation lines are indented three spaces and hold the next item
of a list field (AU, AF, C1, CR). A real WoS file starts with a UTF-8 BOM, `FN …` and `VR 1.0`, and ends
with `EF`; the writer produces exactly that, so CiteSpace treats our files like WoS downloads.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.exports.common import (Entry, apply_roles, looks_like, mark_truncated, page_range, parse_tagged,
                                     tag_matcher)
from pipeline.record import Record

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
        out.append(apply_roles(entry, ROLES))
    return mark_truncated(out, text, "ER")


# ---- writer -----------------------------------------------------------------------------------------

def format_record(rec: Record) -> str:
    """One record in WoS tags (CiteSpace reads TI, AU, SO, DE, AB, C1, PY, UT …)."""
    lines: list[str] = []

    def put(tag: str, value: str | int | None) -> None:
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            lines.append(f"{tag} {text}")

    def put_list(tag: str, values: Iterable[str]) -> None:
        items = [" ".join(v.split()) for v in values if v and v.strip()]
        if items:
            lines.append(f"{tag} {items[0]}")
            lines.extend(f"   {item}" for item in items[1:])

    first_page, last_page = page_range(rec.pages)
    lines.append("PT J")
    put_list("AU", rec.authors)
    put_list("AF", rec.authors)
    put("TI", rec.title_zh or rec.title_en)
    put("SO", rec.journal)
    put("LA", "Chinese" if rec.title_zh else "English")
    put("DT", DOC_TYPE_DT.get(rec.doc_type or "journal", "Article"))
    put("DE", "; ".join(rec.keywords_zh or rec.keywords_en))
    put("AB", rec.abstract_zh or rec.abstract_en)
    put_list("C1", rec.affiliations)
    put("FU", rec.fund)
    put_list("CR", rec.references)
    put("NR", len(rec.references))
    put("SN", rec.issn)
    put("PY", rec.year)
    put("VL", rec.volume)
    put("IS", rec.issue)
    put("BP", first_page)
    put("EP", last_page)
    put("DI", rec.doi)
    # CiteSpace removes duplicates by UT, so every record needs its own.
    put("UT", f"{rec.database or 'CORPUS'}:{rec.id}")
    lines.append("ER")
    return "\n".join(lines) + "\n"


def write_citespace(records: list[Record], out_dir: Path, per_file: int = RECORDS_PER_FILE) -> list[Path]:
    """Write `download_1-500.txt`, `download_501-1000.txt`, … (UTF-8 with BOM, as WoS and CiteSpace use)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(records), per_file):
        chunk = records[start:start + per_file]
        path = out_dir / f"download_{start + 1}-{start + len(chunk)}.txt"
        text = "FN Clarivate Analytics Web of Science\nVR 1.0\n" + "\n".join(map(format_record, chunk)) + "\nEF\n"
        path.write_text("\ufeff" + text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
