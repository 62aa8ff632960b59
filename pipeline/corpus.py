"""The built corpus as pandas DataFrames: the entry point for notebooks and analysis commands."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.record import FIELD_NAMES

DEFAULT_BUILD = Path("corpus/build")
DOCUMENTS = "documents.jsonl"
TOKENS = "tokens.parquet"


@dataclass
class Corpus:
    """`docs`: one row per record (the record's fields as columns).
    `tokens`: one row per record with `id`, `tokens_zh`, `tokens_en` (lists), when segmented."""

    docs: pd.DataFrame
    tokens: pd.DataFrame | None = None
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.docs)


def load_corpus(path: str | Path | None = None) -> Corpus:
    """Load `documents.jsonl` (and `tokens.parquet` when present) from a built corpus directory."""
    root = Path(path) if path is not None else DEFAULT_BUILD
    docs_path = root / DOCUMENTS
    if not docs_path.exists():
        raise FileNotFoundError(f"{docs_path}: no built corpus here (run `make corpus` or `python -m pipeline build`)")
    with open(docs_path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    docs = pd.DataFrame(rows, columns=list(dict.fromkeys([*FIELD_NAMES, *(k for r in rows for k in r)])))
    docs["year"] = docs["year"].astype("Int64")
    tokens = pd.read_parquet(root / TOKENS) if (root / TOKENS).exists() else None
    return Corpus(docs=docs, tokens=tokens, path=root)


def load_records(path: str | Path | None = None) -> list:
    """The built corpus's records as `Record` objects (for exporters and reviews that need every field)."""
    from pipeline.record import Record

    docs_path = (Path(path) if path is not None else DEFAULT_BUILD) / DOCUMENTS
    if not docs_path.exists():
        raise FileNotFoundError(f"{docs_path}: no built corpus here (run `make corpus` or `python -m pipeline build`)")
    with open(docs_path, encoding="utf-8") as fh:
        return [Record.from_dict(json.loads(line)) for line in fh if line.strip()]
