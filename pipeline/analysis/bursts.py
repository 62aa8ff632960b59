"""Kleinberg's two-state burst detection on yearly document counts, as CiteSpace uses it.

For a term found in r_t of the d_t documents of year t, the base state emits at the overall rate
p0 = Σr / Σd and the burst state at p1 = s · p0. The cost of year t in state i is
−ln[p_i^r_t (1 − p_i)^(d_t − r_t)] (the binomial coefficient is the same in both states and drops out),
entering the burst state costs γ · ln(n) for n years, leaving it is free. The cheapest state sequence
(Viterbi) marks the bursts; a burst's strength is the cost it saves, Σ_t [cost_0(t) − cost_1(t)]
(Kleinberg 2003, "Bursty and hierarchical structure in streams").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analysis.concepts import DEFAULT_FIELDS
from pipeline.analysis.trends import periods, trends

BURST_COLUMNS = ["term", "strength", "begin", "end"]


def burst_states(counts: np.ndarray, totals: np.ndarray, s: float = 2.0, gamma: float = 1.0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For a (terms × years) count matrix and the yearly totals: the Viterbi state (0/1) of every term
    and year, and the per-year cost saved by the burst state (cost_0 − cost_1)."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    totals = np.asarray(totals, dtype=float)
    n_years = counts.shape[1]
    # Clipped before p1 is derived: a term found nowhere would otherwise get p1 = 0 and log(0).
    p0 = np.clip(counts.sum(axis=1, keepdims=True) / max(totals.sum(), 1), 1e-12, 1 - 1e-9)
    p1 = np.minimum(s * p0, 1 - 1e-9)

    def cost(p):
        return -(counts * np.log(p) + (totals - counts) * np.log(1 - p))

    cost0, cost1 = cost(p0), cost(p1)
    enter = gamma * np.log(max(n_years, 2))
    total0 = np.zeros(len(counts))
    total1 = np.full(len(counts), np.inf)  # every sequence starts in the base state
    from_burst = np.zeros(counts.shape, dtype=bool)  # best way into state 0 came from state 1
    from_base = np.zeros(counts.shape, dtype=bool)   # best way into state 1 came from state 0
    for t in range(n_years):
        from_burst[:, t] = total1 < total0
        from_base[:, t] = total0 + enter < total1
        total0, total1 = (np.minimum(total0, total1) + cost0[:, t],
                          np.minimum(total0 + enter, total1) + cost1[:, t])
    states = np.zeros(counts.shape, dtype=np.int8)
    state = (total1 < total0).astype(np.int8)
    for t in range(n_years - 1, -1, -1):
        states[:, t] = state
        state = np.where(state == 1, np.where(from_base[:, t], 0, 1), np.where(from_burst[:, t], 1, 0))
    return states, cost0 - cost1


def detect_bursts(years, counts, totals, s: float = 2.0, gamma: float = 1.0) -> list[tuple[int, int, float]]:
    """Bursts of one term's yearly series as (begin year, end year, strength)."""
    states, saved = burst_states(np.asarray(counts)[None, :], totals, s, gamma)
    return _runs(list(years), states[0], saved[0], np.asarray(totals))


def _runs(years: list, states: np.ndarray, saved: np.ndarray, totals) -> list[tuple[int, int, float]]:
    """Runs of the burst state as (begin, end, strength); years without documents cost nothing in
    either state, so they are trimmed from a burst's ends."""
    found, start = [], None
    for t, state in enumerate([*states, 0]):
        if state and start is None:
            start = t
        elif not state and start is not None:
            begin, end = start, t - 1
            while begin <= end and totals[begin] == 0:
                begin += 1
            while end >= begin and totals[end] == 0:
                end -= 1
            if begin <= end:
                found.append((years[begin], years[end], float(saved[begin:end + 1].sum())))
            start = None
    return found


def _yearly_keyword_counts(keyword_sets: list[frozenset[str]], rows: np.ndarray, codes: np.ndarray,
                           n_years: int) -> pd.DataFrame:
    """Terms × years matrix of documents listing each author keyword (`keyword_sets`: Corpus.author_keywords)."""
    long = pd.DataFrame([(k, code) for row, code in zip(rows, codes) for k in keyword_sets[row]],
                        columns=["term", "code"])
    table = pd.crosstab(long["term"], long["code"]) if len(long) else pd.DataFrame()
    return table.reindex(columns=range(n_years), fill_value=0)


def bursts(corpus, terms=None, s: float = 2.0, gamma: float = 1.0, min_docs: int = 3,
           fields=DEFAULT_FIELDS, concepts=None, sets: list[frozenset[str]] | None = None) -> pd.DataFrame:
    """Bursts of the given terms/concepts (matched as in trends), or of every author keyword listed by
    at least `min_docs` documents; `sets` (one set of items per document, e.g. the cited works of
    pipeline.analysis.citations) replaces the author keywords. Returns term, strength, begin, end;
    strongest first within a begin year.
    An empty table says why in `attrs["note"]`."""
    split = periods(corpus.docs, "year")
    totals = np.bincount(split.codes, minlength=len(split.labels))
    if not len(split.labels):
        return _empty(f"no document has a year ({split.unassigned} documents): bursts need yearly counts")
    if terms:
        table = trends(corpus, terms, by="year", fields=fields, concepts=concepts)
        matrix = table.pivot(index="concept", columns="period", values="docs")
    else:
        items, what = (corpus.author_keywords, "author keyword") if sets is None else (sets, "item")
        listed = _yearly_keyword_counts(items, split.rows, split.codes, len(split.labels))
        if not len(listed):
            return _empty(f"no dated document lists an {what}; name the terms to follow (e.g. `bursts 治理 韧性`)")
        matrix = listed[listed.sum(axis=1) >= min_docs]
        if not len(matrix):
            return _empty(f"no {what} is listed by {min_docs} or more dated documents (the most "
                          f"listed: {int(listed.sum(axis=1).max())}); lower --min-docs")
    states, saved = burst_states(matrix.to_numpy(), totals, s, gamma)
    rows = [(term, strength, begin, end) for i, term in enumerate(matrix.index)
            for begin, end, strength in _runs(split.labels, states[i], saved[i], totals)]
    if not rows:
        return _empty(f"none of the {len(matrix)} series followed has a burst (s = {s}, gamma = {gamma}): "
                      f"no run of years rises far enough above its average share")
    table = pd.DataFrame(rows, columns=BURST_COLUMNS)
    return table.sort_values(["begin", "strength", "term"], ascending=[True, False, True], ignore_index=True)


def _empty(note: str) -> pd.DataFrame:
    table = pd.DataFrame(columns=BURST_COLUMNS)
    table.attrs["note"] = note
    return table
