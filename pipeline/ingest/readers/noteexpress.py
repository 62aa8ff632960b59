"""NoteExpress export (`{Reference Type}: Journal Article`, `{Title}: …`), from CNKI and from Wanfang.

Wanfang repeats `{Author}:` / `{Keywords}:` lines and adds `{Translated Title}` / `{Translated Abstract}`;
CNKI packs lists into one line (`a;;b`) and sometimes writes a full-width colon (`{Abstract}：`).
"""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, apply_roles, looks_like, parse_tagged

FIELD = re.compile(r"^\{([^}\n]{1,40})\}\s*[:：]\s?(.*)$")

ROLES = {
    "Reference Type": "doc_type", "Title": "title", "Translated Title": "title_en",
    "Author": "authors", "Translated Author": "authors_en", "Author Address": "affiliations",
    "Journal": "journal", "Translated Journal": "journal_en", "Secondary Title": "secondary_title",
    "Tertiary Title": "tertiary_title", "Publisher": "publisher", "Type of Work": "degree",
    "Year": "year", "Date": "date", "Volume": "volume", "Issue": "issue", "Pages": "pages",
    "Keywords": "keywords", "Translated Keywords": "keywords_en",
    "Abstract": "abstract", "Translated Abstract": "abstract_en", "Subject": "subject",
    "ISBN/ISSN": "issn", "URL": "url", "DOI": "doi", "Database Provider": "database",
    "SrcDatabase": "srcdb", "Subsidiary Author": "applicant", "Fund": "fund",
}


def _match(line: str) -> tuple[str, str] | None:
    m = FIELD.match(line)
    return (m.group(1).strip().rstrip(",，"), m.group(2)) if m else None


def detect(head: list[str]) -> bool:
    return looks_like(head, r"\{Reference Type\}", r"\{(Title|Author)\}\s*[:：]")


def entries(text: str) -> list[Entry]:
    raw = parse_tagged(text, _match, lambda tag, current: tag == "Reference Type")
    return [apply_roles(entry, ROLES) for entry in raw]
