"""Topic models over the built corpus: LDA (gensim) or NMF (scikit-learn), choosing K, topics over time.

Notebook use::

    corpus = pipeline.load_corpus()
    result = pipeline.topics.fit(corpus, k=20)          # or k_range=(5, 30)
    result.topics, result.doc_topics, result.prevalence  # DataFrames
    result.save("topics/k20")
    pipeline.topics.report("topics/k20")                 # topics/k20/report.html

Choices, and why:
- LDA runs in gensim's single-process `LdaModel`, seeded: the same corpus and seed give byte-identical
  outputs. `LdaMulticore` merges its workers' results in arrival order, so two runs with one seed differ;
  it is used only when asked for (`workers > 1`). Cores are used instead to fit the Ks of a `k_range`
  side by side, each fit itself deterministic.
- Choosing K: every K is fitted with two seeds and scored on coherence (NPMI and c_v, gensim's
  CoherenceModel in one process, on non-empty documents) and on stability (how many top terms the matched
  topics of the two seeds share). `CHOICE_RULE` says which K wins.
- Topics over time: prevalence per year is the mean topic proportion of that year's documents, with a
  bootstrap interval over documents. How a topic's vocabulary shifts is read from per-period term weights
  under the global topics: each period's word counts are divided among the topics in proportion to
  theta(doc, topic) * phi(topic, word). This needs one pass over the corpus; gensim's LdaSeqModel (a true
  dynamic topic model) takes days on tens of thousands of documents, so it is not used.
"""
from __future__ import annotations

import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.safe_text import csv_table, read_csv_table

METHODS = ("lda", "nmf")
TOP_TERMS = 20          # terms per topic written to topics.csv
COHERENCE_TOP = 10      # terms per topic scored for coherence and stability
LABEL_TERMS = 3
LABEL_LAMBDA = 0.6      # relevance weight of Sievert & Shirley (2014): labels favour distinctive terms
BOOTSTRAP = 1000
MAX_PERIODS = 6
CHOICE_RULE = ("highest c_v among the K whose two-seed stability is at least 80% of the best stability "
               "(ties: smaller K)")


@dataclass
class Options:
    """Vocabulary pruning and training settings (the CLI's options, with the same defaults)."""

    min_docs: int = 3           # drop terms in fewer documents
    max_share: float = 0.3      # drop terms in more than this share of documents
    keep: int = 20000           # then keep the N most frequent (by document count)
    passes: int = 20
    iterations: int = 100
    chunksize: int | None = None  # documents per online update; None: n/20 within 100..2000, so that even
    #                               small corpora get 20 updates a pass (CSL: chunks of 100 beat 200 and 2000)
    tokens: str = "both"        # which token columns make a document: zh, en, both
    workers: int = 1            # >1: LDA via LdaMulticore (faster on big corpora, not byte-reproducible)

    def lda_kwargs(self, n_docs: int) -> dict:
        chunksize = self.chunksize or min(2000, max(100, n_docs // 20))
        return dict(passes=self.passes, iterations=self.iterations, chunksize=chunksize, eval_every=None)


# --------------------------------------------------------------------------------------------- documents

def document_tokens(corpus, tokens: str = "both") -> tuple[pd.DataFrame, list[list[str]]]:
    """The corpus's documents (id order) and each one's token list (`tokens`: zh, en, both)."""
    if corpus.tokens is None:
        raise ValueError(f"{corpus.path}: no tokens.parquet in the built corpus; rebuild it with segmentation")
    token_lists = corpus.document_tokens(tokens)
    order = corpus.docs["id"].argsort(kind="stable").to_numpy()
    return corpus.docs.iloc[order].reset_index(drop=True), [token_lists[i] for i in order]


def vocabulary(token_lists: list[list[str]], options: Options):
    """A gensim Dictionary pruned as the options say; a clear error when nothing is left."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(token_lists)
    dictionary.filter_extremes(no_below=options.min_docs, no_above=options.max_share, keep_n=options.keep)
    if len(dictionary) == 0:
        raise ValueError(f"no terms left after pruning {len(token_lists)} documents (min_docs={options.min_docs}, "
                         f"max_share={options.max_share}); lower --min-docs or raise --max-share")
    return dictionary


def count_matrix(bows: list[list[tuple[int, int]]], n_terms: int):
    """Documents × terms sparse counts from gensim bag-of-words lists."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(b) for b in bows])
    cols = np.fromiter((t for b in bows for t, _ in b), dtype=np.int64, count=indptr[-1])
    vals = np.fromiter((c for b in bows for _, c in b), dtype=np.float64, count=indptr[-1])
    return csr_matrix((vals, cols, indptr), shape=(len(bows), n_terms))


class _Progress:
    """Bag-of-words corpus that advances a progress bar as gensim iterates over it (once per pass)."""

    def __init__(self, bows, bar):
        self.bows, self.bar = bows, bar

    def __len__(self):
        return len(self.bows)

    def __iter__(self):
        for i, bow in enumerate(self.bows):
            yield bow
            if i % 100 == 99:
                self.bar.update(100)
        self.bar.update(len(self.bows) % 100)


def _bar(total: int, desc: str, progress: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", disable=not progress, file=sys.stderr, leave=False)


# ------------------------------------------------------------------------------------------------ models

@dataclass
class Model:
    """A fitted topic model behind one small interface, whatever the method.

    `topic_term` (k × V, columns named by `terms`): term probabilities for LDA, components for NMF.
    `weights(bows)` (documents × k): LDA's variational gamma or NMF's W, both unnormalized."""

    method: str
    k: int
    seed: int
    terms: list[str]
    topic_term: np.ndarray
    engine: object                      # gensim LdaModel | (TfidfTransformer, NMF)
    dictionary: object = None           # gensim Dictionary (maps tokens to columns)

    def bows(self, token_lists):
        return [self.dictionary.doc2bow(t) for t in token_lists]

    def weights(self, bows, progress: bool = False) -> np.ndarray:
        """Unnormalized document-topic weights; rows of empty documents are zero."""
        if self.method == "lda":
            gamma = np.zeros((len(bows), self.k))
            bar = _bar(len(bows), "inferring", progress)
            for start in range(0, len(bows), 2000):
                chunk = bows[start:start + 2000]
                gamma[start:start + len(chunk)], _ = self.engine.inference(chunk)
                bar.update(len(chunk))
            bar.close()
            gamma[[not b for b in bows]] = 0.0
            return gamma
        tfidf, nmf = self.engine
        return nmf.transform(tfidf.transform(count_matrix(bows, len(self.terms))))

    def proportions(self, weights: np.ndarray) -> np.ndarray:
        """Rows normalized to sum to 1 (NaN for empty documents)."""
        sums = weights.sum(axis=1, keepdims=True)   # LDA: gamma normalized is the posterior mean of theta
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(sums > 0, weights / np.where(sums > 0, sums, 1), np.nan)

    def term_probabilities(self) -> np.ndarray:
        """Rows normalized to sum to 1 (an NMF component can come out all zero: it stays zero)."""
        sums = self.topic_term.sum(axis=1, keepdims=True)
        return np.divide(self.topic_term, sums, out=np.zeros_like(self.topic_term, dtype=float), where=sums > 0)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in [*folder.glob("lda.gensim*"), folder / "nmf.joblib"]:   # an earlier fit's model
            stale.unlink(missing_ok=True)
        if self.method == "lda":
            # gensim logs lifecycle events (with the date, the Python and the platform) into the files it
            # saves; None turns the log off, so that one seed gives byte-identical files.
            for part in (self.engine, getattr(self.engine, "state", None), getattr(self.engine, "id2word", None)):
                if part is not None:
                    part.lifecycle_events = None
            self.engine.save(str(folder / "lda.gensim"))
        else:
            import joblib

            joblib.dump(self.engine, folder / "nmf.joblib")
        self.dictionary.save_as_text(str(folder / "dictionary.txt"))
        (folder / "model.json").write_text(json.dumps({"method": self.method, "k": self.k, "seed": self.seed}))

    @classmethod
    def load(cls, folder: Path) -> "Model":
        from gensim.corpora import Dictionary

        meta = json.loads((folder / "model.json").read_text())
        dictionary = Dictionary.load_from_text(str(folder / "dictionary.txt"))
        terms = [dictionary[i] for i in range(len(dictionary))]
        if meta["method"] == "lda":
            from gensim.models import LdaModel

            engine = LdaModel.load(str(folder / "lda.gensim"))
            topic_term = engine.get_topics()
        else:
            import joblib

            engine = joblib.load(folder / "nmf.joblib")
            topic_term = engine[1].components_
        return cls(meta["method"], meta["k"], meta["seed"], terms, topic_term, engine, dictionary)


def train(bows, dictionary, k: int, method: str = "lda", seed: int = 0, options: Options | None = None,
          progress: bool = False) -> Model:
    """Fit one model with K topics on bag-of-words documents."""
    options = options or Options()
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if k < 2:
        raise ValueError(f"need at least 2 topics, not {k}")
    terms = [dictionary[i] for i in range(len(dictionary))]
    if method == "lda":
        from gensim.models import LdaModel, LdaMulticore

        bar = _bar(options.passes * len(bows), f"LDA k={k}", progress)
        kwargs = dict(num_topics=k, id2word=dictionary, random_state=seed, **options.lda_kwargs(len(bows)))
        if options.workers > 1:
            engine = LdaMulticore(_Progress(bows, bar), workers=options.workers, **kwargs)
        else:
            engine = LdaModel(_Progress(bows, bar), **kwargs)
        bar.close()
        return Model(method, k, seed, terms, engine.get_topics(), engine, dictionary)
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True)
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max(200, 20 * options.passes))
    nmf.fit(tfidf.fit_transform(count_matrix(bows, len(terms))))
    return Model(method, k, seed, terms, nmf.components_, (tfidf, nmf), dictionary)


# ----------------------------------------------------------------------------------------------- tables

def topic_terms(model: Model, top: int = TOP_TERMS) -> pd.DataFrame:
    """Long table topic, rank, term, weight (weight = share of the topic's term weight)."""
    probs = model.term_probabilities()
    rows = []
    for topic, row in enumerate(probs):
        order = np.argsort(-row, kind="stable")[:top]
        rows += [(topic, rank, model.terms[i], round(float(row[i]), 6)) for rank, i in enumerate(order, 1)]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def labels(model: Model, prevalence: np.ndarray, n_terms: int = LABEL_TERMS) -> list[str]:
    """A short label per topic: its most relevant terms (probability balanced against lift)."""
    probs = model.term_probabilities()
    marginal = prevalence @ probs
    with np.errstate(divide="ignore", invalid="ignore"):
        relevance = LABEL_LAMBDA * np.log(probs) + (1 - LABEL_LAMBDA) * np.log(probs / marginal)
    relevance = np.nan_to_num(relevance, nan=-np.inf)
    return ["·".join(model.terms[i] for i in np.argsort(-row, kind="stable")[:n_terms]) for row in relevance]


def topic_map(model: Model) -> np.ndarray:
    """2-D positions of the topics (k × 2): classical scaling of the Jensen-Shannon distances between
    their term distributions, as LDAvis draws them. Near topics share vocabulary."""
    probs = model.term_probabilities()
    k = len(probs)
    dist2 = np.zeros((k, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(k):
            mid = (probs[i] + probs) / 2
            kl_i = np.nansum(np.where(probs[i] > 0, probs[i] * np.log(probs[i] / mid), 0), axis=1)
            kl_j = np.nansum(np.where(probs > 0, probs * np.log(probs / mid), 0), axis=1)
            dist2[i] = np.clip((kl_i + kl_j) / 2, 0, None)   # JS divergence = squared JS distance
    centre = np.eye(k) - 1 / k
    values, vectors = np.linalg.eigh(-centre @ dist2 @ centre / 2)
    coords = vectors[:, ::-1][:, :2] * np.sqrt(np.clip(values[::-1][:2], 0, None))
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(2)])   # fix the arbitrary eigenvector signs
    return np.round(coords * np.where(signs == 0, 1, signs), 6)


def prevalence_by(doc_topics: pd.DataFrame, groups: pd.Series, seed: int = 0,
                  n_boot: int = BOOTSTRAP) -> pd.DataFrame:
    """Mean topic proportion per group (e.g. year), with a 95% bootstrap interval over documents.

    Empty documents and documents without a group value are left out."""
    proportions = doc_topics.filter(like="topic_").to_numpy(dtype=float)
    k = proportions.shape[1]
    keep = ~np.isnan(proportions).any(axis=1) & groups.notna().to_numpy()
    rng = np.random.default_rng(seed)
    rows = []
    for group in sorted(groups[keep].unique()):
        sel = proportions[keep & (groups == group).to_numpy()]
        n = len(sel)
        # Resampling n documents with replacement = multinomial counts per document (100 resamples at a
        # time, so that memory stays at 100 × n counts however large the year).
        draws = np.vstack([rng.multinomial(n, np.full(n, 1 / n), size=100) @ sel / n
                           for _ in range(n_boot // 100)])
        low, high = np.percentile(draws, [2.5, 97.5], axis=0)
        mean = sel.mean(axis=0)
        rows += [(t, group, n, mean[t], low[t], high[t]) for t in range(k)]
    out = pd.DataFrame(rows, columns=["topic", "period", "docs", "prevalence", "ci_low", "ci_high"])
    return out.round({"prevalence": 6, "ci_low": 6, "ci_high": 6})


def periods(years: pd.Series, max_periods: int = MAX_PERIODS) -> pd.Series:
    """Year → period label: single years when there are few, else equal-width spans like `2010-2012`."""
    known = years.dropna().astype(int)
    if known.empty:
        return pd.Series([None] * len(years), index=years.index, dtype=object)
    first, last = int(known.min()), int(known.max())
    width = max(1, math.ceil((last - first + 1) / max_periods))

    def label(year):
        if pd.isna(year):
            return None
        start = first + (int(year) - first) // width * width
        end = min(start + width - 1, last)
        return str(start) if start == end else f"{start}-{end}"

    return years.map(label).astype(object)


def term_weights_by_period(model: Model, bows, weights: np.ndarray, period: pd.Series,
                           top: int = 10) -> pd.DataFrame:
    """Per-period term weights under the global topics.

    Each word occurrence in period p is shared among topics in proportion to weight(doc, topic) *
    topic_term(topic, word); the weights per topic and period are those shares summed and normalized."""
    phi = model.topic_term
    rows = []
    labels_ = period.to_numpy()
    names = sorted({x for x in labels_ if x is not None})
    counts = count_matrix(bows, len(model.terms)) if names else None
    for p in names:
        idx = np.flatnonzero(labels_ == p)
        sub = counts[idx].tocoo()
        shares = np.zeros_like(phi)
        period_weights = weights[idx]
        for start in range(0, sub.nnz, 200_000):   # bounded memory: nnz × k at a time
            r, c, v = sub.row[start:start + 200_000], sub.col[start:start + 200_000], sub.data[start:start + 200_000]
            contrib = period_weights[r] * phi[:, c].T          # nnz × k
            total = contrib.sum(axis=1, keepdims=True)
            contrib = np.divide(contrib * v[:, None], total, out=np.zeros_like(contrib), where=total > 0)
            np.add.at(shares.T, c, contrib)
        for topic, row in enumerate(shares):
            mass = row.sum()
            if mass <= 0:
                continue
            order = np.argsort(-row, kind="stable")[:top]
            rows += [(topic, p, rank, model.terms[i], round(float(row[i] / mass), 6))
                     for rank, i in enumerate(order, 1) if row[i] > 0]
    return pd.DataFrame(rows, columns=["topic", "period", "rank", "term", "weight"])


def top_documents(docs: pd.DataFrame, doc_topics: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The documents most about each topic, with their titles (for reading what a topic means)."""
    title = docs.get("title_zh", pd.Series(dtype=object)).fillna(docs.get("title_en", pd.Series(dtype=object)))
    year = docs["year"] if "year" in docs else pd.Series([None] * len(docs))
    proportions = np.nan_to_num(doc_topics.filter(like="topic_").to_numpy(dtype=float), nan=-1.0)
    rows = []
    for t in range(proportions.shape[1]):
        best = np.argsort(-proportions[:, t], kind="stable")[:top]
        rows += [(t, rank, docs["id"].iat[i], title.iat[i], year.iat[i], round(float(proportions[i, t]), 6))
                 for rank, i in enumerate(best, 1) if proportions[i, t] > 0]
    return pd.DataFrame(rows, columns=["topic", "rank", "id", "title", "year", "proportion"])


# ------------------------------------------------------------------------------------------- choosing K

def top_term_ids(topic_term: np.ndarray, n: int = COHERENCE_TOP) -> list[list[int]]:
    return [list(np.argsort(-row, kind="stable")[:n]) for row in topic_term]


def stability(a: np.ndarray, b: np.ndarray, n: int = COHERENCE_TOP) -> float:
    """Mean top-term overlap (Jaccard) of the best one-to-one matching of two fits' topics."""
    from scipy.optimize import linear_sum_assignment

    sets_a = [set(t) for t in top_term_ids(a, n)]
    sets_b = [set(t) for t in top_term_ids(b, n)]
    overlap = np.array([[len(x & y) / len(x | y) for y in sets_b] for x in sets_a])
    rows, cols = linear_sum_assignment(-overlap)
    return float(overlap[rows, cols].mean())


def coherence(model: Model, texts: list[list[str]]) -> dict:
    """NPMI and c_v of the model's topics (gensim CoherenceModel, one process, non-empty texts only)."""
    from gensim.models import CoherenceModel

    topics = [[model.terms[i] for i in ids] for ids in top_term_ids(model.topic_term)]
    scores = {}
    for name, measure in (("npmi", "c_npmi"), ("c_v", "c_v")):
        cm = CoherenceModel(topics=topics, texts=texts, dictionary=model.dictionary, coherence=measure,
                            topn=COHERENCE_TOP, processes=1)
        scores[name] = float(np.nanmean(cm.get_coherence_per_topic()))
    return scores


# The corpus for the fits of `choose_k`, set once per worker process (not pickled with every task).
_SHARED: dict = {}


def _share(bows, dictionary, texts, method, options):
    _SHARED.update(bows=bows, dictionary=dictionary, texts=texts, method=method, options=options)


def _fit_and_score(k_seed):
    k, seed = k_seed
    s = _SHARED
    model = train(s["bows"], s["dictionary"], k, s["method"], seed, s["options"])
    return k, seed, model, coherence(model, s["texts"])


def _ticking(results, bar):
    for result in results:
        bar.update()
        yield result


def choose_k(bows, dictionary, texts, ks: list[int], method: str = "lda", seed: int = 0,
             options: Options | None = None, jobs: int | None = None, progress: bool = False):
    """Fit every K with seeds `seed` and `seed + 1`; score coherence and stability; pick one K.

    Returns (table, chosen_k, models) where models maps K to the fit with `seed`."""
    options = options or Options()
    tasks = [(k, s) for k in ks for s in (seed, seed + 1)]
    shared = (bows, dictionary, texts, method, options)
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
                     "stability": round(stability(m0.topic_term, m1.topic_term), 4)})
    table = pd.DataFrame(rows)
    eligible = table[table["stability"] >= 0.8 * table["stability"].max()]
    chosen = int(eligible.sort_values(["c_v", "k"], ascending=[False, True], kind="stable").iloc[0]["k"])
    table["chosen"] = table["k"] == chosen
    return table, chosen, {k: fits[(k, seed)][0] for k in ks}


# ---------------------------------------------------------------------------------------------- results

OUTPUT_FILES = {
    "topics": "topics.csv", "info": "topic_info.csv", "doc_topics": "doc_topics.parquet",
    "prevalence": "prevalence.csv", "terms_by_period": "terms_by_period.csv", "top_docs": "top_docs.csv",
    "k_table": "k_selection.csv",
}


@dataclass
class TopicResult:
    """Everything a fit produces, as DataFrames (what `save` writes and `load` reads back)."""

    topics: pd.DataFrame            # topic, rank, term, weight
    info: pd.DataFrame              # topic, label, prevalence, docs, x, y (position on the topic map)
    doc_topics: pd.DataFrame        # id, main_topic, topic_0 … topic_{k-1}
    prevalence: pd.DataFrame        # topic, label, year, docs, prevalence, ci_low, ci_high
    terms_by_period: pd.DataFrame   # topic, period, rank, term, weight
    top_docs: pd.DataFrame          # topic, rank, id, title, year, proportion
    params: dict
    k_table: pd.DataFrame | None = None
    model: Model | None = field(default=None, repr=False)

    def save(self, out: str | Path) -> Path:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        for name, filename in OUTPUT_FILES.items():
            table = getattr(self, name)
            if table is None:      # e.g. k_selection.csv of an earlier --k-range fit into this directory
                (out / filename).unlink(missing_ok=True)
                continue
            if filename.endswith(".parquet"):
                table.to_parquet(out / filename, index=False)
            else:
                csv_table(table).to_csv(out / filename, index=False, lineterminator="\n", float_format="%.6g")
        (out / "fit.json").write_text(json.dumps(self.params, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")
        if self.model is not None:
            self.model.save(out / "model")
        return out


def load(folder: str | Path) -> TopicResult:
    """Read a fit's output directory back into a TopicResult (the model is loaded lazily by `infer`)."""
    folder = Path(folder)
    if not (folder / "fit.json").exists():
        raise FileNotFoundError(f"{folder}: not a topic-model directory (no fit.json); run `topics fit --out` first")
    tables = {}
    for name, filename in OUTPUT_FILES.items():
        path = folder / filename
        if path.exists():
            reader = pd.read_parquet if filename.endswith(".parquet") else read_csv_table
            tables[name] = reader(path)
    params = json.loads((folder / "fit.json").read_text(encoding="utf-8"))
    return TopicResult(params=params, **tables)


def fit(corpus, k: int | None = None, k_range: tuple[int, int] | None = None, method: str = "lda",
        seed: int = 0, options: Options | None = None, jobs: int | None = None,
        progress: bool = False) -> TopicResult:
    """Fit a topic model on a loaded corpus (`pipeline.load_corpus(...)`).

    Give `k`, or `k_range=(a, b)` (inclusive) to choose K by coherence and stability."""
    options = options or Options()
    if (k is None) == (k_range is None):
        raise ValueError("give exactly one of k and k_range")
    docs, token_lists = document_tokens(corpus, options.tokens)
    if not token_lists:
        raise ValueError(f"{corpus.path}: the corpus has no documents")
    dictionary = vocabulary(token_lists, options)
    bows = [dictionary.doc2bow(t) for t in token_lists]
    k_table = None
    if k_range is not None:
        a, b = k_range
        if not 2 <= a <= b:
            raise ValueError(f"k range must be A:B with 2 <= A <= B, not {a}:{b}")
        texts = [[w for w in t if w in dictionary.token2id] for t in token_lists]
        k_table, k, models = choose_k(bows, dictionary, [t for t in texts if t], list(range(a, b + 1)),
                                      method, seed, options, jobs, progress)
        model = models[k]
    else:
        model = train(bows, dictionary, k, method, seed, options, progress)
    return summarize(model, docs, bows, options, method, seed, k_table, corpus.path, progress)


def summarize(model: Model, docs: pd.DataFrame, bows, options: Options, method: str, seed: int,
              k_table: pd.DataFrame | None, corpus_path, progress: bool = False) -> TopicResult:
    """Turn a fitted model into the result tables."""
    weights = model.weights(bows, progress)
    proportions = model.proportions(weights)
    columns = [f"topic_{t}" for t in range(model.k)]
    doc_topics = pd.DataFrame(np.round(proportions, 6), columns=columns)
    main = pd.array([pd.NA if np.isnan(r).any() else int(np.argmax(r)) for r in proportions], dtype="Int64")
    doc_topics.insert(0, "main_topic", main)
    doc_topics.insert(0, "id", docs["id"].to_numpy())

    mean_share = np.nan_to_num(np.nanmean(proportions, axis=0)) if len(proportions) else np.zeros(model.k)
    topic_labels = labels(model, mean_share)
    xy = topic_map(model)
    info = pd.DataFrame({"topic": range(model.k), "label": topic_labels, "prevalence": np.round(mean_share, 6),
                         "docs": [int((main == t).sum()) for t in range(model.k)], "x": xy[:, 0], "y": xy[:, 1]})

    years = docs["year"] if "year" in docs else pd.Series([None] * len(docs))
    prevalence = prevalence_by(doc_topics, years, seed).rename(columns={"period": "year"})
    prevalence.insert(1, "label", prevalence["topic"].map(dict(enumerate(topic_labels))))
    by_period = term_weights_by_period(model, bows, weights, periods(years))
    params = {"method": method, "k": model.k, "seed": seed, "documents": len(docs),
              "empty_documents": int(main.isna().sum()), "vocabulary": len(model.terms),
              "corpus": str(corpus_path) if corpus_path else None, "options": vars(options).copy()}
    if k_table is not None:
        params["k_rule"] = CHOICE_RULE
    return TopicResult(topic_terms(model), info, doc_topics, prevalence, by_period,
                       top_documents(docs, doc_topics), params, k_table, model)


def infer(folder: str | Path, token_lists: list[list[str]], ids: list[str] | None = None) -> pd.DataFrame:
    """Topic proportions of new documents (token lists) under a saved model: id, main_topic, topic_*."""
    model = Model.load(Path(folder) / "model")
    proportions = model.proportions(model.weights(model.bows(token_lists)))
    table = pd.DataFrame(np.round(proportions, 6), columns=[f"topic_{t}" for t in range(model.k)])
    table.insert(0, "main_topic", pd.array([pd.NA if np.isnan(r).any() else int(np.argmax(r))
                                            for r in proportions], dtype="Int64"))
    table.insert(0, "id", ids if ids is not None else [str(i) for i in range(1, len(token_lists) + 1)])
    return table


def report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the fit's self-contained HTML report (default DIR/report.html); returns its path."""
    from pipeline.analysis.topics.report import write_report

    return write_report(load(folder), Path(out) if out else Path(folder) / "report.html")


def describe(result: TopicResult, top: int = 10) -> str:
    """Plain-text summary of a fit: one line per topic with its label, prevalence and top terms."""
    p = result.params
    lines = [f"{p['method'].upper()}, {p['k']} topics, {p['documents']} documents, vocabulary {p['vocabulary']}, "
             f"seed {p['seed']}"]
    for row in result.info.itertuples():
        terms = result.topics[result.topics.topic == row.topic].sort_values("rank")["term"].head(top)
        lines.append(f"{row.topic:>3}  {row.prevalence:6.1%}  {row.label}:  {' '.join(terms)}")
    return "\n".join(lines)


def read_documents(path: str | Path) -> list:
    """New documents for `infer` as records: a `.jsonl` file holds records (a record's `id` is kept, else
    its line number is used; a bad line is skipped with a logged warning, see
    `pipeline.record.read_json_lines`); any other file is plain text, one document per non-empty line."""
    from pipeline.text.normalize import normalize_record
    from pipeline.record import JSONLinesError, Record, read_json_lines

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read as UTF-8 text ({err})") from err
    if path.suffix == ".jsonl":
        try:
            documents = read_json_lines(text, str(path))
        except JSONLinesError as err:
            raise ValueError(f"{path}: {err}") from err
    else:
        documents = [(number, {"body": line}) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    records = []
    for number, data in documents:
        record = Record.from_dict({**data, "id": str(data.get("id") or number)})
        normalize_record(record)
        records.append(record)
    return records


def infer_file(folder: str | Path, path: str | Path) -> pd.DataFrame:
    """`infer` on a file of new documents, segmented as the corpus build segments records."""
    from pipeline.text.segment import get_segmenter
    from pipeline.analysis.tokens import token_columns

    segmenter = get_segmenter()
    columns = token_columns(json.loads((Path(folder) / "fit.json").read_text(encoding="utf-8"))["options"]["tokens"])
    records = read_documents(path)
    token_lists = []
    for record in records:
        zh, en = segmenter.segment_record(record)
        token_lists.append((zh if "tokens_zh" in columns else []) + (en if "tokens_en" in columns else []))
    return infer(folder, token_lists, [r.id for r in records])
