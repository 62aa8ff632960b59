"""`topics fit | show | infer | report`: topic models of a built corpus."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import CORPUS, JOBS, QUIET, YEARS, load_corpus_in_years


def topic_options(args: argparse.Namespace):
    from pipeline.analysis.topics import Options

    given = {name: getattr(args, name) for name in
             ("min_docs", "max_share", "keep", "subwords", "passes", "iterations", "chunksize", "tokens",
              "workers", "stability_seeds")}
    return Options(**{name: value for name, value in given.items() if value is not None})


def parse_k_range(text: str) -> tuple[int, int]:
    low, sep, high = text.partition(":")
    if not (sep and low.strip().isdigit() and high.strip().isdigit()):
        raise ValueError(f"--k-range must look like 5:30, not {text!r}")
    return int(low), int(high)


def cmd_topics_fit(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics

    k_range = parse_k_range(args.k_range) if args.k_range else None
    k = None if k_range else args.k
    result = topics.fit(load_corpus_in_years(args), k=k, k_range=k_range, method=args.method, seed=args.seed,
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

    from pipeline.safe_text import csv_table

    if not args.file.is_file():  # else reading it reports "cannot read as UTF-8"
        raise FileNotFoundError(2, "no such file", str(args.file))
    table = topics.infer_file(args.dir, args.file)
    csv_table(table).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def cmd_topics_report(args: argparse.Namespace) -> int:
    from pipeline.analysis import topics

    print(f"wrote {topics.report(args.dir, args.output)}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("topics", help="topic models: fit, show, infer, report")
    topics_sub = p.add_subparsers(dest="topics_command", required=True)
    p = topics_sub.add_parser("fit", parents=[CORPUS, YEARS, JOBS, QUIET],
                              help="fit LDA or NMF; --k-range chooses K by coherence and stability")
    k = p.add_mutually_exclusive_group()
    k.add_argument("--k", type=int, default=20, help="number of topics (default 20)")
    k.add_argument("--k-range", metavar="A:B", help="try K = A..B and choose one (parallel fits: --jobs)")
    p.add_argument("--method", choices=["lda", "nmf", "lda-gensim", "lda-gibbs"], default="lda",
                   help="LDA by Gibbs sampling (tomotopy; lda-gibbs is the same), NMF (scikit-learn) or LDA by "
                        "gensim's variational LdaModel (the default lda before issue 15)")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same outputs")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    # Left unset, these take the defaults of pipeline.topics.Options (recorded in DIR/fit.json).
    p.add_argument("--min-docs", type=int, help="drop terms in fewer documents")
    p.add_argument("--max-share", type=float, help="drop terms in more than this share of documents")
    p.add_argument("--keep", type=int, help="then keep the N most frequent terms")
    p.add_argument("--subwords", action=argparse.BooleanOptionalAction,
                   help="a word of 3+ characters also counts as the words inside it (default: NMF yes, LDA no)")
    p.add_argument("--passes", type=int, help="passes over the corpus (runtime grows with it)")
    p.add_argument("--iterations", type=int, help="LDA inference iterations per document")
    p.add_argument("--chunksize", type=int, help="documents per LDA update (default: a 20th of the corpus)")
    p.add_argument("--tokens", choices=["zh", "en", "both"], help="token columns that make a document")
    p.add_argument("--workers", type=int, help="LDA workers for one fit; >1 samples in parallel (lda-gensim: "
                                               "LdaMulticore), faster on big corpora but not byte-reproducible")
    p.add_argument("--stability-seeds", type=int,
                   help="refits with the next N seeds, to report which topics recur (default 2; 0: none)")
    p.set_defaults(func=cmd_topics_fit)
    p = topics_sub.add_parser("show", help="print the topics of a fit")
    p.add_argument("dir", type=Path, help="a `topics fit --out` directory")
    p.add_argument("--top", type=int, default=10, help="terms per topic (default 10)")
    p.set_defaults(func=cmd_topics_show)
    p = topics_sub.add_parser("infer", help="topic proportions of new documents (CSV on stdout)")
    p.add_argument("dir", type=Path, help="a `topics fit --out` directory")
    p.add_argument("file", type=Path, help=".jsonl records, or plain text with one document per line")
    p.set_defaults(func=cmd_topics_infer)
    p = topics_sub.add_parser("report", help="write a self-contained HTML report of a fit")
    p.add_argument("dir", type=Path, help="a `topics fit --out` directory")
    p.add_argument("-o", "--output", type=Path, help="HTML file (default DIR/report.html)")
    p.set_defaults(func=cmd_topics_report)
