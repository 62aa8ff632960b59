"""Database exports in, records out (the writers back out are in pipeline.writers).

Readers (one module per format, detected by content, never by file name):
`refworks` (CNKI Refworks), `endnote` (CNKI EndNote), `noteexpress` (CNKI and Wanfang NoteExpress),
`estudy` (CNKI 知网研学/E-Study and 自定义), `cssci` (CSSCI `【来源篇名】` blocks with their cited references), `wos` (Web-of-Science tags, what CiteSpace reads), `ris`,
`table` (CSV/TSV/Excel/JSON Lines through a column mapping, see `pipeline.ingest.readers.table`), and
`reflists` (reference lists by title in `<p><title>…<ref>…` markup, scraped from CNKI for CiteSpace).

    fmt = detect_format(text)                 # None: not an export
    records = read_export(str(path), text, fmt)

"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from pipeline.ingest.readers import cssci, endnote, estudy, noteexpress, reflists, refworks, ris, table, wos
from pipeline.ingest.readers.common import ExportError, describe, to_record
from pipeline.ingest.readers.table import ColumnMapping
from pipeline.record import Record, make_ids

__all__ = ["ColumnMapping", "ExportError", "detect_format", "read_export", "read_export_bytes", "read_export_file"]

# Checked in this order against the first non-blank lines; `table` last (it is the loosest). Markup (a
# first line starting with `<`) is HTML or XML, not an export, unless MARKUP_READERS know it.
READERS: dict[str, ModuleType] = {
    "cssci": cssci, "noteexpress": noteexpress, "endnote": endnote, "refworks": refworks, "wos": wos, "ris": ris,
    "estudy": estudy, "table": table, "reflists": reflists,
}
MARKUP_READERS = ("reflists",)
EXCEL_MAGIC = b"PK\x03\x04"


def detect_format(text: str) -> str | None:
    """The export format of `text` (a key of READERS), judged by its content; None when it is none."""
    head = [line.strip() for line in _tidy(text[:20000]).split("\n")[:200] if line.strip()][:40]
    if not head:
        return None
    names = MARKUP_READERS if head[0].startswith("<") else [name for name in READERS if name not in MARKUP_READERS]
    return next((name for name in names if READERS[name].detect(head)), None)


def read_export(source: str, text: str, fmt: str | None = None, mapping: ColumnMapping | None = None,
                warnings: list[str] | None = None) -> list[Record]:
    """Records of an export. Raises ExportError naming the reason for unknown, empty or broken input.

    Ids are `make_id(text.encode("utf-8"), index)`; `mapping` is used by the `table` format only.
    Bad lines of a JSON Lines table are skipped, each reported in `warnings` (else logged), as
    `pipeline.record.read_json_lines` says.
    """
    content = text.encode("utf-8")
    text = _tidy(text)
    if not text.strip():
        raise ExportError("empty file")
    if "\x00" in text[:10000]:
        raise ExportError("binary content, not an export")
    fmt = fmt or detect_format(text)
    if fmt is None:
        raise ExportError("not a known export format (Refworks, EndNote, NoteExpress, E-Study, WoS/CiteSpace, "
                          "RIS, or a table with a title column)")
    if fmt not in READERS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(READERS)})")
    entries = table.entries(text, mapping, source, warnings) if fmt == "table" else READERS[fmt].entries(text)
    return _records(source, content, fmt, entries)


def read_export_file(path: str | Path, mapping: ColumnMapping | None = None) -> list[Record]:
    """Records of an export file (see read_export_bytes)."""
    return read_export_bytes(str(path), Path(path).read_bytes(), mapping)


def read_export_bytes(source: str, raw: bytes, mapping: ColumnMapping | None = None) -> list[Record]:
    """Records of an export given as bytes: Excel workbooks, and text in any encoding `decode_bytes` reads
    (CNKI's older exports are GB18030). With a mapping, text that is not another format is read as a table."""
    from pipeline.ingest.decode import DecodeError, decode_bytes

    if raw.startswith(EXCEL_MAGIC):
        header, rows = table.read_xlsx(raw)
        return _records(source, raw, "table", table.rows_to_entries(header, rows, mapping or ColumnMapping()))
    try:
        text, _ = decode_bytes(raw)
    except DecodeError as exc:
        raise ExportError(str(exc)) from exc
    return read_export(source, text, detect_format(text) or ("table" if mapping else None), mapping)


def _records(source: str, content: bytes, fmt: str, entries: list) -> list[Record]:
    if not entries:
        raise ExportError(f"no {fmt} records found (truncated or not a {fmt} export)")
    records = []
    cjk_commas = getattr(READERS[fmt], "COMMAS_SEPARATE", True)
    kind = getattr(READERS[fmt], "SOURCE_KIND", "export")
    for number, (entry, record_id) in enumerate(zip(entries, make_ids(content, len(entries))), start=1):
        rec = to_record(entry, cjk_commas)
        rec.id, rec.source, rec.source_kind = record_id, source, kind
        # record_number: the record's place in the file (1 = first), so a duplicate can be found again.
        rec.cleaning = {"export_format": fmt, "record_number": number, **describe(entry)}
        records.append(rec)
    return records


def _tidy(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
