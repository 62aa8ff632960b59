"""Choosing K: every K is fitted with seeds `seed` and `seed + 1` and scored on coherence (NPMI and c_v,
gensim's CoherenceModel in one process, on non-empty documents) and on stability (how many top terms the
matched topics of the two seeds share). `CHOICE_RULE` says which K wins. The Ks are fitted side by side in
processes, each fit itself deterministic."""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd

from pipeline.analysis.topics.options import Options
from pipeline.analysis.topics.registry import make_model
from pipeline.analysis.topics.vocabulary import terms_of

COHERENCE_TOP = 10      # terms per topic scored for coherence and stability
CHOICE_RULE = ("highest c_v among the K whose two-seed stability is at least 80% of the best stability "
               "(ties: smaller K)")


def top_term_ids(components: np.ndarray, n: int = COHERENCE_TOP) -> list[list[int]]:
    return [list(np.argsort(-row, kind="stable")[:n]) for row in components]


def stability(a: np.ndarray, b: np.ndarray, n: int = COHERENCE_TOP) -> float:
    """Mean top-term overlap (Jaccard) of the best one-to-one matching of two fits' topics."""
    from scipy.optimize import linear_sum_assignment

    sets_a = [set(t) for t in top_term_ids(a, n)]
    sets_b = [set(t) for t in top_term_ids(b, n)]
    overlap = np.array([[len(x & y) / len(x | y) for y in sets_b] for x in sets_a])
    rows, cols = linear_sum_assignment(-overlap)
    return float(overlap[rows, cols].mean())


RECURS = 0.5     # a topic recurs in another seed's fit when its matched topic shares this much (Jaccard)


def recurrence(components: np.ndarray, others: list[np.ndarray], n: int = COHERENCE_TOP) -> pd.DataFrame:
    """Which topics of a fit recur in fits with other seeds: per topic, `stability` (mean top-term
    Jaccard with its one-to-one matched topic in each other fit) and `recurs` (in how many of them that
    overlap is at least RECURS). A topic that recurs is a pattern of the corpus, not of the seed."""
    from scipy.optimize import linear_sum_assignment

    mine = [set(t) for t in top_term_ids(components, n)]
    matched = np.zeros((len(mine), len(others)))
    for j, other in enumerate(others):
        theirs = [set(t) for t in top_term_ids(other, n)]
        overlap = np.array([[len(x & y) / len(x | y) for y in theirs] for x in mine])
        rows, cols = linear_sum_assignment(-overlap)
        matched[rows, j] = overlap[rows, cols]
    return pd.DataFrame({"topic": range(len(mine)),
                         "stability": np.round(matched.mean(axis=1) if others else np.nan, 4),
                         "recurs": (matched >= RECURS).sum(axis=1)})


def coherence(components: np.ndarray, dictionary, texts: list[list[str]]) -> dict:
    """NPMI and c_v of the topics' top terms (gensim CoherenceModel, one process, non-empty texts only)."""
    from gensim.models import CoherenceModel

    terms = terms_of(dictionary)
    topics = [[terms[i] for i in ids] for ids in top_term_ids(components)]
    scores = {}
    for name, measure in (("npmi", "c_npmi"), ("c_v", "c_v")):
        cm = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence=measure,
                            topn=COHERENCE_TOP, processes=1)
        scores[name] = float(np.nanmean(cm.get_coherence_per_topic()))
    return scores


# The corpus for the fits, set once per worker process (not pickled with every task).
_SHARED: dict = {}


def _share(counts, dictionary, texts, method, options):
    _SHARED.update(counts=counts, dictionary=dictionary, texts=texts, method=method, options=options)


def _fit_and_score(k_seed):
    k, seed = k_seed
    s = _SHARED
    model = make_model(s["method"], k, seed, s["options"]).fit(s["counts"])
    return k, seed, model, coherence(model.components_, s["dictionary"], s["texts"])


def _ticking(results, bar):
    for result in results:
        bar.update()
        yield result


def choose_k(counts, dictionary, texts, ks: list[int], method: str = "lda", seed: int = 0,
             options: Options | None = None, jobs: int | None = None, progress: bool = False):
    """Fit every K with seeds `seed` and `seed + 1` on the count matrix; score coherence (on `texts`, the
    documents' in-vocabulary tokens) and stability; pick one K.

    Returns (table, chosen_k, models) where models maps K to the fit with `seed`."""
    options = options or Options()
    tasks = [(k, s) for k in ks for s in (seed, seed + 1)]
    shared = (counts, dictionary, texts, method, options)
    jobs = jobs or min(len(tasks), os.cpu_count() or 1)
    from tqdm import tqdm

    with tqdm(total=len(tasks), desc="fitting K", unit="fit", disable=not progress, file=sys.stderr,
              leave=False) as bar:
        results = None
        if jobs > 1:
            try:
                with ProcessPoolExecutor(max_workers=jobs, initializer=_share, initargs=shared) as pool:
                    results = list(_ticking(pool.map(_fit_and_score, tasks), bar))
            except (OSError, BrokenProcessPool) as err:   # e.g. no /dev/shm in a container: fit one by one
                print(f"topics: parallel fits unavailable ({err}); fitting one K at a time", file=sys.stderr)
                bar.reset()
        if results is None:
            _share(*shared)
            results = list(_ticking(map(_fit_and_score, tasks), bar))
            _SHARED.clear()
    fits = {(k, s): (model, scores) for k, s, model, scores in results}
    rows = []
    for k in ks:
        (m0, c0), (m1, c1) = fits[(k, seed)], fits[(k, seed + 1)]
        rows.append({"k": k, "npmi": round((c0["npmi"] + c1["npmi"]) / 2, 4),
                     "c_v": round((c0["c_v"] + c1["c_v"]) / 2, 4),
                     "stability": round(stability(m0.components_, m1.components_), 4)})
    table = pd.DataFrame(rows)
    eligible = table[table["stability"] >= 0.8 * table["stability"].max()]
    chosen = int(eligible.sort_values(["c_v", "k"], ascending=[False, True], kind="stable").iloc[0]["k"])
    table["chosen"] = table["k"] == chosen
    return table, chosen, {k: fits[(k, seed)][0] for k in ks}
