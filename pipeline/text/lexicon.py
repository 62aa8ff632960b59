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

import itertools
import json
import math
from collections.abc import Iterable
from pathlib import Path

from pipeline.record import Record
from pipeline.text.normalize import normalize_text
from pipeline.text.phrases import Candidate, mine_terms
from pipeline.text.segment import get_segmenter, record_text_zh, rejection_reason
from pipeline.text.wordlists import DEFAULT_LEXICON, FIELD_LEXICON, load_stopwords, read_lexicon

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
    token_lists = [segmenter.raw_tokens_zh(record_text_zh(r), own_terms=r.keywords_zh) for r in records]
    academic = load_stopwords(True) - load_stopwords(False)
    known = set(segmenter.terms)
    return [c for c in mine_terms(token_lists, segmenter.stopwords, academic, min_count=min_count, min_docs=min_docs)
            if c.term not in known and rejection_reason(c.term, segmenter.stopwords) is None]


def corpus_terms(documents: Path, keywords: Iterable[str], max_characters: int = MAX_MINED_CHARACTERS) -> list[Candidate]:
    """The corpus-adaptive terms of a built corpus (its documents.jsonl): `suggest_terms` over documents
    taken evenly (every n-th line) up to about `max_characters` of Chinese text, with the corpus's author
    keywords."""
    with open(documents, "rb") as fh:
        total = sum(1 for _ in fh)
    probe = _every_nth(documents, max(1, total // _LENGTH_SAMPLE))
    per_document = sum(len(record_text_zh(r)) for r in probe) / max(1, len(probe))
    step = max(1, math.ceil(total * per_document / max_characters))
    return suggest_terms(_every_nth(documents, step), keywords=keywords)


def _every_nth(documents: Path, step: int) -> list[Record]:
    with open(documents, encoding="utf-8") as fh:  # only the lines taken are parsed
        lines = itertools.islice((line for line in fh if line.strip()), 0, None, step)
        return [Record.from_dict(json.loads(line)) for line in lines]


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
