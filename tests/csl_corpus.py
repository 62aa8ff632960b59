"""The 2,000 CSL abstracts (13 categories) as a built corpus, for tests/test_topics.py and bench/topics.py.

Tokens: jieba.lcut with a small stopword and shape filter defined here, standing in for the project's
segmenter, which had not landed when this was written."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from conftest import EXTERNAL

CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"

# Function words and academic boilerplate of CSL abstracts; the shape rule keeps words that start with a
# letter or a Han character and are longer than one character.
STOPWORDS = set("""的 了 和 与 及 或 在 对 为 是 中 等 以 并 从 将 由 于 其 该 这 这些 一个 一种 通过 进行 基于 研究 方法
分析 结果 表明 结果表明 提出 采用 利用 具有 可以 能够 不同 主要 以及 同时 其中 对于 我们 本文 文章 因此 然而 但是 由于
根据 已经 相关 问题 发现 作为 得到 影响 方面 有效 重要 显著 进一步 之间 情况 针对 探讨 分别 较 更 也 而 但 就 都 又 被
使 所 之 其他""".split())
WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9\-]+$")


def read_csl(limit: int | None = None) -> list[dict]:
    with open(CSL, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return rows[:limit] if limit else rows


def csl_text(row: dict) -> str:
    return row["title"] + "。" + row["abstract"]


def csl_tokens(texts: list[str]) -> list[list[str]]:
    import jieba

    jieba.setLogLevel(60)
    return [[w for w in jieba.lcut(t) if WORD.match(w) and w not in STOPWORDS] for t in texts]


def write_csl_corpus(folder: Path, limit: int | None = None) -> dict[str, str]:
    """Write documents.jsonl + tokens.parquet of the CSL records into `folder`; returns id → category."""
    rows = read_csl(limit)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as fh:
        for r in sorted(rows, key=lambda r: r["id"]):
            fh.write(json.dumps({"id": r["id"], "source": str(CSL), "source_kind": "export", "title_zh": r["title"],
                                 "abstract_zh": r["abstract"], "keywords_zh": r["keywords"], "body": r["abstract"],
                                 "year": None}, ensure_ascii=False) + "\n")
    tokens = csl_tokens([csl_text(r) for r in rows])
    table = pd.DataFrame({"id": [r["id"] for r in rows], "tokens_zh": tokens, "tokens_en": [[] for _ in rows]})
    table.sort_values("id").to_parquet(folder / "tokens.parquet", index=False)
    return {r["id"]: r["category"] for r in rows}
