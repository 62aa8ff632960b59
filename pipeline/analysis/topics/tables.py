"""The tables of a fit, from the fitted topic-term weights (`components`, k × terms) and document-topic
weights: top terms, labels, the topic map, prevalence over time and per-period terms, top documents.

Topics over time: prevalence per year is the mean topic proportion of that year's documents, with a
bootstrap interval over documents. How a topic's vocabulary shifts is read from per-period term weights
under the global topics: each period's word counts are divided among the topics in proportion to
theta(doc, topic) * phi(topic, word). This needs one pass over the corpus; gensim's LdaSeqModel (a true
dynamic topic model) takes days on tens of thousands of documents, so it is not used."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.analysis.topics.model import term_probabilities

TOP_TERMS = 20          # terms per topic written to topics.csv
LABEL_TERMS = 3
LABEL_LAMBDA = 0.6      # relevance weight of Sievert & Shirley (2014): labels favour distinctive terms
BOOTSTRAP = 1000
MAX_PERIODS = 6


def topic_terms(components: np.ndarray, terms: list[str], top: int = TOP_TERMS) -> pd.DataFrame:
    """Long table topic, rank, term, weight (weight = share of the topic's term weight)."""
    probs = term_probabilities(components)
    rows = []
    for topic, row in enumerate(probs):
        order = np.argsort(-row, kind="stable")[:top]
        rows += [(topic, rank, terms[i], round(float(row[i]), 6)) for rank, i in enumerate(order, 1)]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def labels(components: np.ndarray, terms: list[str], prevalence: np.ndarray,
           n_terms: int = LABEL_TERMS) -> list[str]:
    """A short label per topic: its most relevant terms (probability balanced against lift)."""
    probs = term_probabilities(components)
    marginal = prevalence @ probs
    with np.errstate(divide="ignore", invalid="ignore"):
        relevance = LABEL_LAMBDA * np.log(probs) + (1 - LABEL_LAMBDA) * np.log(probs / marginal)
    relevance = np.nan_to_num(relevance, nan=-np.inf)
    return ["·".join(terms[i] for i in np.argsort(-row, kind="stable")[:n_terms]) for row in relevance]


def topic_map(components: np.ndarray) -> np.ndarray:
    """2-D positions of the topics (k × 2): classical scaling of the Jensen-Shannon distances between
    their term distributions, as LDAvis draws them. Near topics share vocabulary."""
    probs = term_probabilities(components)
    k = len(probs)
    dist2 = np.zeros((k, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(k):
            mid = (probs[i] + probs) / 2
            kl_i = np.nansum(np.where(probs[i] > 0, probs[i] * np.log(probs[i] / mid), 0), axis=1)
            kl_j = np.nansum(np.where(probs > 0, probs * np.log(probs / mid), 0), axis=1)
            dist2[i] = np.clip((kl_i + kl_j) / 2, 0, None)   # JS divergence = squared JS distance
    centre = np.eye(k) - 1 / k
    values, vectors = np.linalg.eigh(-centre @ dist2 @ centre / 2)
    coords = vectors[:, ::-1][:, :2] * np.sqrt(np.clip(values[::-1][:2], 0, None))
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(2)])   # fix the arbitrary eigenvector signs
    return np.round(coords * np.where(signs == 0, 1, signs), 6)


def prevalence_by(doc_topics: pd.DataFrame, groups: pd.Series, seed: int = 0,
                  n_boot: int = BOOTSTRAP) -> pd.DataFrame:
    """Mean topic proportion per group (e.g. year), with a 95% bootstrap interval over documents.

    Empty documents and documents without a group value are left out."""
    proportions = doc_topics.filter(like="topic_").to_numpy(dtype=float)
    k = proportions.shape[1]
    # Group codes (-1 for a missing value), not comparisons: `groups == g` on a nullable column with
    # gaps (some records dated, others not) is a mask holding NA, which cannot index an array.
    codes, values = pd.factorize(pd.Series(groups).reset_index(drop=True), sort=True)
    keep = ~np.isnan(proportions).any(axis=1) & (codes >= 0)
    rng = np.random.default_rng(seed)
    rows = []
    for code in np.unique(codes[keep]):
        group = values[code]
        sel = proportions[keep & (codes == code)]
        n = len(sel)
        # Resampling n documents with replacement = multinomial counts per document (100 resamples at a
        # time, so that memory stays at 100 × n counts however large the year).
        draws = np.vstack([rng.multinomial(n, np.full(n, 1 / n), size=100) @ sel / n
                           for _ in range(n_boot // 100)])
        low, high = np.percentile(draws, [2.5, 97.5], axis=0)
        mean = sel.mean(axis=0)
        rows += [(t, group, n, mean[t], low[t], high[t]) for t in range(k)]
    out = pd.DataFrame(rows, columns=["topic", "period", "docs", "prevalence", "ci_low", "ci_high"])
    return out.round({"prevalence": 6, "ci_low": 6, "ci_high": 6})


def periods(years: pd.Series, max_periods: int = MAX_PERIODS) -> pd.Series:
    """Year → period label: single years when there are few, else equal-width spans like `2010-2012`."""
    known = years.dropna().astype(int)
    if known.empty:
        return pd.Series([None] * len(years), index=years.index, dtype=object)
    first, last = int(known.min()), int(known.max())
    width = max(1, math.ceil((last - first + 1) / max_periods))

    def label(year):
        if pd.isna(year):
            return None
        start = first + (int(year) - first) // width * width
        end = min(start + width - 1, last)
        return str(start) if start == end else f"{start}-{end}"

    # A list, not Series.map: map turns the None of an undated year into NaN, which sorts with no label.
    return pd.Series([label(year) for year in years], index=years.index, dtype=object)


def term_weights_by_period(components: np.ndarray, terms: list[str], counts, weights: np.ndarray,
                           period: pd.Series, top: int = 10) -> pd.DataFrame:
    """Per-period term weights under the global topics.

    Each word occurrence in period p is shared among topics in proportion to weight(doc, topic) *
    topic_term(topic, word); the weights per topic and period are those shares summed and normalized."""
    phi = components
    rows = []
    labels_ = period.to_numpy()
    names = sorted({x for x in labels_ if x is not None})
    for p in names:
        idx = np.flatnonzero(labels_ == p)
        sub = counts[idx].tocoo()
        shares = np.zeros_like(phi)
        period_weights = weights[idx]
        for start in range(0, sub.nnz, 200_000):   # bounded memory: nnz × k at a time
            r, c, v = sub.row[start:start + 200_000], sub.col[start:start + 200_000], sub.data[start:start + 200_000]
            contrib = period_weights[r] * phi[:, c].T          # nnz × k
            total = contrib.sum(axis=1, keepdims=True)
            contrib = np.divide(contrib * v[:, None], total, out=np.zeros_like(contrib), where=total > 0)
            np.add.at(shares.T, c, contrib)
        for topic, row in enumerate(shares):
            mass = row.sum()
            if mass <= 0:
                continue
            order = np.argsort(-row, kind="stable")[:top]
            rows += [(topic, p, rank, terms[i], round(float(row[i] / mass), 6))
                     for rank, i in enumerate(order, 1) if row[i] > 0]
    return pd.DataFrame(rows, columns=["topic", "period", "rank", "term", "weight"])


def top_documents(docs: pd.DataFrame, doc_topics: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The documents most about each topic, with their titles (for reading what a topic means)."""
    title = docs.get("title_zh", pd.Series(dtype=object)).fillna(docs.get("title_en", pd.Series(dtype=object)))
    year = docs["year"] if "year" in docs else pd.Series([None] * len(docs))
    proportions = np.nan_to_num(doc_topics.filter(like="topic_").to_numpy(dtype=float), nan=-1.0)
    rows = []
    for t in range(proportions.shape[1]):
        best = np.argsort(-proportions[:, t], kind="stable")[:top]
        rows += [(t, rank, docs["id"].iat[i], title.iat[i], year.iat[i], round(float(proportions[i, t]), 6))
                 for rank, i in enumerate(best, 1) if proportions[i, t] > 0]
    return pd.DataFrame(rows, columns=["topic", "rank", "id", "title", "year", "proportion"])
