"""Bilingual glossary from author keywords: where a record lists `keywords_zh` and `keywords_en` in the
same count, the i-th Chinese keyword is taken as the translation of the i-th English one."""
from __future__ import annotations

from collections import Counter

import pandas as pd

GLOSSARY_COLUMNS = ["zh", "en", "support"]


def _english_key(term: str) -> str:
    return " ".join(term.lower().replace("-", " ").split())


def aligned_pairs(keywords_zh, keywords_en) -> list[tuple[str, str]]:
    """(zh, en) pairs of one record, or none when the two lists differ in length (order unknown)."""
    zh = [k.strip() for k in (keywords_zh if keywords_zh is not None else []) if k and k.strip()]
    en = [k.strip() for k in (keywords_en if keywords_en is not None else []) if k and k.strip()]
    if not zh or len(zh) != len(en):
        return []
    return [(z, _english_key(e)) for z, e in zip(zh, en)]


def build_glossary(docs: pd.DataFrame, min_support: int = 1) -> pd.DataFrame:
    """Glossary `zh, en, support` (records pairing them), most supported first."""
    if "keywords_zh" not in docs or "keywords_en" not in docs:
        return pd.DataFrame(columns=GLOSSARY_COLUMNS)
    support = Counter(pair for zh, en in zip(docs["keywords_zh"], docs["keywords_en"])
                      for pair in set(aligned_pairs(zh, en)))
    rows = [(zh, en, n) for (zh, en), n in support.items() if n >= min_support]
    table = pd.DataFrame(rows, columns=GLOSSARY_COLUMNS)
    table["support"] = table["support"].astype("int64")
    return table.sort_values(["support", "zh", "en"], ascending=[False, True, True], ignore_index=True)


def translate(english: str, glossary: pd.DataFrame) -> str | None:
    """The Chinese term most often paired with an English term (ties: the first in Chinese order)."""
    if not len(glossary):
        return None
    matches = glossary[glossary["en"] == _english_key(english)]
    return None if matches.empty else str(matches.iloc[0]["zh"])
