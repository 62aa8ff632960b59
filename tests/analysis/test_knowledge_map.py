"""The knowledge map on the real CNKI/Wanfang exports: units, clusters, written files, drill-down."""
import json
import shutil
import subprocess
import sys
from collections import Counter
from itertools import combinations

import networkx as nx
import pandas as pd
import pytest

from conftest import written_network, EXTERNAL, ROOT, need, write_corpus
from pipeline.analysis.clusters import llr_scores
from pipeline.analysis.institutions import institution, split_affiliation
from pipeline.analysis.selection import g_index, select_nodes
from pipeline.safe_text import read_csv_table
from pipeline.analysis.corpus import load_corpus

EXPORTS = EXTERNAL / "cnki-exports"


@pytest.fixture(scope="module")
def cnki(tmp_path_factory):
    """Every record of the real export files (CNKI E-Study, NoteExpress, CiteSpace WoS, Wanfang): 402."""
    from pipeline.ingest.readers import read_export_file

    files = sorted(p for p in need(EXPORTS).rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".net"))
    records = [r.to_dict() for f in files for r in read_export_file(f)]
    return load_corpus(write_corpus(tmp_path_factory.mktemp("cnki") / "c", records))


def pair_counts(label_sets) -> Counter:
    return Counter(frozenset(p) for items in label_sets for p in combinations(sorted(set(items)), 2))


def written_edges(out) -> Counter:
    edges = read_csv_table(out / "edges.csv")
    assert not edges.duplicated(["source", "target"]).any() and (edges["source"] < edges["target"]).all()
    return Counter({frozenset((a, b)): w for a, b, w in edges.itertuples(index=False)})


@pytest.mark.parametrize("unit", ["authors", "institutions"])
def test_collaboration_edges_equal_an_independent_count(cnki, unit, tmp_path):
    cnki.knowledge_map(unit, min_docs=1, top=0).write(tmp_path)
    if unit == "authors":
        sets = [[a.strip() for a in authors if a.strip()] for authors in cnki.docs["authors"]]
    else:
        sets = [[institution(a) for a in affiliations] for affiliations in cnki.docs["affiliations"]]
    expected = pair_counts(sets)
    assert written_edges(tmp_path) == expected and sum(expected.values()) > 50
    nodes = read_csv_table(tmp_path / "nodes.csv")
    assert set(nodes["node"]) == {x for items in sets for x in items}  # --min-docs 1 --top 0 keeps every node


@pytest.mark.parametrize("unit", ["keywords", "authors", "institutions", "regions"])
def test_modularity_and_labels_match_the_written_partition(cnki, unit, tmp_path):
    cnki.knowledge_map(unit, min_docs=1, top=0).write(tmp_path)
    summary, nodes, graph = written_network(tmp_path)
    assert summary["nodes"] == len(nodes) and summary["edges"] == graph.number_of_edges()
    clusters = pd.read_csv(tmp_path / "clusters.csv", keep_default_na=False)
    assert list(clusters.columns) == ["cluster", "size", "label", "label_terms", "mean_year", "silhouette"]
    assert (clusters["label"].str.strip() != "").all()
    assert clusters["size"].tolist() == nodes["cluster"].value_counts().sort_index().tolist()
    assert -1 <= summary["silhouette"] <= 1 and summary["modularity"] > 0.3


def test_same_input_same_files(cnki, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    cnki.knowledge_map("keywords", seed=3).write(first)
    cnki.knowledge_map("keywords", seed=3).write(second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_art_theory_cluster_is_labelled_by_its_terms(cnki):
    """The 307 CiteSpace-format records are about 艺术学理论; the 20 + 20 medical ones are about 乳腺癌."""
    kmap = cnki.knowledge_map("keywords", min_docs=1, top=0)
    labels = kmap.clusters.set_index("label")
    assert "艺术学理论" in labels.index and "乳腺癌" in labels.index
    cancer = kmap.clusters.loc[kmap.clusters["label"] == "乳腺癌", "cluster"].iloc[0]
    docs = kmap.documents_of(cluster=cancer)
    assert len(docs) >= 20 and docs["year"].min() >= 2019  # the medical exports are from 2020-2021


def test_drill_down_counts_agree_with_the_tables(cnki):
    kmap = cnki.knowledge_map("keywords")
    for row in kmap.nodes.head(5).itertuples():
        docs = kmap.documents_of(node=row.node)
        assert len(docs) == row.docs and len(cnki.documents_of(row.node)) == row.docs
    for row in kmap.edges.head(5).itertuples():
        assert len(kmap.documents_of(edge=(row.source, row.target))) == row.weight
    burst = cnki.bursts().iloc[0]
    docs = cnki.documents_of(burst.term, years=(burst.begin, burst.end))
    assert len(docs) > 0 and docs["year"].between(burst.begin, burst.end).all()


def test_institutions_normalized_to_top_level():
    assert split_affiliation("中国人民大学社会与人口学院") == ("中国人民大学", "社会与人口学院")
    assert split_affiliation("十堰市太和医院药学部(湖北医药学院附属医院)") == ("十堰市太和医院", "药学部")
    assert split_affiliation("华中理工大学管理学院") == ("华中科技大学", "管理学院")  # former name, data file
    assert split_affiliation("中国社会科学院社会学研究所") == ("中国社会科学院", "社会学研究所")
    assert split_affiliation("Department of Psychology, University of Haifa, Haifa, Israel")[0] == "University of Haifa"


def test_regions_agree_with_nssf_provinces():
    """NSSF rows name the work unit and its province: the gazetteer places 97.8% of units in the
    given province, 0.25% elsewhere (campuses, 中国科学院 branches), the rest nowhere."""
    from pipeline.analysis.regions import region

    rows = pd.read_csv(need(EXTERNAL / "nssf-projects" / "social-2017-09-26.csv"), dtype=str,
                       usecols=["工作单位", "所在省区市"]).dropna()
    provinces = {region(p + "某单位") for p in rows["所在省区市"].unique()} - {""}
    rows = rows[rows["所在省区市"].isin(provinces)]
    found = rows["工作单位"].map(region)
    assert len(rows) > 45000
    assert (found == rows["所在省区市"]).mean() > 0.97
    assert ((found != "") & (found != rows["所在省区市"])).mean() < 0.005


def test_one_name_split_only_when_two_institutions_are_concurrent(tmp_path):
    records = [
        {"id": "a1", "title_zh": "甲", "year": 2012, "authors": ["王伟", "李"], "affiliations": ["南京大学文学院"]},
        {"id": "a2", "title_zh": "乙", "year": 2016, "authors": ["王伟"], "affiliations": ["南京大学文学院"]},
        {"id": "a3", "title_zh": "丙", "year": 2013, "authors": ["王伟"], "affiliations": ["四川大学法学院"]},
        {"id": "a4", "title_zh": "丁", "year": 2015, "authors": ["王伟", "李"], "affiliations": ["四川大学"]},
        # 张 moved: 北京大学 until 2015, 清华大学 from 2015 on (a boundary year only): one person
        {"id": "b1", "title_zh": "戊", "year": 2010, "authors": ["张"], "affiliations": ["北京大学"]},
        {"id": "b2", "title_zh": "己", "year": 2015, "authors": ["张"], "affiliations": ["北京大学"]},
        {"id": "b3", "title_zh": "庚", "year": 2015, "authors": ["张"], "affiliations": ["清华大学"]},
        # 赵 at two places at once, but one record without affiliation: could be either, kept whole
        {"id": "c1", "title_zh": "辛", "year": 2010, "authors": ["赵"], "affiliations": ["北京大学"]},
        {"id": "c2", "title_zh": "壬", "year": 2012, "authors": ["赵"], "affiliations": ["清华大学"]},
        {"id": "c3", "title_zh": "癸", "year": 2011, "authors": ["赵"], "affiliations": ["北京大学"]},
        {"id": "c4", "title_zh": "子", "year": 2013, "authors": ["赵"], "affiliations": []},
    ]
    nodes = set(load_corpus(write_corpus(tmp_path, records)).network("authors", min_docs=1, top=0).nodes["node"])
    assert nodes == {"王伟 (南京大学)", "王伟 (四川大学)", "李", "张", "赵"}


def test_node_selection():
    assert g_index([10, 5, 3, 1], k=1) == 4 and g_index([10, 5, 3, 1], k=2) == 3 and g_index([], 1) == 0
    labels = [["a", "b"], ["a"], ["c"], ["c", "d"], ["d"]]
    years = [2001, 2001, 2002, 2002, 2002]
    assert select_nodes(labels, years, "top-per-slice", top=1, min_docs=1) == {"a", "c"}
    assert select_nodes(labels, years, "frequency", top=2, min_docs=1) == {"a", "c"}
    # 2001: a 2, b 1 → 2 ≥ 1 but 3 < 4: g = 1; 2002: c 2, d 2 → 4 ≥ 4: g = 2
    assert select_nodes(labels, years, "g-index", g_k=1, min_docs=1) == {"a", "c", "d"}


def test_llr_matches_a_hand_computed_g2():
    import math

    import numpy as np

    # term in 8 of 10 cluster documents and 2 of 90 others
    observed = [8, 2, 2, 88]
    expected = [10 * 10 / 100, 10 * 90 / 100, 90 * 10 / 100, 90 * 90 / 100]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected))
    score = llr_scores(np.array([8, 1]), np.array([2, 50]), 10, 90)
    assert score[0] == pytest.approx(g2) and score[1] == 0  # the second term is rarer inside: no score


def test_cli_network_out_and_errors(cnki, tmp_path):
    out = tmp_path / "net"
    run = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(cnki.path), "--unit", "regions",
                          "--min-docs", "1", "--top", "0", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (out / "nodes.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "node,docs,degree,strength,betweenness,cluster,first_year"
    assert (out / "edges.csv").read_text(encoding="utf-8").splitlines()[0] == "source,target,weight"
    assert {"modularity", "silhouette", "nodes", "edges"} <= set(json.loads((out / "summary.json").read_text()))
    assert nx.read_gexf(out / "network.gexf").number_of_nodes() == len(pd.read_csv(out / "nodes.csv"))
    bad = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(cnki.path), "--selection",
                          "g-index", "--slice-years", "x"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_cli_lists_every_unit():
    from pipeline.analysis.units import UNITS
    from pipeline.cli.analysis_commands import UNIT_NAMES

    assert tuple(UNITS) == UNIT_NAMES


CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
                None)
SECTIONS = ["publications", "core-authors", "journals", "authors", "institutions", "regions", "keywords", "timeline",
            "timezone", "bursts", "top-keywords", "citations"]


@pytest.fixture(scope="module")
def report(cnki, tmp_path_factory):
    """The report of the real exports, with one record's title and keyword replaced by markup."""
    import shutil as sh

    evil = "<script>alert(1)</script>"
    folder = tmp_path_factory.mktemp("report")
    sh.copytree(cnki.path, folder / "c")
    lines = (folder / "c" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record.update(title_zh=evil, keywords_zh=[evil, "艺术学理论"], authors=[evil, "梁玖"])
    lines[0] = json.dumps(record, ensure_ascii=False)
    (folder / "c" / "documents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "report", "--corpus", str(folder / "c"), "--out",
                          str(folder / "out")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return folder / "out" / "index.html"


def test_report_is_offline_escaped_and_complete(report):
    page = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and page.count("<script") == 1  # only the page's own sorting script
    assert 'src="http' not in page and "<link" not in page and "@import" not in page
    assert all(f'id="{section}"' in page for section in SECTIONS)
    assert page.count('src="data:image/png;base64,') == 7  # 4 networks, timeline, time zones, publications
    assert "no citation analysis" in page  # the exports carry no references: one line says so
    for unit in ("keywords", "authors", "institutions", "regions"):
        assert (report.parent / unit / "clusters.csv").exists()
    assert (report.parent / "figures" / "timeline.svg").exists()


def test_report_embeds_the_chinese_glyphs_it_uses_and_is_the_same_in_any_process(report, tmp_path):
    """No boxes on a machine without a CJK font; byte-identical across processes (string hashing differs)."""
    import base64
    import io
    import os
    import re

    from fontTools.ttLib import TTFont

    page = report.read_text(encoding="utf-8")
    data = re.search(r'@font-face\{font-family:"Embedded CJK";src:url\(data:font/woff;base64,([^)]*)\)', page)
    assert data and 'font-family:"Embedded CJK"' in page
    covered = set(TTFont(io.BytesIO(base64.b64decode(data.group(1)))).getBestCmap())
    shown = {ord(ch) for ch in page.replace(data.group(1), "") if ord(ch) >= 0x2E80}
    assert len(shown) > 500 and shown <= covered
    again = tmp_path / "again"
    run = subprocess.run([sys.executable, "-m", "pipeline", "report", "--corpus", str(report.parent.parent / "c"),
                          "--out", str(again)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert run.returncode == 0, run.stderr
    assert (again / "index.html").read_bytes() == report.read_bytes()


def test_report_opens_in_headless_chromium_without_console_errors(report, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): the report was not opened in a browser")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
               f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*command, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120)
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert dom.returncode == 0 and not console, console
    assert all(f'id="{section}"' in dom.stdout for section in SECTIONS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    # the sorting script ran without error and sorts: click a header, then read the first row back
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace(
        "</body>", "<script>var th=document.querySelector('#publications ~ div table.sortable th:nth-child(2)');"
        "th.click();document.title='first:'+th.closest('table').tBodies[0].rows[0].cells[1].textContent;</script></body>"),
        encoding="utf-8")
    sorted_dom = subprocess.run([*command, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert "<title>first:1</title>" in sorted_dom.stdout  # the fewest documents in a year: 1
    shot = tmp_path / "report.png"
    subprocess.run([*command, f"--screenshot={shot}", "--window-size=1280,3000", report.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 50_000


def test_cli_network_from_to_keeps_the_years(cnki):
    import io

    run = subprocess.run([sys.executable, "-m", "pipeline", "network", "--corpus", str(cnki.path), "--unit", "keywords",
                          "--from", "2020", "--to", "2021", "--min-docs", "1", "--top", "0", "--format", "csv"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    nodes = pd.read_csv(io.StringIO(run.stdout))
    in_years = cnki.docs["year"].between(2020, 2021).fillna(False).to_numpy(dtype=bool)
    expected = Counter(k for keywords, keep in zip(cnki.author_keywords, in_years) if keep for k in keywords)
    assert dict(zip(nodes["node"], nodes["docs"])) == dict(expected) and 0 < in_years.sum() < len(cnki.docs)
