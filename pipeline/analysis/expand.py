"""Concept expansion for tracking: candidate variant and related terms of a concept, from the corpus
itself (what cntext offers through dictionary expansion), so a researcher can grow 韧性 into 韧性治理,
社区韧性, 城市韧性 … and see what each adds to the concept's trend before adding it to concepts.toml.

Two kinds of candidates, from the documents' tokens (tokens.parquet: lexicon terms, author keywords and
corpus terms whole):
- `contains`: tokens that contain one of the concept's terms (社区韧性 for 韧性). The concept's text
  matching counts their documents already; the table shows how much of the concept each one is;
- `co-occurs`: tokens that occur in the concept's documents far more often than chance (normalized
  PMI of "document has the token" and "document matches the concept"); `adds` is how many documents
  they would add to the concept's count.

Each row has counts and one example sentence (from the first document, in id order, that uses it).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

import pandas as pd

from pipeline.analysis.concepts import concept_set, resolve
from pipeline.text.wordlists import is_readable_term

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
EXAMPLE_CHARS = 80


def _text(row, body: bool = False) -> str:
    """Title, abstract and keywords (the fields trends match by default), and the body when asked."""
    parts = [row.get("title_zh"), row.get("abstract_zh"), "；".join(row.get("keywords_zh") or [])]
    parts += [row.get("body")] if body else []
    return "\n".join(p for p in parts if isinstance(p, str) and p)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def example_sentence(text: str, term: str) -> str:
    """The sentence of `text` that contains `term` (at most EXAMPLE_CHARS characters around it)."""
    for sentence in _SENTENCE_END.split(text):
        at = _fold(sentence).find(term)
        if at >= 0:
            sentence = sentence.strip()
            if len(sentence) > EXAMPLE_CHARS:
                start = max(0, min(at - EXAMPLE_CHARS // 3, len(sentence) - EXAMPLE_CHARS))
                sentence = ("…" if start else "") + sentence[start:start + EXAMPLE_CHARS] + "…"
            return sentence
    return ""


def suggest_variants(corpus, term: str, concepts=None, top: int = 30, min_docs: int = 2) -> pd.DataFrame:
    """Candidate terms for the concept `term` names (a concept of concepts.toml, or a literal term):
    columns term, relation (contains / co-occurs), docs (documents with the token), in_concept (of them,
    documents the concept matches already), adds (documents it would add), npmi (with the concept's
    documents), example. `contains` rows first (most documents first), then the `top` co-occurring
    tokens by npmi; tokens in fewer than `min_docs` documents are left out."""
    concept = resolve(term, concept_set(concepts, corpus.path))
    seeds = [t for t in concept.terms if re.search(r"[\u3400-\u9fff]", t)] or list(concept.terms)
    docs = corpus.docs
    rows_ = docs[["title_zh", "abstract_zh", "keywords_zh", "body"]].to_dict("records")
    texts = [_text(row, body=True) for row in rows_]   # for examples: tokens may come from the body
    matched = [any(seed in _fold(_text(row)) for seed in seeds) for row in rows_]
    tokens = corpus.document_tokens("zh")
    df, together, first = Counter(), Counter(), {}
    for i, doc_tokens in enumerate(tokens):
        for token in set(doc_tokens):
            if len(token) < 2 or not is_readable_term(token) or token in seeds:
                continue
            df[token] += 1
            together[token] += matched[i]
            first.setdefault(token, i)
    n, n_concept = len(docs), sum(matched)
    rows = []
    for token, count in df.items():
        if count < min_docs:
            continue
        contains = any(seed in token for seed in seeds)
        if not contains and together[token] < min_docs:
            continue
        joint = together[token] / n
        npmi = -1.0 if joint == 0 else (1.0 if joint == 1 else
                                       math.log(joint / (count / n * n_concept / n)) / -math.log(joint))
        rows.append({"term": token, "relation": "contains" if contains else "co-occurs", "docs": count,
                     "in_concept": together[token], "adds": count - together[token], "npmi": round(npmi, 4),
                     "example": example_sentence(texts[first[token]], _fold(token))})
    table = pd.DataFrame(rows, columns=["term", "relation", "docs", "in_concept", "adds", "npmi", "example"])
    if table.empty:
        return table
    variants = table[table["relation"] == "contains"].sort_values(["docs", "term"], ascending=[False, True])
    related = table[table["relation"] == "co-occurs"].sort_values(["npmi", "term"], ascending=[False, True]).head(top)
    return pd.concat([variants, related], ignore_index=True)
