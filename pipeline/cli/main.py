"""`python -m pipeline COMMAND …`: the parser, assembled from the command modules, and the error
convention (pipeline.cli.common). Heavy modules are imported inside the commands, so `--help` is fast."""
from __future__ import annotations

import os

from pipeline.cli import analysis_commands, corpus_commands, references_commands, topics_commands
from pipeline.cli.common import USER_ERRORS, Parser, report_user_error

COMMAND_MODULES = (corpus_commands, topics_commands, analysis_commands, references_commands)


def make_parser() -> Parser:
    parser = Parser(prog="python -m pipeline",
                    description="Bilingual academic corpus and text-mining pipeline (see README.md).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except USER_ERRORS as err:
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        return report_user_error(err)
