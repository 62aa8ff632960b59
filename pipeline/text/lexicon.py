"""Candidate lexicon terms from a corpus, by statistical term mining (pipeline.text.phrases: PMI,
left/right branching entropy, frequency), and adding accepted terms to the user's lexicon.

    suggest_terms(records)      terms the corpus uses that nothing protects yet, with their scores
                                (`python -m pipeline lexicon suggest`)
    corpus_terms(documents)     the same on a built corpus's documents.jsonl (up to 4M characters of its
                                text): what the build protects as corpus-adaptive terms (listed in
                                <build>/corpus_terms.tsv)
    add_terms(terms)            append accepted terms to the lexicon file (`lexicon add`)
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.record import Record
from pipeline.text.normalize import normalize_text
from pipeline.text.phrases import Candidate, RunTable, mine_runs, text_runs
from pipeline.text.segment import get_segmenter, record_text_zh, rejection_reason
from pipeline.text.wordlists import DEFAULT_LEXICON, FIELD_LEXICON, academic_stopwords, load_stopwords, read_lexicon

# The build mines at most about this many characters of text (documents taken evenly over the corpus):
# a corpus of a few thousand abstracts or 100,000 titles is mined whole, and the time and memory of the
# mining stay bounded however large the corpus.
MAX_MINED_CHARACTERS = 4_000_000
_LENGTH_SAMPLE = 1000   # documents read first to estimate the text per document


def suggest_terms(records: Iterable[Record], min_count: int = 5, min_docs: int = 3,
                  lexicon: Path | None = DEFAULT_LEXICON, field_lexicon: Path | None = FIELD_LEXICON,
                  keywords: Iterable[str] | None = None) -> list[Candidate]:
    """Terms mined from the records' Chinese text (segmented as the build does: the lexicons and the
    author keywords protected) that no lexicon protects yet, most frequent first. `keywords`: the
    corpus's author keywords (default: those of the records)."""
    records = list(records)
    if keywords is None:
        keywords = {k for r in records for k in r.keywords_zh}
    segmenter = get_segmenter(lexicon, sorted(set(keywords)), field_lexicon=field_lexicon)
    runs = text_runs((segmenter.raw_tokens_zh(record_text_zh(r), own_terms=r.keywords_zh) for r in records),
                      segmenter.stopwords, academic_stopwords())
    return _unprotected(runs, segmenter, min_count=min_count, min_docs=min_docs)


def _unprotected(runs: RunTable, segmenter, **limits) -> list[Candidate]:
    """The terms mined from the texts' runs (phrases.text_runs) that the segmenter does not protect yet."""
    known = set(segmenter.terms)
    return [c for c in mine_runs(runs, segmenter.stopwords, academic_stopwords(), **limits)
            if c.term not in known and rejection_reason(c.term, segmenter.stopwords) is None]


# Sampled documents are segmented in tasks of this many (a fixed number: the same tasks on any engine).
MINING_PART = 1000


@dataclass(frozen=True)
class _MiningPart:
    documents: Path
    lines: tuple[tuple[int, int], ...]  # (offset, size) of each line
    keywords: tuple[str, ...]  # the segmenter's protected author keywords (sorted)
    keep: Callable | None = None  # called with (lines, records, their raw Chinese tokens) in the worker


def corpus_terms(documents: Path, keywords: Iterable[str], max_characters: int = MAX_MINED_CHARACTERS,
                 map: Callable = map, keep: Callable | None = None) -> list[Candidate]:
    """The corpus-adaptive terms of a built corpus (its documents.jsonl): `suggest_terms` over documents
    taken evenly (every n-th line) up to about `max_characters` of Chinese text, with the corpus's author
    keywords. The documents taken are parsed and segmented by `map` (the build gives its workers'; the
    same result). `keep(lines, records, raw_tokens)` is called with each part of them as it is segmented:
    the build keeps the tokens for the documents no mined term occurs in (a picklable callable)."""
    keywords = tuple(sorted(set(keywords)))
    segmenter = get_segmenter(DEFAULT_LEXICON, keywords, field_lexicon=FIELD_LEXICON)  # (local workers inherit it)
    lines = _line_spans(documents)
    probe = _records(documents, lines[::max(1, len(lines) // _LENGTH_SAMPLE)])
    per_document = sum(len(record_text_zh(r)) for r in probe) / max(1, len(probe))
    taken = lines[::max(1, math.ceil(len(lines) * per_document / max_characters))]
    parts = [_MiningPart(documents, tuple(taken[i:i + MINING_PART]), keywords, keep)
             for i in range(0, len(taken), MINING_PART)]
    return _unprotected(RunTable.concat(map(_mining_runs, parts)), segmenter)


def _line_spans(documents: Path) -> list[tuple[int, int]]:
    """(offset, size) of each line of a built documents.jsonl (it has no blank lines)."""
    spans, offset = [], 0
    with open(documents, "rb") as fh:
        for line in fh:
            spans.append((offset, len(line)))
            offset += len(line)
    return spans


def _records(documents: Path, spans) -> list[Record]:
    with open(documents, "rb") as fh:
        records = []
        for offset, size in spans:
            fh.seek(offset)
            records.append(Record.from_dict(json.loads(fh.read(size))))
        return records


def _mining_runs(part: _MiningPart) -> RunTable:
    """The runs of each sampled document's Chinese text, segmented as suggest_terms does."""
    segmenter = get_segmenter(DEFAULT_LEXICON, part.keywords, field_lexicon=FIELD_LEXICON)
    records = _records(part.documents, part.lines)
    raw = [segmenter.raw_tokens_zh(record_text_zh(r), own_terms=r.keywords_zh) for r in records]
    if part.keep is not None:
        part.keep(part.lines, records, raw)
    return text_runs(raw, segmenter.stopwords, academic_stopwords())


def write_candidates(candidates: list[Candidate], path: Path) -> None:
    """A tab-separated table of candidates with their scores (the build's corpus_terms.tsv)."""
    lines = ["term\tcount\tdocs\tpmi\tleft_entropy\tright_entropy\tscore"]
    lines += [f"{c.term}\t{c.count}\t{c.docs}\t{c.pmi}\t{c.left_entropy}\t{c.right_entropy}\t{c.score}"
              for c in candidates]
    from pipeline.files import write_atomic

    write_atomic(path, ("\n".join(lines) + "\n").encode())


def add_terms(terms: Iterable[str], path: Path = DEFAULT_LEXICON) -> tuple[list[str], dict[str, str]]:
    """Append the terms to a lexicon file (jieba userdict format; the curated lexicon by default).
    Returns (terms added, {term: why not added}): a term already listed, or too generic to protect
    (a single character, a stopword, …), is not added."""
    path = Path(path)
    listed = {normalize_text(t) for t, _ in read_lexicon(path)} if path.exists() else set()
    stopwords = load_stopwords()
    added, skipped = [], {}
    for raw in terms:
        term = normalize_text(raw.strip())
        reason = "already listed" if term in listed else rejection_reason(term, stopwords)
        if reason:
            skipped[term] = reason
            continue
        added.append(term)
        listed.add(term)
    if added:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(("" if not text or text.endswith("\n") else "\n") + "".join(f"{t}\n" for t in added))
    return added, skipped
