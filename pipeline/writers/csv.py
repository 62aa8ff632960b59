"""One spreadsheet of the corpus: corpus.csv, UTF-8 with BOM so that Excel opens it in Chinese. Cells
that a spreadsheet would run as formulas are neutralized (pipeline.safe_text.csv_cell)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.files import write_atomic
from pipeline.record import FIELD_NAMES
from pipeline.safe_text import csv_cell


def write_csv(records: list, out_dir: Path) -> list[Path]:
    """All record fields as columns, lists joined with `; ` (UTF-8 with BOM so Excel shows Chinese)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "corpus.csv"
    columns = [name for name in FIELD_NAMES if name != "cleaning"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for rec in records:
        row = rec.to_dict()
        writer.writerow([csv_cell("; ".join(v) if isinstance(v, list) else "" if v is None else v)
                         for v in (row[c] for c in columns)])
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return [path]
