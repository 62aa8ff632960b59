"""Normalization of every text field: traditional → simplified, one punctuation form, whitespace.

Canonical punctuation (GB/T 15834 practice, documented in the README):
- ASCII `, ; : ? ! ( )` next to a Chinese character become full-width `，；：？！（）`
  (CNKI writes half-width inside Chinese text, Wanfang full-width: the corpus gets one form);
- ASCII `"…"` around Chinese text become `“…”`;
- English text keeps ASCII punctuation; digits keep theirs (`2023,39(04)`).
- U+3000, NBSP and zero-width spaces become plain spaces; runs of spaces collapse; lines are stripped.
- Control characters (C0 but tab and newline, DEL, C1), lone surrogates and the non-characters
  U+FFFE/U+FFFF are removed (a lone surrogate becomes U+FFFD): no JSON, XML or CSV reader chokes on a
  record, and `cleaning.control_chars` counts what was removed.
Traditional → simplified uses OpenCC's `t2s` configuration (the official C++ `opencc` wheel: same
dictionaries as opencc-python-reimplemented, 30× faster; see BENCHMARKS.md).
"""
from __future__ import annotations

import re
from functools import lru_cache


HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese characters and full-width punctuation: the context in which ASCII punctuation is converted.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{CJK}])[ ]?([,;:?!])(?![\d])")
_PUNCT_BEFORE_CJK = re.compile(rf"([,;:?!])[ ]?(?=[{CJK}])")
_PAREN = re.compile(r"\(([^()\n]{0,200})\)")
_QUOTED = re.compile(rf'"([^"\n]*[{HAN}][^"\n]*)"')
_HAS_HAN = re.compile(f"[{HAN}]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_AROUND_FULL = re.compile(r" *([，。；：？！、）》」』】]) *| *([（《「『【]) *")


# Characters that are whitespace in practice on Chinese pages but not ASCII spaces.
ODD_SPACES = str.maketrans({"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
                            "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\r": None})


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def strip_controls(text: str) -> tuple[str, int]:
    """`text` without control characters and non-characters, lone surrogates as U+FFFD; and how many
    characters were changed. (Tab, newline, CR, form feed and vertical tab are whitespace, kept for
    normalize_whitespace.)"""
    text, removed = _CONTROLS.subn("", text)
    text, replaced = _SURROGATES.subn("\ufffd", text)
    return text, removed + replaced


def tidy_spaces(text: str) -> str:
    """Map U+3000, NBSP and zero-width characters to plain spaces (or nothing)."""
    return text.translate(ODD_SPACES)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s). Text without Han characters is returned unchanged."""
    if not text or not _HAS_HAN.search(text):
        return text
    return _t2s().convert(text)


def _paren(m: re.Match) -> str:
    inner = m.group(1)
    start, end = m.start(), m.end()
    text = m.string
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    cjk_context = _CJK_CHAR.match(before or " ") or _CJK_CHAR.match(after or " ")
    if _HAS_HAN.search(inner) or cjk_context:
        return f"（{inner}）"
    return m.group(0)


def normalize_punctuation(text: str) -> str:
    if not _HAS_HAN.search(text):
        return text
    text = _QUOTED.sub(r"“\1”", text)
    text = _PAREN.sub(_paren, text)
    text = _PUNCT_AFTER_CJK.sub(lambda m: FULL_WIDTH[m.group(1)], text)
    text = _PUNCT_BEFORE_CJK.sub(lambda m: FULL_WIDTH[m.group(1)], text)
    return _SPACE_AROUND_FULL.sub(lambda m: m.group(1) or m.group(2), text)


def normalize_whitespace(text: str) -> str:
    text = tidy_spaces(text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize_text(text: str | None) -> str | None:
    """The full normalization of one field: whitespace, t2s, punctuation."""
    if text is None:
        return None
    return normalize_punctuation(to_simplified(normalize_whitespace(text)))


def normalize_record(rec) -> bool:
    """Normalize every text field of a record in place; True when t2s changed any character. Control
    characters removed are counted in `rec.cleaning["control_chars"]`."""
    from pipeline.record import LIST_FIELDS, TEXT_FIELDS

    converted = False
    controls = 0
    for name in TEXT_FIELDS:
        value = getattr(rec, name)
        if value:
            value, changed = strip_controls(value)
            controls += changed
            setattr(rec, name, value)
        if name in ("source", "source_kind", "url", "doi", "issn"):
            continue
        if value:
            spaced = normalize_whitespace(value)
            simplified = to_simplified(spaced)
            converted |= simplified != spaced
            setattr(rec, name, normalize_punctuation(simplified) or None)
    for name in LIST_FIELDS:
        values = []
        for value in getattr(rec, name):
            value, changed = strip_controls(value)
            controls += changed
            spaced = normalize_whitespace(value)
            simplified = to_simplified(spaced)
            converted |= simplified != spaced
            value = normalize_punctuation(simplified)
            if value and value not in values:
                values.append(value)
        setattr(rec, name, values)
    if controls:
        rec.cleaning["control_chars"] = rec.cleaning.get("control_chars", 0) + controls
    return converted
