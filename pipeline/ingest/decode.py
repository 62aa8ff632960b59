"""Bytes → text: BOM, then the declared charset (HTTP header, <meta>), then content sniffing.

Pages labelled gb2312/gbk are decoded as GB18030, the superset browsers use: real "gb2312" pages
contain characters outside GB2312 (喆, 堃, the em dash).
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can trust (binary, or undecodable)."""


BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that decode as GB18030, after WHATWG, which maps gb2312/gbk to the GBK decoder.
GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "csgb2312", "euc-cn", "hz-gb-2312"}

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def canonical_encoding(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in GB_LABELS:
        return "gb18030"
    if label in ("big5", "big5-hkscs", "x-x-big5"):
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_encoding(head: bytes) -> str | None:
    """The charset an HTML page declares in <meta charset> or <meta http-equiv=Content-Type>."""
    m = META_CHARSET.search(head)
    return canonical_encoding(m.group(1).decode("ascii", "ignore")) if m else None


def looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return len(CONTROL_BYTES.findall(sample)) > len(sample) * 0.01


def _try(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(raw: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode a saved page; returns (text, encoding). Raises DecodeError for binary or undecodable input."""
    if not raw.strip():
        raise DecodeError("empty file")
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            text = _try(raw[len(bom):], encoding)
            if text is None:
                raise DecodeError(f"invalid {encoding} after a byte-order mark")
            return normalize_newlines(text), encoding
    if looks_binary(raw):
        raise DecodeError("binary content, not text or HTML")
    declared = [e for e in (canonical_encoding(http_charset), declared_encoding(raw[:4096])) if e]
    # A page that is valid UTF-8 is UTF-8 whatever it declares (saved pages are often re-encoded).
    text = _try(raw, "utf-8")
    if text is not None:
        return normalize_newlines(text), "utf-8"
    for encoding in declared:
        if (text := _try(raw, encoding)) is not None:
            return normalize_newlines(text), encoding
    # No declaration fits exactly. Real pages carry a few corrupt bytes: accept the declared encoding
    # (or GB18030, the commonest undeclared one) when the damage is tiny, else ask the sniffer.
    for encoding in [*declared, "gb18030"]:
        text = raw.decode(encoding, errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 2000) and _mostly_cjk_or_ascii(text):
            return normalize_newlines(text), encoding
    best = from_bytes(raw[:200_000]).best()
    if best is not None and best.encoding:
        encoding = canonical_encoding(best.encoding) or best.encoding
        text = raw.decode(encoding, errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 2000):
            return normalize_newlines(text), encoding
    raise DecodeError("undecodable bytes: not UTF-8, GB18030 or any encoding that fits")


def _mostly_cjk_or_ascii(text: str) -> bool:
    sample = text[:20000]
    odd = sum(1 for ch in sample if ord(ch) > 0x7F and not ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"))
    return odd <= len(sample) * 0.02


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")

