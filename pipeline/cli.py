"""Command line: `python -m pipeline COMMAND ...` — a thin layer over the library functions.

Each command is a small `cmd_*` function; heavy modules are imported inside it so that
`python -m pipeline --help` stays fast.
"""
from __future__ import annotations

import argparse
import json
import re
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

    summary = build(args.raw, args.out, jobs=args.jobs, progress=not args.quiet, engine=args.engine,
                    scheduler=args.scheduler)
    print(summary.report())
    return 1 if summary.failures else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from pipeline.fetch import CONTACT_ENV, FetchOptions, fetch_urls, read_url_file, resolve_contact

    try:
        urls = read_url_file(args.urlfile)
    except (OSError, UnicodeDecodeError) as e:
        print(f"{args.urlfile}: cannot read the URL list: {e}", file=sys.stderr)
        return 1
    if resolve_contact(args.contact) is None:
        print(f"note: no contact in the User-Agent; set --contact or ${CONTACT_ENV} so site owners "
              "can reach you instead of blocking you", file=sys.stderr)
    options = FetchOptions(delay=args.delay, concurrency=args.concurrency, read_timeout=args.timeout,
                           max_bytes=int(args.max_mb * 2**20), retries=args.retries, contact=args.contact,
                           revalidate=args.revalidate, progress=not args.quiet)
    summary = fetch_urls(urls, args.out, options)
    print(summary.report())
    return 0 if summary.ok else 1


def cmd_segment(args: argparse.Namespace) -> int:
    from pipeline.decode import DecodeError, decode_bytes
    from pipeline.normalize import normalize_text
    from pipeline.segment import corpus_segmenter

    name = "<stdin>" if args.file in (None, "-") else args.file
    try:
        raw = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
        text = decode_bytes(raw)[0] if raw.strip() else raw.decode("ascii", errors="replace")
    except (OSError, DecodeError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    segmenter = corpus_segmenter(args.corpus, keep_stopwords=args.keep_stopwords)
    lines = text.split("\n") if text else []
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        line = normalize_text(line)
        tokens = segmenter.tokens_zh(line) if re.search("[\u3400-\u9fff]", line) else segmenter.tokens_en(line)
        print(" ".join(tokens))
    return 0


def cmd_lexicon_suggest(args: argparse.Namespace) -> int:
    from pipeline.corpus import DOCUMENTS
    from pipeline.lexicon import suggest_terms
    from pipeline.record import Record

    path = args.corpus / DOCUMENTS
    if not path.exists():
        print(f"{path}: no built corpus here (run `make corpus` or `python -m pipeline build`)", file=sys.stderr)
        return 1
    with open(path, encoding="utf-8") as fh:
        records = [Record.from_dict(json.loads(line)) for line in fh if line.strip()]
    for term, count in suggest_terms(records, min_count=args.min_count):
        print(f"{term}\t{count}")
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
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local worker processes, or a Dask cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (default: start a local cluster)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("fetch", help="download article pages politely into the raw corpus")
    p.add_argument("urlfile", type=Path, help="one URL per line (# comments and blank lines allowed)")
    p.add_argument("--out", type=Path, default=DEFAULT_RAW, help="raw corpus directory (default corpus/raw)")
    p.add_argument("--delay", type=float, default=3.0, help="seconds between requests to one host (default 3)")
    p.add_argument("--concurrency", type=int, default=4, help="hosts fetched at once (default 4)")
    p.add_argument("--contact", help="e-mail or URL put in the User-Agent (default $PIPELINE_FETCH_CONTACT)")
    p.add_argument("--revalidate", action="store_true",
                   help="re-request stored pages with ETag/Last-Modified instead of skipping them")
    p.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds (default 30)")
    p.add_argument("--max-mb", type=float, default=20.0, help="largest response kept, in MiB (default 20)")
    p.add_argument("--retries", type=int, default=3, help="retries on 429/5xx and connection errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_fetch)


    p = sub.add_parser("segment", help="print the tokens of each input line, as the corpus build makes them")
    p.add_argument("file", nargs="?", default="-", help="text file (default or '-': standard input)")
    p.add_argument("--keep-stopwords", action="store_true", help="keep stopwords in the output")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD,
                   help="built corpus whose author keywords join the lexicon, as in the build (default corpus/build)")
    p.set_defaults(func=cmd_segment)

    p = sub.add_parser("lexicon", help="lexicon tools")
    lexicon = p.add_subparsers(dest="lexicon_command", required=True)
    p = lexicon.add_parser("suggest", help="print frequent multiword collocations the lexicon lacks, with counts")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    p.add_argument("--min-count", type=int, default=5, help="minimum occurrences (default 5)")
    p.set_defaults(func=cmd_lexicon_suggest)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)
