"""Fuzzing the entry point (issue 13): real pages and exports from ../shared/data/external, damaged by a
seeded byte mutator, must each come back as records or as one reason; never as an exception, an
"unexpected error", or a record that cannot be written. A bounded number of cases (FUZZ_CASES, about
20 s); a crash found is kept in tests/fuzz_cases/ and replayed on every run."""
import json
import os
import random
from pathlib import Path

import pytest

from conftest import TESTS, EXTERNAL, need
from pipeline.ingest.files import ingest_file

FUZZ_CASES = int(os.environ.get("PIPELINE_FUZZ_CASES", 160))
FUZZ_SEED = int(os.environ.get("PIPELINE_FUZZ_SEED", 13))
KEPT = TESTS / "fuzz_cases"
SOURCES = ("chinese-web-content-extraction/original", "gne-test-pages", "cnki-exports", "readability-zh-pages")
NAMES = (".html", ".txt", ".jsonl", ".csv", ".net")
# Bytes that broke readers before: NUL and other controls, stray UTF-8 lead/continuation bytes, quotes,
# tag starts, a lone-surrogate escape, a BOM.
NASTY = [b"\x00", b"\x01", b"\x0b", b"\x1f", b"\x7f", b"\x80", b"\xc3", b"\xe4\xb8", b"\xff", b'"', b"<", b"%",
         b"\\ud800", b"\xef\xbb\xbf", b"\r", b"\n\n", b"{", b"]"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four damages: cut, flip, insert nasty bytes, duplicate or drop a region, splice in a
    JSON line, a CSV row, a tag."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1)
        kind = rng.randrange(7)
        if kind == 0:
            del data[rng.randrange(1, len(data) + 1):]
        elif kind == 1 and data:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 2:
            data[at:at] = b"".join(rng.choices(NASTY, k=rng.randint(1, 5)))
        elif kind == 3:
            end = min(len(data), at + rng.randint(1, 4096))
            data[at:at] = data[at:end] * rng.randint(1, 3)
        elif kind == 4:
            del data[at:at + rng.randint(1, 4096)]
        elif kind == 5:
            data[at:at] = rng.choice([b'{"title_zh": {"a": 1}, "authors": 5}\n', b'{"id": "a\\"b", "body": "x"}\n',
                                      b'"unclosed,2020\n', b"<svg>", b"%PDF-1.4", b'<meta charset="hex">'])
        else:
            data = bytearray(rng.choice([b"", b" ", b"\xff" * 3]) + data)
    return bytes(data)


def check(path: Path) -> None:
    result = ingest_file(path)
    assert result.error is None or not result.error.startswith("unexpected error"), result.error
    assert result.error is None or "\n" not in result.error  # one line
    for record in result.records:
        line = record.to_json()
        line.encode("utf-8")  # no lone surrogate
        assert json.loads(line)["id"] == record.id


def test_mutated_real_inputs_never_crash_ingest(tmp_path):
    files = sorted(p for name in SOURCES for p in need(EXTERNAL / name).rglob("*")
                   if p.is_file() and p.stat().st_size < 150_000 and p.suffix.lower() in (".html", ".htm", ".txt", ".net"))
    assert len(files) > 100
    rng = random.Random(FUZZ_SEED)
    for case in range(FUZZ_CASES):
        original = rng.choice(files)
        data = mutate(original.read_bytes(), rng)
        path = tmp_path / f"case{case}{rng.choice(NAMES)}"
        path.write_bytes(data)
        try:
            check(path)
        except Exception:
            KEPT.mkdir(exist_ok=True)
            (KEPT / f"seed{FUZZ_SEED}-case{case}-{original.stem[:20]}{path.suffix}").write_bytes(data)
            raise


@pytest.mark.parametrize("case", sorted(KEPT.glob("*")) if KEPT.is_dir() else [], ids=lambda p: p.name)
def test_crashes_found_by_fuzzing_stay_fixed(case):
    check(case)
