"""Shared test fixtures. Real third-party data lives in ../shared/data/external (never copied here)."""
import functools
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
PAGES = TESTS / "pages"  # saved pages of our own (fictional text, real structure), by page kind
SHARED = Path(os.environ.get("PIPELINE_SHARED", ROOT.parent / "shared"))
EXTERNAL = SHARED / "data" / "external"
SEEDS = SHARED / "seeds"

sys.path.append(str(ROOT))  # bench/common.py holds the NSSF loader the tests share with the benchmarks
from bench.common import NSSF_CSV, nssf_projects  # noqa: E402


def need(path: Path) -> Path:
    """Return the external data path, or skip loudly naming what is missing."""
    if not path.exists():
        pytest.skip(f"external test data missing: {path} (expected ../shared beside the repo, "
                    f"or set PIPELINE_SHARED)")
    return path


@pytest.fixture
def external() -> Path:
    return need(EXTERNAL)


def write_corpus(directory: Path, records: list[dict], tokens: list[dict] | None = None) -> Path:
    """A built corpus directory (documents.jsonl, optional tokens.parquet) as `build` would leave it."""
    import json

    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "documents.jsonl", "w", encoding="utf-8") as fh:
        for record in sorted(records, key=lambda r: r["id"]):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    if tokens is not None:
        pd.DataFrame(tokens, columns=["id", "tokens_zh", "tokens_en"]).to_parquet(directory / "tokens.parquet")
    return directory


@functools.cache
def nssf_titles():
    """The NSSF project titles with their year, from the loader the benchmarks use (bench/common.py:
    62,501 titled rows), titles in simplified characters as the build normalizes them."""
    import opencc
    import pandas as pd

    projects = nssf_projects(need(NSSF_CSV))
    t2s = opencc.OpenCC("t2s.json")
    return pd.DataFrame({
        "title": [t2s.convert(title) for title, _ in projects],
        "year": pd.array([year for _, year in projects], dtype="Int64"),
    })


@pytest.fixture(scope="session")
def nssf_corpus(tmp_path_factory) -> Path:
    """The NSSF titles imported as record JSON Lines through the real build (ingest, normalize)."""
    import json

    import pandas as pd

    from pipeline.build.build import build

    root = tmp_path_factory.mktemp("nssf")
    (root / "raw").mkdir()
    titles = nssf_titles()
    with open(root / "raw" / "nssf.jsonl", "w", encoding="utf-8") as fh:
        for i, (title, year) in enumerate(zip(titles["title"], titles["year"])):
            record = {"id": f"nssf{i:06d}", "title_zh": title, "year": None if pd.isna(year) else int(year)}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    # Every row stays a document (no dedup), so counts compare with pandas on the same rows.
    summary = build(root / "raw", root / "build", jobs=1, progress=False, dedup=False)
    assert not summary.failures, summary.report()
    return root / "build"


# The real-data acceptance suite's session corpora (tests/acceptance_corpus.py), shared by test_acceptance_*.py.
from acceptance_corpus import real_corpus, real_loaded  # noqa: E402,F401


def written_network(folder: Path):
    """A `network --out` folder read back: summary.json, nodes.csv, and the graph of nodes.csv + edges.csv;
    asserts that summary.json's modularity is networkx's modularity of the written partition."""
    import json

    import networkx as nx

    from pipeline.safe_text import read_csv_table

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    nodes = read_csv_table(folder / "nodes.csv")
    graph = nx.Graph()
    graph.add_nodes_from(nodes["node"])
    graph.add_weighted_edges_from(read_csv_table(folder / "edges.csv").itertuples(index=False))
    partition = [set(group["node"]) for _, group in nodes.groupby("cluster")]
    assert summary["modularity"] == pytest.approx(nx.community.modularity(graph, partition, weight="weight"), abs=1e-12)
    return summary, nodes, graph
