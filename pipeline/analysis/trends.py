"""Concept trends as tidy DataFrames: one row per concept × period.

Columns: `concept, period, docs, total, share, ci_low, ci_high, hits, occurrences, token_occurrences,
tokens, per_10k`. `docs` are the documents in the period that match, `total` all documents in the
period, `share` their ratio with a Wilson 95% interval (so 2 of 5 documents is not read as a trend),
`hits` matching (document, field) pairs, `occurrences` term occurrences in those fields. When the corpus
has tokens (tokens.parquet): `token_occurrences` tokens containing a term, `tokens` all tokens of the
period and `per_10k` = token_occurrences per 10,000 tokens, both counted in the same segmented text.
Periods with no documents are rows with zeros.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.concepts import DEFAULT_FIELDS, Concept, concept_set, resolve_all
from pipeline.record import LIST_FIELDS

# What documents can be grouped by. A list field (indexing, classification) puts a document in each of
# its values.
BY = ("year", "source_kind", "journal", "indexing", "classification", "category", "doc_type", "database")
MEASURES = {"doc_share": "share", "count": "docs", "per_10k": "per_10k"}
NO_VALUE = "(none)"
COLUMNS = ["concept", "period", "docs", "total", "share", "ci_low", "ci_high",
           "hits", "occurrences", "token_occurrences", "tokens", "per_10k"]
Z95 = 1.959963984540054


def wilson_interval(k, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes in n trials (NaN where n is 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    # At k = 0 (k = n) the bound is exactly 0 (1); rounding would leave 1e-17.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


@dataclass
class Periods:
    """Which period each document falls in. `rows` and `codes` are parallel: a document with several
    values of a list field (indexing tiers, classes) appears once per value; documents without a year
    are left out of yearly trends."""

    labels: list
    rows: np.ndarray
    codes: np.ndarray
    unassigned: int = 0

    def count(self, per_doc: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes, weights=per_doc[self.rows], minlength=len(self.labels))


def periods(docs: pd.DataFrame, by: str = "year") -> Periods:
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    if by == "year":
        years = docs["year"].astype("Int64")
        dated = years.notna().to_numpy()
        if not dated.any():
            return Periods([], np.array([], dtype=np.int64), np.array([], dtype=np.int64), len(docs))
        values = years[dated].to_numpy(dtype=np.int64)
        first, last = values.min(), values.max()
        # Every year in the span is a row, also the years nobody published in.
        return Periods(list(range(first, last + 1)), np.flatnonzero(dated), values - first, int((~dated).sum()))
    if by not in docs:  # a corpus built before the field existed
        docs = docs.assign(**{by: [[] if by in LIST_FIELDS else None] * len(docs)})
    column = docs[by].reset_index(drop=True)
    if by in LIST_FIELDS:
        column = column.map(lambda values: list(values) if values is not None and len(values) else [NO_VALUE])
        column = column.explode()
    values = column.astype(object).where(column.notna(), NO_VALUE).astype(str).replace("", NO_VALUE)
    codes, labels = pd.factorize(values, sort=True)
    rows = values.index.to_numpy()
    return Periods(list(labels), np.asarray(rows), codes.astype(np.int64))


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole, NaN where whole is 0 (a period without documents has no share)."""
    return np.where(whole > 0, part / np.maximum(whole, 1), np.nan)


def trends(corpus, terms, by: str = "year", fields=DEFAULT_FIELDS,
           concepts: dict | str | Path | None = None) -> pd.DataFrame:
    """Tidy trend table for concepts or literal terms (English terms resolve through the concept file
    and the corpus's bilingual keyword glossary)."""
    if isinstance(terms, (str, Concept)):
        terms = [terms]
    if not terms:
        raise ValueError("no terms given")
    wanted = resolve_all(terms, concept_set(concepts, corpus.path), corpus.glossary)
    split = periods(corpus.docs, by)
    total = np.bincount(split.codes, minlength=len(split.labels))
    tokens_per_doc = corpus.aligned_tokens.counts
    period_tokens = split.count(tokens_per_doc) if tokens_per_doc is not None else None

    frames = []
    for concept, found in zip(wanted, corpus.text_index.match(wanted, fields)):
        docs = split.count(found.docs.astype(np.int64)).astype(np.int64)
        low, high = wilson_interval(docs, total)
        occurrences = split.count(found.occurrences).astype(np.int64)
        in_tokens = None if period_tokens is None else split.count(corpus.text_index.token_hits(concept))
        frames.append(pd.DataFrame({
            "concept": concept.name,
            "period": split.labels,
            "docs": docs,
            "total": total,
            "share": _ratio(docs, total),
            "ci_low": low,
            "ci_high": high,
            "hits": split.count(found.hits).astype(np.int64),
            "occurrences": occurrences,
            "token_occurrences": pd.NA if in_tokens is None else in_tokens,
            "tokens": pd.NA if period_tokens is None else period_tokens,
            "per_10k": np.nan if period_tokens is None else _ratio(in_tokens, period_tokens) * 10_000,
        }, columns=COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    table[["token_occurrences", "tokens"]] = table[["token_occurrences", "tokens"]].astype("Int64")
    table.attrs.update(by=by, fields=list(fields), unassigned=split.unassigned,
                       terms={c.name: list(c.terms) for c in wanted})
    if not split.labels:
        table.attrs["note"] = (f"no document has a year ({split.unassigned} documents); group them --by source_kind, "
                               "journal or indexing instead" if by == "year" else
                               "the corpus has no documents")
    return table
