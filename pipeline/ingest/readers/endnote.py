"""CNKI EndNote export (`%0 Journal Article`, `%A`, `%+`, `%T`, `%J`, `%D`, `%K`, `%X`, … `%W CNKI`).

CNKI sometimes puts several tags on one line and `<br>` inside values; both are handled here and in
`common.clean_text`."""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, apply_roles, looks_like, mark_cut_short, parse_tagged, tag_matcher

TAG_CHARS = r"0-9A-Z@+!#$&*^~?\]\[=<>()"
FIELD = re.compile(rf"^%([{TAG_CHARS}])(?: (.*))?$")
# A tag inside a line starts a new field: "%A 张三%A 李四", but not "增长了15% A股".
INLINE_TAG = re.compile(rf"(?<![\d%])(?=%[{TAG_CHARS}] )")

ROLES = {
    "0": "doc_type", "A": "authors", "H": "authors_en", "+": "affiliations", "T": "title",
    "Q": "title_en", "J": "journal", "B": "secondary_title", "I": "publisher", "9": "degree",
    "D": "year", "8": "date", "V": "volume", "N": "issue", "P": "pages", "K": "keywords",
    "X": "abstract", "@": "issn", "U": "url", "R": "doi", "W": "database", "~": "database",
}


_match = tag_matcher(FIELD)


def detect(head: list[str]) -> bool:
    return looks_like(head, r"%0 \S", r"(.*\s)?%[TA] \S")


def entries(text: str) -> list[Entry]:
    lines = (part for line in text.split("\n") for part in INLINE_TAG.split(line))
    raw = parse_tagged("\n".join(lines), _match, lambda tag, current: tag == "0")
    return mark_cut_short(raw, [apply_roles(entry, ROLES) for entry in raw])
