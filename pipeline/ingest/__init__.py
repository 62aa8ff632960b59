"""Stage 1, ingest: one input file (a saved page, a text save, a database export, a table, record JSONL)
→ records (pipeline.record.Record), cleaned and normalized.

    files.py     walking inputs, sidecars, one file → IngestResult(records, error, warnings)
    decode.py    bytes → text (BOM, declared charset, sniffing)
    page.py      a page being ingested: bytes, text, parsed tree, visible lines
    clean/       SEO spam, site furniture, hidden elements (word lists in data/)
    fields.py    parsers of metadata values (authors, affiliations, pages, dates, keywords …)
    sites/       one extractor per page kind (CNKI, Wanfang, CQVIP, newspapers, mirrors, generic)
    readers/     database export formats (Refworks, EndNote, NoteExpress, E-Study, WoS, RIS, tables)
    evaluate.py  extraction scores shared by tests and benchmarks
"""
from pipeline.ingest.files import InputError, IngestResult, ingest_file, ingest_paths, iter_input_files

__all__ = ["InputError", "IngestResult", "ingest_file", "ingest_paths", "iter_input_files"]
