"""Outputs that cannot harm their reader (issue 13, findings 7 and 8): no CSV cell runs as a formula in
a spreadsheet, and GEXF stays well-formed XML whatever control characters the data holds."""
import csv
import io

import pandas as pd
from lxml import etree

from conftest import write_corpus
from pipeline.analysis.network import build_network
from pipeline.cli.main import main
from pipeline.ingest.readers import read_export_file
from pipeline.safe_text import csv_cell, csv_cell_value, csv_table, read_csv_table

HOSTILE = ["=HYPERLINK(\"http://x\",\"点击\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTab", "\rCR",
           "普通关键词"]


def test_cells_starting_like_a_formula_get_a_quote_and_read_back():
    assert [csv_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE[:-1]] + ["普通关键词"]
    assert [csv_cell_value(csv_cell(v)) for v in HOSTILE] == HOSTILE
    assert csv_cell(-2) == -2 and csv_cell_value("'quoted") == "'quoted"  # numbers and plain quotes untouched


def test_corpus_csv_export_neutralizes_formulas_and_reads_back(tmp_path):
    corpus = write_corpus(tmp_path / "build", [{"id": "a1", "title_zh": "=1+1 韧性", "authors": ["@张三"],
                                                "keywords_zh": ["-社区"], "year": 2020, "body": "x"}])
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "csv"), "--corpus", str(corpus)]) == 0
    path = tmp_path / "csv" / "corpus.csv"
    row = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert (row["title_zh"], row["authors"], row["keywords_zh"]) == ("'=1+1 韧性", "'@张三", "'-社区")
    again = read_export_file(path)[0]
    assert (again.title_zh, again.authors, again.keywords_zh) == ("=1+1 韧性", ["@张三"], ["-社区"])


def test_csv_tables_of_the_command_line_are_neutralized(tmp_path, capsys):
    records = [{"id": f"d{i}", "title_zh": "社区治理", "keywords_zh": ["=cmd|calc", "韧性"], "year": 2020, "body": ""}
               for i in range(3)]
    corpus = write_corpus(tmp_path / "build", records)
    assert main(["keywords", "--method", "author", "--format", "csv", "--corpus", str(corpus)]) == 0
    cells = [cell for row in csv.reader(io.StringIO(capsys.readouterr().out)) for cell in row]
    assert "'=cmd|calc" in cells and "=cmd|calc" not in cells


def test_csv_table_round_trip_keeps_numbers():
    table = pd.DataFrame({"term": ["=x", "y"], "weight": [-1.5, 2.0]})
    buffer = io.StringIO()
    csv_table(table).to_csv(buffer, index=False)
    assert buffer.getvalue().splitlines()[1] == "'=x,-1.5"
    buffer.seek(0)
    assert read_csv_table(buffer).equals(table)


def test_gexf_stays_well_formed_with_control_characters(tmp_path):
    sets = [{"韧性\x01社区", "治理\x0b"}, {"韧性\x01社区", "治理\x0b"}, {"韧性\x01社区"}]
    path = build_network(sets, min_docs=1).to_gexf(tmp_path / "n.gexf")
    tree = etree.parse(str(path))  # raised XMLSyntaxError before (a control character in a label)
    labels = sorted(n.get("label") for n in tree.iter("{*}node"))
    assert labels == ["治理", "韧性社区"]
