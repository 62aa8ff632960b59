"""`python -m pipeline references …`: what the corpus cites (pipeline.analysis.citations) and a reference
parser for any list of reference strings (pipeline.references).

    references [--corpus DIR] [--format csv|jsonl|table]   one row per reference of every document
    references top [--top N]                               the most-cited works
    references bursts [--min-docs N]                       citation bursts of cited works
    references parse [FILE|-]                              one JSON object per input line
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import CORPUS, UserError


def cmd_references(args: argparse.Namespace) -> int:
    if args.action == "parse":
        return _parse_lines(args.file)
    if args.file is not None:
        raise UserError(f"a FILE is read by `references parse` only, not {args.file!r}")
    from pipeline.analysis.corpus import load_corpus

    corpus = load_corpus(args.corpus)
    if args.action == "top":
        table = corpus.most_cited(top=args.top)
    elif args.action == "bursts":
        table = corpus.reference_bursts(min_docs=args.min_docs)
    else:
        table = corpus.references()
    _print(table, args.format)
    if not len(table) and not corpus.docs["references"].map(len).any():
        print("note: no record of this corpus lists references (database exports such as CNKI's carry none; "
              "saved article pages and CSSCI or WoS exports do)", file=sys.stderr)
    return 0


def _print(table, fmt: str) -> None:
    if fmt == "jsonl":
        for row in table.to_dict(orient="records"):
            clean = {k: (None if _missing(v) else v) for k, v in row.items()}
            sys.stdout.write(json.dumps(clean, ensure_ascii=False, default=int) + "\n")
    elif fmt == "table":
        print(table.to_string(index=False) if len(table) else "(no rows)")
    else:
        from pipeline.safe_text import csv_table

        sys.stdout.write(csv_table(table).to_csv(index=False, lineterminator="\n"))


def _missing(value) -> bool:
    import pandas as pd

    return not isinstance(value, (list, str)) and pd.isna(value)


def _parse_lines(file: str | None) -> int:
    from pipeline.ingest.decode import DecodeError, decode_bytes
    from pipeline.references import FIELDS, parse_reference

    name = "<stdin>" if file in (None, "-") else file
    try:
        raw = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
        text = decode_bytes(raw)[0] if raw.strip() else raw.decode("ascii", errors="replace")
    except (OSError, DecodeError) as exc:
        raise UserError(f"{name}: {exc}") from exc
    lines = text.split("\n") if text else []
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        ref = parse_reference(line.rstrip("\r"))
        sys.stdout.write(json.dumps({k: ref[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    return 0


def register(sub) -> None:
    p = sub.add_parser("references", parents=[CORPUS], help="references of the corpus: table, most cited, bursts; or parse strings")
    p.add_argument("action", nargs="?", choices=["parse", "top", "bursts"],
                   help="parse: read reference strings; top: most-cited works; bursts: citation bursts "
                        "(default: one row per reference of every document)")
    p.add_argument("file", nargs="?", help="with parse: a file of reference strings, one a line ('-': stdin)")
    p.add_argument("--format", choices=["csv", "jsonl", "table"], default="csv",
                   help="output: CSV (default), JSON Lines or an aligned table")
    p.add_argument("--top", type=int, default=20, help="with top: works shown (0: all)")
    p.add_argument("--min-docs", type=int, default=2, help="with bursts: works cited by fewer documents are skipped")
    p.set_defaults(func=cmd_references)
