"""What makes a term distinctive: candidate terms of a text, and how common each is in general academic
Chinese (the shipped background) — the inverse document frequency the keyword methods score against.

Candidates are the segmenter's tokens and the phrases of two or three adjacent tokens (an author keyword
such as 飞行器姿态控制 is often several dictionary words); a dropped token (stopword, punctuation, number,
space) ends a phrase. Single Chinese characters are never candidates on their own.

The background (`data/background.tsv.gz`) counts, for every candidate seen in at least two of its
documents, the documents it occurs in. It was made by `bench/keywords.py --write-background` from 70,501
titles of academic work: the 62,501 National Social Science Fund project titles 1991–2017 and the 8,000
CSL `cls_ctg` training titles of all 13 disciplines (see data/README.md for provenance and licences).
Terms common there (中国, 发展, 机制, 应用, 研究进展) weigh little; rare or unseen terms weigh most.
"""
from __future__ import annotations

import functools
import gzip
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.text.phrases import split_runs

BACKGROUND_FILE = Path(__file__).resolve().parent / "data" / "background.tsv.gz"
MAX_PHRASE_TOKENS = 3
MAX_PHRASE_CHARS = 10
TITLE_WEIGHT = 3  # a term in the title counts as often as three in the abstract
# A term in more than this share of the background's titles is too common to be anyone's keyword (中国 12.7%,
# 发展 8.1%, 机制 5.7%, 文化 4.9% … 文学 2.1%): its idf is 0, like scikit-learn's max_df. Cuts from 100% to
# 2% change F1@5 by at most 0.001 (BENCHMARKS.md) but take these words off corpus-level lists.
MAX_BACKGROUND_SHARE = 0.02


def token_runs(segmenter, text: str, own_terms: Iterable[str] = ()) -> list[list[str]]:
    """The kept tokens of `text` (lower case) as runs: a dropped token (stopword, punctuation, number,
    space) ends a run. `own_terms` are protected as single tokens, as in segmentation."""
    tokens = segmenter.raw_tokens_zh(text, own_terms) if text else []
    runs = split_runs(tokens, lambda token: segmenter.keeps(token) and not token.isspace())
    return [[token.lower() for token in run] for run in runs]


def candidate_terms(runs: list[list[str]]) -> list[str]:
    """Every candidate occurrence in token runs: each token of two or more characters, then the phrases
    of 2..MAX_PHRASE_TOKENS adjacent tokens (joined without space; at most MAX_PHRASE_CHARS characters)."""
    found = []
    for run in runs:
        found.extend(token for token in run if len(token) > 1)
        for size in range(2, MAX_PHRASE_TOKENS + 1):
            for start in range(len(run) - size + 1):
                term = "".join(run[start:start + size])
                if len(term) <= MAX_PHRASE_CHARS:
                    found.append(term)
    return found


@dataclass(frozen=True)
class Background:
    """Document frequencies of candidate terms in `documents` documents of general academic Chinese."""

    documents: int
    frequency: dict[str, int] = field(repr=False)

    def idf(self, term: str) -> float:
        """ln((N + 1) / (df + 1)), ln(N + 1) for an unseen term; 0 for a generic one (is_generic)."""
        df = self.frequency.get(term, 0)
        return 0.0 if df > MAX_BACKGROUND_SHARE * self.documents else math.log((self.documents + 1) / (df + 1))

    def is_generic(self, term: str) -> bool:
        return self.frequency.get(term, 0) > MAX_BACKGROUND_SHARE * self.documents

    @classmethod
    def count(cls, term_sets: Iterable[Iterable[str]], min_documents: int = 2) -> "Background":
        """A background from each document's candidate terms (terms in fewer documents are left out)."""
        frequency, documents = Counter(), 0
        for terms in term_sets:
            frequency.update(set(terms))
            documents += 1
        return cls(documents, {t: n for t, n in frequency.items() if n >= min_documents})

    def write(self, path: Path, provenance: str) -> None:
        """`# provenance` lines, `documents<TAB>N`, then `term<TAB>df` sorted by term (byte-stable gzip)."""
        lines = [f"# {line}" for line in provenance.splitlines()] + [f"documents\t{self.documents}"]
        lines += [f"{t}\t{n}" for t, n in sorted(self.frequency.items())]
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8"))

    @classmethod
    def read(cls, path: Path) -> "Background":
        documents, frequency = 0, {}
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                term, _, count = line.rstrip("\n").partition("\t")
                if term == "documents":
                    documents = int(count)
                else:
                    frequency[term] = int(count)
        return cls(documents, frequency)


@functools.cache
def default_background() -> Background:
    return Background.read(BACKGROUND_FILE)


def document_scores(title_terms: list[str], other_terms: list[str], background: Background) -> dict[str, float]:
    """TF-IDF of one document's candidates against the background: occurrences (title ones TITLE_WEIGHT
    times) × the background idf."""
    counts = Counter(other_terms)
    for term in title_terms:
        counts[term] += TITLE_WEIGHT
    return {term: n * background.idf(term) for term, n in counts.items()}


def top_terms(scores: dict[str, float], top: int) -> list[tuple[str, float]]:
    """The `top` highest scores, ties by term (deterministic)."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
