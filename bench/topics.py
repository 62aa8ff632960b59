"""Topic models on the 2,000 CSL abstracts (13 categories): quality (NMI of main topic vs category) and
fit time of `topics fit` against raw gensim on the same bag of words, measured in the same run.

    .venv/bin/python -m bench.topics [--skip-k-range]

Tokens: jieba.lcut with a small stopword/shape filter defined here (the project's segmenter had not landed
when this was written). The baseline is plain gensim LdaModel with default settings on plain jieba.lcut
tokens, as the issue asks.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

CSL = Path(os.environ.get("PIPELINE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / \
    "data" / "external" / "csl" / "csl_benchmark_joined_dev_test.jsonl"

# Function words and academic boilerplate of CSL abstracts; plus a shape rule (a word starts with a letter
# or a Han character and is longer than one character).
STOPWORDS = set("""的 了 和 与 及 或 在 对 为 是 中 等 以 并 从 将 由 于 其 该 这 这些 一个 一种 通过 进行 基于 研究 方法
分析 结果 表明 提出 采用 利用 具有 可以 能够 不同 主要 以及 同时 其中 对于 我们 本文 文章 因此 然而 但是 由于 根据 已经
相关 问题 发现 作为 得到 影响 方面 有效 重要 显著 进一步 之间 情况 针对 探讨 分别 较 更 也 而 但 就 都 又 被 使 所 之 其他""".split())
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
    """A built corpus (documents.jsonl + tokens.parquet) of the CSL records; returns id → category."""
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


def nmi(out_dir: Path, categories: dict[str, str]) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    doc_topics = pd.read_parquet(out_dir / "doc_topics.parquet").dropna(subset=["main_topic"])
    return normalized_mutual_info_score([categories[i] for i in doc_topics["id"]], doc_topics["main_topic"])


def baseline_nmi(rows: list[dict], seed: int) -> float:
    """Plain gensim LdaModel, default settings, on plain jieba.lcut tokens."""
    import jieba
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel
    from sklearn.metrics import normalized_mutual_info_score

    tokens = [jieba.lcut(csl_text(r)) for r in rows]
    dictionary = Dictionary(tokens)
    bows = [dictionary.doc2bow(t) for t in tokens]
    model = LdaModel(bows, num_topics=13, id2word=dictionary, random_state=seed)
    main = [max(model.get_document_topics(b, minimum_probability=0), key=lambda x: x[1])[0] for b in bows]
    return normalized_mutual_info_score([r["category"] for r in rows], main)


def raw_gensim(corpus_dir: Path, out: Path, k: int, seed: int) -> None:
    """What a user would write by hand: same tokens, same pruning and training settings, topics + doc topics."""
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    from pipeline.topics import Options

    o = Options()
    tokens = [list(t) for t in pd.read_parquet(corpus_dir / "tokens.parquet")["tokens_zh"]]
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=o.min_docs, no_above=o.max_share, keep_n=o.keep)
    bows = [dictionary.doc2bow(t) for t in tokens]
    model = LdaModel(bows, num_topics=k, id2word=dictionary, random_state=seed, **o.lda_kwargs())
    gamma, _ = model.inference(bows)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(gamma / gamma.sum(axis=1, keepdims=True)).rename(columns=str).to_parquet(out / "doc_topics.parquet")
    pd.DataFrame([(t, w, p) for t in range(k) for w, p in model.show_topic(t, 20)]).to_csv(out / "topics.csv")
    np.save(out / "topics.npy", model.get_topics())


def main(argv: list[str] | None = None) -> None:
    from pipeline import cli

    argv = sys.argv[1:] if argv is None else argv
    if not CSL.exists():
        print(f"bench.topics: skipped, {CSL} missing")
        return
    rows = read_csl()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        categories = write_csl_corpus(tmp / "corpus")
        seeds = [0, 1, 2]
        print("## Topic models (bench/topics.py)\n")
        base = [baseline_nmi(rows, s) for s in seeds]
        ours, ours_nmf, t_ours, t_raw = [], [], [], []
        for s in seeds:
            start = time.perf_counter()
            cli.main(["topics", "fit", "--corpus", str(tmp / "corpus"), "--k", "13", "--seed", str(s), "--out",
                      str(tmp / f"lda{s}"), "--quiet"])
            t_ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw_gensim(tmp / "corpus", tmp / f"raw{s}", 13, s)
            t_raw.append(time.perf_counter() - start)
            ours.append(nmi(tmp / f"lda{s}", categories))
            cli.main(["topics", "fit", "--corpus", str(tmp / "corpus"), "--k", "13", "--seed", str(s), "--method",
                      "nmf", "--out", str(tmp / f"nmf{s}"), "--quiet"])
            ours_nmf.append(nmi(tmp / f"nmf{s}", categories))
        fmt = lambda xs: f"median {statistics.median(xs):.3f} (seeds 0-2: {', '.join(f'{x:.3f}' for x in xs)})"  # noqa
        print(f"- NMI main topic vs category, K=13, 2,000 CSL abstracts:")
        print(f"  - baseline gensim LdaModel defaults on jieba.lcut tokens: {fmt(base)}")
        print(f"  - `topics fit --method lda` (defaults): {fmt(ours)}")
        print(f"  - `topics fit --method nmf`: {fmt(ours_nmf)}")
        ratio = statistics.median(t_ours) / statistics.median(t_raw)
        print(f"- fit time, K=13 (in-process; our command writes all outputs): ours median "
              f"{statistics.median(t_ours):.2f} s, raw gensim same bag of words and settings median "
              f"{statistics.median(t_raw):.2f} s, ratio {ratio:.2f}x")
        if "--skip-k-range" not in argv:
            start = time.perf_counter()
            cli.main(["topics", "fit", "--corpus", str(tmp / "corpus"), "--k-range", "6:20", "--out",
                      str(tmp / "krange"), "--quiet"])
            print(f"- `--k-range 6:20` (2 seeds per K, {os.cpu_count()} cores): {time.perf_counter() - start:.0f} s; "
                  f"chosen K NMI {nmi(tmp / 'krange', categories):.3f}")


if __name__ == "__main__":
    main()
