"""Command line: `python -m pipeline COMMAND ...` — a thin layer over the library functions.

Each command is a small `cmd_*` function; heavy modules are imported inside it so that
`python -m pipeline --help` stays fast.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_RAW = Path("corpus/raw")
DEFAULT_BUILD = Path("corpus/build")


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest import ingest_paths

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    failures = 0
    try:
        for result in ingest_paths(args.paths):
            if result.error:
                failures += 1
                print(f"{result.source}: {result.error}", file=sys.stderr)
            for record in result.records:
                out.write(record.to_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failures else 0


def cmd_build(args: argparse.Namespace) -> int:
    from pipeline.build import build

    summary = build(args.raw, args.out, jobs=args.jobs, progress=not args.quiet)
    print(summary.report())
    return 1 if summary.failures else 0


def _load_records(corpus: Path) -> list:
    from pipeline.corpus import load_records

    try:
        return load_records(corpus)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None  # one line on stderr, exit status 1


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.exports import write_export

    records = _load_records(args.corpus)
    for path in write_export(records, args.format, args.out):
        print(path)
    print(f"{len(records)} records exported as {args.format}", file=sys.stderr)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from pipeline.dedup import format_groups, review_groups

    groups = review_groups(_load_records(args.corpus))
    if args.format == "json":
        for group in groups:
            print(json.dumps(dataclasses.asdict(group), ensure_ascii=False))
    else:
        print(format_groups(groups))
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="extract records from saved pages, text saves, exports, .jsonl")
    p.add_argument("paths", nargs="+", type=Path, help="files or directories (recursed)")
    p.add_argument("--format", choices=["jsonl"], default="jsonl")
    p.add_argument("-o", "--output", type=Path, help="write records here instead of stdout")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("build", help="rebuild the corpus incrementally (what `make corpus` runs)")
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="input directory (default corpus/raw)")
    p.add_argument("--out", type=Path, default=DEFAULT_BUILD, help="output directory (default corpus/build)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help="write the corpus for other tools: CiteSpace (WoS download_*.txt), CSV, RIS")
    p.add_argument("--format", choices=["citespace", "csv", "ris"], required=True)
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("duplicates", help="list duplicate groups (merged at build, or still present) for review")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_duplicates)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)
