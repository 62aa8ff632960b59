"""The tables of a knowledge-map study, as DataFrames (`.to_csv` for files).

- publications_per_year: year, docs, cumulative.
- core_authors: Price's law: core authors have at least m = 0.749·√n_max documents, n_max the most
  documents of one author (Price 1963, as used in Chinese bibliometrics); `.attrs` holds m and the
  share of documents with a core author (the law expects about half).
- top_institutions: top-level institutions (pipeline.analysis.institutions) by documents.
- journals: journals by documents with Bradford zones: ranked journals cut where the cumulative
  documents pass one and two thirds of all, zone 1 the core (Bradford 1934).
- top_keywords: the most frequent and the most central (betweenness) nodes of a keyword KnowledgeMap.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from pipeline.analysis.units import UNITS, document_years


def publications_per_year(corpus) -> pd.DataFrame:
    """Years with documents (a year without any is left out rather than filled: a single mistyped year,
    such as 2989 in one real export, would otherwise add a thousand empty rows)."""
    counts = Counter(y for y in document_years(corpus) if y is not None)
    table = pd.DataFrame(sorted(counts.items()), columns=["year", "docs"])
    table["cumulative"] = table["docs"].cumsum()
    return table


def _ranked(counter: Counter, name: str) -> pd.DataFrame:
    rows = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame(rows, columns=[name, "docs"])


def core_authors(corpus) -> pd.DataFrame:
    labels = UNITS["authors"](corpus)
    table = _ranked(Counter(a for items in labels for a in items), "author")
    n_max = int(table["docs"].max()) if len(table) else 0
    threshold = 0.749 * math.sqrt(n_max)
    core = table[table["docs"] >= threshold].reset_index(drop=True)
    names = set(core["author"])
    core.attrs.update(threshold=threshold, authors=len(table),
                      core_share=sum(bool(names & set(items)) for items in labels) / max(len(labels), 1))
    return core


def top_institutions(corpus, top: int = 20) -> pd.DataFrame:
    labels = UNITS["institutions"](corpus)
    return _ranked(Counter(i for items in labels for i in items), "institution").head(top)


def journals(corpus) -> pd.DataFrame:
    names = corpus.docs["journal"] if "journal" in corpus.docs else pd.Series([], dtype=object)
    table = _ranked(Counter(j.strip() for j in names if isinstance(j, str) and j.strip()), "journal")
    table["cumulative"] = table["docs"].cumsum()
    total = table["docs"].sum()
    before = table["cumulative"] - table["docs"]  # a journal's zone is where its first document falls
    table["zone"] = [1 + min(2, int(3 * b / total)) for b in before] if total else []
    return table


def top_keywords(kmap, top: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(most frequent, most central) nodes: node, docs, betweenness, first_year, cluster."""
    columns = ["node", "docs", "betweenness", "first_year", "cluster"]
    frequent = kmap.nodes.sort_values(["docs", "node"], ascending=[False, True]).head(top)[columns]
    central = kmap.nodes.sort_values(["betweenness", "node"], ascending=[False, True]).head(top)[columns]
    return frequent.reset_index(drop=True), central.reset_index(drop=True)
