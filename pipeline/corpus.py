"""The built corpus as pandas DataFrames: the entry point for notebooks and analysis commands."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from pipeline.record import FIELD_NAMES, LIST_FIELDS

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

    # Analyses (thin over pipeline.trends, .keywords, .bursts, .network, .glossary; see their help).
    @cached_property
    def text_index(self):
        """Normalized field texts for concept matching, built on first use and kept."""
        from pipeline.concepts import TextIndex

        return TextIndex(self.docs, self.tokens)

    def trends(self, terms, by: str = "year", **options) -> pd.DataFrame:
        """Concept × period table with docs, total, share and Wilson 95% interval (pipeline.trends.trends)."""
        from pipeline.trends import trends

        return trends(self, terms, by=by, **options)

    def keywords(self, method: str = "tfidf", by: str | None = None, top: int = 20, **options) -> pd.DataFrame:
        """Top terms per period: tfidf, textrank, author or logodds (pipeline.keywords.keywords)."""
        from pipeline.keywords import keywords

        return keywords(self, method=method, by=by, top=top, **options)

    def bursts(self, terms=None, **options) -> pd.DataFrame:
        """Kleinberg bursts of author keywords or given terms: term, strength, begin, end."""
        from pipeline.bursts import bursts

        return bursts(self, terms, **options)

    def network(self, unit: str = "keywords", **options):
        """Co-occurrence network of author keywords or concepts (pipeline.network.cooccurrence)."""
        from pipeline.network import cooccurrence

        return cooccurrence(self, unit=unit, **options)

    def glossary(self, min_support: int = 1) -> pd.DataFrame:
        """zh, en, support from records listing keywords_zh and keywords_en in the same count."""
        if min_support not in self._glossaries:
            from pipeline.glossary import build_glossary

            self._glossaries[min_support] = build_glossary(self.docs, min_support)
        return self._glossaries[min_support]

    @cached_property
    def _glossaries(self) -> dict:
        return {}


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
    for name in LIST_FIELDS:  # a list field missing from a line is [] (never NaN), as for records
        missing = docs[name].isna().to_numpy()
        if missing.any():
            docs[name] = [[] if gap else value for gap, value in zip(missing, docs[name])]
    tokens = pd.read_parquet(root / TOKENS) if (root / TOKENS).exists() else None
    return Corpus(docs=docs, tokens=tokens, path=root)


def load_records(path: str | Path | None = None) -> list:
    """The built corpus's records as `Record` objects (for exporters and reviews that need every field)."""
    from pipeline.record import iter_records

    docs_path = (Path(path) if path is not None else DEFAULT_BUILD) / DOCUMENTS
    if not docs_path.exists():
        raise FileNotFoundError(f"{docs_path}: no built corpus here (run `make corpus` or `python -m pipeline build`)")
    return list(iter_records(docs_path))
