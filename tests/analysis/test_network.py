"""Co-occurrence network: counts, association strength, GEXF read back by networkx, VOSviewer files."""
import networkx as nx
import pytest

from conftest import write_corpus
from pipeline.analysis.corpus import load_corpus
from test_trends import HAND_RECORDS

KEYWORD_DOCS = [["治理", "韧性", "社区"], ["治理", "韧性"], ["治理", "党建"], ["韧性", "社区"]]


@pytest.fixture
def network(tmp_path):
    records = [{"id": f"k{i}", "title_zh": "题", "keywords_zh": kw} for i, kw in enumerate(KEYWORD_DOCS)]
    return load_corpus(write_corpus(tmp_path / "c", records)).network(unit="keywords", min_docs=1)


def test_counts_and_association_strength(network):
    assert network.nodes.values.tolist() == [["治理", 3], ["韧性", 3], ["社区", 2], ["党建", 1]]
    edges = {(a, b): (w, s) for a, b, w, s in network.edges.itertuples(index=False)}
    assert edges[("治理", "韧性")] == (2, pytest.approx(2 * 4 / (3 * 3)))
    assert edges[("社区", "韧性")] == (2, pytest.approx(2 * 4 / (2 * 3)))
    assert edges[("党建", "治理")] == (1, pytest.approx(1 * 4 / (1 * 3)))
    assert len(edges) == 4  # 治理–社区 once too


def test_centrality_table(network):
    table = network.centrality().set_index("node")
    assert table.loc["韧性", "strength"] == 4 and table.loc["治理", "strength"] == 4
    assert table.loc["治理", "degree"] == 3 and table.loc["党建", "degree"] == 1
    assert table.loc["治理", "betweenness"] == pytest.approx(2 / 3)  # 党建 reaches 韧性 and 社区 only via 治理


def test_gexf_opens_with_networkx(network, tmp_path):
    path = network.to_gexf(tmp_path / "n.gexf")
    graph = nx.read_gexf(path)
    assert set(graph.nodes) == {"治理", "韧性", "社区", "党建"}
    assert graph["治理"]["韧性"]["weight"] == 2 and graph["党建"]["治理"]["weight"] == 1
    assert graph.number_of_edges() == 4
    again = network.to_gexf(tmp_path / "again.gexf")
    assert path.read_bytes() == again.read_bytes()


def test_vosviewer_files(network, tmp_path):
    map_file, network_file = network.to_vosviewer(tmp_path / "map.txt", tmp_path / "network.txt")
    assert map_file.read_text(encoding="utf-8").splitlines() == [
        "id\tlabel\tweight<Documents>", "1\t治理\t3", "2\t韧性\t3", "3\t社区\t2", "4\t党建\t1"]
    links = {tuple(line.split("\t")) for line in network_file.read_text().splitlines()}
    assert links == {("4", "1", "1"), ("1", "3", "1"), ("3", "2", "2"), ("1", "2", "2")}


def test_concept_network(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "hand", HAND_RECORDS))
    net = corpus.network(unit="concepts", terms=["党建引领", "社区治理", "共治", "韧性"], min_docs=1)
    edges = {(a, b): w for a, b, w, _ in net.edges.itertuples(index=False)}
    # r1: 党建引领 + 社区治理; r3: 共治 + 社区治理; r4: 韧性 + 共治; r6: 党建引领 + 共治.
    assert edges == {("党建引领", "社区治理"): 1, ("共治", "社区治理"): 1, ("共治", "韧性"): 1, ("党建引领", "共治"): 1}


def test_cli_network_writes_gexf_and_vosviewer(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    records = [{"id": f"k{i}", "title_zh": "题", "keywords_zh": kw} for i, kw in enumerate(KEYWORD_DOCS)]
    corpus = write_corpus(tmp_path / "c", records)
    out = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(corpus), "--min-docs", "1",
                          "--gexf", str(tmp_path / "n.gexf"), "--vosviewer", str(tmp_path / "m.txt"),
                          str(tmp_path / "e.txt"), "--format", "csv"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.splitlines()[0] == "node,docs,degree,strength,betweenness"
    assert nx.read_gexf(tmp_path / "n.gexf")["社区"]["韧性"]["weight"] == 2
    assert (tmp_path / "e.txt").read_text().count("\n") == 4
    missing = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "nowhere" in missing.stderr and "Traceback" not in missing.stderr
