"""Stage 2, build: the raw directory → the built corpus (layout.py names its files), incrementally.

    build.py     orchestration: ingest cache, external sort into documents.jsonl, manifest, summary
    dedup.py     duplicate records across inputs: match keys, groups, merging
    tokens.py    the token store: documents.jsonl → tokens.parquet, re-segmenting only what changed
    workers.py   where per-item work runs: this process, local worker processes, or a Dask cluster
    layout.py    the build directory's file names
    progress.py  the ingest progress bar (stderr)
"""
from pipeline.build.build import BuildSummary, build as build_corpus

__all__ = ["BuildSummary", "build_corpus"]
