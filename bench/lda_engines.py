"""LDA engines at scale (issue 18, item 4): gensim LdaModel (`--method lda-gensim`, the default before issue
15), gensim LdaMulticore, scikit-learn's online LDA and tomotopy (Gibbs sampling) with its own defaults and
with the priors of `topics fit --method lda` (issue 15), on the same bag of words.

Data: the NSSF project titles (62,501; ../shared/data/external/nssf-projects) segmented as the build does,
pruned as `topics fit` prunes (terms in ≥ 3 documents and ≤ 30 % of them, at most 20,000). K = 23, the
number of NSSF disciplines (学科分类), so that each engine's main topics can be scored against them.

Per engine: wall time of a fit (two fits, the median and the spread are printed), whether the two fits
with one seed give identical document-topic matrices, NMI of the main topic against the discipline, NPMI
coherence of the top-10 terms (gensim's CoherenceModel, on the same documents for every engine) and topic
diversity (share of distinct terms among the top-25 of all topics, as in the BERTopic evaluation).

    python bench/lda_engines.py [--docs N] [--k K] [--quick]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import NSSF_CSV, machine, need  # noqa: E402

PASSES = 10          # passes over the corpus (gensim, scikit-learn); tomotopy: ITERATIONS Gibbs sweeps
ITERATIONS = 200
CHUNK = 2000


def load(limit: int | None):
    from pipeline.text.normalize import normalize_text
    from pipeline.text.segment import segment_texts

    with open(need(NSSF_CSV), encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["项目名称"].strip() and r["学科分类"].strip()]
    rows = rows[:limit] if limit else rows
    tokens = segment_texts([normalize_text(r["项目名称"]) for r in rows])
    return tokens, [r["学科分类"] for r in rows]


def bag_of_words(tokens):
    from gensim.corpora import Dictionary

    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=3, no_above=0.3, keep_n=20000)
    return dictionary, [dictionary.doc2bow(t) for t in tokens]


def fit_gensim(bows, dictionary, k, seed, multicore: bool):
    from gensim.models import LdaModel, LdaMulticore

    common = dict(corpus=bows, id2word=dictionary, num_topics=k, passes=PASSES, iterations=50, chunksize=CHUNK,
                  random_state=seed, eval_every=None)
    model = LdaMulticore(workers=2, **common) if multicore else LdaModel(**common)
    theta = np.zeros((len(bows), k))
    for i, (doc_topics) in enumerate(model.get_document_topics(bows, minimum_probability=0.0)):
        for topic, p in doc_topics:
            theta[i, topic] = p
    return theta, model.get_topics()


def fit_sklearn(bows, dictionary, k, seed):
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import LatentDirichletAllocation

    rows = [i for i, bow in enumerate(bows) for _ in bow]
    cols = [t for bow in bows for t, _ in bow]
    vals = [c for bow in bows for _, c in bow]
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(bows), len(dictionary)))
    model = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=PASSES, batch_size=CHUNK,
                                      random_state=seed, n_jobs=1)
    theta = model.fit_transform(matrix)
    return theta, model.components_ / model.components_.sum(axis=1, keepdims=True)


def fit_tomotopy(bows, dictionary, k, seed, workers: int, priors: bool = False):
    """tomotopy's LDAModel with its own defaults, or (`priors`) with the fixed priors of `topics fit
    --method lda` (pipeline/analysis/topics/gibbs.py: eta 0.1, alpha summing to the mean document length)."""
    import tomotopy as tp

    if priors:
        from pipeline.analysis.topics.gibbs import ETA

        length = sum(c for bow in bows for _, c in bow) / max(sum(1 for bow in bows if bow), 1)
        model = tp.LDAModel(k=k, seed=seed, alpha=length / k, eta=ETA)
        model.optim_interval = 0
    else:
        model = tp.LDAModel(k=k, seed=seed)
    docs, added = [], 0  # each document's index in model.docs (add_doc does not return it)
    for bow in bows:
        words = [dictionary[t] for t, c in bow for _ in range(c)]
        docs.append(added if words else None)
        if words:
            model.add_doc(words)
            added += 1
    model.train(ITERATIONS, workers=workers, parallel=tp.ParallelScheme.PARTITION if workers > 1 else
                tp.ParallelScheme.NONE, show_progress=False)
    trained = list(model.docs)  # (indexing model.docs directly fails in 0.14)
    theta = np.zeros((len(bows), k))
    for i, index in enumerate(docs):
        if index is not None:
            theta[i] = trained[index].get_topic_dist()
    vocab = {w: j for j, w in enumerate(model.used_vocabs)}
    phi = np.zeros((k, len(dictionary)))
    for topic in range(k):
        dist = model.get_topic_word_dist(topic)
        for word, j in vocab.items():
            phi[topic, dictionary.token2id[word]] = dist[j]
    return theta, phi


def scores(theta, phi, tokens, labels, dictionary):
    from gensim.models import CoherenceModel
    from sklearn.metrics import normalized_mutual_info_score

    has_terms = theta.sum(axis=1) > 0
    nmi = normalized_mutual_info_score(np.asarray(labels)[has_terms], theta[has_terms].argmax(axis=1))
    top10 = [[dictionary[j] for j in np.argsort(-row)[:10]] for row in phi]
    npmi = CoherenceModel(topics=top10, texts=tokens, dictionary=dictionary, coherence="c_npmi",
                          processes=1).get_coherence()
    top25 = [j for row in phi for j in np.argsort(-row)[:25]]
    return nmi, npmi, len(set(top25)) / len(top25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=None, help="first N titles only (default all)")
    parser.add_argument("--k", type=int, default=23)
    parser.add_argument("--quick", action="store_true",
                        help="only gensim LdaModel and tomotopy with one worker (its defaults and our priors)")
    args = parser.parse_args()
    tokens, labels = load(args.docs)
    dictionary, bows = bag_of_words(tokens)
    engines = {
        "gensim LdaModel": lambda seed: fit_gensim(bows, dictionary, args.k, seed, multicore=False),
        "gensim LdaMulticore, 2 workers": lambda seed: fit_gensim(bows, dictionary, args.k, seed, multicore=True),
        "scikit-learn online LDA": lambda seed: fit_sklearn(bows, dictionary, args.k, seed),
        "tomotopy Gibbs, 1 worker": lambda seed: fit_tomotopy(bows, dictionary, args.k, seed, workers=1),
        "tomotopy Gibbs, 2 workers": lambda seed: fit_tomotopy(bows, dictionary, args.k, seed, workers=2),
        "tomotopy Gibbs, our priors (`topics fit --method lda`)":
            lambda seed: fit_tomotopy(bows, dictionary, args.k, seed, workers=1, priors=True),
    }
    if args.quick:
        engines = {name: fit for name, fit in engines.items() if "LdaModel" in name or "1 worker" in name
                   or "our priors" in name}
    results = {name: [] for name in engines}
    for _ in range(2):  # interleaved rounds: a noisy moment hits every engine alike
        for name, fit in engines.items():
            start = time.perf_counter()
            theta, phi = fit(0)
            results[name].append((time.perf_counter() - start, theta, phi))
    print(f"## LDA engines ({machine()}; load average {os.getloadavg()[0]:.1f})")
    print(f"NSSF titles: {len(bows):,} documents, {len(dictionary):,} terms, K = {args.k}; "
          f"{PASSES} passes (gensim, scikit-learn) / {ITERATIONS} Gibbs iterations (tomotopy)\n")
    print("| engine | seconds (median of 2) | vs LdaModel | same seed → identical | NMI (discipline) | NPMI | diversity |")
    print("|---|---|---|---|---|---|---|")
    base = np.median([t for t, _, _ in results["gensim LdaModel"]])
    for name, runs in results.items():
        seconds = float(np.median([t for t, _, _ in runs]))
        identical = np.array_equal(runs[0][1], runs[1][1])
        nmi, npmi, diversity = scores(runs[0][1], runs[0][2], tokens, labels, dictionary)
        print(f"| {name} | {seconds:.1f} | {base / seconds:.2f}× | {'yes' if identical else 'no'} | {nmi:.3f} | "
              f"{npmi:.3f} | {diversity:.2f} |", flush=True)


if __name__ == "__main__":
    main()
