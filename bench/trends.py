"""Benchmark: a trends query over ~1M documents (the NSSF project titles replicated), after loading.

    .venv/bin/python bench/trends.py [--docs 1000000] [--repeat 5]

Reports the corpus load time, the first query (which also builds the normalized text index), the
median of later queries, and as the baseline measured in the same run a plain pandas
`str.contains` count per year for the same terms. Takes about 2 minutes on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.corpus import load_corpus  # noqa: E402

NSSF_CSV = ROOT.parent / "shared" / "data" / "external" / "nssf-projects" / "social-2017-09-26.csv"
TERMS = ["党建引领", "韧性", "共治"]


def write_replicated_corpus(directory: Path, n_docs: int) -> None:
    table = pd.read_csv(NSSF_CSV, dtype=str, keep_default_na=False)
    table = table[table["项目名称"].str.strip() != ""]
    years = pd.to_numeric(table["立项时间"].str[:4], errors="coerce")
    rows = [(title, None if pd.isna(y) or y == 0 else int(y)) for title, y in zip(table["项目名称"], years)]
    with open(directory / "documents.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n_docs):
            title, year = rows[i % len(rows)]
            fh.write(json.dumps({"id": f"{i:08d}", "source_kind": "export", "title_zh": title, "year": year},
                                ensure_ascii=False) + "\n")


def seconds(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_replicated_corpus(Path(tmp), args.docs)
        load_time, corpus = seconds(lambda: load_corpus(tmp))
    first_time, first = seconds(lambda: corpus.trends(TERMS, by="year"))
    query_times = [seconds(lambda: corpus.trends(TERMS, by="year"))[0] for _ in range(args.repeat)]
    titles = corpus.docs["title_zh"]

    def pandas_baseline():
        return {t: corpus.docs["year"][titles.str.contains(t, regex=False)].value_counts() for t in ["韧性", "共治"]}

    baseline_times = [seconds(pandas_baseline)[0] for _ in range(args.repeat)]
    query, baseline = statistics.median(query_times), statistics.median(baseline_times)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"documents: {len(corpus):,}; concepts: {', '.join(TERMS)} (fields title, keywords, abstract)")
    print(f"load_corpus: {load_time:.2f} s")
    print(f"first trends query (builds the text index): {first_time:.2f} s")
    print(f"trends query, median of {args.repeat}: {query:.3f} s")
    print(f"baseline pandas str.contains per year, 2 literal terms, title only, median of {args.repeat}: "
          f"{baseline:.3f} s (query/baseline {query / baseline:.2f})")
    print(f"matching documents: {first.groupby('concept')['docs'].sum().to_dict()}")


if __name__ == "__main__":
    main()
