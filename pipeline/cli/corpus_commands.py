"""Commands that make the corpus: ingest, build, fetch, crawl, segment, lexicon, export, duplicates."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from pipeline.build.layout import DEFAULT_BUILD, DEFAULT_RAW
from pipeline.cli.common import CORPUS, JOBS, QUIET, TABLE_FORMAT, UserError, print_table
from pipeline.text.wordlists import DEFAULT_LEXICON


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest.files import ingest_paths

    mapping = None
    if args.map or args.map_config:
        from pipeline.ingest.readers import ColumnMapping

        try:
            mapping = ColumnMapping.from_file(args.map_config) if args.map_config else ColumnMapping()
            mapping = mapping.updated(ColumnMapping.from_args(args.map or []))
        except (OSError, ValueError) as exc:
            raise UserError(f"column mapping: {exc}") from None
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    failures = 0
    try:
        for result in ingest_paths(args.paths, mapping=mapping):
            if result.error:
                failures += 1
                print(f"{result.source}: {result.error}", file=sys.stderr)
            for warning in result.warnings:
                print(f"{result.source}: warning: {warning}", file=sys.stderr)
            for record in result.records:
                out.write(record.to_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failures else 0


def cmd_build(args: argparse.Namespace) -> int:
    from pipeline.build.build import build

    from pipeline.build.lock import BuildLocked

    try:
        summary = build(args.raw, args.out, jobs=args.jobs, progress=not args.quiet, engine=args.engine,
                        scheduler=args.scheduler, dedup=not args.no_dedup, wait=args.wait,
                        corpus_terms=not args.no_corpus_terms)
    except BuildLocked as exc:
        raise UserError(str(exc)) from None
    print(summary.report(problems=False))
    for line in summary.problem_lines():  # one line each on stderr, as ingest prints them
        print(line, file=sys.stderr)
    return 1 if summary.failures else 0


def _fetch_options(args: argparse.Namespace):
    from pipeline.fetch.fetcher import CONTACT_ENV, FetchOptions, resolve_contact

    if resolve_contact(args.contact) is None:
        print(f"note: no contact in the User-Agent; set --contact or ${CONTACT_ENV} so site owners "
              "can reach you instead of blocking you", file=sys.stderr)
    return FetchOptions(delay=args.delay, read_timeout=args.timeout, max_bytes=int(args.max_mb * 2**20),
                        retries=args.retries, contact=args.contact, revalidate=args.revalidate,
                        progress=not args.quiet, **({"concurrency": args.concurrency} if "concurrency" in args else {}))


def cmd_fetch(args: argparse.Namespace) -> int:
    from pipeline.fetch.fetcher import fetch_urls, read_url_file

    try:
        urls = read_url_file(args.urlfile)
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{args.urlfile}: cannot read the URL list: {e}") from None
    summary = fetch_urls(urls, args.out, _fetch_options(args))
    print(summary.report())
    return 0 if summary.ok else 1


def cmd_crawl(args: argparse.Namespace) -> int:
    from pipeline.fetch.crawl import CrawlError, crawl

    try:
        summary = crawl(args.start_urls, args.out, scope=args.scope, max_pages=args.max_pages,
                        store_navigation=args.store_navigation, edition=args.edition, date_from=args.date_from,
                        date_to=args.date_to, options=_fetch_options(args))
    except CrawlError as e:
        raise UserError(str(e)) from None
    print(summary.report())
    return 0 if summary.ok else 1


def iso_date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def cmd_segment(args: argparse.Namespace) -> int:
    from pipeline.build.tokens import corpus_segmenter
    from pipeline.ingest.decode import DecodeError, decode_bytes
    from pipeline.text.normalize import normalize_text

    name = "<stdin>" if args.file in (None, "-") else args.file
    try:
        raw = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
        text = decode_bytes(raw)[0] if raw.strip() else raw.decode("ascii", errors="replace")
    except (OSError, DecodeError) as exc:
        raise UserError(f"{name}: {exc}") from None
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
    import pandas as pd

    from pipeline.analysis.corpus import load_records
    from pipeline.text.lexicon import suggest_terms

    found = suggest_terms(load_records(args.corpus), min_count=args.min_count, min_docs=args.min_docs)
    columns = ["term", "count", "docs", "pmi", "left_entropy", "right_entropy", "score"]
    table = pd.DataFrame([[getattr(c, name) for name in columns] for c in found], columns=columns)
    print_table(table, args.format, empty_reason=f"no term occurs {args.min_count}+ times in {args.min_docs}+ "
                                                 "documents with the cohesion and freedom of a term")
    return 0


def cmd_lexicon_add(args: argparse.Namespace) -> int:
    from pipeline.text.lexicon import add_terms

    terms = sys.stdin.read().split() if args.terms == ["-"] else args.terms
    added, skipped = add_terms(terms, args.lexicon)
    for term, reason in skipped.items():
        print(f"not added: {term} ({reason})", file=sys.stderr)
    print(f"added {len(added)} term(s) to {args.lexicon}" + (f": {' '.join(added)}" if added else ""))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_records
    from pipeline.writers import write_export

    records = load_records(args.corpus)
    for path in write_export(records, args.format, args.out):
        print(path)
    print(f"{len(records)} records exported as {args.format}", file=sys.stderr)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    import dataclasses

    from pipeline.analysis.corpus import load_records
    from pipeline.build.dedup import format_groups, review_groups

    groups = review_groups(load_records(args.corpus))
    if args.format == "json":
        for group in groups:
            print(json.dumps(dataclasses.asdict(group), ensure_ascii=False))
    else:
        print(format_groups(groups))
    return 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="extract records from saved pages, text saves, exports, .jsonl")
    p.add_argument("paths", nargs="+", type=Path, help="files or directories (recursed)")
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="output format (JSON Lines records)")
    p.add_argument("-o", "--output", type=Path, help="write records here instead of stdout")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="read tables (CSV/Excel/JSON Lines) with this column for this record field (repeatable)")
    p.add_argument("--map-config", type=Path, metavar="FILE", help="column mapping file (TOML or JSON)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("build", parents=[JOBS, QUIET], help="rebuild the corpus incrementally (what `make corpus` runs)")
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help=f"input directory (default {DEFAULT_RAW})")
    p.add_argument("--out", type=Path, default=DEFAULT_BUILD, help=f"output directory (default {DEFAULT_BUILD})")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local worker processes, or a Dask cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (default: start a local cluster)")
    p.add_argument("--no-dedup", action="store_true", help="keep duplicates across inputs as separate records")
    p.add_argument("--wait", action="store_true",
                   help="when another build is writing --out, wait for it to finish (default: error, exit 2)")
    p.add_argument("--no-corpus-terms", action="store_true",
                   help="do not mine and protect the corpus's own terms (listed in OUT/corpus_terms.tsv)")
    p.set_defaults(func=cmd_build)

    polite = argparse.ArgumentParser(add_help=False)  # what fetch and crawl share
    polite.add_argument("--out", type=Path, default=DEFAULT_RAW, help=f"raw corpus directory (default {DEFAULT_RAW})")
    polite.add_argument("--delay", type=float, default=3.0, help="seconds between requests to one host (default 3)")
    polite.add_argument("--contact", help="e-mail or URL put in the User-Agent (default $PIPELINE_FETCH_CONTACT)")
    polite.add_argument("--revalidate", action="store_true",
                        help="re-request stored pages with ETag/Last-Modified instead of skipping them")
    polite.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds (default 30)")
    polite.add_argument("--max-mb", type=float, default=20.0, help="largest response kept, in MiB (default 20)")
    polite.add_argument("--retries", type=int, default=3,
                        help="retries on 429/5xx and connection errors (default 3)")

    p = sub.add_parser("fetch", parents=[polite, QUIET], help="download article pages politely into the raw corpus")
    p.add_argument("urlfile", type=Path, help="one URL per line (# comments and blank lines allowed)")
    p.add_argument("--concurrency", type=int, default=4, help="hosts fetched at once (default 4)")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("crawl", parents=[polite, QUIET],
                       help="walk an e-paper edition, a journal issue or a section index politely")
    p.add_argument("start_urls", nargs="*", metavar="START_URL", help="pages to start from")
    p.add_argument("--scope", action="append", metavar="PREFIX",
                   help="follow only URLs starting with PREFIX (repeatable; default: the start URL's host and "
                        "directory, or a known structure's own)")
    p.add_argument("--max-pages", type=int, default=200, help="most pages requested in this run (default 200)")
    p.add_argument("--store-navigation", action="store_true",
                   help="store navigation pages (版面, issue lists) in the corpus too, not only articles")
    p.add_argument("--edition", metavar="URL_TEMPLATE",
                   help="one start URL per day, e.g. http://paper.people.com.cn/rmrb/html/{date:%%Y-%%m/%%d}/"
                        "nbs.D110000renmrb_01.htm")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="last day (YYYY-MM-DD)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("segment", help="print the tokens of each input line, as the corpus build makes them")
    p.add_argument("file", nargs="?", default="-", help="text file (default or '-': standard input)")
    p.add_argument("--keep-stopwords", action="store_true", help="keep stopwords in the output")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD,
                   help=f"built corpus whose author keywords join the lexicon, as in the build (default {DEFAULT_BUILD})")
    p.set_defaults(func=cmd_segment)

    p = sub.add_parser("lexicon", help="lexicon tools")
    lexicon = p.add_subparsers(dest="lexicon_command", required=True)
    p = lexicon.add_parser("suggest", parents=[CORPUS, TABLE_FORMAT],
                           help="print terms the corpus uses that no lexicon protects, with counts and scores "
                                "(PMI, left/right branching entropy)")
    p.add_argument("--min-count", type=int, default=5, help="minimum occurrences (default 5)")
    p.add_argument("--min-docs", type=int, default=3, help="minimum documents (default 3)")
    p.set_defaults(func=cmd_lexicon_suggest)
    p = lexicon.add_parser("add", help="add accepted terms to the lexicon (the user's lexicon by default)")
    p.add_argument("terms", nargs="+", metavar="TERM", help="terms to add ('-': read them from standard input)")
    p.add_argument("--lexicon", type=Path, default=DEFAULT_LEXICON,
                   help="lexicon file to append to (default: corpus/lexicon.txt, the curated lexicon)")
    p.set_defaults(func=cmd_lexicon_add)

    p = sub.add_parser("export", parents=[CORPUS],
                       help="write the corpus for other tools: CiteSpace (WoS download_*.txt), CSV, RIS")
    p.add_argument("--format", choices=["citespace", "csv", "ris"], required=True, help="output format")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("duplicates", parents=[CORPUS],
                       help="list duplicate groups (merged at build, or still present) for review")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output: readable text or JSON Lines")
    p.set_defaults(func=cmd_duplicates)
