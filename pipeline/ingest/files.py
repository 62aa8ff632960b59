"""Ingest: one input file → records. Stages: read → decode → clean → extract (by page kind) → normalize.

Bad input never stops the run: each file's problems come back as one clear reason in its result.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import clean, fields, sites
from pipeline.ingest.sites import fallback
from pipeline.ingest.decode import DecodeError, decode_bytes
from pipeline.ingest.inputs import MAPPING, SIDECAR, SIDECARS, InputError, iter_input_files, printable, read_input
from pipeline.ingest.page import ExtractionError, Page
from pipeline.ingest.sites.references import page_references
from pipeline.record import (FIELD_NAMES, LIST_FIELDS, TEXT_FIELDS, JSONLinesError, Record, checked_fields,
                             json_type, make_id, read_json_lines)
from pipeline.text.normalize import HAN, NOT_CONVERTED, name_before_conversion, normalize_record

__all__ = ["MAX_BYTES", "SIDECARS", "InputError", "IngestResult", "ingest_bytes", "ingest_file", "ingest_paths",
           "iter_input_files"]

MAX_BYTES = int(os.environ.get("PIPELINE_MAX_BYTES", 20 * 1024 * 1024))
RECORD_KEYS = ("title_zh", "abstract_zh", "body")
# A page whose record has a title but no text: kept, and listed among the build's failures.
EMPTY_BODY = "empty body"
EMPTY_BODY_WARNING = f"{EMPTY_BODY}: no main text or abstract found on the page (its text may be loaded by a script)"
# What one input may expand to: a text field longer than this is cut (and the cut reported), which bounds
# the memory of normalization, duplicate matching and segmentation per record (a 13 MB one-line text file
# made a 4.5-million-character title). Characters; titles have their own, lower limit.
MAX_FIELD_CHARS = int(os.environ.get("PIPELINE_MAX_FIELD_CHARS", 1_000_000))
MAX_TITLE_CHARS = 2_000
# What the fetch sidecar may say, and the type each value must have (others are ignored with a warning).
SIDECAR_FIELDS = {"charset": str, "url": str, "final_url": str}  # (all text)


@dataclass
class IngestResult:
    source: str
    records: list[Record] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def ingest_paths(paths: Iterable[Path], mapping=None) -> Iterator[IngestResult]:
    for path in iter_input_files(paths):
        yield ingest_file(path, mapping=mapping)


def ingest_file(path: Path, source: str | None = None, mapping=None) -> IngestResult:
    """Records of one input file. `mapping` (a ColumnMapping) reads a table's columns; without one, a
    `FILE.map.toml` beside the file is used when present.

    Never raises for bad input: the reason is in `error` (nothing read) or `warnings` (repaired). An
    error no check foresaw is reported as such (with its type), so one input cannot stop a run."""
    source = source or printable(path)
    result = IngestResult(source)
    try:
        raw = read_input(path, MAX_BYTES)
        mapping_file = path.with_name(path.name + MAPPING)
        if mapping is None and mapping_file.exists():
            from pipeline.ingest.readers import ColumnMapping

            try:
                mapping = ColumnMapping.from_file(mapping_file)
            except ValueError as exc:
                raise InputError(f"bad column mapping: {exc}") from exc
        result.records = ingest_bytes(raw, source, path.name, _sidecar(path, result.warnings), result.warnings,
                                      mapping)
    except (DecodeError, ExtractionError, InputError) as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 -- the promise: one bad input never stops the run
        result.records = []
        result.error = f"unexpected error while reading ({type(exc).__name__}: {exc}); please report it"
    return result


def _sidecar(path: Path, warnings: list[str]) -> dict:
    """The fetch sidecar's usable fields; a broken sidecar or a value of the wrong type is ignored with
    a warning (the page is still read)."""
    meta_path = path.with_name(path.name + SIDECAR)
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(read_input(meta_path, MAX_BYTES).decode("utf-8"))
    except (InputError, ValueError) as exc:
        warnings.append(f"sidecar {meta_path.name} ignored: {exc}")
        return {}
    if not isinstance(meta, dict):
        warnings.append(f"sidecar {meta_path.name} ignored: not a JSON object")
        return {}
    usable = {}
    for name, kind in SIDECAR_FIELDS.items():
        if meta.get(name) is not None and not isinstance(meta[name], kind):
            warnings.append(f"sidecar {meta_path.name}: {name} ignored ({json_type(meta[name])} where a string "
                            "is expected)")
        elif meta.get(name) is not None:
            usable[name] = meta[name]
    return usable


def ingest_bytes(raw: bytes, source: str, name: str = "", meta: dict | None = None,
                 warnings: list[str] | None = None, mapping=None) -> list[Record]:
    """The records of one input's bytes (`name` its file name, `meta` its fetch sidecar). Raises
    InputError, DecodeError or ExtractionError naming the reason; repairs go to `warnings`."""
    warnings = warnings if warnings is not None else []
    records = _records_of(raw, source, name, meta or {}, warnings, mapping)
    controls = sum(rec.cleaning.get("control_chars", 0) for rec in records)
    if controls:
        warnings.append(f"{controls} control character(s) or lone surrogate(s) removed (cleaning.control_chars)")
    for rec in records:
        for name, length in rec.cleaning.get("cut_fields", {}).items():
            warnings.append(f"record {rec.id}: {name} cut to its first {_limit(name):,} characters (of {length:,}; "
                            "PIPELINE_MAX_FIELD_CHARS)")
    return records


def _limit(name: str) -> int:
    return MAX_TITLE_CHARS if name.startswith("title") else MAX_FIELD_CHARS


# Files that are no page or export, whatever their name says: (how their bytes start, what they are).
NOT_PAGES = (
    (re.compile(rb"\s*%PDF-"), "a PDF document, not a page or export (PDF is not read: save the page as HTML)"),
    (re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+svg[^>]*>\s*)?<svg[\s>]", re.I | re.S),
     "an SVG image, not a page"),
)


def _records_of(raw: bytes, source: str, name: str, meta: dict, warnings: list[str], mapping) -> list[Record]:
    if len(raw) > MAX_BYTES:
        raise InputError(f"file too large ({len(raw) / 2**20:.1f} MiB > {MAX_BYTES / 2**20:.0f} MiB limit; "
                         "set PIPELINE_MAX_BYTES to raise it)")
    for start, what in NOT_PAGES:
        if start.match(raw[:4096]):
            raise InputError(what)
    from pipeline.ingest import readers

    if raw.startswith(readers.EXCEL_MAGIC):
        return _export_records(lambda: readers.read_export_bytes(source, raw, mapping))
    text, encoding = decode_bytes(raw, meta.get("charset"), warnings)
    if name.endswith(".jsonl") and mapping is None:
        return read_record_lines(text, raw, source, warnings)
    # Database exports (Refworks, EndNote, NoteExpress, E-Study, WoS, RIS, tables) are known by content.
    fmt = readers.detect_format(text) or ("table" if mapping and not _HTML_START.match(text) else None)
    if fmt:
        return _export_records(lambda: readers.read_export(source, text, fmt, mapping, warnings))
    page = Page(source=source, raw=raw, text=text, encoding=encoding, url=meta.get("final_url") or meta.get("url"))
    if page.is_html and not re.search(r"</(html|body)\s*>", text[-4096:], re.I):
        warnings.append("truncated HTML (no closing </body> or </html>): the record may be incomplete")
    rec = extract_page(page)
    if not rec.body.strip():
        warnings.append(EMPTY_BODY_WARNING)
    return [rec]


_HTML_START = re.compile(r"\s*<", re.S)


def _export_records(read) -> list[Record]:
    from pipeline.ingest.readers import ExportError

    try:
        records = read()
    except ExportError as exc:
        raise InputError(str(exc)) from exc
    for rec in records:
        finish_record(rec)
    return records


def extract_page(page: Page) -> Record:
    """Clean, extract by page kind, normalize: the record of one page."""
    hidden_texts: list[str] = []
    spam_blocks = clean.remove_hidden(page.tree, hidden_texts) if page.is_html else 0
    text, removed = clean.strip_spam("\n".join(page.lines))
    spam_blocks += removed
    page.lines = text.split("\n")
    site = sites.detect(page)
    rec = site.extract(page)
    rec.references = rec.references or page_references(page, site.KIND)
    rec.source, rec.source_kind = page.source, rec.source_kind or site.KIND
    rec.url = rec.url or page.page_url
    fallback.complete(rec, page, site.KIND)
    rec.id = rec.id or make_id(page.raw)
    body, removed = clean.strip_spam(rec.body or "")
    spam_blocks += removed
    body_lines, boilerplate = clean.strip_boilerplate(body.split("\n"))
    rec.body = "\n".join(body_lines)
    title = clean.clean_title(clean.strip_title_tag(rec.title_zh, hidden_texts))
    spam_blocks += bool(rec.title_zh) and title is None
    rec.title_zh = title
    rec.cleaning = {"spam_blocks": spam_blocks,
                    "boilerplate_lines": boilerplate + rec.cleaning.get("boilerplate_lines", 0),
                    "encoding": page.encoding, "field_sources": rec.cleaning.get("field_sources", {})}
    rec.authors = [name_before_conversion(name, page.converted_passages) for name in rec.authors]
    finish_record(rec)
    from_page = fields_within(rec, page.converted_passages)
    record_conversion(rec, [name for name in FIELD_NAMES
                            if name in from_page or name in rec.cleaning.get("t2s_fields", [])])
    if page.cleaning.get("control_chars"):
        rec.cleaning["control_chars"] = rec.cleaning.get("control_chars", 0) + page.cleaning["control_chars"]
    if not (rec.title_zh or rec.title_en or rec.abstract_zh or rec.abstract_en or rec.body):
        raise ExtractionError("nothing extractable: no title, abstract or body text found")
    return rec


def fields_within(rec: Record, passages: dict[str, str]) -> set[str]:
    """The fields of `rec` with a line inside one of `passages` (the page lines t2s converted): the
    fields a page's conversion reached, since the page is converted before its fields are found. Lines
    are compared by their Chinese characters only (punctuation, spaces and glosses change afterwards)."""
    if not passages:
        return set()
    converted = _NOT_HAN.sub("", "\n".join(passages))  # a line holds no "\n": it cannot match across two
    found = set()
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        value = getattr(rec, name)
        lines = [_NOT_HAN.sub("", line) for v in (value if isinstance(value, list) else [value or ""])
                 for line in v.split("\n")]
        if name not in NOT_CONVERTED and any(line and line in converted for line in lines):
            found.add(name)
    return found


_NOT_HAN = re.compile(f"[^{HAN}\n]+")


def record_conversion(rec: Record, converted: list[str]) -> None:
    """`cleaning.converted_t2s` says whether anything was converted from traditional characters (as the
    record contract has it); `cleaning.t2s_fields` names the fields, when there are any."""
    rec.cleaning["converted_t2s"] = bool(converted)
    if converted:
        rec.cleaning["t2s_fields"] = converted
    else:
        rec.cleaning.pop("t2s_fields", None)


def finish_record(rec: Record) -> None:
    """The steps every record takes, whatever its origin: overlong fields cut, UI residue out,
    normalization, body fallback."""
    for name in TEXT_FIELDS:
        value = getattr(rec, name)
        if value and len(value) > _limit(name):
            setattr(rec, name, value[:_limit(name)])
            rec.cleaning.setdefault("cut_fields", {})[name] = len(value)
    rec.abstract_zh = fields.clean_abstract(rec.abstract_zh)
    rec.abstract_en = fields.clean_abstract(rec.abstract_en)
    if rec.title_zh and not fields.has_han(rec.title_zh) and not rec.title_en:
        rec.title_zh, rec.title_en = None, rec.title_zh
    record_conversion(rec, normalize_record(rec))
    drop_implausible_year(rec)
    if not rec.body:
        rec.body = rec.abstract_zh or rec.abstract_en or ""
    rec.sources = rec.sources or [rec.source]


def _plain_id(value: str) -> bool:
    """An id JSON writes as it is (the build reads ids from lines without parsing them)."""
    return json.dumps(value, ensure_ascii=False)[1:-1] == value and value == value.encode("utf-8", "replace").decode()


FIRST_YEAR = 1900  # earlier "years" in these sources are typing errors or other numbers, not publication years


def plausible_years() -> range:
    """Publication years a record may have: 1900 … next year (issues are dated ahead)."""
    import datetime

    return range(FIRST_YEAR, datetime.date.today().year + 2)


def drop_implausible_year(rec: Record) -> None:
    """A year outside `plausible_years` (2989, 1066) becomes null, and so does a date in it, with a warning
    in `cleaning`: one typo would otherwise stretch every yearly table and plot to it."""
    years = plausible_years()
    date_year = int(rec.date[:4]) if rec.date and rec.date[:4].isdigit() else None
    for year in dict.fromkeys(y for y in (rec.year, date_year) if y is not None and y not in years):
        rec.cleaning.setdefault("warnings", []).append(
            f"implausible year {year} set to null (outside {years[0]}–{years[-1]})")
    if rec.year is not None and rec.year not in years:
        rec.year = None
    if date_year is not None and date_year not in years:
        rec.date = None


def read_record_lines(text: str, raw: bytes, source: str, warnings: list[str]) -> list[Record]:
    """A `.jsonl` file of ready-made records (field names as in the record). Keeps each record's `id`.

    A bad line (not JSON, or an object with none of RECORD_KEYS) is skipped with a warning naming its
    line; the rule of `read_json_lines`."""
    try:
        objects = read_json_lines(text, source, warnings)
    except JSONLinesError as exc:
        raise InputError(f"no records: {exc}") from exc
    records = []
    for number, data in objects:
        problems: list[str] = []
        data = checked_fields(data, problems)
        warnings += [f"line {number}: {problem}" for problem in problems]
        if not any(data.get(k) for k in RECORD_KEYS):
            warnings.append(f"line {number}: not a record (needs one of {', '.join(RECORD_KEYS)})")
            continue
        if data.get("id") and not _plain_id(data["id"]):
            warnings.append(f"line {number}: id ignored (it holds quotes, backslashes or control characters)")
            del data["id"]
        rec = Record(**data)  # (checked above)
        rec.id = rec.id or make_id(raw, number)
        rec.source = rec.source or source
        rec.source_kind = data.get("source_kind") or "jsonl"
        rec.cleaning["line"] = number  # where a duplicate can be found again
        finish_record(rec)
        records.append(rec)
    if not records:
        raise InputError("no records: every line failed (" + "; ".join(warnings[:3]) + ")")
    return records
