"""The settings of a topic-model fit: vocabulary pruning and training (the CLI's options, same defaults)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Options:
    """Vocabulary pruning and training settings (the CLI's options, with the same defaults)."""

    min_docs: int = 3           # drop terms in fewer documents
    max_share: float = 0.3      # drop terms in more than this share of documents
    keep: int = 20000           # then keep the N most frequent (by document count)
    compound_parts: bool = True  # a protected compound also counts as its parts; a rare one as its parts only
    #                              (pipeline.analysis.tokens.with_compound_parts)
    subwords: bool | None = None  # a word of 3+ characters also counts as the words inside it that the
    #                               document does not use itself; None: the method's own (NMF yes, LDA no;
    #                               pipeline.analysis.tokens.with_subwords)
    single_characters: bool = False  # keep one-character tokens that are not field terms (体, 分, L, P);
    #                                  see pipeline/text/data/single_character_terms.txt
    passes: int = 20            # LDA: 10 × passes Gibbs sweeps (lda-gensim: passes); NMF: 20 × passes iterations
    iterations: int = 100       # lda-gensim: inference iterations per document
    chunksize: int | None = None  # lda-gensim: documents per online update; None: n/20 within 100..2000, so that even
    #                               small corpora get 20 updates a pass (CSL: chunks of 100 beat 200 and 2000)
    tokens: str = "both"        # which token columns make a document: zh, en, both
    stability_seeds: int = 2    # refits with seeds seed+1 … seed+N: which topics recur (topic_info.csv)
    workers: int = 1            # >1: LDA samples in parallel (lda-gensim: LdaMulticore); faster on big
    #                             corpora, not byte-reproducible
