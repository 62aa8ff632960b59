"""LDA by collapsed Gibbs sampling (tomotopy, C++), seeded: the default `--method lda`.

Priors are fixed and symmetric: eta = 0.1, as Griffiths & Steyvers (2004) set it, and alpha summing over
the topics to the corpus's mean document length (in counted tokens), so that a document's prior weighs
as much as its words: on abstracts of about 50 counted tokens that is their alpha = 50 / K; on titles of
5 tokens far less, where 50 / K would drown the few words (NSSF titles: NMI 0.07 with 50 / K, 0.24 with
this rule). tomotopy's own defaults (alpha 0.1, re-estimated every 10 sweeps; eta 0.01) put the same
frequent words at the top of many topics (diversity 0.52 on the NSSF titles, 0.80 on CSL).

On the 2,000 CSL records with their keywords (BENCHMARKS.md, "Topic quality"; the priors were chosen on
seeds 5-9 and half of the records, and are reported on seeds 0-4) its main topics follow the categories
far better than gensim's variational LdaModel (`--method lda-gensim`, the default before issue 15).

One worker thread is byte-identical for a seed; `workers > 1` samples in parallel (tomotopy's partition
scheme), faster on big corpora but not byte-reproducible."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pipeline.analysis.topics.model import TopicModel
from pipeline.analysis.topics.options import Options

ENGINE_FILE = "lda.tomotopy"
INFERENCE_SWEEPS = 100
ETA = 0.1


def _words(X) -> list[list[str]]:
    """Each row of a sparse count matrix as a word list (a term is its column number)."""
    from scipy.sparse import csr_matrix

    X = csr_matrix(X)
    X.sum_duplicates()
    return [[str(column) for column, count in zip(X.indices[a:b], X.data[a:b]) for _ in range(int(count))]
            for a, b in zip(X.indptr[:-1], X.indptr[1:])]


def _scheme(workers: int):
    import tomotopy as tp

    return tp.ParallelScheme.PARTITION if workers > 1 else tp.ParallelScheme.NONE


class GibbsLdaTopics(TopicModel):
    """LDA with K topics fitted by `sweeps` Gibbs sweeps under fixed symmetric priors (`alpha` per topic,
    None: the mean document length / K; `eta`). `components_` are the topic-term probabilities; `transform`
    gives, per document, how many of its words Gibbs sampling under the fitted topics puts in each topic
    (rows of empty documents are 0).

    Why counts and not tomotopy's smoothed distribution (n + alpha) / (N + K alpha): with alpha as large as
    a document, that is half prior, and every topic's share leans toward 1 / K (on CSL, K = 13, mean topic
    shares 7.0-8.8 %); the counts let shares and prevalence over time follow the words. The main topic is
    the same either way."""

    method = "lda"
    engine_files = (ENGINE_FILE + "*",)

    def __init__(self, k: int, seed: int = 0, sweeps: int = 200, alpha: float | None = None, eta: float = ETA,
                 workers: int = 1):
        super().__init__(k, seed)
        self.sweeps = sweeps
        self.alpha = alpha
        self.eta = eta
        self.workers = workers

    @classmethod
    def from_options(cls, k: int, seed: int, options: Options) -> "GibbsLdaTopics":
        # 20 passes of variational LDA ~ 200 sweeps
        return cls(k, seed, sweeps=10 * options.passes, workers=options.workers)

    def fit(self, X, progress: bool = False) -> "GibbsLdaTopics":
        import tomotopy as tp

        self.check_input(X)
        documents = [words for words in _words(X) if words]
        alpha = self.alpha if self.alpha is not None else sum(map(len, documents)) / max(len(documents), 1) / self.k
        self.engine_ = tp.LDAModel(k=self.k, seed=self.seed, alpha=alpha, eta=self.eta)
        self.engine_.optim_interval = 0   # the priors stay as given
        for words in documents:
            self.engine_.add_doc(words)
        # tomotopy 0.14's show_progress=True without a callback recurses until the stack overflows (its
        # two branches are swapped), so its progress bar goes in as the callback.
        shown = {"callback": tp.LDAModel._show_progress, "callback_interval": 10} if progress else {}
        self.engine_.train(self.sweeps, workers=self.workers, parallel=_scheme(self.workers), **shown)
        self._read_components(X.shape[1])
        return self

    def _read_components(self, n_terms: int) -> None:
        columns = np.array([int(word) for word in self.engine_.used_vocabs], dtype=np.int64)
        self.components_ = np.zeros((self.k, n_terms))
        for topic in range(self.k):
            self.components_[topic, columns] = self.engine_.get_topic_word_dist(topic)

    def transform(self, X, progress: bool = False) -> np.ndarray:
        import tomotopy as tp

        self.check_fitted()
        weights = np.zeros((X.shape[0], self.k))
        known = set(self.engine_.used_vocabs)
        rows, docs = [], []
        for row, words in enumerate(_words(X)):
            words = [w for w in words if w in known]  # (tomotopy aborts the process on a document without them)
            if words:
                rows.append(row)
                docs.append(self.engine_.make_doc(words))
        if docs:
            dists, _ = self.engine_.infer(docs, iterations=INFERENCE_SWEEPS, workers=1, parallel=tp.ParallelScheme.NONE)
            alpha = np.asarray(self.engine_.alpha, dtype=float)
            lengths = np.array([len(doc.words) for doc in docs], dtype=float)[:, None]
            # (n + alpha) / (N + sum alpha) → n: the words' counts, the prior's pseudo-counts taken out
            weights[rows] = np.clip(np.rint(np.asarray(dists) * (lengths + alpha.sum()) - alpha), 0, None)
        return weights

    def __getstate__(self) -> dict:
        # tomotopy's model does not pickle; its own bytes do (choose_k returns fits from worker processes)
        state = dict(self.__dict__)
        if "engine_" in state:
            state["engine_"] = state["engine_"].saves(full=True)
        return state

    def __setstate__(self, state: dict) -> None:
        if isinstance(state.get("engine_"), bytes):
            import tomotopy as tp

            state = {**state, "engine_": tp.LDAModel.loads(state["engine_"])}
        self.__dict__.update(state)

    def save_engine(self, folder: Path) -> None:
        self.engine_.save(str(folder / ENGINE_FILE))
        # tomotopy keeps only the terms it saw; the matrix's width comes back from here
        (folder / f"{ENGINE_FILE}.json").write_text(json.dumps({"terms": self.components_.shape[1]}))

    def load_engine(self, folder: Path) -> None:
        import tomotopy as tp

        self.engine_ = tp.LDAModel.load(str(folder / ENGINE_FILE))
        self._read_components(json.loads((folder / f"{ENGINE_FILE}.json").read_text())["terms"])
