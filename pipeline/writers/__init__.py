"""Writers: the corpus back out, for the tools researchers already use (CiteSpace, Excel, Zotero/EndNote).

Records in, files out: `write_export(records, "citespace"|"csv"|"ris", out_dir)` returns the files written.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.record import Record
from pipeline.writers.citespace import write_citespace
from pipeline.writers.csv import write_csv
from pipeline.writers.ris import write_ris

WRITERS = {"citespace": write_citespace, "csv": write_csv, "ris": write_ris}


def write_export(records: list[Record], fmt: str, out_dir: str | Path) -> list[Path]:
    """Write records as CiteSpace `download_*.txt`, `corpus.csv` or `corpus.ris` in out_dir; returns the files."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(WRITERS)})")
    return WRITERS[fmt](records, Path(out_dir))
