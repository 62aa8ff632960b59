"""Bilingual glossary from author keywords: where a record lists `keywords_zh` and `keywords_en` in the
same count, the i-th Chinese keyword is taken as the translation of the i-th English one.

English terms are lower-cased with single spaces and keep their hyphens (Party-led Leadership →
party-led leadership). Spellings that differ only by hyphen or space (community-governance, community
governance) are one term: their support is summed, shown in the most frequent spelling.
"""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd

GLOSSARY_COLUMNS = ["zh", "en", "support"]
_SEPARATORS = re.compile(r"[-\s]+")


def _english_term(term: str) -> str:
    """How an English keyword is shown: lower case, single spaces, hyphens kept."""
    return " ".join(term.lower().split())


def _match_key(term: str) -> str:
    """Hyphen and space alike: the key under which spellings of one English term meet."""
    return _SEPARATORS.sub(" ", term.lower()).strip()


def aligned_pairs(keywords_zh, keywords_en) -> list[tuple[str, str]]:
    """(zh, en) pairs of one record, or none when the two lists differ in length (order unknown)."""
    zh = [k.strip() for k in (keywords_zh if keywords_zh is not None else []) if k and k.strip()]
    en = [k.strip() for k in (keywords_en if keywords_en is not None else []) if k and k.strip()]
    if not zh or len(zh) != len(en):
        return []
    return [(z, _english_term(e)) for z, e in zip(zh, en)]


def build_glossary(docs: pd.DataFrame, min_support: int = 1) -> pd.DataFrame:
    """Glossary `zh, en, support` (records pairing them), most supported first. An empty table says why
    in `attrs["note"]`."""
    if "keywords_zh" not in docs or "keywords_en" not in docs:
        return _empty("the records have no keywords_zh / keywords_en fields")
    spellings, support, paired, unequal = {}, Counter(), 0, 0
    for zh, en in zip(docs["keywords_zh"], docs["keywords_en"]):
        pairs = set(aligned_pairs(zh, en))
        paired += bool(pairs)
        unequal += not pairs and _listed(zh) and _listed(en)
        for z, e in pairs:
            key = (z, _match_key(e))
            spellings.setdefault(key, Counter())[e] += 1
            support[key] += 1
    rows = [(zh, min(spellings[(zh, key)].items(), key=lambda item: (-item[1], item[0]))[0], n)
            for (zh, key), n in support.items() if n >= min_support]
    if not rows:
        return _empty(_why_empty(paired, unequal, len(support), min_support))
    table = pd.DataFrame(rows, columns=GLOSSARY_COLUMNS)
    table["support"] = table["support"].astype("int64")
    return table.sort_values(["support", "zh", "en"], ascending=[False, True, True], ignore_index=True)


def _listed(keywords) -> bool:
    return keywords is not None and any(k and k.strip() for k in keywords)


def _why_empty(paired: int, unequal: int, pairs: int, min_support: int) -> str:
    skipped = f"; {unequal} more list both in unequal numbers (order unknown, skipped)" if unequal else ""
    if not paired:
        return f"no record lists Chinese and English author keywords in equal number{skipped}"
    return (f"no pair is seen in {min_support} or more records: {paired} record(s) list Chinese and English "
            f"keywords in equal number, giving {pairs} pair(s){skipped}; lower --min-support")


def _empty(note: str) -> pd.DataFrame:
    table = pd.DataFrame({"zh": pd.Series(dtype=str), "en": pd.Series(dtype=str),
                          "support": pd.Series(dtype="int64")})
    table.attrs["note"] = note
    return table


def translate(english: str, glossary: pd.DataFrame) -> str | None:
    """The Chinese term most often paired with an English term (ties: the first in Chinese order);
    hyphen and space alike."""
    if not len(glossary):
        return None
    matches = glossary[glossary["en"].map(_match_key) == _match_key(english)]
    return None if matches.empty else str(matches.iloc[0]["zh"])
