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

from pipeline.build.layout import DEFAULT_BUILD

DEFAULT_RAW = Path("corpus/raw")


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest.files import ingest_paths

    mapping = None
    if args.map or args.map_config:
        from pipeline.ingest.readers import ColumnMapping

        try:
            mapping = ColumnMapping.from_file(args.map_config) if args.map_config else ColumnMapping()
            mapping = mapping.updated(ColumnMapping.from_args(args.map or []))
        except (OSError, ValueError) as exc:
            print(f"error: column mapping: {exc}", file=sys.stderr)
            return 2
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

    summary = build(args.raw, args.out, jobs=args.jobs, progress=not args.quiet, engine=args.engine,
                    scheduler=args.scheduler, dedup=not args.no_dedup)
    print(summary.report())
    return 1 if summary.failures else 0


def topic_options(args: argparse.Namespace):
    from pipeline.analysis.topics.topics import Options

    given = {name: getattr(args, name) for name in
             ("min_docs", "max_share", "keep", "passes", "iterations", "chunksize", "tokens", "workers")}
    return Options(**{name: value for name, value in given.items() if value is not None})


def parse_k_range(text: str) -> tuple[int, int]:
    low, sep, high = text.partition(":")
    if not (sep and low.strip().isdigit() and high.strip().isdigit()):
        raise ValueError(f"--k-range must look like 5:30, not {text!r}")
    return int(low), int(high)


def cmd_topics(args: argparse.Namespace) -> int:
    """Run a `topics` subcommand; bad input (missing corpus, unreadable file, impossible option) is one line
    on stderr naming it, not a traceback."""
    try:
        return args.topics_func(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"topics {args.topics_command}: {err}", file=sys.stderr)
        return 2


def cmd_topics_fit(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics
    from pipeline.analysis.corpus import load_corpus

    k_range = parse_k_range(args.k_range) if args.k_range else None
    k = None if k_range else args.k
    result = topics.fit(load_corpus(args.corpus), k=k, k_range=k_range, method=args.method, seed=args.seed,
                        options=topic_options(args), jobs=args.jobs, progress=not args.quiet)
    if result.k_table is not None:
        print(result.k_table.assign(chosen=result.k_table["chosen"].map({True: "<- chosen", False: ""}))
              .to_string(index=False))
        print(f"chosen K = {result.params['k']}: {result.params['k_rule']}")
    result.save(args.out)
    print(topics.describe(result))
    print(f"wrote {args.out}")
    return 0


def cmd_topics_show(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics

    print(topics.describe(topics.load(args.dir), top=args.top))
    return 0


def cmd_topics_infer(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics

    table = topics.infer_file(args.dir, args.file)
    table.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def cmd_topics_report(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics

    print(f"wrote {topics.report(args.dir, args.output)}")
    return 0


def _load_records(corpus: Path) -> list:
    from pipeline.analysis.corpus import load_records

    try:
        return load_records(corpus)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None  # one line on stderr, exit status 1


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.writers import write_export

    records = _load_records(args.corpus)
    for path in write_export(records, args.format, args.out):
        print(path)
    print(f"{len(records)} records exported as {args.format}", file=sys.stderr)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    import dataclasses

    from pipeline.build.dedup import format_groups, review_groups

    groups = review_groups(_load_records(args.corpus))
    if args.format == "json":
        for group in groups:
            print(json.dumps(dataclasses.asdict(group), ensure_ascii=False))
    else:
        print(format_groups(groups))
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from pipeline.fetch.fetcher import CONTACT_ENV, FetchOptions, fetch_urls, read_url_file, resolve_contact

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


def cmd_crawl(args: argparse.Namespace) -> int:
    from pipeline.fetch.crawl import CrawlError, crawl
    from pipeline.fetch.fetcher import CONTACT_ENV, FetchOptions, resolve_contact

    if resolve_contact(args.contact) is None:
        print(f"note: no contact in the User-Agent; set --contact or ${CONTACT_ENV} so site owners "
              "can reach you instead of blocking you", file=sys.stderr)
    options = FetchOptions(delay=args.delay, read_timeout=args.timeout, max_bytes=int(args.max_mb * 2**20),
                           retries=args.retries, contact=args.contact, revalidate=args.revalidate,
                           progress=not args.quiet)
    try:
        summary = crawl(args.start_urls, args.out, scope=args.scope, max_pages=args.max_pages,
                        store_navigation=args.store_navigation, edition=args.edition, date_from=args.date_from,
                        date_to=args.date_to, options=options)
    except CrawlError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(summary.report())
    return 0 if summary.ok else 1


def iso_date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def cmd_segment(args: argparse.Namespace) -> int:
    from pipeline.ingest.decode import DecodeError, decode_bytes
    from pipeline.text.normalize import normalize_text
    from pipeline.build.tokens import corpus_segmenter

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
    from pipeline.text.lexicon import suggest_terms

    for term, count in suggest_terms(_load_records(args.corpus), min_count=args.min_count):
        print(f"{term}\t{count}")
    return 0


def print_table(table, fmt: str) -> None:
    """Write a DataFrame to stdout as an aligned table, CSV or JSON (a list of row objects)."""
    if fmt == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        print(table.to_string(index=False) if len(table) else "(no rows)")


def reports_bad_input(command):
    """A missing corpus, a bad concept file or an unknown option value: one line on stderr, exit 2."""
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (FileNotFoundError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    return run


TREND_TABLE_COLUMNS = {"doc_share": ["docs", "total", "share", "ci_low", "ci_high"],
                       "count": ["docs", "total", "hits", "occurrences"],
                       "per_10k": ["token_occurrences", "tokens", "per_10k"]}


@reports_bad_input
def cmd_trends(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    corpus = load_corpus(args.corpus)
    if args.measure == "per_10k" and corpus.tokens is None:
        print(f"{args.corpus}: per_10k needs tokens.parquet (a segmented corpus build)", file=sys.stderr)
        return 2
    table = corpus.trends(args.terms, by=args.by, fields=args.fields, concepts=args.concepts)
    if args.plot:
        from pipeline.analysis.plot import plot_trends

        plot_trends(table, measure=args.measure, path=args.plot)
    shown = table if args.format != "table" else table[["concept", "period", *TREND_TABLE_COLUMNS[args.measure]]]
    print_table(shown, args.format)
    return 0


@reports_bad_input
def cmd_keywords(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    print_table(load_corpus(args.corpus).keywords(method=args.method, by=args.by, top=args.top), args.format)
    return 0


@reports_bad_input
def cmd_bursts(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    corpus = load_corpus(args.corpus)
    print_table(corpus.bursts(args.terms or None, min_docs=args.min_docs, fields=args.fields,
                                                concepts=args.concepts), args.format)
    return 0


@reports_bad_input
def cmd_network(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    network = load_corpus(args.corpus).network(unit=args.unit, terms=args.terms or None, min_docs=args.min_docs, fields=args.fields,
                                                top=args.top, concepts=args.concepts)
    if args.gexf:
        network.to_gexf(args.gexf)
    if args.vosviewer:
        network.to_vosviewer(*args.vosviewer)
    print_table(network.centrality(), args.format)
    return 0


@reports_bad_input
def cmd_glossary(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    print_table(load_corpus(args.corpus).glossary(min_support=args.min_support), args.format)
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="extract records from saved pages, text saves, exports, .jsonl")
    p.add_argument("paths", nargs="+", type=Path, help="files or directories (recursed)")
    p.add_argument("--format", choices=["jsonl"], default="jsonl")
    p.add_argument("-o", "--output", type=Path, help="write records here instead of stdout")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="read tables (CSV/Excel/JSON Lines) with this column for this record field (repeatable)")
    p.add_argument("--map-config", type=Path, metavar="FILE", help="column mapping file (TOML or JSON)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("build", help="rebuild the corpus incrementally (what `make corpus` runs)")
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="input directory (default corpus/raw)")
    p.add_argument("--out", type=Path, default=DEFAULT_BUILD, help="output directory (default corpus/build)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local worker processes, or a Dask cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (default: start a local cluster)")
    p.add_argument("--no-dedup", action="store_true", help="keep duplicates across inputs as separate records")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("topics", help="topic models: fit, show, infer, report")
    topics_sub = p.add_subparsers(dest="topics_command", required=True)
    p = topics_sub.add_parser("fit", help="fit LDA or NMF; --k-range chooses K by coherence and stability")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    k = p.add_mutually_exclusive_group()
    k.add_argument("--k", type=int, default=20, help="number of topics (default 20)")
    k.add_argument("--k-range", metavar="A:B", help="try K = A..B and choose one")
    p.add_argument("--method", choices=["lda", "nmf"], default="lda")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="output directory")
    # Left unset, these take the defaults of pipeline.analysis.topics.topics.Options (recorded in DIR/fit.json).
    p.add_argument("--min-docs", type=int, help="drop terms in fewer documents")
    p.add_argument("--max-share", type=float, help="drop terms in more than this share of documents")
    p.add_argument("--keep", type=int, help="then keep the N most frequent terms")
    p.add_argument("--passes", type=int, help="passes over the corpus (runtime grows with it)")
    p.add_argument("--iterations", type=int, help="LDA inference iterations per document")
    p.add_argument("--chunksize", type=int, help="documents per LDA update (default: a 20th of the corpus)")
    p.add_argument("--tokens", choices=["zh", "en", "both"], help="token columns that make a document")
    p.add_argument("--workers", type=int, help="LDA worker processes for one fit; >1 uses LdaMulticore, "
                                               "faster on big corpora but not byte-reproducible")
    p.add_argument("--jobs", type=int, default=None, help="parallel fits for --k-range (default: all cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_topics, topics_func=cmd_topics_fit)
    p = topics_sub.add_parser("show", help="print the topics of a fit")
    p.add_argument("dir", type=Path)
    p.add_argument("--top", type=int, default=10, help="terms per topic (default 10)")
    p.set_defaults(func=cmd_topics, topics_func=cmd_topics_show)
    p = topics_sub.add_parser("infer", help="topic proportions of new documents (CSV on stdout)")
    p.add_argument("dir", type=Path)
    p.add_argument("file", type=Path, help=".jsonl records, or plain text with one document per line")
    p.set_defaults(func=cmd_topics, topics_func=cmd_topics_infer)
    p = topics_sub.add_parser("report", help="write a self-contained HTML report of a fit")
    p.add_argument("dir", type=Path)
    p.add_argument("-o", "--output", type=Path, help="HTML file (default DIR/report.html)")
    p.set_defaults(func=cmd_topics, topics_func=cmd_topics_report)

    p = sub.add_parser("export", help="write the corpus for other tools: CiteSpace (WoS download_*.txt), CSV, RIS")
    p.add_argument("--format", choices=["citespace", "csv", "ris"], required=True)
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("duplicates", help="list duplicate groups (merged at build, or still present) for review")
    p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_duplicates)

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


    p = sub.add_parser("crawl", help="walk an e-paper edition, a journal issue or a section index politely")
    p.add_argument("start_urls", nargs="*", metavar="START_URL", help="pages to start from")
    p.add_argument("--out", type=Path, default=DEFAULT_RAW, help="raw corpus directory (default corpus/raw)")
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
    p.add_argument("--delay", type=float, default=3.0, help="seconds between requests to one host (default 3)")
    p.add_argument("--contact", help="e-mail or URL put in the User-Agent (default $PIPELINE_FETCH_CONTACT)")
    p.add_argument("--revalidate", action="store_true",
                   help="re-request stored pages with ETag/Last-Modified instead of reading them from the store")
    p.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds (default 30)")
    p.add_argument("--max-mb", type=float, default=20.0, help="largest response kept, in MiB (default 20)")
    p.add_argument("--retries", type=int, default=3, help="retries on 429/5xx and connection errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no line per page on stderr")
    p.set_defaults(func=cmd_crawl)

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

    analysis = argparse.ArgumentParser(add_help=False)
    analysis.add_argument("--corpus", type=Path, default=DEFAULT_BUILD, help="built corpus (default corpus/build)")
    analysis.add_argument("--format", choices=["table", "csv", "json"], default="table")
    matching = argparse.ArgumentParser(add_help=False)
    matching.add_argument("--concepts", type=Path, default=None,
                          help="concept file (default: the repository's corpus/concepts.toml)")
    matching.add_argument("--fields", nargs="+", default=["title", "keywords", "abstract"],
                          choices=["title", "keywords", "abstract", "body", "tokens"], help="fields to match in")

    p = sub.add_parser("trends", parents=[analysis, matching], help="concept or term trends by period")
    p.add_argument("terms", nargs="+", metavar="TERM|CONCEPT")
    p.add_argument("--by", choices=["year", "source_kind", "journal", "indexing"], default="year")
    p.add_argument("--measure", choices=["doc_share", "count", "per_10k"], default="doc_share")
    p.add_argument("--plot", type=Path, help="also save a plot (PNG, SVG or PDF by extension)")
    p.set_defaults(func=cmd_trends)

    p = sub.add_parser("keywords", parents=[analysis], help="top keywords per period")
    p.add_argument("--method", choices=["tfidf", "textrank", "author", "logodds"], default="tfidf",
                   help="logodds: terms distinguishing each period from the rest (Monroe et al. 2008)")
    p.add_argument("--by", choices=["year", "source_kind", "journal", "indexing"], default=None)
    p.add_argument("--top", type=int, default=20)
    p.set_defaults(func=cmd_keywords)

    p = sub.add_parser("bursts", parents=[analysis, matching], help="Kleinberg bursts of keywords or terms")
    p.add_argument("terms", nargs="*", metavar="TERM|CONCEPT", help="default: every author keyword")
    p.add_argument("--min-docs", type=int, default=3, help="keywords listed by fewer documents are skipped")
    p.set_defaults(func=cmd_bursts)

    p = sub.add_parser("network", parents=[analysis, matching], help="co-occurrence network and centrality")
    p.add_argument("terms", nargs="*", metavar="TERM|CONCEPT", help="with --unit concepts: these only")
    p.add_argument("--unit", choices=["keywords", "concepts"], default="keywords")
    p.add_argument("--min-docs", type=int, default=2)
    p.add_argument("--top", type=int, default=100, help="keep the N most frequent nodes")
    p.add_argument("--gexf", type=Path, help="write the network for Gephi")
    p.add_argument("--vosviewer", type=Path, nargs=2, metavar=("MAP", "NETWORK"), help="write VOSviewer files")
    p.set_defaults(func=cmd_network)

    p = sub.add_parser("glossary", parents=[analysis], help="zh–en term pairs from bilingual author keywords")
    p.add_argument("--min-support", type=int, default=1, help="pairs seen in fewer records are left out")
    p.set_defaults(func=cmd_glossary)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)
