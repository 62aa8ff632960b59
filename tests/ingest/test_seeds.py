"""The four pages this project was created from, against their expected records (../shared/seeds)."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS, need
from pipeline.ingest.files import ingest_file
from pipeline.record import FIELD_NAMES
from pipeline.text.chinese_script import evidence
from pipeline.text.normalize import normalize_text, to_simplified

SEED_FILES = sorted((ROOT / "corpus" / "raw").glob("*.txt"))


def expected(path):
    return json.loads((need(SEEDS) / (path.stem + ".expected.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records():
    out = {}
    for path in SEED_FILES:
        result = ingest_file(path)
        assert result.error is None, result.error
        out[path.name] = result.records[0]
    return out


def test_shipped_seeds_are_the_originals():
    for path in SEED_FILES:
        assert path.read_bytes() == (need(SEEDS) / path.name).read_bytes()
    assert len(SEED_FILES) == 4


@pytest.mark.parametrize("name", [p.name for p in SEED_FILES])
def test_seed_fields(records, name):
    rec, want = records[name], expected(ROOT / "corpus" / "raw" / name)
    assert rec.source_kind == want["source_kind"]
    assert rec.authors == want["authors"]
    assert rec.year == want["year"]
    assert rec.issue == want["issue"] and rec.volume == want["volume"]
    assert rec.date == want["date"]
    assert rec.keywords_zh == want["keywords_zh"]
    assert [k.lower() for k in rec.keywords_en] == [k.lower() for k in want["keywords_en"]]
    assert len(rec.references) == want["references"]
    for code in want["fund_codes"]:
        assert code in rec.fund
    if not want["fund_codes"]:
        assert rec.fund is None
    for affiliation in want["affiliations"]:
        assert any(affiliation in a for a in rec.affiliations), rec.affiliations
    for sentence in want["body_must_contain"]:
        assert normalize_text(sentence) in rec.body + (rec.abstract_zh or "")


def test_seed_spam_and_furniture_are_gone(records):
    for name, rec in records.items():
        want = expected(ROOT / "corpus" / "raw" / name)
        text = rec.to_json()
        for marker in want["spam_markers"] + want["boilerplate_markers"]:
            assert normalize_text(marker) not in text and marker not in text, (name, marker)
    assert records["003_9b1384a9c2849d8b.txt"].cleaning["spam_blocks"] == 2


def test_no_traditional_character_survives(records):
    """No traditional-only character is left, converting the output again changes nothing, and only the
    traditional seed says it was converted, naming the fields."""
    for name, rec in records.items():
        text = rec.to_json()
        assert evidence(text)[0] == 0, name
        assert to_simplified(text) == text
        assert bool(rec.cleaning["converted_t2s"]) == name.startswith("003"), name
    converted = records["003_9b1384a9c2849d8b.txt"].cleaning["t2s_fields"]
    assert {"title_zh", "abstract_zh", "body"} <= set(converted) <= set(FIELD_NAMES)


def test_glued_english_keywords_are_split(records):
    rec = records["002_abf699afd1581f9d.txt"]
    assert rec.keywords_en[0] == "linkage of five social groups"
    assert len(rec.keywords_en) == len(rec.keywords_zh) == 6
    assert rec.indexing == ["CSTPCD", "CSSCI", "CHSSCD", "北大核心"]


def test_score_tool_gives_full_accuracy():
    tool = need(SEEDS.parent / "tools" / "score_ingest.py")
    run = subprocess.run([sys.executable, str(tool), str(ROOT), str(SEEDS)], capture_output=True, text=True,
                         timeout=300)
    assert run.stdout.strip().splitlines()[-1].startswith("ingest accuracy: 1.000"), run.stdout + run.stderr
