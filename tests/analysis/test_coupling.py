"""Bibliographic coupling (`network --unit coupling`) on documents with real reference lists: the saved
article page in ../shared/data/external with 13 references, the reference-layout fixtures and the
hand-made co-citation pages of tests/pages/cocitation (tests/pages/cocitation.md lists who cites what)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from itertools import combinations

import pandas as pd
import pytest

from conftest import written_network, PAGES, EXTERNAL, ROOT, need, write_corpus
from pipeline.analysis.corpus import load_corpus
from pipeline.analysis.selection import select_nodes
from pipeline.analysis.units import document_names
from pipeline.ingest.files import ingest_file
from pipeline.references import parse_reference, work_key
from pipeline.safe_text import read_csv_table

REAL_PAGE = "chinese-web-content-extraction/original/2397c95d-2de8-4ca5-a569-4fffd20b9d50.html"
# Shared cited works of the hand-made pages, counted from tests/pages/cocitation.md (W1…W9).
HAND_COUNTED = {("p1", "p2"): 3, ("p1", "p3"): 3, ("p2", "p3"): 3, ("p2", "p4"): 1, ("p2", "p6"): 1,
                ("p3", "p4"): 2, ("p3", "p6"): 1, ("p4", "p5"): 2, ("p4", "p6"): 3, ("p5", "p6"): 3}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    paths = [*sorted((PAGES / "cocitation").glob("*.txt")), *sorted((PAGES / "references").iterdir()),
             need(EXTERNAL / REAL_PAGE)]
    records = []
    for path in paths:
        [record] = ingest_file(path).records
        records.append({**record.to_dict(), "id": path.stem[:2] if path.parent.name == "cocitation" else path.stem})
    return load_corpus(write_corpus(tmp_path_factory.mktemp("coupling") / "c", records))


@pytest.fixture(scope="module")
def written(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("coupling-out")
    run = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(corpus.path), "--unit",
                          "coupling", "--min-docs", "1", "--top", "0", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out


def node_ids(corpus, nodes) -> dict[str, str]:
    """Document id of each node, through the drill-down (one document per node)."""
    kmap = corpus.knowledge_map("coupling", min_docs=1, top=0)
    ids = {}
    for node in nodes:
        docs = kmap.documents_of(node=node)
        assert len(docs) == 1, node
        ids[node] = docs["id"][0]
    return ids


def independent_weights(corpus) -> Counter:
    """Works two documents both cite, from the records' reference strings."""
    keys = {doc_id: {work_key(parse_reference(raw)) for raw in refs} - {None}
            for doc_id, refs in zip(corpus.docs["id"], corpus.docs["references"])}
    return Counter({frozenset((a, b)): len(keys[a] & keys[b]) for a, b in combinations(sorted(keys), 2)
                    if keys[a] & keys[b]})


def test_edges_equal_an_independent_count(corpus, written):
    edges = read_csv_table(written / "edges.csv")
    nodes = read_csv_table(written / "nodes.csv")
    ids = node_ids(corpus, nodes["node"])
    got = Counter({frozenset((ids[a], ids[b])): w for a, b, w in edges.itertuples(index=False)})
    assert got == independent_weights(corpus)
    hand = {frozenset(pair): w for pair, w in HAND_COUNTED.items()}
    assert {pair: w for pair, w in got.items() if pair <= {f"p{i}" for i in range(1, 7)}} == hand
    # the two saves of one CNKI article (kcms2 page and text save) list the same three works (4 and 3 entries)
    assert got[frozenset(("cnki_kcms2_citation_network", "cnki_text_save"))] == 3
    # a node's docs is the number of works the document cites; the real page's 13 references are 13 works
    docs = dict(zip(nodes["node"].map(ids), nodes["docs"]))
    assert docs["2397c95d-2de8-4ca5-a569-4fffd20b9d50"] == 13 and docs["p1"] == 5
    assert set(docs) == set(corpus.docs["id"])  # every document here cites something


def test_modularity_clusters_and_labels(corpus, written):
    summary, nodes, graph = written_network(written)
    assert summary["modularity"] > 0.2 and summary["settings"]["rows"] == "cited works"
    assert summary["nodes"] == len(nodes) == len(corpus.docs) and summary["edges"] == graph.number_of_edges()
    clusters = pd.read_csv(written / "clusters.csv", keep_default_na=False)
    assert (clusters["label"].str.strip() != "").all()
    ids = node_ids(corpus, nodes["node"])
    cluster_of = {ids[n]: c for n, c in zip(nodes["node"], nodes["cluster"])}
    label = dict(zip(clusters["cluster"], clusters["label"]))
    # the deliberation papers and the digital-village papers fall apart, labelled by their own terms
    assert len({cluster_of[p] for p in ("p1", "p2", "p3")}) == 1 and len({cluster_of[p] for p in ("p4", "p5", "p6")}) == 1
    assert label[cluster_of["p1"]] in {"社区协商", "基层民主"} and label[cluster_of["p5"]] in {"数字乡村", "乡村振兴"}
    years = dict(zip(nodes["node"].map(ids), nodes["first_year"]))
    assert years["p1"] == 2019 and years["p6"] == 2023  # a document's own year


def test_document_names_are_readable_and_unique(corpus):
    names = dict(zip(corpus.docs["id"], document_names(corpus)))
    assert names["p1"] == "周文清 2019 社区议事规则的生成机制"
    assert len(set(names.values())) == len(names)
    # one article saved twice: the shared name gets each document's id
    assert names["cnki_text_save"] == "吴晓明 2022 社区协商议事的制度化路径 [cnki_text_save]"
    assert names["2397c95d-2de8-4ca5-a569-4fffd20b9d50"].endswith("…")
    assert all(len(name) < 40 for doc_id, name in names.items() if not doc_id.startswith("cnki"))


def test_drill_down_of_an_edge_and_a_cluster(corpus):
    kmap = corpus.knowledge_map("coupling", min_docs=1, top=0)
    for row in kmap.edges.itertuples():
        assert len(kmap.rows_of((row.source, row.target))) == row.weight
        assert len(kmap.documents_of(edge=(row.source, row.target))) == 2
    names = dict(zip(corpus.docs["id"], document_names(corpus)))
    shared = kmap.rows_of((names["p5"], names["p6"]))
    assert sorted(shared) == ["曾亿武|中国数字乡村建设若干问题刍议", "沈费伟|数字乡村的内生发展模式", "王胜|数字乡村建设"]
    cluster = int(kmap.nodes.loc[kmap.nodes["node"] == names["p4"], "cluster"].iloc[0])
    # the grid-governance page cites Scott, as p4 does
    assert set(kmap.documents_of(cluster=cluster)["id"]) == {"p4", "p5", "p6", "generic_numbered_paragraphs"}
    assert len(corpus.documents_of(edge=(names["p5"], names["p6"]), unit="coupling")) == 2


def test_years_and_selection(corpus, tmp_path):
    out = tmp_path / "late"
    run = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(corpus.path), "--unit",
                          "coupling", "--from", "2021", "--to", "2022", "--min-docs", "1", "--top", "0", "--out",
                          str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    nodes = read_csv_table(out / "nodes.csv")
    in_years = corpus.docs.loc[corpus.docs["year"].between(2021, 2022), "id"]
    assert sorted(nodes["first_year"]) == sorted(corpus.docs["year"][corpus.docs["id"].isin(in_years)])
    assert len(nodes) == len(in_years) > 3
    # --top 2 keeps the two documents citing the most works (ties by name)
    kmap = corpus.knowledge_map("coupling", min_docs=1, top=2)
    assert sorted(kmap.nodes["docs"]) == [5, 13]


def test_selection_weights():
    labels, years = [["a"], ["b"], ["c"]], [2001, 2001, 2002]
    assert select_nodes(labels, years, "frequency", top=1, min_docs=1, weights=[1, 4, 2]) == {"b"}
    assert select_nodes(labels, years, "top-per-slice", top=1, min_docs=3, weights=[1, 4, 2]) == {"b"}
    assert select_nodes(labels, years, "frequency", top=0, min_docs=2) == set()


@pytest.fixture(scope="module")
def report(corpus, tmp_path_factory):
    """The knowledge-map report of the corpus, one reference string replaced by markup."""
    import shutil

    folder = tmp_path_factory.mktemp("report")
    shutil.copytree(corpus.path, folder / "c")
    documents = folder / "c" / "documents.jsonl"
    records = [json.loads(line) for line in documents.read_text(encoding="utf-8").splitlines()]
    p1 = next(r for r in records if r["id"] == "p1")
    p1["references"][-1] = "[5]<script>alert(2)</script>.社区民主与治理[M].北京:社会科学文献出版社,2003."
    documents.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "report", "--corpus", str(folder / "c"), "--out",
                          str(folder / "out")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return folder / "out" / "index.html"


def test_report_shows_the_citation_analyses(corpus, report):
    page = report.read_text(encoding="utf-8")
    section = page[page.index('id="citations"'):]
    assert "Most-cited works" in section and "Reference bursts" in section and 'id="references"' in section
    assert "&lt;script&gt;alert(2)" in page and "<script>alert" not in page  # the cited author
    most_cited = pd.read_csv(report.parent / "most_cited.csv")
    assert most_cited["citations"].tolist() == corpus.most_cited(top=0)["citations"].tolist()
    # p1, p2, p3 and both saves of the CNKI article; p2, p3, p4, p6; p3, p4 and the grid-governance page
    citations = dict(zip(most_cited["key"], most_cited["citations"]))
    assert most_cited["citations"].iloc[0] == 5 and citations["孙立群|基层协商民主的实践逻辑"] == 5
    assert citations["费孝通|乡土中国"] == 4 and citations["scottj|seeinglikeastate"] == 3
    clusters = pd.read_csv(report.parent / "references" / "clusters.csv", keep_default_na=False)
    assert len(clusters) >= 2 and (clusters["label"] != "").all()
    nodes = read_csv_table(report.parent / "references" / "nodes.csv")
    assert (nodes["docs"] >= 2).all() and len(nodes) == (most_cited["citations"] >= 2).sum()
    assert page.count('src="data:image/png;base64,') == 8  # the 7 of every report and the co-citation network


def test_report_with_references_opens_in_chromium(report, tmp_path):
    import shutil

    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): the report was not opened in a browser")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120)
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert dom.returncode == 0 and not console, console
    assert 'id="citations"' in dom.stdout and "&lt;script&gt;alert(2)" in dom.stdout
