"""What a fit produces (TopicResult), written to and read from its output directory.

    topics.csv  topic_info.csv  doc_topics.parquet  prevalence.csv  terms_by_period.csv  top_docs.csv
    k_selection.csv (with a K range)  fit.json (parameters)  model/ (see inference.py)"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.analysis.topics.inference import FittedModel
from pipeline.safe_text import csv_table, read_csv_table

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
    model: FittedModel | None = field(default=None, repr=False)

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
