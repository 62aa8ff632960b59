"""Keywords over the corpus or per period: TF-IDF, TextRank, author-keyword frequencies, and the terms
that distinguish one period from the rest by the weighted log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008).

Every method returns a tidy table `period, rank, term, score` (+ method-specific columns), top N per
period, ties broken by term so that output is deterministic. `by=None` treats the corpus as one period "all".
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from pipeline.analysis.concepts import DEFAULT_FIELDS
from pipeline.analysis.tokens import document_tokens
from pipeline.analysis.trends import periods

METHODS = ("tfidf", "textrank", "author", "logodds")
ALL = "all"


def _period_rows(corpus, by: str | None) -> tuple[list, np.ndarray, np.ndarray]:
    if by is None:
        return [ALL], np.arange(len(corpus.docs)), np.zeros(len(corpus.docs), dtype=np.int64)
    split = periods(corpus.docs, by)
    return split.labels, split.rows, split.codes


def _term_counts(tokens: list[list[str]], rows: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """Long table row, code, term, count (one row per document × period × term)."""
    lengths = np.array([len(tokens[r]) for r in rows], dtype=np.int64)
    long = pd.DataFrame({
        "row": np.repeat(rows, lengths),
        "code": np.repeat(codes, lengths),
        "term": [t for r in rows for t in tokens[r]],
    })
    return long.groupby(["row", "code", "term"], sort=True).size().rename("count").reset_index()


def _top(table: pd.DataFrame, labels: list, top: int, columns: list[str]) -> pd.DataFrame:
    table = table.sort_values(["code", "score", "term"], ascending=[True, False, True], kind="stable")
    table = table.groupby("code", sort=True).head(top).copy()
    table["rank"] = table.groupby("code").cumcount() + 1
    table["period"] = [labels[c] for c in table["code"]]
    return table[["period", "rank", "term", "score", *columns]].reset_index(drop=True)


def tfidf(tokens, labels, rows, codes, top: int = 20) -> pd.DataFrame:
    """Mean TF-IDF of each term over the documents of a period (tf = count / document length,
    idf = ln((1 + N) / (1 + df)) + 1 over all N documents)."""
    counts = _term_counts(tokens, rows, codes)
    unique_docs = counts.drop_duplicates(["row", "term"])
    n_docs = len(np.unique(rows))
    idf = np.log((1 + n_docs) / (1 + unique_docs.groupby("term").size())) + 1
    doc_length = counts.groupby(["row", "code"])["count"].transform("sum")
    counts["weight"] = counts["count"] / doc_length * idf.reindex(counts["term"]).to_numpy()
    docs_per_period = np.bincount(codes, minlength=len(labels))
    table = counts.groupby(["code", "term"]).agg(weight=("weight", "sum"), docs=("row", "size")).reset_index()
    table["score"] = table["weight"] / docs_per_period[table["code"]]
    return _top(table, labels, top, ["docs"])


def pagerank(n: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray,
             damping: float = 0.85, iterations: int = 100, tolerance: float = 1e-10) -> np.ndarray:
    """PageRank on an undirected weighted graph given as edge arrays (each edge listed once)."""
    src = np.concatenate([sources, targets])
    dst = np.concatenate([targets, sources])
    w = np.concatenate([weights, weights]).astype(float)
    strength = np.bincount(src, weights=w, minlength=n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        flow = np.bincount(dst, weights=w * rank[src] / strength[src], minlength=n)
        dangling = rank[strength == 0].sum() / n
        new = (1 - damping) / n + damping * (flow + dangling)
        if np.abs(new - rank).sum() < tolerance:
            return new
        rank = new
    return rank


def textrank(tokens, labels, rows, codes, top: int = 20, window: int = 5) -> pd.DataFrame:
    """TextRank (Mihalcea & Tarau 2004): PageRank over a graph of terms that co-occur within `window`
    tokens, per period. Single characters are left out as candidates."""
    frames = []
    for code in range(len(labels)):
        edges = Counter()
        for r in rows[codes == code]:
            words = [t for t in tokens[r] if len(t) > 1]
            for i, word in enumerate(words):
                for other in words[i + 1:i + window]:
                    if other != word:
                        edges[(word, other) if word < other else (other, word)] += 1
        if not edges:
            continue
        vocabulary = sorted({w for pair in edges for w in pair})
        position = {w: i for i, w in enumerate(vocabulary)}
        pairs = sorted(edges)
        ranks = pagerank(len(vocabulary), np.array([position[a] for a, _ in pairs]),
                         np.array([position[b] for _, b in pairs]), np.array([edges[p] for p in pairs]))
        frames.append(pd.DataFrame({"code": code, "term": vocabulary, "score": ranks}))
    table = pd.concat(frames) if frames else pd.DataFrame({"code": [], "term": [], "score": []})
    return _top(table, labels, top, [])


def author_keywords(keyword_sets: list[frozenset[str]], labels, rows, codes, top: int = 20) -> pd.DataFrame:
    """Documents listing each author keyword (`keyword_sets`: Corpus.author_keywords), per period;
    `share` of the period's documents."""
    long = pd.DataFrame([(c, k) for r, c in zip(rows, codes) for k in sorted(keyword_sets[r])],
                        columns=["code", "term"])
    table = long.groupby(["code", "term"]).size().rename("docs").reset_index()
    table["score"] = table["docs"]
    table["share"] = table["docs"] / np.bincount(codes, minlength=len(labels))[table["code"].to_numpy(dtype=int)]
    return _top(table, labels, top, ["docs", "share"])


def log_odds(counts: pd.DataFrame, prior_scale: float = 1.0) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior, each group against all the others.

    `counts`: columns group, term, count. The prior is the corpus-wide count of each term times
    `prior_scale` (α_w = prior_scale · y_w, α_0 = Σ α_w), as in Monroe et al. and R's tidylo:
        δ_w = ln[(y_wi + α_w) / (n_i + α_0 − y_wi − α_w)] − ln[(y_wj + α_w) / (n_j + α_0 − y_wj − α_w)]
        σ²_w ≈ 1 / (y_wi + α_w) + 1 / (y_wj + α_w),   z_w = δ_w / σ_w
    where j is every other group. Returns group, term, count, log_odds, z.
    """
    table = counts.groupby(["group", "term"], sort=True)["count"].sum().reset_index()
    term_total = table.groupby("term")["count"].transform("sum")
    group_total = table.groupby("group")["count"].transform("sum")
    n = table["count"].sum()
    alpha = prior_scale * term_total
    alpha0 = prior_scale * n
    y_i, y_j = table["count"], term_total - table["count"]
    n_i, n_j = group_total, n - group_total
    delta = (np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha)))
    table["log_odds"] = delta
    table["z"] = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
    return table


def distinctive(tokens, labels, rows, codes, top: int = 20, prior_scale: float = 1.0,
                min_count: int = 2) -> pd.DataFrame:
    """Terms most over-represented in each period against the rest (highest log-odds z-scores)."""
    counts = _term_counts(tokens, rows, codes).rename(columns={"code": "group"})
    frequent = counts.groupby("term")["count"].transform("sum") >= min_count
    table = log_odds(counts[frequent], prior_scale).rename(columns={"group": "code"})
    table["score"] = table["z"]
    return _top(table, labels, top, ["count", "log_odds", "z"])


def keywords(corpus, method: str = "tfidf", by: str | None = None, top: int = 20,
             fields=DEFAULT_FIELDS, **options) -> pd.DataFrame:
    """Top keywords per period (`by`: None, year, source_kind, journal, indexing) by `method`."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    labels, rows, codes = _period_rows(corpus, by)
    if method == "author":
        return author_keywords(corpus.author_keywords, labels, rows, codes, top)
    tokens = document_tokens(corpus, fields=fields)
    compute = {"tfidf": tfidf, "textrank": textrank, "logodds": distinctive}[method]
    return compute(tokens, labels, rows, codes, top=top, **options)
