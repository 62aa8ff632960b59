"""CiteSpace input: Web-of-Science field-tagged text (`download_1-500.txt`, …), the format CiteSpace reads.
The tags are the WoS reader's (pipeline.ingest.readers.wos), so what is written reads back the same."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.files import write_atomic
from pipeline.ingest.readers.common import page_range
from pipeline.ingest.readers.wos import DOC_TYPE_DT, RECORDS_PER_FILE
from pipeline.record import Record


def format_record(rec: Record) -> str:
    """One record in WoS tags (CiteSpace reads TI, AU, SO, DE, AB, C1, PY, UT …)."""
    lines: list[str] = []

    def put(tag: str, value: str | int | None) -> None:
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            lines.append(f"{tag} {text}")

    def put_list(tag: str, values: Iterable[str]) -> None:
        items = [" ".join(v.split()) for v in values if v and v.strip()]
        if items:
            lines.append(f"{tag} {items[0]}")
            lines.extend(f"   {item}" for item in items[1:])

    first_page, last_page = page_range(rec.pages)
    lines.append("PT J")
    put_list("AU", rec.authors)
    put_list("AF", rec.authors)
    put("TI", rec.title_zh or rec.title_en)
    put("SO", rec.journal)
    put("LA", "Chinese" if rec.title_zh else "English")
    put("DT", DOC_TYPE_DT.get(rec.doc_type or "journal", "Article"))
    put("DE", "; ".join(rec.keywords_zh or rec.keywords_en))
    put("AB", rec.abstract_zh or rec.abstract_en)
    put_list("C1", rec.affiliations)
    put("FU", rec.fund)
    put_list("CR", rec.references)
    put("NR", len(rec.references))
    put("SN", rec.issn)
    put("PY", rec.year)
    put("VL", rec.volume)
    put("IS", rec.issue)
    put("BP", first_page)
    put("EP", last_page)
    put("DI", rec.doi)
    # CiteSpace removes duplicates by UT, so every record needs its own.
    put("UT", f"{rec.database or 'CORPUS'}:{rec.id}")
    lines.append("ER")
    return "\n".join(lines) + "\n"


def write_citespace(records: list[Record], out_dir: Path, per_file: int = RECORDS_PER_FILE) -> list[Path]:
    """Write `download_1-500.txt`, `download_501-1000.txt`, … (UTF-8 with BOM, as WoS and CiteSpace use)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(records), per_file):
        chunk = records[start:start + per_file]
        path = out_dir / f"download_{start + 1}-{start + len(chunk)}.txt"
        text = "FN Clarivate Analytics Web of Science\nVR 1.0\n" + "\n".join(map(format_record, chunk)) + "\nEF\n"
        write_atomic(path, ("\ufeff" + text).encode("utf-8"))
        paths.append(path)
    return paths
