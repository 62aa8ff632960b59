"""Affiliations → (top-level institution, department), the way knowledge-map studies count institutions.

中国人民大学社会与人口学院 → (中国人民大学, 社会与人口学院). Parenthesized parts are dropped first (十堰市太和医院
药学部(湖北医药学院附属医院) → 十堰市太和医院); with spaces, the first part that names an institution is used
(徐州市 徐州医科大学附属医院 → 徐州医科大学). Then, in order: a name from data/institutions.tsv at the start
(longest first; former names map to today's), else the text up to the earliest ending from
data/institution_suffixes.txt, else the whole text. Latin-script affiliations are split at commas and
the first part naming a university (then an academy, institute, college or hospital) is the top level
("Department of Psychology, University of Haifa, Israel" → University of Haifa).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PARENTHESIZED = re.compile(r"[（(][^（）()]*[)）]")
LATIN_RANKS = [re.compile(p, re.I) for p in (r"universit", r"academy|academia", r"institut", r"college|hospital")]


def read_rows(name: str) -> list[list[str]]:
    """Lines of a data file split at tabs, without comments and blank lines."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _known() -> tuple[list[str], dict[str, str]]:
    names = {row[0]: (row[1] if len(row) > 1 and row[1] else row[0]) for row in read_rows("institutions.tsv")}
    return sorted(names, key=len, reverse=True), names


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern:
    suffixes = sorted((row[0] for row in read_rows("institution_suffixes.txt")), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, suffixes)))


def _split_chinese(text: str) -> tuple[str, str] | None:
    prefixes, canonical = _known()
    for name in prefixes:
        if text.startswith(name):
            return canonical[name], text[len(name):].strip()
    ends = [m.end() for m in _suffix_pattern().finditer(text)]
    if not ends:
        return None
    end = min(ends)
    top = text[:end]
    return canonical.get(top, top), text[end:].strip()


def _split_latin(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for pattern in LATIN_RANKS:
        for i, part in enumerate(parts):
            if pattern.search(part):
                return part, ", ".join(parts[:i])
    return (parts[0] if parts else text), ""


@lru_cache(maxsize=65536)
def split_affiliation(affiliation: str) -> tuple[str, str]:
    """(top-level institution, department or ''). Empty input gives ('', '')."""
    text = PARENTHESIZED.sub("", affiliation or "").strip()
    if not text:
        return "", ""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return _split_latin(text)
    parts = text.split()
    for i, part in enumerate(parts):
        found = _split_chinese(part)
        if found:
            top, rest = found
            return top, " ".join([rest, *parts[i + 1:]]).strip()
    return text, ""


def institution(affiliation: str) -> str:
    """The top-level institution of an affiliation."""
    return split_affiliation(affiliation)[0]
