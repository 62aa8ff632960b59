"""Documents → the matrix a topic model reads: each document's tokens (id order), the pruned vocabulary
(a gensim Dictionary: token ↔ column), and the documents × terms count matrix."""
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
