"""The topic-model methods by name (`--method`), and saving and loading a model of any method."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.analysis.topics.gibbs import GibbsLdaTopics
from pipeline.analysis.topics.lda import LdaTopics
from pipeline.analysis.topics.model import TopicModel
from pipeline.analysis.topics.nmf import NmfTopics
from pipeline.analysis.topics.options import Options

MODELS: dict[str, type[TopicModel]] = {cls.method: cls for cls in (GibbsLdaTopics, NmfTopics, LdaTopics)}
METHODS = tuple(MODELS)
ALIASES = {"lda-gibbs": GibbsLdaTopics.method}   # its name while gensim's LdaModel was the default `lda`
MODEL_FILE = "model.json"


def model_class(method: str) -> type[TopicModel]:
    method = ALIASES.get(method, method)
    if method not in MODELS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    return MODELS[method]


def make_model(method: str, k: int, seed: int = 0, options: Options | None = None) -> TopicModel:
    """An unfitted model of `method` with the training settings of `options`."""
    return model_class(method).from_options(k, seed, options or Options())


def save_model(model: TopicModel, folder: Path) -> None:
    """model.json (method and parameters) and the engine's files; any earlier model's files removed."""
    model.check_fitted()
    folder.mkdir(parents=True, exist_ok=True)
    for cls in MODELS.values():
        for pattern in cls.engine_files:
            for stale in folder.glob(pattern):
                stale.unlink()
    model.save_engine(folder)
    (folder / MODEL_FILE).write_text(json.dumps({"method": model.method, "k": model.k, "seed": model.seed,
                                                 "params": model.get_params()}))


def load_model(folder: Path) -> TopicModel:
    """A model saved by save_model (or by earlier versions, whose model.json has no params)."""
    meta = json.loads((folder / MODEL_FILE).read_text())
    method = meta["method"]
    if method == GibbsLdaTopics.method and any(folder.glob(LdaTopics.engine_files[0])):
        method = LdaTopics.method   # saved when `lda` named gensim's LdaModel: it loads as what it is
    model = model_class(method)(**meta.get("params", {"k": meta["k"], "seed": meta["seed"]}))
    model.load_engine(folder)
    return model
