"""bench/t2s: traditional → simplified, accuracy and speed.

Accuracy (issue 14, item 2): our conversion (only text that is traditional, names by character) against
plain OpenCC `t2s` on every field, in the same run, on
- simplified real text, where nothing should change: CSL (2,000 titles, abstracts, keywords), the NSSF
  project list (every text column of 62,501 rows) and FewCLUE (csl and csldcp abstracts and keywords):
  Han characters changed;
- traditional text, where the result should be the simplified original: CSL and NSSF converted to
  traditional with OpenCC `s2t` (titles, abstracts, keywords; NSSF titles with their leaders' names),
  fields and records equal to the original; seed 003 (a traditional mirror page) against the simplified
  fields of its expected record; the PIXNET blog (Taiwan), lines equal to plain t2s (no simplified
  original exists).

Speed: the official OpenCC wheel (what we depend on) against opencc-python-reimplemented, on the same real
traditional text. The reimplementation installs the same module name (`opencc`), so it is timed in a
subprocess from its own directory: `pip install --target DIR opencc-python-reimplemented==0.1.7`, then
`OPENCC_REIMPL_DIR=DIR python bench/t2s.py`. Without that variable only our side is timed.
"""
from __future__ import annotations

import csv
import functools
from collections import Counter
import glob
import json
import os
import re
import subprocess
import sys

from common import EXTERNAL, NSSF_CSV, ROOT, machine, need

sys.path.insert(0, str(ROOT))
from pipeline.ingest.files import finish_record  # noqa: E402
from pipeline.record import Record  # noqa: E402
from pipeline.text.normalize import HAN, _t2s, normalize_punctuation, normalize_whitespace  # noqa: E402

NOT_HAN = re.compile(f"[^{HAN}]")
HAS_HAN = re.compile(f"[{HAN}]")
NSSF_TEXT = {"title_zh": "项目名称", "authors": "项目负责人", "affiliations": "工作单位", "journal": "成果名称"}

TIMER = """
import sys, time
sys.path.insert(0, sys.argv[1])
import opencc
text = open(sys.argv[2], encoding="utf-8").read()
conv = opencc.OpenCC("t2s")
times = []
for _ in range(3):
    start = time.perf_counter(); out = conv.convert(text); times.append(time.perf_counter() - start)
sys.stdout.write(f"{sorted(times)[1]}\\n{out}")
"""


# ---- real records, as field dicts ----------------------------------------------------------------------

def csl_records() -> list[dict]:
    path = need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"title_zh" if HAS_HAN.search(r["title"]) else "title_en": r["title"], "abstract_zh": r["abstract"],
             "keywords_zh": r["keywords"]} for r in rows]


def nssf_records() -> list[dict]:
    """Every NSSF row with a title: title, leader, unit and output title (`journal` stands in for the
    output's title, a free-text field like the others)."""
    with open(need(NSSF_CSV), encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["项目名称"].strip()]
    return [{name: ([row[column]] if name in ("authors", "affiliations") else row[column])
             for name, column in NSSF_TEXT.items() if HAS_HAN.search(row[column])} for row in rows]


def fewclue_records() -> list[dict]:
    records = []
    for path in sorted(glob.glob(str(need(EXTERNAL / "fewclue") / "*" / "*.json"))):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                records.append({"abstract_zh": row.get("abst") or row.get("content"),
                                "keywords_zh": row.get("keyword", [])})
    return records


# ---- the two conversions, field by field -----------------------------------------------------------------

def ours(fields: dict) -> dict:
    """The fields as ingest leaves them (finish_record: normalization with our t2s)."""
    rec = Record(**fields)
    finish_record(rec)
    return {name: getattr(rec, name) for name in fields}


def normalized(fields: dict, convert) -> dict:
    """The fields normalized as ingest does it (whitespace, punctuation, a list item once), with
    `convert` as the traditional → simplified step."""
    def one(value: str) -> str:
        return normalize_punctuation(convert(normalize_whitespace(value)))
    return {name: list(dict.fromkeys(v for v in map(one, value) if v)) if isinstance(value, list) else one(value)
            for name, value in fields.items()}


def plain(fields: dict) -> dict:
    """Plain OpenCC t2s on every field (what ingest did before)."""
    return normalized(fields, _t2s().convert)


def tidy(fields: dict) -> dict:
    """No t2s at all: what a simplified original should become in the corpus."""
    return normalized(fields, lambda text: text)


def han(value) -> str:
    return NOT_HAN.sub("", "\n".join(value) if isinstance(value, list) else value or "")


def han_changes(before: dict, after: dict) -> int:
    """Han characters that differ between two versions of the same fields (position by position)."""
    changed = 0
    for name, value in before.items():
        a, b = han(value), han(after.get(name))
        changed += sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
    return changed


def simplified_side(name: str, records: list[dict]) -> str:
    ours_changed = plain_changed = ours_records = plain_records = 0
    for fields in records:
        want = tidy(fields)
        ours_n, plain_n = han_changes(want, ours(fields)), han_changes(want, plain(fields))
        ours_changed += ours_n
        plain_changed += plain_n
        ours_records += ours_n > 0
        plain_records += plain_n > 0
    total = sum(len(han(v)) for fields in records for v in fields.values())
    return (f"| {name} | {len(records):,} | {total:,} | {ours_changed} ({ours_records} records) "
            f"| {plain_changed} ({plain_records} records) |")


@functools.cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def s2t(fields: dict) -> dict:
    converter = _s2t()
    return {name: [converter.convert(v) for v in value] if isinstance(value, list) else converter.convert(value)
            for name, value in fields.items()}


def traditional_side(name: str, records: list[dict]) -> list[str]:
    """A row for all fields, and one per field where ours and plain t2s differ."""
    total, ours_equal, plain_equal = Counter(), Counter(), Counter()
    ours_records = plain_records = 0
    for original in records:
        want, traditional = tidy(original), s2t(original)
        got_ours, got_plain = ours(traditional), plain(traditional)
        for field in want:
            total[field] += 1
            ours_equal[field] += got_ours[field] == want[field]
            plain_equal[field] += got_plain[field] == want[field]
        ours_records += all(got_ours[k] == want[k] for k in want)
        plain_records += all(got_plain[k] == want[k] for k in want)
    rows = [f"| {name} | {len(records):,} | {sum(ours_equal.values()):,} / {sum(total.values()):,} "
            f"| {sum(plain_equal.values()):,} / {sum(total.values()):,} | {ours_records:,} | {plain_records:,} |"]
    rows += [f"| … {field} | {total[field]:,} | {ours_equal[field]:,} | {plain_equal[field]:,} | | |"
             for field in total if ours_equal[field] != plain_equal[field]]
    return rows


def seed_003() -> str:
    """Seed 003's record through the whole ingest, ours and with plain t2s, against its expected record."""
    from unittest import mock

    from pipeline.ingest.files import ingest_file
    from pipeline.text import normalize

    page = ROOT / "corpus" / "raw" / "003_9b1384a9c2849d8b.txt"
    want = json.loads((need(ROOT.parent / "shared" / "seeds") / "003_9b1384a9c2849d8b.expected.json")
                      .read_text(encoding="utf-8"))
    names = [k for k in ("title_zh", "authors", "affiliations", "journal", "abstract_zh", "keywords_zh", "fund")
             if want.get(k)]

    def score(rec) -> int:
        return sum(han(getattr(rec, k)) == han(want[k]) for k in names)

    got_ours = ingest_file(page).records[0]
    import pipeline.ingest.page as page_module

    convert = normalize.convert_passages
    every_passage = lambda text, context=None: convert(text, normalize.TRADITIONAL)  # noqa: E731
    with mock.patch.object(normalize, "convert_passages", every_passage), \
            mock.patch.object(page_module, "convert_passages", every_passage), \
            mock.patch.object(normalize, "simplify_characters", _t2s().convert):
        got_plain = ingest_file(page).records[0]
    return f"| seed 003 (mirror page) | 1 | {score(got_ours)} / {len(names)} | {score(got_plain)} / {len(names)} | | |"


def pixnet() -> str:
    from pipeline.text.normalize import to_simplified

    text = (need(EXTERNAL / "readability-zh-pages") / "GoldStandard" / "pixnet.txt").read_text(encoding="utf-8")
    lines = [line for line in normalize_whitespace(re.sub(r"<[^>]+>", "\n", text)).split("\n")
             if NOT_HAN.sub("", line)]
    converted = to_simplified("\n".join(lines)).split("\n")
    same = sum(a == _t2s().convert(b) for a, b in zip(converted, lines))
    return f"PIXNET blog: {same} of {len(lines)} lines with Han characters equal plain t2s"


def accuracy() -> None:
    print(f"## t2s accuracy ({machine()})")
    print("\nSimplified real text (should not change): Han characters changed, ours and plain t2s")
    print("| data | records | Han characters | ours | plain t2s |\n|---|---:|---:|---:|---:|")
    for name, records in (("CSL", csl_records()), ("NSSF", nssf_records()), ("FewCLUE", fewclue_records())):
        print(simplified_side(name, records))
    print("\nTraditional text: fields (and records) equal to the simplified original")
    print("| data | records | fields equal, ours | fields equal, plain t2s | records equal, ours | records equal, plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, records in (("CSL via s2t", csl_records()), ("NSSF via s2t", nssf_records())):
        print("\n".join(traditional_side(name, records)))
    print(seed_003())
    print("\n" + pixnet())


# ---- speed ------------------------------------------------------------------------------------------------

def sample_text() -> str:
    """Real traditional text: seed 003, the Taiwanese blog page, repeated to ~2 MB."""
    seed = (ROOT / "corpus" / "raw" / "003_9b1384a9c2849d8b.txt").read_text(encoding="utf-8")
    blog = (need(EXTERNAL / "readability-zh-pages") / "GoldStandard" / "pixnet.txt").read_text(encoding="utf-8")
    unit = seed + blog
    return unit * (2_000_000 // len(unit.encode()) + 1)


def speed() -> None:
    import tempfile

    text = sample_text()
    mb = len(text.encode()) / 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(text)
    site_packages = os.path.dirname(os.path.dirname(__import__("opencc").__file__))
    ours_run = subprocess.run([sys.executable, "-c", TIMER, site_packages, fh.name], capture_output=True, text=True)
    ours_s, ours_out = ours_run.stdout.split("\n", 1)
    print(f"\n## t2s speed ({machine()}), {mb:.1f} MB of real traditional text, median of 3")
    print(f"- opencc (official wheel): {mb / float(ours_s):7.1f} MB/s")
    other = os.environ.get("OPENCC_REIMPL_DIR")
    if other:
        theirs = subprocess.run([sys.executable, "-c", TIMER, other, fh.name], capture_output=True, text=True)
        theirs_s, theirs_out = theirs.stdout.split("\n", 1)
        differ = sum(a != b for a, b in zip(ours_out, theirs_out)) + abs(len(ours_out) - len(theirs_out))
        print(f"- opencc-python-reimplemented: {mb / float(theirs_s):7.1f} MB/s")
        print(f"- ratio: {float(theirs_s) / float(ours_s):.1f}x; characters differing: {differ} of {len(ours_out)}")
    os.unlink(fh.name)


def main() -> None:
    accuracy()
    speed()


if __name__ == "__main__":
    main()
