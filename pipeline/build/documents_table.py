"""documents.parquet: the columnar copy of documents.jsonl (same records, same ids, same order) that
notebooks load from (pipeline.analysis.corpus.load_corpus): reading it takes a fraction of parsing the
JSON Lines.

Columns are the record's fields in their order: text fields as strings, `year` as int64, list fields as
lists of strings, and `cleaning` (free-form) as its JSON text. A field missing from a line is null (a
list field: null, read back as []). The build writes it beside documents.jsonl in the same generation,
from the same partitions as tokens.parquet (pipeline.build.tokens), and stamps it with the SHA-256 of the
documents.jsonl it copies (DOCUMENTS_DIGEST), so a reader can prove the two are one unit.
"""
from __future__ import annotations

import array
import itertools
import json
import math
from pathlib import Path

from pipeline.build.layout import DOCUMENTS_DIGEST
from pipeline.record import FIELD_NAMES, LIST_FIELDS

CLEANING = "cleaning"
# Metadata of a copy of lines that leave fields out (written by other tools): the fields no line has,
# which pandas makes float NaN columns of (a field given as null in every line: None).
ABSENT = b"pipeline.absent_fields"
# Columns whose values repeat across records: dictionary-encoded (the others, bodies and titles, would
# only cost the writer a dictionary it then drops).
REPEATED = ["source", "source_kind", "journal", "journal_en", "database", "doc_type"]
# How it is written (by the build's parent process, one partition at a time): snappy compresses at twice
# zstd's speed on these documents (0.07 against 0.13 s for 60,000 records), and statistics only where a
# reader can use them.
WRITE = {"compression": "snappy", "use_dictionary": REPEATED, "write_statistics": ["id", "year"]}
# Row groups of at least this many rows (or Arrow bytes), gathered from the partitions: a reader decodes a
# row group's 33 column chunks each on their own, and the partitions' 4,000-record groups made reading a
# million documents take 4 times as long (1.7 s against 0.4).
GROUP_ROWS = 1 << 18
GROUP_BYTES = 64 << 20


def schema():
    import pyarrow as pa

    def kind(name: str):
        if name in LIST_FIELDS:
            return pa.list_(pa.string())
        return pa.int64() if name == "year" else pa.string()

    return pa.schema([(name, kind(name)) for name in FIELD_NAMES])


def documents_table(rows: list[dict]):
    """An Arrow table (schema()) of parsed documents.jsonl lines. Built from buffers: pa.array would
    import pandas in every worker process (0.2 s each)."""
    import pyarrow as pa

    columns = []
    for name in FIELD_NAMES:
        values = [row.get(name) for row in rows]
        if name in LIST_FIELDS:
            columns.append(string_lists(values))
        elif name == "year":
            columns.append(_int64s(values))
        elif name == CLEANING:
            columns.append(string_array([None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":"))
                                         for v in values]))
        else:
            columns.append(string_array(values))
    return pa.Table.from_arrays(columns, schema=schema())


def _validity(values: list):
    """The validity bitmap of `values` (None: null), or None when nothing is null."""
    import numpy as np
    import pyarrow as pa

    if None not in values:
        return None
    present = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    return pa.py_buffer(np.packbits(present, bitorder="little"))


def string_array(values: list[str | None]):
    """An Arrow string array of the values (None: null)."""
    import pyarrow as pa

    if values.count(None) == len(values):  # (a field most records lack)
        return pa.nulls(len(values), pa.string())
    encoded = [value.encode() if value is not None else b"" for value in values]
    offsets = array.array("i", itertools.accumulate(map(len, encoded), initial=0))
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)),
                                       _validity(values))


def string_lists(rows: list[list[str] | None]):
    """An Arrow list<string> array of the rows (None: null)."""
    import pyarrow as pa

    if None not in rows and not any(rows):  # (a field most records leave empty)
        return pa.ListArray.from_buffers(pa.list_(pa.string()), len(rows), [None, pa.py_buffer(bytes(4 * (len(rows) + 1)))],
                                         children=[pa.nulls(0, pa.string())])
    offsets = array.array("i", itertools.accumulate((len(row) if row is not None else 0 for row in rows), initial=0))
    flat = string_array([token for row in rows if row is not None for token in row])
    return pa.ListArray.from_buffers(pa.list_(pa.string()), len(rows), [_validity(rows), pa.py_buffer(offsets)],
                                     children=[flat])


def _int64s(values: list[int | None]):
    import pyarrow as pa

    data = array.array("q", (v if v is not None else 0 for v in values))
    return pa.Array.from_buffers(pa.int64(), len(values), [_validity(values), pa.py_buffer(data)])


class DocumentsWriter:
    """documents.parquet written from partitions (Arrow tables of schema(), appended in order) in row groups
    of GROUP_ROWS or GROUP_BYTES: the same groups whatever the partitions' producers, so the same bytes."""

    def __init__(self, path: Path):
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(path, schema(), **WRITE)
        self.pending: list = []
        self.rows = self.bytes = 0  # of the pending tables

    @property
    def is_open(self) -> bool:
        return self.writer.is_open

    def write_table(self, table) -> None:
        self.pending.append(table)
        self.rows += table.num_rows
        self.bytes += table.nbytes
        if self.rows >= GROUP_ROWS or self.bytes >= GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=GROUP_ROWS * 2)
            self.pending, self.rows, self.bytes = [], 0, 0

    def add_key_value_metadata(self, metadata: dict) -> None:
        self.writer.add_key_value_metadata(metadata)

    def close(self) -> None:
        self._flush()
        self.writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def table_digest(path: Path) -> str | None:
    """The SHA-256 of the documents.jsonl a documents.parquet was made from (None when it says none)."""
    import pyarrow.parquet as pq

    digest = (pq.read_metadata(path).metadata or {}).get(DOCUMENTS_DIGEST)
    return digest.decode() if digest else None


def read_documents(path: Path):
    """documents.parquet → the DataFrame load_corpus gives for documents.jsonl: one row per record, the
    fields as columns, `year` Int64, list fields as Python lists ([] where missing), `cleaning` dicts.
    (Call it with the garbage collector paused, as load_corpus does: it makes millions of lists.)"""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(path)  # (only the build and load_corpus write and read it: the schema is ours)
    absent = set(json.loads((metadata.metadata or {}).get(ABSENT, b"[]")))
    # Text fields no line has are not read: NaN columns, as pandas makes of keys no line holds.
    unread = {name for name in absent if name not in LIST_FIELDS and name not in (CLEANING, "year")}
    names = metadata.schema.to_arrow_schema().names
    table = pq.read_table(path, columns=[name for name in names if name not in unread])
    columns = {}
    for name in names:
        if name in unread:
            columns[name] = np.full(metadata.num_rows, math.nan)
            continue
        column = table.column(name).combine_chunks()
        if name in LIST_FIELDS:
            columns[name] = _python_lists(column)
        elif name == CLEANING:
            columns[name] = _cleaning(column)
        elif name == "year":
            columns[name] = pd.array(column.to_pandas(), dtype="Int64")
        elif column.null_count == len(column):  # as pandas makes a column of JSON nulls
            columns[name] = np.full(len(column), None, dtype=object)
        else:
            columns[name] = column.to_pandas()
    # Not copied into 2-D blocks (what copy=True does to the 20-odd object columns): the columns are ours.
    return pd.DataFrame(columns, copy=False)


def _python_lists(column):
    """A list<string> array as an object array of Python lists, one new list per row ([] for null), cut
    from one flat list of its strings."""
    import numpy as np

    rows = len(column)
    if column.null_count == rows or len(column.values) == 0:
        cut = map(list, itertools.repeat((), rows))
    else:
        values = column.flatten().to_pylist()
        offsets = column.offsets.to_numpy()
        offsets = (offsets - offsets[0]).tolist()  # (a sliced array's offsets need not start at 0; flatten()'s do)
        cut = map(values.__getitem__, map(slice, offsets, itertools.islice(offsets, 1, None)))
    return np.fromiter(cut, dtype=object, count=rows)


def _cleaning(column):
    """Each row's cleaning dict (a copy per row), each distinct JSON text parsed once; NaN where missing,
    as pandas gives for a field missing from a JSON line."""
    import numpy as np
    import pyarrow.compute as pc

    if column.null_count == len(column):
        return np.full(len(column), math.nan)
    encoded = pc.dictionary_encode(column)
    parsed = [json.loads(text) if text is not None else None for text in encoded.dictionary.to_pylist()]
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)  # (null rows: see `valid`)
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    return [dict(parsed[i]) if ok else math.nan for i, ok in zip(indices.tolist(), valid.tolist())]


def write_documents_table(directory: Path, part_bytes: int = 1 << 19) -> Path:
    """directory/documents.parquet from directory/documents.jsonl, for a corpus the build did not write
    (or wrote before the copy existed); the build writes its own from its token partitions. Raises
    ValueError when a line holds keys that are no record field (the copy could not hold them)."""
    import hashlib
    import os

    from pipeline.build.layout import DOCUMENTS, DOCUMENTS_TABLE
    from pipeline.build.workers import line_ranges, read_lines

    documents, target = directory / DOCUMENTS, directory / DOCUMENTS_TABLE
    with open(documents, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    tmp = target.with_name(f".{target.name}.tmp")
    fields, present = set(FIELD_NAMES), set()
    try:
        with DocumentsWriter(tmp) as writer:
            for offset, size in line_ranges(documents, part_bytes):
                rows = [json.loads(line) for line in read_lines(documents, offset, size) if line.strip()]
                for row in rows:
                    present.update(row)
                    if not fields.issuperset(row):
                        raise ValueError(f"{documents}: record {row.get('id')!r} has fields a record does not have: "
                                         f"{', '.join(sorted(set(row) - fields))}")
                writer.write_table(documents_table(rows))
            absent = [name for name in FIELD_NAMES if name not in present]
            writer.add_key_value_metadata({DOCUMENTS_DIGEST: digest.encode(), ABSENT: json.dumps(absent).encode()})
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
