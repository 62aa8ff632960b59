"""NMF by scikit-learn on sublinear TF-IDF weights (nndsvda initialisation, seeded)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.analysis.topics.model import TopicModel
from pipeline.analysis.topics.options import Options

ENGINE_FILE = "nmf.joblib"


class NmfTopics(TopicModel):
    """NMF with K topics on TF-IDF (sublinear tf) of the counts. `components_` is NMF's H; `transform`
    gives W (unnormalized)."""

    method = "nmf"
    engine_files = (ENGINE_FILE,)
    subwords = True   # CSL categories recovered far better (pipeline.analysis.tokens.with_subwords)

    def __init__(self, k: int, seed: int = 0, max_iter: int = 400):
        super().__init__(k, seed)
        self.max_iter = max_iter

    @classmethod
    def from_options(cls, k: int, seed: int, options: Options) -> "NmfTopics":
        # `passes` means more work for either method: 20 passes of LDA ~ 400 NMF iterations.
        return cls(k, seed, max_iter=max(200, 20 * options.passes))

    def fit(self, X, progress: bool = False) -> "NmfTopics":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        self.check_input(X)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True)
        self.nmf_ = NMF(n_components=self.k, init="nndsvda", random_state=self.seed, max_iter=self.max_iter)
        self.nmf_.fit(self.tfidf_.fit_transform(X))
        self.components_ = self.nmf_.components_
        return self

    def transform(self, X, progress: bool = False) -> np.ndarray:
        self.check_fitted()
        return self.nmf_.transform(self.tfidf_.transform(X))

    def save_engine(self, folder: Path) -> None:
        import joblib

        joblib.dump((self.tfidf_, self.nmf_), folder / ENGINE_FILE)

    def load_engine(self, folder: Path) -> None:
        import joblib

        self.tfidf_, self.nmf_ = joblib.load(folder / ENGINE_FILE)
        self.components_ = self.nmf_.components_
