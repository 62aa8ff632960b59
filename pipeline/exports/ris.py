"""RIS (`TY  - JOUR` … `ER  - `), what Zotero, EndNote and NoteExpress all import: reader and writer."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.exports.common import (Entry, apply_roles, looks_like, mark_truncated, page_range, parse_tagged,
                                     tag_matcher)
from pipeline.record import Record

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


def format_record(rec: Record) -> str:
    lines = [f"TY  - {DOC_TYPE_TY.get(rec.doc_type or '', 'JOUR' if rec.journal else 'GEN')}"]

    def put(tag: str, value: str | int | None) -> None:
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            lines.append(f"{tag}  - {text}")

    first_page, last_page = page_range(rec.pages)
    for author in rec.authors:
        put("AU", author)
    put("TI", rec.title_zh or rec.title_en)
    if rec.title_zh:
        put("TT", rec.title_en)
    put("T2", rec.journal)
    put("PY", rec.year)
    put("DA", rec.date.replace("-", "/") if rec.date else None)
    put("VL", rec.volume)
    put("IS", rec.issue)
    if rec.pages and rec.pages != "-".join(p for p in (first_page, last_page) if p):
        put("SP", rec.pages)  # 47-58,165: keep it whole, SP/EP cannot say it
    else:
        put("SP", first_page)
        put("EP", last_page)
    for keyword in rec.keywords_zh or rec.keywords_en:
        put("KW", keyword)
    put("AB", rec.abstract_zh or rec.abstract_en)
    for affiliation in rec.affiliations:
        put("AD", affiliation)
    put("DO", rec.doi)
    put("SN", rec.issn)
    put("UR", rec.url)
    put("DB", rec.database)
    put("ID", rec.id)
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def write_ris(records: list[Record], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "corpus.ris"
    path.write_text("\n".join(map(format_record, records)), encoding="utf-8", newline="\n")
    return [path]
