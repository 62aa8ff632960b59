"""Benchmark: knowledge-map networks and the HTML report on the NSSF projects (~62k records) and on the
2,000 CSL records, against networkx's own Louvain community detection on the same graph, same run.

    .venv/bin/python -m bench network        (BENCH_NETWORK_REPEATS=1 for a quick run)

NSSF records: title, year, the output's authors (作者, split at 、，,;) else the project leader, and the
work unit as affiliation; the author keywords are the segmented title words (the projects list none), so
the keyword network has a realistic size. CSL records: title, abstract, author keywords (no years, no
authors). For each network: knowledge_map (network, Louvain, Q, silhouette, LLR labels, betweenness)
and, on the same graph, networkx's louvain_communities alone. Prints medians in seconds. About 10
minutes on a 2-core machine.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EXTERNAL, NSSF_CSV, machine, median_seconds, need  # noqa: E402

REPEATS = int(os.environ.get("BENCH_NETWORK_REPEATS", 3))
CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
NETWORKS = [("keywords", {"top": 100}), ("keywords", {"top": 0, "min_docs": 5}),
            ("authors", {"top": 0, "min_docs": 1}), ("institutions", {"top": 0, "min_docs": 1}),
            ("regions", {"top": 0, "min_docs": 1})]


def nssf_records() -> list[dict]:
    from pipeline.text.segment import segment_texts

    with open(need(NSSF_CSV), encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["项目名称"].strip()]
    words = segment_texts([row["项目名称"] for row in rows])
    records = []
    for i, (row, terms) in enumerate(zip(rows, words)):
        authors = [a.strip() for a in re.split(r"[、，,;；]", row["作者"] or "") if a.strip()] or [row["项目负责人"]]
        year = row["立项时间"][:4]
        records.append({"id": f"nssf{i:06d}", "title_zh": row["项目名称"], "authors": authors,
                        "affiliations": [row["工作单位"]] if row["工作单位"] else [],
                        "year": int(year) if year.isdigit() and int(year) > 0 else None,
                        "keywords_zh": sorted({t for t in terms if len(t) >= 2})})
    return records


def csl_records() -> list[dict]:
    with open(need(CSL), encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [{"id": f"csl{i:05d}", "title_zh": r["title"], "abstract_zh": r["abstract"], "keywords_zh": r["keywords"]}
            for i, r in enumerate(rows)]


def write_corpus(directory: Path, records: list[dict]) -> Path:
    directory.mkdir(parents=True)
    with open(directory / "documents.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return directory


def bench(name: str, records: list[dict], root: Path, units) -> None:
    import networkx as nx

    from pipeline.analysis.corpus import load_corpus
    from pipeline.analysis.report import write_report

    corpus = load_corpus(write_corpus(root / name, records))
    corpus.knowledge_map("keywords")  # warm: segmenter and title words loaded once, as in a session
    print(f"\n{name}: {len(corpus)} records")
    for unit, options in units:
        kmap = corpus.knowledge_map(unit, **options)
        graph = kmap.network.graph()
        ours = median_seconds(lambda: corpus.knowledge_map(unit, **options), REPEATS)
        louvain = median_seconds(lambda: nx.community.louvain_communities(graph, weight="weight", seed=0), REPEATS)
        s = kmap.summary
        print(f"  {unit:12s} {json.dumps(options):28s} nodes {s['nodes']:6d} edges {s['edges']:7d} "
              f"clusters {s['clusters']:5d} Q {s['modularity']:.3f} S {s['silhouette'] or float('nan'):.3f}  "
              f"knowledge_map {ours:7.2f} s  networkx louvain alone {louvain:6.2f} s")
    seconds = median_seconds(lambda: write_report(corpus, root / f"{name}-report"), REPEATS)
    print(f"  report (4 networks, figures, tables) {seconds:.1f} s")


def main() -> None:
    print(machine(), f"medians of {REPEATS}")
    with tempfile.TemporaryDirectory() as tmp:
        bench("CSL", csl_records(), Path(tmp), [u for u in NETWORKS if u[0] == "keywords"])
        bench("NSSF", nssf_records(), Path(tmp), NETWORKS)


if __name__ == "__main__":
    main()
