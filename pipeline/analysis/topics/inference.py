"""A fitted model as saved in a fit's `model/` folder, and topic proportions of new documents under it.

    model/model.json, lda.tomotopy* | lda.gensim* | nmf.joblib   the topic model (registry.save_model)
    model/dictionary.txt                          the vocabulary (token ↔ column)
    model/segmenter.json, lexicon.txt, field_lexicon.txt   the segmenter settings of the corpus's tokens

`infer_file` segments new documents with those settings (the fit's lexicon, author keywords and
options), so new text is cut as the fitted corpus was. A model saved before segmenter.json existed is
read with the default segmenter."""
from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.topics.model import TopicModel, proportions
from pipeline.analysis.topics.registry import load_model, save_model
from pipeline.analysis.topics.vocabulary import count_matrix

log = logging.getLogger(__name__)

DICTIONARY_FILE = "dictionary.txt"
SEGMENTER_FILE = "segmenter.json"
LEXICON_FILES = {"lexicon": "lexicon.txt", "field_lexicon": "field_lexicon.txt"}


@dataclass
class FittedModel:
    """A topic model with the vocabulary it was fit on and the segmenter settings of its tokens
    (keyword arguments of `pipeline.text.segment.get_segmenter`; None: unknown, the defaults)."""

    model: TopicModel
    dictionary: object                  # gensim Dictionary
    segmenter: dict | None = None

    def weights(self, token_lists: list[list[str]], progress: bool = False) -> np.ndarray:
        """Unnormalized document-topic weights of token lists (rows of empty documents are 0)."""
        return self.model.transform(count_matrix(self.dictionary, token_lists), progress)

    def save(self, folder: Path) -> None:
        save_model(self.model, folder)
        self.dictionary.save_as_text(str(folder / DICTIONARY_FILE))
        for name in LEXICON_FILES.values():
            (folder / name).unlink(missing_ok=True)
        if self.segmenter is None:
            (folder / SEGMENTER_FILE).unlink(missing_ok=True)
            return
        settings = dict(self.segmenter)
        for key, name in LEXICON_FILES.items():   # copies: the fit's lexicons, even if the files change later
            if settings.get(key) is not None:
                shutil.copyfile(settings[key], folder / name)
                settings[key] = name
        (folder / SEGMENTER_FILE).write_text(json.dumps(settings, ensure_ascii=False, sort_keys=True, indent=1),
                                             encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "FittedModel":
        from gensim.corpora import Dictionary

        dictionary = Dictionary.load_from_text(str(folder / DICTIONARY_FILE))
        settings = None
        if (folder / SEGMENTER_FILE).exists():
            settings = json.loads((folder / SEGMENTER_FILE).read_text(encoding="utf-8"))
            for key in LEXICON_FILES:
                if settings.get(key) is not None:
                    settings[key] = str(folder / settings[key])
        return cls(load_model(folder), dictionary, settings)

    def make_segmenter(self):
        """The Segmenter of the fit's settings (the default one when they are unknown)."""
        from pipeline.text.segment import get_segmenter

        if self.segmenter is None:
            log.warning("this model was saved without its segmenter settings: new text is segmented with the "
                        "default lexicon and options")
            return get_segmenter()
        return get_segmenter(**self.segmenter)


def proportions_table(proportions_: np.ndarray, ids) -> pd.DataFrame:
    """id, main_topic (empty documents: NA), topic_0 … topic_{k-1} (rounded to 6 places)."""
    table = pd.DataFrame(np.round(proportions_, 6), columns=[f"topic_{t}" for t in range(proportions_.shape[1])])
    table.insert(0, "main_topic", pd.array([pd.NA if np.isnan(r).any() else int(np.argmax(r))
                                            for r in proportions_], dtype="Int64"))
    table.insert(0, "id", ids)
    return table


def _fit_options(folder: Path) -> dict:
    return json.loads((folder / "fit.json").read_text(encoding="utf-8"))["options"]


def _bag_of_words(fitted: FittedModel, token_lists: list[list[str]], options: dict) -> list[list[str]]:
    """New documents' tokens as the fit counted its documents: compounds with their parts when it did
    (every compound: the vocabulary decides which of them count), and words with their sub-words when it
    did (fits made before `subwords` existed did not)."""
    from pipeline.analysis.tokens import with_compound_parts, with_subwords

    if options.get("compound_parts"):
        token_lists = with_compound_parts(token_lists, 0, fitted.make_segmenter())[0]
    if options.get("subwords"):
        token_lists = with_subwords(token_lists, fitted.make_segmenter())
    return token_lists


def infer(folder: str | Path, token_lists: list[list[str]], ids: list[str] | None = None) -> pd.DataFrame:
    """Topic proportions of new documents (token lists) under a saved fit: id, main_topic, topic_*."""
    folder = Path(folder)
    fitted = FittedModel.load(folder / "model")
    ids = ids if ids is not None else [str(i) for i in range(1, len(token_lists) + 1)]
    bags = _bag_of_words(fitted, token_lists, _fit_options(folder))
    return proportions_table(proportions(fitted.weights(bags)), ids)


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
    """`infer` on a file of new documents, segmented with the fit's segmenter settings."""
    from pipeline.analysis.tokens import token_columns

    folder = Path(folder)
    fitted = FittedModel.load(folder / "model")
    options = _fit_options(folder)
    columns = token_columns(options["tokens"])
    records = read_documents(path)
    segmenter = fitted.make_segmenter()
    token_lists = []
    for record in records:
        zh, en = segmenter.segment_record(record)
        token_lists.append((zh if "tokens_zh" in columns else []) + (en if "tokens_en" in columns else []))
    bags = _bag_of_words(fitted, token_lists, options)
    return proportions_table(proportions(fitted.weights(bags)), [r.id for r in records])
