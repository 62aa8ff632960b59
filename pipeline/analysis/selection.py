"""Which nodes a network keeps, as CiteSpace chooses them.

- "frequency" (default): the `top` labels found in the most documents, among those found in at least
  `min_docs` (`top` 0: all of them).
- "top-per-slice": the years are cut into slices of `slice_years` years; in each slice the `top` labels
  found in the most of that slice's documents (at least `min_docs` of them) are kept; the network keeps
  the union (CiteSpace's Top N per slice).
- "g-index": per slice, labels ranked by their documents in the slice, c1 ≥ c2 ≥ …; the first g are kept,
  g the largest number with c1 + … + cg ≥ k·g² (CiteSpace's g-index with scale factor k; k = 1 is Egghe's
  g-index).
Undated documents count for "frequency" only. Ties go to the label that sorts first. With `weights`, a
document's labels count `weights[i]` times instead of once (bibliographic coupling: a document node's
frequency is the number of works it cites).
"""
from __future__ import annotations

from collections import Counter

METHODS = ("frequency", "top-per-slice", "g-index")


def _ranked(counts: Counter, min_docs: int) -> list[str]:
    return sorted((label for label, n in counts.items() if n >= min_docs), key=lambda label: (-counts[label], label))


def g_index(counts: list[int], k: float = 1.0) -> int:
    """Largest g with the g largest counts summing to at least k·g²."""
    total, g = 0, 0
    for i, count in enumerate(sorted(counts, reverse=True), start=1):
        total += count
        if total >= k * i * i:
            g = i
    return g


def _counts(labels: list[list[str]], weights: list[int] | None) -> Counter:
    counts: Counter = Counter()
    for row, items in enumerate(labels):
        for label in items:
            counts[label] += 1 if weights is None else weights[row]
    return counts


def slice_counts(labels: list[list[str]], years: list[int | None], slice_years: int,
                 weights: list[int] | None = None) -> dict[int, Counter]:
    """Documents (or their weights) per label in each slice (keyed by the slice's first year)."""
    dated = [y for y in years if y is not None]
    if not dated:
        return {}
    first = min(dated)
    rows: dict[int, list[int]] = {}
    for row, year in enumerate(years):
        if year is not None:
            rows.setdefault(first + (year - first) // slice_years * slice_years, []).append(row)
    return {start: _counts([labels[r] for r in rows[start]], None if weights is None else [weights[r] for r in rows[start]])
            for start in sorted(rows)}


def select_nodes(labels: list[list[str]], years: list[int | None], method: str = "frequency", top: int | None = 100,
                 min_docs: int = 2, slice_years: int = 1, g_k: float = 25.0, weights: list[int] | None = None
                 ) -> set[str]:
    """The labels the network keeps (see the module docstring)."""
    if method not in METHODS:
        raise ValueError(f"selection must be one of {', '.join(METHODS)}, not {method!r}")
    if method == "frequency":
        ranked = _ranked(_counts(labels, weights), min_docs)
        return set(ranked[:top] if top else ranked)
    kept: set[str] = set()
    for counts in slice_counts(labels, years, max(1, slice_years), weights).values():
        ranked = _ranked(counts, min_docs)
        if method == "top-per-slice":
            kept.update(ranked[:top] if top else ranked)
        else:
            kept.update(ranked[:g_index([counts[label] for label in ranked], g_k)])
    return kept
