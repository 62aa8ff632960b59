"""The one record type that flows through every stage (see ../shared/INTERFACES.md)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any


@dataclass
class Record:
    id: str = ""
    source: str = ""
    source_kind: str = "generic"
    title_zh: str | None = None
    title_en: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_en: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    journal: str | None = None
    journal_en: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    date: str | None = None
    abstract_zh: str | None = None
    abstract_en: str | None = None
    keywords_zh: list[str] = field(default_factory=list)
    keywords_en: list[str] = field(default_factory=list)
    fund: str | None = None
    doi: str | None = None
    issn: str | None = None
    indexing: list[str] = field(default_factory=list)
    body: str = ""
    references: list[str] = field(default_factory=list)
    url: str | None = None
    database: str | None = None  # CNKI, Wanfang, CQVIP, WoS, … (where an export came from)
    doc_type: str | None = None  # journal, thesis, conference, newspaper, patent, book, standard, yearbook, …
    classification: list[str] = field(default_factory=list)  # subject classes: CLC 分类号, NSSF 学科分类
    category: str | None = None  # the kind of project or item a list gives (NSSF 项目类别: 一般项目, 青年项目 …)
    project_id: str | None = None  # a project's number (NSSF 项目批准号)
    sources: list[str] = field(default_factory=list)  # every input that contributed, after merging duplicates
    cleaning: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # Shallow copies of the lists and `cleaning` (dataclasses.asdict deep-copies: 3x slower).
        out = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            out[name] = list(value) if name in LIST_FIELDS else dict(value) if name == "cleaning" else value
        return out

    def to_json(self) -> str:
        """One JSON Lines line; key order is the field order, so output is byte-stable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        """Build a record from a mapping, ignoring unknown keys and values of the wrong type (see
        `checked_fields`, which also says which)."""
        return cls(**checked_fields(data))


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Record))
LIST_FIELDS = frozenset(
    f.name for f in dataclasses.fields(Record) if f.default_factory is list  # type: ignore[comparison-overlap]
)
TEXT_FIELDS = tuple(
    name for name in FIELD_NAMES if name not in LIST_FIELDS and name not in ("id", "year", "cleaning")
)


def json_type(value: Any) -> str:
    for kind, name in ((bool, "boolean"), (str, "string"), (int, "number"), (float, "number"), (dict, "object"),
                       (list, "array")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_EXPECTED = {"cleaning": "an object", "year": "a year"}


def checked_fields(data: dict[str, Any], problems: list[str] | None = None) -> dict[str, Any]:
    """The record fields of `data` in the record's shapes, field by field. Text fields take a string or
    a number (written as text); list fields a list of those (a single string is a list of one; other
    items are dropped); `year` a number or a string starting with one; `cleaning` an object. A value of
    any other type (an object as a title, `"authors": 5`, `"keywords_zh": true`) is refused, never
    stringified: the field is left out and `field NAME ignored: …` is appended to `problems`."""
    out: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name not in data or data[name] is None:
            if name in data and name in LIST_FIELDS:
                out[name] = []
            continue
        value = data[name]
        if name in LIST_FIELDS:
            if isinstance(value, str):
                value = [value] if value else []
            elif isinstance(value, list):
                good = [v if isinstance(v, str) else str(v) for v in value if isinstance(v, str) or _is_number(v)]
                if len(good) < len(value) and problems is not None:
                    problems.append(f"field {name}: {len(value) - len(good)} item(s) ignored (not text)")
                value = good
            else:
                value = None
        elif name == "year":
            if isinstance(value, str) or _is_number(value):
                value = _as_year(value)
                if value is None:
                    continue  # text that is no year is a missing year, not a wrong type
            else:
                value = None
        elif name == "cleaning":
            value = dict(value) if isinstance(value, dict) else None
        elif isinstance(value, str) or _is_number(value):
            value = value if isinstance(value, str) else str(value)
        else:
            value = None
        if value is None:
            if problems is not None:
                expected = "a list of strings" if name in LIST_FIELDS else _EXPECTED.get(name, "a string")
                problems.append(f"field {name} ignored: {json_type(data[name])} where {expected} is expected")
            continue
        out[name] = value
    return out


class JSONLinesError(ValueError):
    """JSON Lines text of which no line holds a JSON object."""


def read_json_lines(text: str, source: str, problems: list[str] | None = None) -> list[tuple[int, dict]]:
    """The JSON objects of JSON Lines text, each with its line number (from 1). Blank lines are ignored.

    The one rule for every JSON Lines input (ready-made records, tables, documents for `topics infer`): a
    line that is not a JSON object does not stop the file. It is skipped and reported as `line N: reason`,
    appended to `problems` (whoever reports them names the file, as ingest's warnings do) or, without a
    list, logged as a warning `SOURCE: line N: reason`; the other lines still go through. When there are
    lines but none holds an object, the file itself is bad: JSONLinesError, giving the first reasons.
    """
    objects, bad = [], []
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"line {number}: not JSON ({exc.msg})")
            continue
        except RecursionError:  # "[[[[…": malicious or broken
            bad.append(f"line {number}: not JSON (nested too deeply)")
            continue
        if isinstance(value, dict):
            objects.append((number, value))
        else:
            bad.append(f"line {number}: not a JSON object")
    if problems is not None:
        problems.extend(bad)
    else:
        for note in bad:
            logging.getLogger(__name__).warning("%s: %s", source, note)
    if bad and not objects:
        raise JSONLinesError("no line holds a JSON object (" + "; ".join(bad[:3]) + ")")
    return objects


def iter_records(path) -> Iterator[Record]:
    """The records of a JSON Lines file written by `Record.to_json` (a built documents.jsonl), streamed."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Record.from_dict(json.loads(line))


def record_id_of_line(line: bytes | str) -> str:
    """The id of a JSON line written by `Record.to_json`, read without parsing it (`{"id":"…"` is first)."""
    if isinstance(line, bytes):
        return record_id_bytes(line).decode()
    return line[7:line.index('"', 7)]


def record_id_bytes(line: bytes) -> bytes:
    """record_id_of_line, left as UTF-8 bytes (the build's sort key: no decoding per line). UTF-8 keeps
    code point order, so lines sort as their ids do."""
    return line[7:line.index(b'"', 7)]  # after '{"id":"'


def _as_year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if type(value) is int:
        return value if 1000 <= value <= 2999 else None
    try:
        year = int(str(value).strip()[:4])
    except ValueError:
        return None
    return year if 1000 <= year <= 2999 else None


def make_id(content: bytes, index: int = 0) -> str:
    """Stable id from the input's bytes (and the record's position in a multi-record input)."""
    return _indexed_id(hashlib.sha256(content).hexdigest(), index)


def make_ids(content: bytes, count: int) -> list[str]:
    """`[make_id(content, i) for i in range(count)]`, hashing the (possibly large) input once."""
    digest = hashlib.sha256(content).hexdigest()
    return [_indexed_id(digest, index) for index in range(count)]


def _indexed_id(digest: str, index: int) -> str:
    if index:
        digest = hashlib.sha256(f"{digest}:{index}".encode()).hexdigest()
    return digest[:16]
