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
dictionaries as opencc-python-reimplemented, 30× faster; see BENCHMARKS.md), but only on text that is
traditional: t2s also rewrites simplified text (沈思 → 沉思, 王保乾 → 王保干, 於嘉 → 于嘉), so each field and
each passage (line) of it is first judged by its traditional-only and simplified-only characters
(pipeline.text.chinese_script). Person names are never given to t2s's phrase rules: in a traditional
record their traditional-only characters are mapped one by one (蕭乾 → 萧乾), and nothing else changes.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.text.chinese_script import SIMPLIFIED, TRADITIONAL, evidence, script_of, traditional_only

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese characters and full-width punctuation: the context in which ASCII punctuation is converted.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{CJK}])[ ]?([,;:?!])(?![\d])")
_PUNCT_BEFORE_CJK = re.compile(rf"([,;:?!])[ ]?(?=[{CJK}])")
_ASCII_PUNCT = re.compile("[" + re.escape("".join(FULL_WIDTH)) + "]")
_PAREN = re.compile(r"\(([^()\n]{0,200})\)")
_QUOTED = re.compile(rf'"([^"\n]*[{HAN}][^"\n]*)"')
_HAS_HAN = re.compile(f"[{HAN}]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_AROUND_FULL = re.compile(r" *([，。；：？！、）》」』】]) *| *([（《「『【]) *")


# Characters that are whitespace in practice on Chinese pages but not ASCII spaces.
ODD_SPACES = str.maketrans({"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
                            "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\r": None})
_ODD_SPACE = re.compile("[" + "".join(map(chr, ODD_SPACES)) + "]")  # (a search costs less than the translation)


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_STRIPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")  # what strip_controls changes


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


# Traditional-only characters a passage needs before it is converted inside simplified text: fewer are
# names and terms written the old way (李穎, 噁唑, 《唐韻》), which stay as written.
MIN_PASSAGE_IN_SIMPLIFIED = 3
# Fields that are never converted (identifiers and addresses), and fields of person names.
NOT_CONVERTED = ("source", "source_kind", "url", "doi", "issn", "project_id", "sources")
NAME_FIELDS = ("authors", "authors_en")


def _is_traditional(text: str, context: str | None) -> bool:
    """Whether `text` is converted, given the script of what encloses it (the record, the field)."""
    traditional, simplified = evidence(text)
    if traditional > simplified:
        return context != SIMPLIFIED or traditional >= MIN_PASSAGE_IN_SIMPLIFIED
    return traditional == simplified and context == TRADITIONAL


def convert_passages(text: str, context: str | None = None) -> tuple[str, dict[str, str]]:
    """`text` with its traditional passages in simplified characters (OpenCC t2s), and the converted
    passages ({converted line: original line}). The text as a whole is judged first, in `context` (the
    script of what encloses it, e.g. the record; None when unknown); then each line, in the text's
    verdict, so that a traditional quotation in simplified text (or the reverse) is treated as such."""
    if not text or not _HAS_HAN.search(text):
        return text, {}
    whole = _is_traditional(text, context)
    if "\n" not in text:
        if not whole:
            return text, {}
        simplified = _t2s().convert(text)
        return simplified, {simplified: text}
    # A text left as it is was simplified (by its own characters or its context), or told nothing.
    inner = TRADITIONAL if whole else SIMPLIFIED if script_of(text) or context else None
    lines, converted = [], {}
    for line in text.split("\n"):
        if _HAS_HAN.search(line) and _is_traditional(line, inner):
            simplified = _t2s().convert(line)
            converted[simplified] = line
            line = simplified
        lines.append(line)
    return "\n".join(lines), converted


def to_simplified(text: str, context: str | None = None) -> str:
    """The traditional passages of `text` in simplified characters; simplified text comes back unchanged."""
    return convert_passages(text, context)[0]


@lru_cache(maxsize=1)
def _character_map() -> dict[int, str]:
    """Traditional-only character → its simplified form (t2s of the character alone: no phrase rules; one
    character each, tests/text/test_chinese_script.py checks)."""
    converter = _t2s()
    return {ord(c): converter.convert(c) for c in traditional_only()}


def simplify_characters(text: str) -> str:
    """`text` with its traditional-only characters simplified one by one, each to one character (蕭乾 →
    萧乾); characters that are also simplified (乾, 沈, 於, 昇) stay, so a name is never rewritten as a word.
    For person names, and for finding labels (`中圖分类号`) at the same positions as in the original."""
    return text.translate(_character_map())


def name_before_conversion(name: str, passages: dict[str, str]) -> str:
    """A name found in text that t2s converted (`passages` from convert_passages), as `simplify_characters`
    makes it from the original line instead: t2s's phrase rules would have rewritten 王保乾 as 王保干.
    A passage whose length t2s changed is not used (its characters no longer line up)."""
    for converted, original in passages.items():
        at = converted.find(name)
        if at >= 0 and len(converted) == len(original):
            return simplify_characters(original[at:at + len(name)])
    return name


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
    # Each rewrite only where the character it needs is there (most titles hold none of them).
    if not _HAS_HAN.search(text):
        return text
    if '"' in text:
        text = _QUOTED.sub(r"“\1”", text)
    if "(" in text:
        text = _PAREN.sub(_paren, text)
    if _ASCII_PUNCT.search(text):
        text = _PUNCT_AFTER_CJK.sub(lambda m: FULL_WIDTH[m.group(1)], text)
        text = _PUNCT_BEFORE_CJK.sub(lambda m: FULL_WIDTH[m.group(1)], text)
    if " " in text:
        text = _SPACE_AROUND_FULL.sub(lambda m: m.group(1) or m.group(2), text)
    return text


def normalize_whitespace(text: str) -> str:
    if _ODD_SPACE.search(text):
        text = tidy_spaces(text)
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize_text(text: str | None, context: str | None = None) -> str | None:
    """The full normalization of one field: whitespace, t2s (of traditional text only), punctuation."""
    if text is None:
        return None
    return normalize_punctuation(to_simplified(normalize_whitespace(text), context))


@lru_cache(maxsize=1)
def _record_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The record's text and list fields in field order, and those of them that are converted."""
    from pipeline.record import FIELD_NAMES, LIST_FIELDS, TEXT_FIELDS

    texts = tuple(name for name in FIELD_NAMES if name in TEXT_FIELDS or name in LIST_FIELDS)
    return texts, tuple(name for name in texts if name not in NOT_CONVERTED)


def normalize_record(rec) -> list[str]:
    """Normalize every text field of a record in place; returns the fields whose characters t2s changed.

    The record's own text (every field but names and identifiers) decides its script; each field is then
    judged in that context (see `convert_passages`). Names are converted only in a traditional record
    (or, in a record whose text does not tell, when the names themselves are traditional). Control
    characters removed (from every field) are counted in `rec.cleaning["control_chars"]`."""
    text_fields, converted_fields = _record_fields()
    _strip_record_controls(rec, text_fields)
    fields = [name for name in converted_fields if getattr(rec, name)]
    spaced = {name: _spaced(getattr(rec, name)) for name in fields}
    text = "\n".join(v for name in fields if name not in NAME_FIELDS for v in _as_list(spaced[name]))
    context = script_of(text)
    if context is None:
        context = script_of("\n".join(v for name in NAME_FIELDS if name in spaced for v in spaced[name]))
    converted = []
    for name in fields:
        value = spaced[name]
        if name in NAME_FIELDS:
            simplified = [simplify_characters(v) for v in value] if context == TRADITIONAL else value
        elif isinstance(value, list):
            simplified = [to_simplified(v, context) for v in value]
        else:
            simplified = to_simplified(value, context)
        if simplified != value:
            converted.append(name)
        if isinstance(simplified, list):
            setattr(rec, name, list(dict.fromkeys(v for v in map(normalize_punctuation, simplified) if v)))
        else:
            setattr(rec, name, normalize_punctuation(simplified) or None)
    return converted


def _strip_record_controls(rec, names: tuple[str, ...]) -> None:
    controls = 0
    for name in names:
        value = getattr(rec, name)
        if not value:
            continue
        if isinstance(value, list):
            if any(map(_STRIPPED.search, value)):
                stripped = [strip_controls(v) for v in value]
                setattr(rec, name, [v for v, _ in stripped])
                controls += sum(n for _, n in stripped)
        elif _STRIPPED.search(value):
            value, n = strip_controls(value)
            setattr(rec, name, value)
            controls += n
    if controls:
        rec.cleaning["control_chars"] = rec.cleaning.get("control_chars", 0) + controls


def _spaced(value):
    return [normalize_whitespace(v) for v in value] if isinstance(value, list) else normalize_whitespace(value)


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]
