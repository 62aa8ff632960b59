"""Commands over a built corpus: trends, keywords, bursts, network, report, glossary (tables on stdout)."""
from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import CORPUS, TABLE_FORMAT, YEARS, UserError, load_corpus_in_years, print_table

TREND_TABLE_COLUMNS = {"doc_share": ["docs", "total", "share", "ci_low", "ci_high"],
                       "count": ["docs", "total", "hits", "occurrences"],
                       "per_10k": ["token_occurrences", "tokens", "per_10k"]}
# pipeline.analysis.trends.BY, written out so that `--help` needs no pandas (a test keeps them equal).
GROUPS = ["year", "source_kind", "journal", "indexing", "classification", "category", "doc_type", "database"]
# pipeline.analysis.units.UNITS, named here so that --help does not import the analysis (a test checks both agree)
UNIT_NAMES = ("keywords", "concepts", "authors", "institutions", "regions", "references", "cited-authors",
              "cited-journals", "coupling")


def cmd_trends(args: argparse.Namespace) -> int:
    corpus = load_corpus_in_years(args)
    if args.measure == "per_10k" and corpus.tokens is None:
        raise UserError(f"{args.corpus}: per_10k needs tokens.parquet (a segmented corpus build)")
    table = corpus.trends(args.terms, by=args.by, fields=args.fields, concepts=args.concepts)
    if args.plot:
        from pipeline.analysis.plot import plot_trends

        plot_trends(table, measure=args.measure, path=args.plot)
    shown = table if args.format != "table" else table[["concept", "period", *TREND_TABLE_COLUMNS[args.measure]]]
    print_table(shown, args.format, table.attrs.get("note"))
    return 0


def cmd_keywords(args: argparse.Namespace) -> int:
    print_table(load_corpus_in_years(args).keywords(method=args.method, by=args.by, top=args.top), args.format)
    return 0


def cmd_bursts(args: argparse.Namespace) -> int:
    corpus = load_corpus_in_years(args)
    print_table(corpus.bursts(args.terms or None, min_docs=args.min_docs, fields=args.fields,
                              concepts=args.concepts), args.format)
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    corpus = load_corpus_in_years(args)
    concept_options = {"terms": args.terms or None, "fields": args.fields, "concepts": args.concepts}
    if args.out:
        kmap = corpus.knowledge_map(unit=args.unit, min_docs=args.min_docs, top=args.top, selection=args.selection,
                                    slice_years=args.slice_years, g_k=args.g_k, seed=args.seed,
                                    **(concept_options if args.unit == "concepts" else {}))
        kmap.write(args.out)
        network = kmap.network
    else:
        network = corpus.network(unit=args.unit, min_docs=args.min_docs, top=args.top, **concept_options)
    if args.gexf:
        network.to_gexf(args.gexf)
    if args.vosviewer:
        network.to_vosviewer(*args.vosviewer)
    if not args.out:
        print_table(network.centrality(), args.format)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus
    from pipeline.analysis.report import write_report

    print(f"wrote {write_report(load_corpus(args.corpus), args.out, seed=args.seed, top=args.top)}")
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus

    print_table(load_corpus(args.corpus).glossary(min_support=args.min_support), args.format)
    return 0


def cmd_concepts_suggest(args: argparse.Namespace) -> int:
    from pipeline.analysis.corpus import load_corpus
    from pipeline.analysis.expand import suggest_variants

    corpus = load_corpus(args.corpus)
    if corpus.tokens is None:
        raise UserError(f"{args.corpus}: concepts suggest needs tokens.parquet (a segmented corpus build)")
    table = suggest_variants(corpus, args.term, concepts=args.concepts, top=args.top, min_docs=args.min_docs)
    print_table(table, args.format, empty_reason=f"no token contains or co-occurs with {args.term!r} in "
                                                 f"{args.min_docs}+ documents")
    return 0


def register(sub) -> None:
    analysis = [CORPUS, TABLE_FORMAT]
    matching = argparse.ArgumentParser(add_help=False)
    matching.add_argument("--concepts", type=Path, default=None,
                          help="concept file (default: the bundled corpus/concepts.toml)")
    matching.add_argument("--fields", nargs="+", default=["title", "keywords", "abstract"],
                          choices=["title", "keywords", "abstract", "body", "tokens"],
                          help="record fields a term is matched in (default title keywords abstract)")

    p = sub.add_parser("trends", parents=[*analysis, YEARS, matching], help="concept or term trends by period")
    p.add_argument("terms", nargs="+", metavar="TERM|CONCEPT", help="concept names (concepts.toml) or literal terms")
    p.add_argument("--by", choices=GROUPS, default="year", help="period or group (default year)")
    p.add_argument("--measure", choices=["doc_share", "count", "per_10k"], default="doc_share",
                   help="share of documents (default), counts, or occurrences per 10,000 tokens")
    p.add_argument("--plot", type=Path, help="also save a plot (PNG, SVG or PDF by extension)")
    p.set_defaults(func=cmd_trends)

    p = sub.add_parser("keywords", parents=[*analysis, YEARS], help="top keywords per period")
    p.add_argument("--method", choices=["tfidf", "textrank", "author", "logodds"], default="tfidf",
                   help="tfidf/textrank: scored against a background of academic titles; logodds: terms "
                        "distinguishing each period from the rest (Monroe et al. 2008), without --by the "
                        "corpus from the background")
    p.add_argument("--by", choices=[*GROUPS, "id"], default=None,
                   help="keywords per group, or per document with id (default: the whole corpus)")
    p.add_argument("--top", type=int, default=20, help="keywords per group (default 20)")
    p.set_defaults(func=cmd_keywords)

    p = sub.add_parser("bursts", parents=[*analysis, YEARS, matching], help="Kleinberg bursts of keywords or terms")
    p.add_argument("terms", nargs="*", metavar="TERM|CONCEPT", help="default: every author keyword")
    p.add_argument("--min-docs", type=int, default=3, help="keywords listed by fewer documents are skipped")
    p.set_defaults(func=cmd_bursts)

    p = sub.add_parser("network", parents=[*analysis, YEARS, matching], help="co-occurrence network and centrality")
    p.add_argument("terms", nargs="*", metavar="TERM|CONCEPT", help="with --unit concepts: these only")
    p.add_argument("--unit", choices=list(UNIT_NAMES), default="keywords",
                   help="what the nodes are (pipeline.analysis.units)")
    p.add_argument("--min-docs", type=int, default=2, help="nodes in fewer documents (coupling: documents citing "
                   "fewer works) are left out (default 2)")
    p.add_argument("--top", type=int, default=100, help="keep the N most frequent nodes (default 100; per slice "
                   "with --selection top-per-slice); 0 keeps all")
    p.add_argument("--out", type=Path, help="write nodes.csv, edges.csv, clusters.csv, summary.json, GEXF and "
                   "VOSviewer files here (with clusters); without it the node table goes to stdout")
    p.add_argument("--selection", choices=["frequency", "top-per-slice", "g-index"], default="frequency",
                   help="node selection as in CiteSpace (pipeline.analysis.selection)")
    p.add_argument("--slice-years", type=int, default=1, help="years per time slice for per-slice selection")
    p.add_argument("--g-k", type=float, default=25.0, help="scale factor k of --selection g-index (default 25)")
    p.add_argument("--seed", type=int, default=0, help="seed of the community detection (default 0)")
    p.add_argument("--gexf", type=Path, help="write the network for Gephi")
    p.add_argument("--vosviewer", type=Path, nargs=2, metavar=("MAP", "NETWORK"), help="write VOSviewer files")
    p.set_defaults(func=cmd_network)

    p = sub.add_parser("report", parents=[CORPUS], help="one offline HTML knowledge-map report (DIR/index.html)")
    p.add_argument("--out", type=Path, required=True, help="directory for index.html, figures, tables, networks")
    p.add_argument("--top", type=int, default=100, help="nodes kept per network (default 100; 0: all)")
    p.add_argument("--seed", type=int, default=0, help="seed of the community detection (default 0)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("glossary", parents=analysis, help="zh–en term pairs from bilingual author keywords")
    p.add_argument("--min-support", type=int, default=1, help="pairs seen in fewer records are left out")
    p.set_defaults(func=cmd_glossary)

    p = sub.add_parser("concepts", help="concept tools")
    concepts = p.add_subparsers(dest="concepts_command", required=True)
    p = concepts.add_parser("suggest", parents=analysis,
                            help="candidate variant and related terms of a concept, from the corpus, with counts "
                                 "and example sentences")
    p.add_argument("term", metavar="TERM|CONCEPT", help="a concept name (concepts.toml) or a literal term")
    p.add_argument("--concepts", type=Path, default=None, help="concept file (default: the bundled corpus/concepts.toml)")
    p.add_argument("--top", type=int, default=30, help="co-occurring terms shown (default 30)")
    p.add_argument("--min-docs", type=int, default=2, help="terms in fewer documents are left out (default 2)")
    p.set_defaults(func=cmd_concepts_suggest)
