"""The 2,000 CSL abstracts (13 categories) as a built corpus, for tests/analysis/test_topics.py and bench/topics.py.

Records carry the title and the abstract (as the body too, like an abstract-only page) but not the author
keywords, so our runs see the same text the baseline in bench/topics.py gives plain jieba.lcut. Tokens are
made by the corpus build's own step (pipeline.build.tokens.write_tokens)."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import EXTERNAL

CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"


def read_csl(limit: int | None = None) -> list[dict]:
    with open(CSL, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return rows[:limit] if limit else rows


def csl_text(row: dict) -> str:
    return row["title"] + "。" + row["abstract"]


def write_csl_corpus(folder: Path, limit: int | None = None, keywords: bool = False) -> dict[str, str]:
    """Write documents.jsonl + tokens.parquet of the CSL records into `folder`; returns id → category.
    `keywords=True`: the records carry their author keywords, as CNKI exports and pages do (the build
    then protects them and they are part of the text)."""
    from pipeline.text.normalize import normalize_record
    from pipeline.record import Record
    from pipeline.build.tokens import write_tokens

    rows = read_csl(limit)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as fh:
        for r in sorted(rows, key=lambda r: r["id"]):
            record = Record.from_dict({"id": r["id"], "source": str(CSL), "source_kind": "export",
                                       "title_zh": r["title"], "abstract_zh": r["abstract"], "body": r["abstract"],
                                       "keywords_zh": r["keywords"] if keywords else []})
            normalize_record(record)
            fh.write(record.to_json() + "\n")
    write_tokens(None, folder)
    return {r["id"]: r["category"] for r in rows}
