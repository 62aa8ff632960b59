"""Bytes → text: BOM, then the declared charset (HTTP header, <meta>), then content sniffing.

Pages labelled gb2312/gbk are decoded as GB18030, the superset browsers use: real "gb2312" pages
contain characters outside GB2312 (喆, 堃, the em dash). A declared charset is checked against the
bytes: one that is no text encoding (`hex`, `idna`) is ignored, and a single-byte charset
(iso-8859-1) declared for bytes that pair up like GBK's is not believed. A few bad bytes do not lose a
file: they become U+FFFD, with a warning giving their count.
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

NOT_TEXT_CODECS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}
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
        info = codecs.lookup(label)
    except LookupError:
        return None
    # `hex`, `base64`, `rot13` are bytes-to-bytes codecs; idna and punycode encode host names, not text.
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_TEXT_CODECS:
        return None
    return info.name


def declared_label(head: bytes) -> str | None:
    """The charset label an HTML page declares in <meta charset> or <meta http-equiv=Content-Type>."""
    m = META_CHARSET.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def declared_encoding(head: bytes) -> str | None:
    """The codec of the charset an HTML page declares (None when absent or unusable)."""
    return canonical_encoding(declared_label(head))


def looks_binary(raw: bytes) -> bool:
    """Binary data, not text: NUL bytes (more than a stray one, as in a damaged save) or many control
    bytes in the first 8 KiB."""
    sample = raw[:8192]
    if sample.count(b"\x00") > max(1, len(sample) // 1000) and not sample.startswith((codecs.BOM_UTF16_LE,
                                                                                       codecs.BOM_UTF16_BE)):
        return True
    return len(CONTROL_BYTES.findall(sample)) > len(sample) * 0.01


def _try(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeError, LookupError):
        return None


def _paired_high_bytes(raw: bytes) -> bool:
    """True when the bytes above 0x7F come in runs of two or more, as in GBK/Big5 text, not one by one
    between ASCII letters as in Latin-1 text (é, ü): a single-byte charset is then a wrong label."""
    high = [b > 0x7F for b in raw[:65536]]
    count = sum(high)
    if count < 8:
        return False
    paired = sum(1 for i, h in enumerate(high) if h and ((i and high[i - 1]) or (i + 1 < len(high) and high[i + 1])))
    return paired >= 0.9 * count


def _replaced(text: str, raw: bytes) -> int:
    """How many U+FFFD a lenient decoding added (the bytes may carry real ones)."""
    return text.count("\ufffd") - raw.count("\ufffd".encode())


def decode_bytes(raw: bytes, http_charset: str | None = None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode a saved page; returns (text, encoding). Raises DecodeError for binary or undecodable input.
    Repairs (bad bytes replaced, a declared charset not used) are appended to `warnings`."""
    warnings = warnings if warnings is not None else []
    if not raw.strip():
        raise DecodeError("empty file")
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            text = raw[len(bom):].decode(encoding, errors="replace")
            bad = _replaced(text, raw)
            if bad > max(3, len(text) // 2000):
                raise DecodeError(f"invalid {encoding} after a byte-order mark ({bad} bad byte sequences)")
            if bad:
                warnings.append(f"{bad} undecodable byte sequence(s) replaced by U+FFFD (read as {encoding})")
            return normalize_newlines(text), encoding
    if looks_binary(raw):
        raise DecodeError("binary content, not text or HTML")
    declared = []
    for where, label in (("HTTP charset", http_charset), ("<meta> charset", declared_label(raw[:4096]))):
        encoding = canonical_encoding(label) if isinstance(label, str) else None
        if label and encoding is None:
            warnings.append(f"{where} {label!r} is not a usable text encoding: ignored")
        elif encoding and len(raw.decode(encoding, errors="replace")) == len(raw) and _paired_high_bytes(raw):
            warnings.append(f"{where} {label!r} does not fit the bytes (they pair up like GBK/Big5): ignored")
        elif encoding:
            declared.append(encoding)
    # A page that is valid UTF-8 is UTF-8 whatever it declares (saved pages are often re-encoded).
    text = _try(raw, "utf-8")
    if text is not None:
        return normalize_newlines(text), "utf-8"
    for encoding in declared:
        if (text := _try(raw, encoding)) is not None:
            return normalize_newlines(text), encoding
    # No declaration fits exactly. Real files carry a few corrupt bytes (a stray byte, an export cut in
    # the middle of a character): UTF-8 when its damage is small against the non-ASCII bytes (other
    # encodings rarely pass as UTF-8), else the declared encoding or GB18030 (the commonest undeclared
    # one) when the damage is tiny; else ask the sniffer.
    text = raw.decode("utf-8", errors="replace")
    bad = _replaced(text, raw)
    decoded = sum(1 for ch in text if ch > "\x7f") - bad  # non-ASCII characters UTF-8 did decode
    if bad <= max(3, sum(b > 0x7F for b in raw) // 200) and decoded >= 10 * bad:
        warnings.append(f"{bad} undecodable byte sequence(s) replaced by U+FFFD (read as utf-8)")
        return normalize_newlines(text), "utf-8"
    for encoding in dict.fromkeys([*declared, "gb18030"]):
        text = raw.decode(encoding, errors="replace")
        bad = _replaced(text, raw)
        if bad <= max(3, len(text) // 2000) and _mostly_cjk_or_ascii(text):
            if bad:
                warnings.append(f"{bad} undecodable byte sequence(s) replaced by U+FFFD (read as {encoding})")
            return normalize_newlines(text), encoding
    best = from_bytes(raw[:200_000]).best()
    if best is not None and best.encoding:
        encoding = canonical_encoding(best.encoding)
        text = raw.decode(encoding, errors="replace") if encoding else ""
        bad = _replaced(text, raw)
        if text and bad <= max(3, len(text) // 2000):
            if bad:
                warnings.append(f"{bad} undecodable byte sequence(s) replaced by U+FFFD (read as {encoding})")
            return normalize_newlines(text), encoding
    raise DecodeError("undecodable bytes: not UTF-8, GB18030 or any encoding that fits")


def _mostly_cjk_or_ascii(text: str) -> bool:
    sample = text[:20000]
    odd = sum(1 for ch in sample if ord(ch) > 0x7F and not ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"))
    return odd <= len(sample) * 0.02


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")

