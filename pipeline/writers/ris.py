"""RIS (`TY  - JOUR` … `ER  - `), what Zotero, EndNote and NoteExpress import; tags as the RIS reader's."""
from __future__ import annotations

from pathlib import Path

from pipeline.files import write_atomic
from pipeline.ingest.readers.common import page_range
from pipeline.ingest.readers.ris import DOC_TYPE_TY
from pipeline.record import Record


def format_record(rec: Record) -> str:
    lines = [f"TY  - {DOC_TYPE_TY.get(rec.doc_type or '', 'JOUR' if rec.journal else 'GEN')}"]

    def put(tag: str, value: str | int | None) -> None:
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            lines.append(f"{tag}  - {text}")

    first_page, last_page = page_range(rec.pages)
    for author in rec.authors:
        put("AU", author)
    put("TI", rec.title_zh or rec.title_en)
    if rec.title_zh:
        put("TT", rec.title_en)
    put("T2", rec.journal)
    put("PY", rec.year)
    put("DA", rec.date.replace("-", "/") if rec.date else None)
    put("VL", rec.volume)
    put("IS", rec.issue)
    if rec.pages and rec.pages != "-".join(p for p in (first_page, last_page) if p):
        put("SP", rec.pages)  # 47-58,165: keep it whole, SP/EP cannot say it
    else:
        put("SP", first_page)
        put("EP", last_page)
    for keyword in rec.keywords_zh or rec.keywords_en:
        put("KW", keyword)
    put("AB", rec.abstract_zh or rec.abstract_en)
    for affiliation in rec.affiliations:
        put("AD", affiliation)
    put("DO", rec.doi)
    put("SN", rec.issn)
    put("UR", rec.url)
    put("DB", rec.database)
    put("ID", rec.id)
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def write_ris(records: list[Record], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "corpus.ris"
    write_atomic(path, "\n".join(map(format_record, records)).encode("utf-8"))
    return [path]
