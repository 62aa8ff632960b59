"""The interface every topic model follows, in the spirit of scikit-learn's estimators (its `_lda.py`,
`_nmf.py`), and the registry of methods.

A model is made with its parameters in the constructor and nothing else; then

    model.fit(X)            X: documents × terms counts (scipy sparse); returns the model
    model.transform(X)      documents × k unnormalized weights (rows of empty documents are 0)
    model.components_       k × terms nonnegative weights
    model.save_engine(folder); model.load_engine(folder)

Code that works with any method goes through this interface and registry.py; only gibbs.py, lda.py and nmf.py
know their engine."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import ClassVar

import numpy as np

from pipeline.analysis.topics.options import Options


class TopicModel:
    """Base class: parameters are the constructor's arguments, kept as attributes of the same names."""

    method: ClassVar[str]                    # the registry name (`--method`)
    engine_files: ClassVar[tuple[str, ...]]  # glob patterns of the engine's files in a saved model
    subwords: ClassVar[bool] = False         # Options.subwords' default for the method

    def __init__(self, k: int, seed: int = 0):
        self.k = k
        self.seed = seed

    # -- parameters --------------------------------------------------------------------------- #

    @classmethod
    def from_options(cls, k: int, seed: int, options: Options) -> "TopicModel":
        """The model with the training settings of the CLI's options."""
        raise NotImplementedError

    def get_params(self) -> dict:
        """The constructor's arguments as given (so that `type(m)(**m.get_params())` is an unfitted copy)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def check_input(self, X) -> None:
        """Raise ValueError for an impossible K or an empty matrix."""
        if self.k < 2:
            raise ValueError(f"need at least 2 topics, not {self.k}")
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"cannot fit {self.method.upper()} on an empty {X.shape[0]} × {X.shape[1]} matrix")

    def check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit first")

    # -- fitting ------------------------------------------------------------------------------ #

    def fit(self, X, progress: bool = False) -> "TopicModel":
        raise NotImplementedError

    def transform(self, X, progress: bool = False) -> np.ndarray:
        raise NotImplementedError

    # -- saving (registry.save_model / load_model add model.json and clear an earlier model's files) -- #

    def save_engine(self, folder: Path) -> None:
        """The fitted engine's files into `folder`."""
        raise NotImplementedError

    def load_engine(self, folder: Path) -> None:
        """Read the engine's files written by save_engine (the model is then fitted)."""
        raise NotImplementedError


def proportions(weights: np.ndarray) -> np.ndarray:
    """Document-topic weights with rows normalized to sum to 1 (NaN for empty documents). For LDA the
    normalized variational gamma is the posterior mean of theta."""
    sums = weights.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums > 0, weights / np.where(sums > 0, sums, 1), np.nan)


def term_probabilities(components: np.ndarray) -> np.ndarray:
    """Topic-term weights with rows normalized to sum to 1 (an NMF component can come out all zero: it
    stays zero)."""
    sums = components.sum(axis=1, keepdims=True)
    return np.divide(components, sums, out=np.zeros_like(components, dtype=float), where=sums > 0)
