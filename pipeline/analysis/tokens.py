"""Tokens per document, in the order of the corpus's documents: the one place that reads them.

From `tokens.parquet` (`tokens_zh`, `tokens_en`) aligned with `corpus.docs` (a document without a tokens
row has no tokens); when the corpus has no tokens.parquet, `document_tokens` segments the chosen fields'
text on the spot (as the build would). A corpus keeps its aligned tokens (`Corpus.aligned_tokens`), so
token counts and the token vocabulary are computed once per corpus, not once per query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.analysis.fields import DEFAULT_FIELDS, TOKENS_FIELD

# Which tokens.parquet columns make a document's tokens.
TOKEN_COLUMNS = {"zh": ("tokens_zh",), "en": ("tokens_en",), "both": ("tokens_zh", "tokens_en")}
_LIST = pa.list_(pa.large_string())
_HAN = re.compile(r"[\u3400-\u9fff]")


def token_columns(which: str) -> tuple[str, ...]:
    """The tokens.parquet columns for `which` (zh, en, both)."""
    if which not in TOKEN_COLUMNS:
        raise ValueError(f"tokens must be one of {sorted(TOKEN_COLUMNS)}, not {which!r}")
    return TOKEN_COLUMNS[which]


@dataclass
class AlignedTokens:
    """tokens.parquet (`tokens`, None when the corpus is not segmented) lined up with `docs`: row i of
    every column is document i's token list (null where the document has no tokens row)."""

    docs: pd.DataFrame
    tokens: pd.DataFrame | None
    _columns: dict[str, pa.Array] = field(default_factory=dict, repr=False)

    @cached_property
    def _rows(self) -> np.ndarray | None:
        """Each document's row in `tokens` (-1: none; the first row of an id that occurs twice); None
        when the rows already line up."""
        first = np.flatnonzero(~self.tokens["id"].duplicated().to_numpy())
        found = pd.Index(self.tokens["id"].to_numpy()[first]).get_indexer(self.docs["id"])
        rows = np.where(found >= 0, first[found], -1)
        if len(self.tokens) == len(rows) and np.array_equal(rows, np.arange(len(rows))):
            return None
        return rows

    def column(self, name: str) -> pa.Array:
        """One token column as a list array, one list per document (null where there is none)."""
        if name not in self._columns:
            n = len(self.docs)
            if self.tokens is None or name not in self.tokens:
                lists = pa.nulls(n, _LIST)
            else:
                lists = pa.array(self.tokens[name], type=_LIST, from_pandas=True)
                if self._rows is not None:
                    rows = self._rows
                    lists = lists.take(pa.array(rows, mask=rows < 0, type=pa.int64()))
            self._columns[name] = lists
        return self._columns[name]

    def lists(self, which: str = "both") -> list[list[str]]:
        """Each document's tokens as a new list (the columns of `which` one after the other)."""
        per_column = [self.column(c).to_pylist() for c in token_columns(which)]
        return [[word for values in parts if values for word in values] for parts in zip(*per_column)]

    def flat(self, which: str = "both") -> tuple[pa.Array, np.ndarray]:
        """Every token of every document, with the document's row per token."""
        words, rows = [], []
        for name in token_columns(which):
            lists = self.column(name)
            words.append(pc.list_flatten(lists))
            rows.append(pc.list_parent_indices(lists).to_numpy())
        return pa.chunked_array(words, type=pa.large_string()).combine_chunks(), np.concatenate(rows)

    @cached_property
    def counts(self) -> np.ndarray | None:
        """Tokens per document (tokens_zh + tokens_en); None when the corpus is not segmented."""
        if self.tokens is None:
            return None
        lengths = [pc.fill_null(pc.list_value_length(self.column(c)), 0).to_numpy() for c in TOKEN_COLUMNS["both"]]
        counts = np.sum(lengths, axis=0, dtype=np.int64)
        counts.flags.writeable = False  # shared by every query on the corpus
        return counts


def segment_fields(index, fields=DEFAULT_FIELDS) -> list[list[str]]:
    """The fields' normalized text (a TextIndex) segmented now, per document, as the build segments."""
    from pipeline.text.segment import segment_texts

    texts = ["\n".join(parts) for parts in zip(*(index.texts(f) for f in fields if f != TOKENS_FIELD))]
    return [list(tokens) for tokens in segment_texts(texts)]


def document_tokens(corpus, which: str = "both", fields=DEFAULT_FIELDS) -> list[list[str]]:
    """Tokens per document in corpus order: tokens.parquet's columns (`which`: zh, en, both) when the
    corpus has it, else the given fields (both languages) segmented now."""
    if corpus.tokens is not None:
        return corpus.aligned_tokens.lists(which)
    return segment_fields(corpus.text_index, fields)


def with_compound_parts(token_lists: list[list[str]], min_docs: int, segmenter) -> tuple[list[list[str]], int]:
    """Token lists for bag-of-words models (topics, keywords), with nested-term counting: a protected
    compound also counts as its parts (`Segmenter.parts`: nested lexicon terms whole, the rest cut by
    jieba), so 乡村振兴战略 counts for 乡村振兴战略, 乡村振兴 and 战略; a compound in fewer than `min_docs`
    documents, which vocabulary pruning would drop, counts as its parts only (修正Rodrigues参数模型 →
    修正 Rodrigues 参数 模型), so its content is not lost with it.

    Why: protecting every author keyword and field term as one token makes documents share fewer tokens;
    on CSL with keywords, NMF reaches NMI 0.27 with compounds alone, 0.34 with their parts added
    (BENCHMARKS.md, topic quality). Counting and trends keep one token per compound; concepts match text
    and count nested occurrences too.

    Returns (token lists, number of compounds split)."""
    from collections import Counter

    df = Counter(token for tokens in token_lists for token in set(tokens))
    protected = frozenset(segmenter.terms)   # the lexicons, author keywords and corpus terms
    expansion: dict[str, list[str]] = {}
    for token, n in df.items():
        if token in protected and len(token) > 2 and _HAN.search(token):
            parts = segmenter.parts(token)
            if parts != [token]:
                expansion[token] = parts if n < min_docs else [token, *parts]
    if not expansion:
        return token_lists, 0
    out = [[part for token in tokens for part in expansion.get(token, (token,))] for tokens in token_lists]
    return out, len(expansion)


def with_subwords(token_lists: list[list[str]], segmenter) -> list[list[str]]:
    """Token lists for NMF with the words inside words: a Chinese token of 3+ characters also counts as the
    2- and 3-character dictionary words inside it (those jieba's search mode finds; stopwords dropped)
    that its document does not use on its own: 控制器 → 控制器 and 控制, unless the document says 控制.

    Why: papers on one subject share short words more often than long ones (飞行器, 飞行控制, 飞行
    试验); on CSL with keywords, NMF's main topics follow the categories at NMI 0.37-0.39 with them
    against 0.34-0.35 without (seeds 5-9; BENCHMARKS.md, topic quality). A word the document already uses
    is not counted again, which keeps common short words from crowding every topic (topic diversity
    0.87, against 0.84 when every occurrence adds them). LDA, which counts every token, did not gain
    (Options.subwords)."""
    memo: dict[str, list[str]] = {}

    def inside(token: str) -> list[str]:
        found = memo.get(token)
        if found is None:
            found = []
            for size in (2, 3) if _HAN.search(token) else ():
                windows = (token[i:i + size] for i in range(len(token) - size + 1)) if len(token) > size else ()
                found += [word for word in windows if segmenter.in_dictionary(word) and segmenter.keeps(word)]
            memo[token] = found
        return found

    out = []
    for tokens in token_lists:
        own = set(tokens)
        out.append(tokens + [word for token in tokens for word in inside(token) if word not in own])
    return out
