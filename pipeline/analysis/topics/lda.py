"""LDA by gensim's LdaModel (variational Bayes, online updates), seeded: `--method lda-gensim` (the default
`lda` before issue 15; the default is now Gibbs sampling, gibbs.py).

The single-process `LdaModel` gives byte-identical results for a seed. `LdaMulticore` merges its
workers' results in arrival order, so two runs with one seed differ: it runs only when asked for
(`workers > 1`)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from pipeline.analysis.topics.model import TopicModel
from pipeline.analysis.topics.options import Options

INFERENCE_CHUNK = 2000   # documents per call of the E-step when transforming


def bows_of(X) -> list[list[tuple[int, int]]]:
    """gensim bag-of-words lists (column, count) of the rows of a sparse count matrix."""
    from scipy.sparse import csr_matrix

    X = csr_matrix(X)
    X.sum_duplicates()
    columns, counts = X.indices.tolist(), X.data.astype(np.int64).tolist()
    return [list(zip(columns[a:b], counts[a:b])) for a, b in zip(X.indptr[:-1], X.indptr[1:])]


def progress_bar(total: int, desc: str, progress: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", disable=not progress, file=sys.stderr, leave=False)


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


class LdaTopics(TopicModel):
    """LDA with K topics. `components_` are the topic-term probabilities; `transform` gives the
    variational gamma (normalized, the posterior mean of each document's topic proportions).

    chunksize: documents per online update; None: n/20 within 100..2000, so that even small corpora
    get 20 updates a pass (on CSL, chunks of 100 beat 200 and 2000)."""

    method = "lda-gensim"
    engine_files = ("lda.gensim*",)

    def __init__(self, k: int, seed: int = 0, passes: int = 20, iterations: int = 100,
                 chunksize: int | None = None, workers: int = 1):
        super().__init__(k, seed)
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.workers = workers

    @classmethod
    def from_options(cls, k: int, seed: int, options: Options) -> "LdaTopics":
        return cls(k, seed, passes=options.passes, iterations=options.iterations, chunksize=options.chunksize,
                   workers=options.workers)

    def fit(self, X, progress: bool = False) -> "LdaTopics":
        from gensim.models import LdaModel, LdaMulticore
        from gensim.utils import FakeDict

        self.check_input(X)
        bows = bows_of(X)
        chunksize = self.chunksize or min(2000, max(100, len(bows) // 20))
        bar = progress_bar(self.passes * len(bows), f"LDA k={self.k}", progress)
        kwargs = dict(num_topics=self.k, id2word=FakeDict(X.shape[1]), random_state=self.seed, passes=self.passes,
                      iterations=self.iterations, chunksize=chunksize, eval_every=None)
        if self.workers > 1:
            self.engine_ = LdaMulticore(_Progress(bows, bar), workers=self.workers, **kwargs)
        else:
            self.engine_ = LdaModel(_Progress(bows, bar), **kwargs)
        bar.close()
        self.components_ = self.engine_.get_topics()
        return self

    def transform(self, X, progress: bool = False) -> np.ndarray:
        self.check_fitted()
        bows = bows_of(X)
        gamma = np.zeros((len(bows), self.k))
        bar = progress_bar(len(bows), "inferring", progress)
        for start in range(0, len(bows), INFERENCE_CHUNK):
            chunk = bows[start:start + INFERENCE_CHUNK]
            gamma[start:start + len(chunk)], _ = self.engine_.inference(chunk)
            bar.update(len(chunk))
        bar.close()
        gamma[[not b for b in bows]] = 0.0
        return gamma

    def save_engine(self, folder: Path) -> None:
        # gensim logs lifecycle events (with the date, the Python and the platform) into the files it
        # saves; None turns the log off, so that one seed gives byte-identical files.
        for part in (self.engine_, getattr(self.engine_, "state", None), getattr(self.engine_, "id2word", None)):
            if part is not None:
                part.lifecycle_events = None
        # ignore=(): gensim then ignores its fixed list; any other value is merged through a set, whose
        # order (pickled into the file) changes with each process's string hashing.
        self.engine_.save(str(folder / "lda.gensim"), ignore=())

    def load_engine(self, folder: Path) -> None:
        from gensim.models import LdaModel

        self.engine_ = LdaModel.load(str(folder / "lda.gensim"))
        self.components_ = self.engine_.get_topics()
