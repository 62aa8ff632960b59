"""Benchmark: a trends query over ~1M documents (the NSSF project titles replicated), after loading.

    .venv/bin/python -m bench trends      (BENCH_TRENDS_DOCS=100000 for a quick run)

Reports the corpus load time (`load_corpus` reads documents.parquet, the columnar copy the build writes
beside documents.jsonl; written here by the build's own function) beside pandas `read_json(lines=True)`
of the same documents.jsonl as the baseline, the first query (which also builds the normalized text
index), the median of later queries, and as their baseline measured in the same run a plain pandas
`str.contains` count per year of two literal terms in the titles. Then the same corpus with a
tokens.parquet (each distinct title segmented once by pipeline.text.segment): the 14 concepts of
corpus/concepts.toml queried one trends call each, as a notebook loop does. About 2 minutes on a
2-core machine.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import NSSF_CSV, machine, median_seconds, need, nssf_projects  # noqa: E402

from pipeline.analysis.concepts import load_concepts  # noqa: E402
from pipeline.analysis.corpus import load_corpus  # noqa: E402
from pipeline.build.documents_table import write_documents_table  # noqa: E402

TERMS = ["党建引领", "韧性", "共治"]
DOCS = int(os.environ.get("BENCH_TRENDS_DOCS", 1_000_000))
REPEATS = 5


def write_replicated_corpus(directory: Path, n_docs: int, tokens: bool = False) -> None:
    rows = nssf_projects(need(NSSF_CSV))
    with open(directory / "documents.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n_docs):
            title, year = rows[i % len(rows)]
            fh.write(json.dumps({"id": f"{i:08d}", "source_kind": "export", "title_zh": title, "year": year},
                                ensure_ascii=False) + "\n")
    write_documents_table(directory)
    if tokens:
        import pandas as pd

        from pipeline.text.segment import segment_texts

        segmented = segment_texts([title for title, _ in rows])
        pd.DataFrame({"id": [f"{i:08d}" for i in range(n_docs)],
                      "tokens_zh": [segmented[i % len(rows)] for i in range(n_docs)],
                      "tokens_en": [[] for _ in range(n_docs)]}).to_parquet(directory / "tokens.parquet")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_replicated_corpus(Path(tmp), DOCS)
        load_avg = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        corpus = load_corpus(tmp)
        load_time, load_cpu = time.perf_counter() - start, time.process_time() - cpu
        import pandas as pd

        start = time.perf_counter()
        pd.read_json(Path(tmp) / "documents.jsonl", lines=True)
        read_json_time = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    first = corpus.trends(TERMS, by="year")
    first_time, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    query = median_seconds(lambda: corpus.trends(TERMS, by="year"), REPEATS)
    titles, years = corpus.docs["title_zh"], corpus.docs["year"]
    baseline = median_seconds(
        lambda years=years, titles=titles: [years[titles.str.contains(t, regex=False)].value_counts()
                                            for t in ["韧性", "共治"]], REPEATS)
    print(f"## Trends ({machine()})")
    print(f"documents: {len(corpus):,}; concepts: {', '.join(TERMS)} (fields title, keywords, abstract)")
    print(f"load average (1 min) before loading: {load_avg:.1f}; CPU seconds (all threads) in brackets")
    print(f"load_corpus (documents.parquet): {load_time:.2f} s ({load_cpu:.2f}); baseline pandas read_json(lines=True) of "
          f"documents.jsonl: {read_json_time:.2f} s ({read_json_time / load_time:.1f}x)")
    print(f"first trends query (builds the text index): {first_time:.2f} s ({first_cpu:.2f})")
    print(f"trends query, median of {REPEATS}: {query:.3f} s")
    print(f"baseline pandas str.contains per year, 2 literal terms, title only, median of {REPEATS}: "
          f"{baseline:.3f} s (query/baseline {query / baseline:.2f})")
    print(f"matching documents: {first.groupby('concept')['docs'].sum().to_dict()}")
    del corpus, titles, years

    with tempfile.TemporaryDirectory() as tmp:
        write_replicated_corpus(Path(tmp), DOCS, tokens=True)
        corpus = load_corpus(tmp)
    concepts = list(load_concepts())
    start = time.perf_counter()
    for name in concepts:
        corpus.trends([name], by="year")
    first_loop = time.perf_counter() - start
    again = median_seconds(lambda: [corpus.trends([name], by="year") for name in concepts], REPEATS)
    tokens = int(corpus.tokens["tokens_zh"].map(len).sum())
    print(f"with tokens.parquet ({tokens:,} tokens): {len(concepts)} concepts, one trends call "
          f"each: first loop {first_loop:.2f} s, later loops median of {REPEATS} {again:.3f} s "
          f"({again / len(concepts) * 1000:.0f} ms a call)")


if __name__ == "__main__":
    main()
