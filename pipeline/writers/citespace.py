"""CiteSpace input: Web-of-Science field-tagged text (`download_1-500.txt`, …), the format CiteSpace reads.
The tags are the WoS reader's (pipeline.ingest.readers.wos), so what is written reads back the same."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.files import write_atomic
from pipeline.ingest.readers.common import page_range
from pipeline.ingest.readers.wos import DOC_TYPE_DT, RECORDS_PER_FILE
from pipeline.record import Record
from pipeline.references import parse_reference
from pipeline.references.keys import name_parts


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
    put_list("CR", cited_references(rec.references))
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


def cited_references(references: list[str]) -> list[str]:
    """The `CR` lines of a record's references that have a year (CiteSpace places a cited reference by its
    year and leaves out those without one) and an author, title or source to show."""
    return [line for line in (cr_line(parse_reference(raw)) for raw in references) if line]


def cr_line(ref: dict) -> str | None:
    """A parsed reference in the WoS `CR` form CiteSpace reads: `Author, Year, Source, Vvolume, Ppage, DOI doi`.

    Author: the first author, a Latin name as `Surname Initials` (`LeCun Y`), `[Anonymous]` when none.
    Source: the journal (newspaper, proceedings); for books, theses and references without a source the
    title, as WoS cites books. Parts that cannot be read are left out; commas inside a part become spaces."""
    source = ref["title"] if ref["type"] in ("M", "D") or not ref["source"] else ref["source"]
    if not ref["year"] or not source and not ref["authors"]:
        return None
    parts = [_cr_author(ref["authors"][0]) if ref["authors"] else "[Anonymous]"]
    parts.append(str(ref["year"]))
    parts += [source] if source else []
    parts += [f"V{ref['volume']}"] if ref["volume"] else []
    first_page = page_range(ref["pages"])[0]
    parts += [f"P{first_page}"] if first_page else []
    parts += [f"DOI {ref['doi']}"] if ref["doi"] else []
    return ", ".join(" ".join(p.replace(",", " ").replace("，", " ").split()) for p in parts)


def _cr_author(name: str) -> str:
    surname, given = name_parts(name)
    initials = "".join(w[0] for w in given.replace(".", " ").replace("-", " ").split() if w[:1].isalpha())
    return " ".join(p for p in (surname, initials.upper()) if p)


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
