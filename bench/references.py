"""Reference parsing and cited-work keys against hand-labelled real reference lists (BENCHMARKS.md).

Field accuracy: bench/data/references_gold.jsonl — 60 references from real lists: a saved article page
(chinese-web-content-extraction, 13), seed 003 (5, traditional characters, CNKI's GB/T form) and CNKI's
reference lists scraped by ref-cnki2citespace-encoder (42, every k-th entry of original_data.html and
ref_info.html). The strings are read from ../shared (never copied); the gold file holds the fields only.
A field counts as right when it equals the label exactly (authors: the whole list in order).

Keys: bench/data/references_keys.jsonl — 36 strings of 20 works, each labelled with its work; pairwise
precision and recall of `work_key` (two strings share a key ⇔ same work?).

Comparison: refparse (PyPI, `pip install refparse==0.5.0`, in the bench extra), its CSSCI parser on the
same strings, on the fields it outputs (first author, title, source, year, volume, issue).
"""
from __future__ import annotations

import json
import re
import sys
from itertools import combinations
from pathlib import Path

from common import EXTERNAL, ROOT, machine, need

sys.path.insert(0, str(ROOT))
from pipeline.ingest.files import ingest_file  # noqa: E402
from pipeline.references import parse_reference, work_key  # noqa: E402
from pipeline.text.normalize import normalize_punctuation  # noqa: E402

DATA = Path(__file__).parent / "data"
FIELDS = ("authors", "title", "source", "year", "volume", "issue", "pages", "type")


def labelled() -> list[tuple[str, dict]]:
    """(raw string, gold fields) of the labelled set, the strings read from their real files."""
    gold = [json.loads(line) for line in (DATA / "references_gold.jsonl").read_text(encoding="utf-8").splitlines()]
    lists: dict[str, list[str]] = {}
    out = []
    for item in gold:
        name = item["file"]
        if name not in lists:
            if name.startswith("seeds/"):
                path = need(EXTERNAL.parent.parent / name)
                lists[name] = ingest_file(path).records[0].references
            elif name.endswith(".html") and "cnki2citespace" in name:
                lists[name] = [line.strip() for line in need(EXTERNAL / name).read_text(encoding="utf-8").splitlines()]
            else:
                lists[name] = ingest_file(need(EXTERNAL / name)).records[0].references
        out.append((lists[name][item["index"]], item))
    return out


def same(field: str, got, want) -> bool:
    if field == "authors":
        return [normalize_punctuation(a) for a in got or []] == [normalize_punctuation(a) for a in want or []]
    if isinstance(want, str) and isinstance(got, str):
        return normalize_punctuation(got) == normalize_punctuation(want)
    return got == want


def field_accuracy(pairs, parse) -> dict[str, float]:
    hits = {f: 0 for f in FIELDS}
    for raw, gold in pairs:
        got = parse(raw)
        for f in FIELDS:
            hits[f] += same(f, got.get(f), gold[f])
    return {f: hits[f] / len(pairs) for f in FIELDS}


def refparse_fields(raw: str) -> dict:
    """refparse's CSSCI parser mapped to our fields (it has no pages or type, and one author string)."""
    import refparse

    text = re.sub(r"^\s*\[\d+\]", "", raw)
    got = refparse.parse(text, "cssci") or {}
    author = got.get("author")
    year = got.get("year")
    return {"authors": [author] if author else [], "title": got.get("title"), "source": got.get("source"),
            "year": int(year) if year and year.isdigit() else None, "volume": got.get("volume"),
            "issue": got.get("issue"), "pages": got.get("page"), "type": None}


def key_scores() -> tuple[float, float, int, int]:
    items = [json.loads(line) for line in (DATA / "references_keys.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = [work_key(parse_reference(item["raw"])) for item in items]
    tp = fp = fn = 0
    for (a, ka), (b, kb) in combinations(zip(items, keys), 2):
        same_work, same_key = a["work"] == b["work"], ka is not None and ka == kb
        tp += same_work and same_key
        fp += same_key and not same_work
        fn += same_work and not same_key
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), len(items), len({i["work"] for i in items})


def main() -> None:
    pairs = labelled()
    ours = field_accuracy(pairs, parse_reference)
    print(f"machine: {machine()}")
    print(f"labelled references: {len(pairs)}")
    print("field accuracy (ours): " + ", ".join(f"{f} {v:.3f}" for f, v in ours.items()))
    print(f"  mean over fields: {sum(ours.values()) / len(ours):.3f}")
    try:
        theirs = field_accuracy(pairs, refparse_fields)
    except ImportError:
        print("refparse not installed (pip install refparse==0.5.0): no comparison")
    else:
        shared = ("authors", "title", "source", "year", "volume", "issue")
        first_author = lambda parse: sum(  # noqa: E731
            (parse(raw)["authors"][:1] == gold["authors"][:1]) for raw, gold in pairs) / len(pairs)
        print("field accuracy (refparse 0.5.0, cssci): " + ", ".join(f"{f} {theirs[f]:.3f}" for f in shared))
        print(f"  first author: ours {first_author(parse_reference):.3f}, refparse {first_author(refparse_fields):.3f}")
    precision, recall, n, works = key_scores()
    print(f"cited-work keys on {n} strings of {works} works: pairwise precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
