"""The real-data acceptance suite's corpora (issue 14): built once per test session from the real files in
../shared/data/external, and shared by every tests/test_acceptance_*.py (tests/conftest.py registers the
fixtures). Skips loudly, naming the path, when the shared data is absent.

`real_raw`: a raw directory of links to the real inputs, plus two derived files:
- every CNKI/Wanfang export of cnki-exports/ (E-Study, NoteExpress, WoS-format; 402 records, 2011–2021
  and older; one with the year 2989),
- every 20th row of the NSSF project list (3,126 projects 1991–2017, with discipline, category, number),
  as a CSV with the original header,
- the 1,000 CSL dev records (no year) as ready-made records,
- the GNE news pages and the readability pages (one traditional, from Taiwan), and the four seed pages.
`real_corpus`: that directory through the real build (ingest, dedup, segmentation), and the build summary.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.common import EXTERNAL, NSSF_CSV, ROOT  # conftest imports this module: no import of conftest here

NSSF_EVERY = 20
CSL_JSONL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
LINKED = ("cnki-exports", "gne-test-pages/tests", "readability-zh-pages/input")


@dataclass
class RealCorpus:
    raw: Path
    build: Path
    summary: object
    nssf_rows: list[dict]  # the NSSF rows put in, as csv.DictReader gives them
    csl_rows: list[dict]  # the CSL records put in

    def documents(self) -> list[dict]:
        """documents.jsonl read with json alone (the independent view the tests count on)."""
        with open(self.build / "documents.jsonl", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


def need(path: Path) -> Path:
    from conftest import need as skip_unless_present

    return skip_unless_present(path)


def nssf_sample(path: Path) -> tuple[list[str], list[dict]]:
    with open(need(path), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in reader if row["项目名称"].strip()]
    return reader.fieldnames, rows[::NSSF_EVERY]


def make_raw(root: Path) -> tuple[list[dict], list[dict]]:
    """The raw directory under `root`: links to real inputs and the NSSF and CSL samples."""
    root.mkdir(parents=True)
    for name in LINKED:  # file by file: the build does not descend into linked directories
        source = need(EXTERNAL / name)
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            link = root / name.split("/")[0] / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    for seed in sorted((ROOT / "corpus" / "raw").glob("*.txt")):
        (root / seed.name).symlink_to(seed)
    header, nssf_rows = nssf_sample(NSSF_CSV)
    with open(root / "nssf-sample.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(nssf_rows)
    csl_rows = [json.loads(line) for line in need(CSL_JSONL).read_text(encoding="utf-8").splitlines()
                if line.strip()]
    csl_rows = [row for row in csl_rows if row["split"] == "dev"]
    with open(root / "csl-dev.jsonl", "w", encoding="utf-8") as fh:
        for row in csl_rows:
            record = {"id": row["id"], "title_zh": row["title"], "abstract_zh": row["abstract"],
                      "keywords_zh": row["keywords"], "classification": [row["discipline"]]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return nssf_rows, csl_rows


@pytest.fixture(scope="session")
def real_corpus(tmp_path_factory) -> RealCorpus:
    from pipeline.build.build import build

    need(EXTERNAL)
    root = tmp_path_factory.mktemp("real")
    nssf_rows, csl_rows = make_raw(root / "raw")
    summary = build(root / "raw", root / "build", jobs=2, progress=False)
    return RealCorpus(root / "raw", root / "build", summary, nssf_rows, csl_rows)


@pytest.fixture(scope="session")
def real_loaded(real_corpus):
    """The built real corpus loaded for analysis (pipeline.load_corpus), once."""
    from pipeline.analysis.corpus import load_corpus

    return load_corpus(real_corpus.build)
