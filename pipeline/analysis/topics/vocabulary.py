"""Documents → the matrix a topic model reads: each document's tokens (id order), its title and author
keywords counted again where the method asks for it, the pruned vocabulary (a gensim Dictionary: token ↔
column), and the documents × terms count matrix."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analysis.topics.options import Options


def document_tokens(corpus, tokens: str = "both") -> tuple[pd.DataFrame, list[list[str]]]:
    """The corpus's documents (id order) and each one's token list (`tokens`: zh, en, both)."""
    if corpus.tokens is None:
        raise ValueError(f"{corpus.path}: no tokens.parquet in the built corpus; rebuild it with segmentation")
    token_lists = corpus.document_tokens(tokens)
    order = corpus.docs["id"].argsort(kind="stable").to_numpy()
    return corpus.docs.iloc[order].reset_index(drop=True), [token_lists[i] for i in order]


def heading_records(docs: pd.DataFrame) -> list:
    """Each document's title and author keywords (both languages) as a Record with nothing else (docs:
    the corpus's documents table, whose list columns may hold arrays or be missing)."""
    from pipeline.record import Record

    def text(value):
        return value if isinstance(value, str) else None

    def words(value):
        return [w for w in value if isinstance(w, str)] if value is not None and not isinstance(value, float) else []

    missing = [None] * len(docs)
    return [Record(title_zh=text(tz), title_en=text(te), keywords_zh=words(kz), keywords_en=words(ke))
            for tz, te, kz, ke in zip(*(docs[c] if c in docs else missing
                                        for c in ("title_zh", "title_en", "keywords_zh", "keywords_en")))]


def with_headings(token_lists: list[list[str]], records: list, segmenter, tokens: str,
                  weight: int) -> list[list[str]]:
    """Each document's tokens with its title and author keywords (of `records`, one per document) counted
    `weight` times in all: once in the text, `weight - 1` more times, segmented as the build segments a
    record (its keywords protected); `tokens` (zh, en, both) as for the text. Empty documents stay empty.

    Why: a paper's title and its authors' keywords name its subject more surely than its abstract. NMF
    on sublinear TF-IDF weighs them up without letting them crowd the rest out; on the CSL records with
    keywords it recovers the categories a little better with weight 2 (BENCHMARKS.md, topic quality),
    while LDA, which counts every token, did not gain."""
    from pipeline.analysis.tokens import token_columns
    from pipeline.record import Record

    if weight <= 1:
        return token_lists
    columns = token_columns(tokens)
    out = []
    for text_tokens, r in zip(token_lists, records):
        zh, en = segmenter.segment_record(Record(title_zh=r.title_zh, title_en=r.title_en, keywords_zh=r.keywords_zh,
                                                 keywords_en=r.keywords_en))
        heading = (zh if "tokens_zh" in columns else []) + (en if "tokens_en" in columns else [])
        out.append(text_tokens + heading * (weight - 1) if text_tokens else text_tokens)  # empty stays empty
    return out


def vocabulary(token_lists: list[list[str]], options: Options):
    """A gensim Dictionary pruned as the options say (one-character tokens that are not field terms
    first, unless kept; then by document frequency); a clear error when nothing is left."""
    from gensim.corpora import Dictionary

    from pipeline.text.wordlists import is_readable_term

    dictionary = Dictionary(token_lists)
    if not options.single_characters:
        dictionary.filter_tokens(bad_ids=[i for token, i in dictionary.token2id.items() if not is_readable_term(token)])
    dictionary.filter_extremes(no_below=options.min_docs, no_above=options.max_share, keep_n=options.keep)
    if len(dictionary) == 0:
        raise ValueError(f"no terms left after pruning {len(token_lists)} documents (min_docs={options.min_docs}, "
                         f"max_share={options.max_share}); lower --min-docs or raise --max-share")
    return dictionary


def terms_of(dictionary) -> list[str]:
    """The vocabulary's terms in column order."""
    return [dictionary[i] for i in range(len(dictionary))]


def count_matrix(dictionary, token_lists: list[list[str]]):
    """Documents × terms sparse counts (CSR, float64, sorted column indices) of the tokens in the
    vocabulary; tokens outside it are ignored."""
    from scipy.sparse import csr_matrix

    bows = [dictionary.doc2bow(t) for t in token_lists]
    indptr = np.cumsum([0] + [len(b) for b in bows])
    cols = np.fromiter((t for b in bows for t, _ in b), dtype=np.int64, count=indptr[-1])
    vals = np.fromiter((c for b in bows for _, c in b), dtype=np.float64, count=indptr[-1])
    return csr_matrix((vals, cols, indptr), shape=(len(bows), len(dictionary)))
