"""Spreadsheets researchers keep (CSV, TSV, Excel .xlsx, JSON Lines), read through a column mapping.

A mapping says which column fills which record field, e.g. `title_zh=项目名称`, `year=立项时间`. It comes
from the command line (`--map FIELD=COLUMN`, repeatable), from a small TOML or JSON file
(`--map-config FILE`), or, when neither names a field, from `COLUMN_ALIASES` below (common Chinese and
English headers, and our own field names, so our CSV export reads back). Config file::

    # nssf.toml
    database = "NSSF"          # optional: fills `database` for every row
    doc_type = "project"       # optional
    [columns]
    title_zh = "项目名称"
    year = "立项时间"           # `0000-00-00` and other impossible dates become null
    date = "立项时间"
    authors = "项目负责人"
    affiliations = "工作单位"

(JSON: the same keys, `{"database": "NSSF", "columns": {"title_zh": "项目名称", …}}`.)
List fields (authors, keywords, affiliations) are split on `;`/`；`, and Chinese values also on `,，、`.
"""
from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.ingest.readers.common import ExportError
from pipeline.ingest.readers.tagged import Entry
from pipeline.record import FIELD_NAMES, JSONLinesError, read_json_lines
from pipeline.safe_text import csv_cell_value

# Field -> header names it is recognised by, in order of preference (first present wins).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("题名", "篇名", "标题", "论文题目", "项目名称", "Title", "Article Title", "TI"),
    "title_en": ("英文篇名", "英文题名", "英文标题", "Title-英文"),
    "authors": ("项目负责人", "作者", "Author", "Authors", "Author Full Names", "AU"),
    "affiliations": ("作者单位", "单位", "机构", "工作单位", "Organ", "Affiliations", "Addresses", "C1"),
    "journal": ("刊名", "期刊", "期刊名称", "文献来源", "来源", "Source", "Source Title", "SO"),
    "year": ("年", "年份", "年度", "出版年", "发表年份", "立项时间", "Year", "Publication Year", "PY"),
    "date": ("发表时间", "出版时间", "出版日期", "立项时间", "PubTime"),
    "keywords": ("关键词", "关键字", "Keywords", "Author Keywords", "DE"),
    "abstract": ("摘要", "Abstract", "AB"),
    "fund": ("基金", "基金项目", "Fund"),
    "doi": ("DOI", "DI"),
    "issn": ("ISSN", "SN"),
    "url": ("链接", "网址", "URL", "Link"),
    "volume": ("卷", "Volume", "VL"),
    "issue": ("期", "Issue", "IS"),
    "pages": ("页码", "Pages"),
    "doc_type": ("文献类型", "类型", "Document Type", "DT"),
    "database": ("数据库", "来源库", "Database"),
    "classification": ("学科分类", "分类号", "中图分类号", "CLC", "Classification"),
    "category": ("项目类别", "Category"),
    "project_id": ("项目批准号", "批准号", "Project ID"),
}
# Record fields a mapping may fill directly (besides the routed `title`, `abstract`, `keywords`).
MAPPABLE = frozenset(FIELD_NAMES) - {"id", "source", "source_kind", "cleaning", "sources"} \
    | {"title", "abstract", "keywords"}


@dataclass
class ColumnMapping:
    """Which column fills which field; `database`/`doc_type` give constants for every row."""

    columns: dict[str, str] = field(default_factory=dict)
    database: str | None = None
    doc_type: str | None = None

    @classmethod
    def from_args(cls, items: Iterable[str]) -> "ColumnMapping":
        """From `FIELD=COLUMN` strings (the `--map` options)."""
        columns = {}
        for item in items:
            name, sep, column = item.partition("=")
            if not sep or not name.strip() or not column.strip():
                raise ExportError(f"bad --map {item!r}: expected FIELD=COLUMN, e.g. title_zh=项目名称")
            columns[name.strip()] = column.strip()
        return cls(columns).checked()

    @classmethod
    def from_file(cls, path: str | Path) -> "ColumnMapping":
        """From a TOML (`.toml`) or JSON file: `{"columns": {FIELD: COLUMN}, "database": …, "doc_type": …}`."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (OSError, ValueError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
            raise ExportError(f"{path}: unreadable column mapping: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise ExportError(f"{path}: a mapping needs a [columns] table of FIELD = COLUMN")
        wrong = [f"columns.{k}" for k, v in data.get("columns", {}).items() if not isinstance(v, str)]
        wrong += [k for k in ("database", "doc_type") if data.get(k) is not None and not isinstance(data[k], str)]
        if wrong:  # refused, never stringified: `title_zh = 5` is a mistake, not column "5"
            raise ExportError(f"{path}: {', '.join(wrong)} must be text (a column name or a label)")
        return cls(dict(data.get("columns", {})), data.get("database"), data.get("doc_type")).checked()

    def updated(self, other: "ColumnMapping") -> "ColumnMapping":
        """This mapping with `other`'s entries on top (command line over config file)."""
        return ColumnMapping({**self.columns, **other.columns}, other.database or self.database,
                             other.doc_type or self.doc_type)

    def checked(self) -> "ColumnMapping":
        unknown = sorted(set(self.columns) - MAPPABLE)
        if unknown:
            raise ExportError(f"unknown record field(s) in column mapping: {', '.join(unknown)} "
                              f"(fields: {', '.join(sorted(MAPPABLE))})")
        return self

    def resolve(self, header: list[str]) -> dict[str, str]:
        """Field -> column for this header: explicit columns (which must exist), then aliases."""
        missing = [c for c in self.columns.values() if c not in header]
        if missing:
            raise ExportError(f"column(s) {', '.join(missing)} not in the header "
                              f"(columns: {', '.join(header[:30])})")
        resolved = dict(self.columns)
        taken = {_base(name) for name in resolved}
        for name, aliases in COLUMN_ALIASES.items():
            if _base(name) in taken:
                continue
            for column in (name, *aliases):
                if column in header:
                    resolved[name] = column
                    break
        for name in MAPPABLE - set(resolved):  # our own field names, e.g. from our CSV export
            if name in header and _base(name) not in taken:
                resolved[name] = name
        return resolved


def _base(name: str) -> str:
    """`title_zh`, `title_en`-less routed roles share a base so an explicit title_zh replaces `title`."""
    return name.removesuffix("_zh") if name in ("title_zh", "abstract_zh", "keywords_zh") else name


def detect(head: list[str]) -> bool:
    """A CSV/TSV header row naming a title column."""
    cells = _header_cells(head[0]) if head else []
    titles = {"title", "title_zh", "title_en", *COLUMN_ALIASES["title"]}
    return len(cells) >= 2 and any(cell in titles for cell in cells)


def _header_cells(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [cell.strip().strip('"').strip() for cell in line.split(delimiter)]


def entries(text: str, mapping: ColumnMapping | None = None, source: str = "",
            warnings: list[str] | None = None) -> list[Entry]:
    """Rows of CSV/TSV text (or JSON Lines objects) as entries. A bad JSON line is skipped and reported
    in `warnings` (see `pipeline.record.read_json_lines`)."""
    mapping = mapping or ColumnMapping()
    if text.lstrip().startswith("{"):
        try:
            rows = [row for _, row in read_json_lines(text, source, warnings)]
        except JSONLinesError as exc:
            raise ExportError(str(exc)) from exc
        header = list(dict.fromkeys(key for row in rows for key in row))
    else:
        first_line = text.split("\n", 1)[0]
        cells = csv_rows(text, "\t" if "\t" in first_line else ",", warnings if warnings is not None else [])
        header = [cell.strip() for cell in next(cells, [])]
        rows = [dict(zip(header, row)) for row in cells if any(cell.strip() for cell in row)]
    return rows_to_entries(header, rows, mapping)


def csv_rows(text: str, delimiter: str, warnings: list[str]):
    """The rows of CSV text. A field may be as long as the text (the csv module's own limit, 128 KiB, is
    no limit of ours: the file size is). A quote left open (its rows would be glued into one field up
    to the end of the file) is reported, and the lines from there on are read without quoting."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    unbalanced, last_line = text.count('"') % 2, text.count("\n")
    start = 1
    for row in reader:
        if unbalanced and reader.line_num > start and reader.line_num >= last_line:
            warnings.append(f"line {start}: a quote is never closed: the lines from there on are read without quoting")
            yield from csv.reader(io.StringIO("\n".join(text.split("\n")[start - 1:])), delimiter=delimiter,
                                  quoting=csv.QUOTE_NONE)
            return
        yield row
        start = reader.line_num + 1


def read_xlsx(data: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of the first sheet of an .xlsx workbook."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a broken zip or workbook
        raise ExportError(f"unreadable Excel workbook: {exc}") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    body = [dict(zip(header, row)) for row in rows if any(c not in (None, "") for c in row)]
    return header, body


def rows_to_entries(header: list[str], rows: list[dict[str, Any]], mapping: ColumnMapping) -> list[Entry]:
    columns = mapping.resolve(header)
    if not any(name in columns for name in ("title", "title_zh", "title_en", "abstract", "abstract_zh", "body")):
        raise ExportError(f"no title column found (columns: {', '.join(header[:30])}); "
                          "give one with --map title_zh=COLUMN")
    out = []
    for row in rows:
        entry: Entry = {name: _cell_values(row.get(column)) for name, column in columns.items()}
        entry = {name: values for name, values in entry.items() if values}
        if mapping.database:
            entry.setdefault("database", [mapping.database])
        if mapping.doc_type:
            entry.setdefault("doc_type", [mapping.doc_type])
        out.append(entry)
    return out


def _cell_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    if hasattr(value, "isoformat"):  # Excel dates
        return [value.isoformat()]
    text = csv_cell_value(str(value).strip())  # our CSV export's formula guard, taken off
    return [text] if text else []
