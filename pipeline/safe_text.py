"""Values made safe for the files the project writes, whatever the data holds.

CSV (formula injection, OWASP's rule): a cell starting with `=`, `+`, `-`, `@`, tab or carriage return
is a formula to Excel and LibreOffice; such a cell gets a leading `'`, which spreadsheets show as text
and do not display. Every CSV writer passes its cells through `csv_cell` (or a table through
`csv_table`); the table reader takes the `'` off again (`csv_cell_value`), so our CSV reads back as
written.

XML (GEXF, every XML output): XML 1.0 forbids most control characters, lone surrogates and
U+FFFE/U+FFFF, even escaped; `xml_text` removes them so that the file stays well-formed.
"""
from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def csv_cell(value):
    """`value` with a leading `'` when it is text a spreadsheet would run as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_cell_value(value: str) -> str:
    """A cell read from CSV, without the `'` csv_cell put before it."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_START and value[1:2] else value


def csv_table(table):
    """A DataFrame with csv_cell applied to its text cells (a copy; numbers untouched)."""
    import pandas as pd

    table = table.copy()
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(csv_cell)
    return table


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", value)


def read_csv_table(path):
    """A CSV file written through csv_table, read back as it was before (pandas DataFrame)."""
    import pandas as pd

    table = pd.read_csv(path)
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(lambda v: csv_cell_value(v) if isinstance(v, str) else v)
    return table
