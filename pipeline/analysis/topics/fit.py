"""Fitting a topic model on a built corpus and summarizing it: the steps in order.

    documents → vocabulary.py (tokens, pruning, counts) → registry.py (LDA or NMF; selection.py picks K)
    → tables.py (the result tables) → result.py (TopicResult, saved) → report.py (HTML)
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.topics import tables
from pipeline.analysis.topics.inference import FittedModel, proportions_table
from pipeline.analysis.topics.model import proportions
from pipeline.analysis.topics.options import Options
from pipeline.analysis.topics.registry import make_model, model_class
from pipeline.analysis.topics.result import TopicResult, load
from pipeline.analysis.topics.selection import CHOICE_RULE, RECURS, choose_k, recurrence
from pipeline.analysis.topics.vocabulary import count_matrix, document_tokens, terms_of, vocabulary


def fit(corpus, k: int | None = None, k_range: tuple[int, int] | None = None, method: str = "lda",
        seed: int = 0, options: Options | None = None, jobs: int | None = None,
        progress: bool = False) -> TopicResult:
    """Fit a topic model on a loaded corpus (`pipeline.load_corpus(...)`).

    Give `k`, or `k_range=(a, b)` (inclusive) to choose K by coherence and stability."""
    options = options or Options()
    if (k is None) == (k_range is None):
        raise ValueError("give exactly one of k and k_range")
    cls = model_class(method)   # an unknown method fails before any work
    if options.subwords is None:
        options = replace(options, subwords=cls.subwords)
    docs, token_lists = document_tokens(corpus, options.tokens)
    if not token_lists:
        raise ValueError(f"{corpus.path}: the corpus has no documents")
    from pipeline.analysis.tokens import with_compound_parts, with_subwords
    from pipeline.text.segment import get_segmenter

    settings = _segmenter_settings(corpus)
    segmenter = get_segmenter(**(settings or {}))
    split = 0
    if options.compound_parts:   # nested-term counting (see with_compound_parts)
        token_lists, split = with_compound_parts(token_lists, options.min_docs, segmenter)
    if options.subwords:
        token_lists = with_subwords(token_lists, segmenter)
    dictionary = vocabulary(token_lists, options)
    counts = count_matrix(dictionary, token_lists)
    k_table = None
    if k_range is not None:
        a, b = k_range
        if not 2 <= a <= b:
            raise ValueError(f"k range must be A:B with 2 <= A <= B, not {a}:{b}")
        texts = [[w for w in t if w in dictionary.token2id] for t in token_lists]
        k_table, k, models = choose_k(counts, dictionary, [t for t in texts if t], list(range(a, b + 1)),
                                      method, seed, options, jobs, progress)
        model = models[k]
    else:
        model = make_model(method, k, seed, options).fit(counts, progress)
    fitted = FittedModel(model, dictionary, settings)
    result = summarize(fitted, docs, counts, options, k_table, corpus.path, progress)
    result.params["compounds_with_parts"] = split
    if options.stability_seeds:
        seeds = [seed + i for i in range(1, options.stability_seeds + 1)]
        others = [make_model(method, model.k, s, options).fit(counts).components_ for s in seeds]
        recurring = recurrence(model.components_, others)
        result.info = result.info.merge(recurring, on="topic")
        result.params.update(stability_seeds=seeds, stability=round(float(recurring["stability"].mean()), 4))
    return result


def _segmenter_settings(corpus) -> dict | None:
    """The settings the corpus's tokens were made with (None for a corpus in memory only)."""
    from pipeline.build.tokens import segmenter_settings

    return segmenter_settings(corpus.path) if corpus.path is not None else None


def summarize(fitted: FittedModel, docs: pd.DataFrame, counts, options: Options,
              k_table: pd.DataFrame | None, corpus_path, progress: bool = False) -> TopicResult:
    """Turn a fitted model into the result tables (`counts`: the documents' count matrix)."""
    model, terms = fitted.model, terms_of(fitted.dictionary)
    weights = model.transform(counts, progress)
    shares = proportions(weights)
    doc_topics = proportions_table(shares, docs["id"].to_numpy())
    main = doc_topics["main_topic"]

    mean_share = np.nan_to_num(np.nanmean(shares, axis=0)) if len(shares) else np.zeros(model.k)
    topic_labels = tables.labels(model.components_, terms, mean_share)
    xy = tables.topic_map(model.components_)
    info = pd.DataFrame({"topic": range(model.k), "label": topic_labels, "prevalence": np.round(mean_share, 6),
                         "docs": [int((main == t).sum()) for t in range(model.k)], "x": xy[:, 0], "y": xy[:, 1]})

    years = docs["year"] if "year" in docs else pd.Series([None] * len(docs))
    prevalence = tables.prevalence_by(doc_topics, years, model.seed).rename(columns={"period": "year"})
    prevalence.insert(1, "label", prevalence["topic"].map(dict(enumerate(topic_labels))))
    by_period = tables.term_weights_by_period(model.components_, terms, counts, weights, tables.periods(years))
    params = {"method": model.method, "k": model.k, "seed": model.seed, "documents": len(docs),
              "empty_documents": int(main.isna().sum()), "vocabulary": len(terms),
              "corpus": str(corpus_path) if corpus_path else None, "options": vars(options).copy()}
    if k_table is not None:
        params["k_rule"] = CHOICE_RULE
    return TopicResult(tables.topic_terms(model.components_, terms), info, doc_topics, prevalence, by_period,
                       tables.top_documents(docs, doc_topics), params, k_table, fitted)


def report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the fit's self-contained HTML report (default DIR/report.html); returns its path."""
    from pipeline.analysis.topics.report import write_report

    return write_report(load(folder), Path(out) if out else Path(folder) / "report.html")


def describe(result: TopicResult, top: int = 10) -> str:
    """Plain-text summary of a fit: one line per topic with its label, prevalence and top terms."""
    p = result.params
    lines = [f"{p['method'].upper()}, {p['k']} topics, {p['documents']} documents, vocabulary {p['vocabulary']}, "
             f"seed {p['seed']}"]
    seeds = len(p.get("stability_seeds", []))
    if seeds:
        lines.append(f"recurs: in how many of {seeds} refits with other seeds the topic comes back (top-10 terms "
                     f"overlap ≥ {RECURS:.0%}); mean overlap {p['stability']:.2f}")
    for row in result.info.itertuples():
        terms = result.topics[result.topics.topic == row.topic].sort_values("rank")["term"].head(top)
        recurs = f"  {row.recurs}/{seeds}" if seeds and hasattr(row, "recurs") else ""
        lines.append(f"{row.topic:>3}  {row.prevalence:6.1%}{recurs}  {row.label}:  {' '.join(terms)}")
    return "\n".join(lines)
