"""Candidate lexicon terms: frequent multiword collocations (gensim Phrases) that the lexicon lacks.

`python -m pipeline lexicon suggest` prints them with counts, so a researcher can add the real terms
to corpus/lexicon.txt. Nothing is added automatically: collocations include phrases that are not terms.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pipeline.record import Record
from pipeline.text.segment import get_segmenter, record_text_zh
from pipeline.text.wordlists import DEFAULT_LEXICON

_JOIN = "\x1f"  # gensim's phrase delimiter: a character no token contains


def content_runs(records: Iterable[Record], lexicon: Path | None = DEFAULT_LEXICON) -> list[list[str]]:
    """Each record's Chinese tokens, cut into runs at stopwords and punctuation, so that a
    collocation never spans a removed word (党建 的 引领 is not 党建引领)."""
    records = list(records)
    segmenter = get_segmenter(lexicon, sorted({k for r in records for k in r.keywords_zh}))
    runs: list[list[str]] = []
    for record in records:
        run: list[str] = []
        for token in segmenter.raw_tokens_zh(record_text_zh(record), own_terms=record.keywords_zh):
            if segmenter.keeps(token):
                run.append(token)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def suggest_terms(records: Iterable[Record], min_count: int = 5, threshold: float = 0.5,
                  lexicon: Path | None = DEFAULT_LEXICON) -> list[tuple[str, int]]:
    """(candidate term, occurrences), most frequent first: collocations of up to four tokens found
    by two passes of gensim Phrases, excluding terms the lexicon already protects."""
    from gensim.models.phrases import Phrases

    records = list(records)
    runs = content_runs(records, lexicon)
    bigrams = Phrases(runs, min_count=min_count, threshold=threshold, scoring="npmi", delimiter=_JOIN).freeze()
    joined = [bigrams[run] for run in runs]
    quadgrams = Phrases(joined, min_count=min_count, threshold=threshold, scoring="npmi", delimiter=_JOIN).freeze()
    counts = Counter(token for run in joined for token in quadgrams[run] if _JOIN in token)
    known = set(get_segmenter(lexicon, sorted({k for r in records for k in r.keywords_zh})).terms)
    candidates = Counter()
    for token, n in counts.items():
        term = token.replace(_JOIN, "")
        if term not in known:
            candidates[term] += n
    return sorted(((t, n) for t, n in candidates.items() if n >= min_count), key=lambda tn: (-tn[1], tn[0]))
