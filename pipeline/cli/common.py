"""What every command shares: the error convention, the shared options, printing tables.

The convention: a user error (a missing corpus or file, a bad option value) is one line `error: …` on
stderr and exit code 2, from every command; the commands raise (UserError, FileNotFoundError,
ValueError …) and `run` reports. PIPELINE_DEBUG=1 shows the traceback instead.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.build.layout import DEFAULT_BUILD

USER_ERROR = 2


class UserError(Exception):
    """Something the user can fix: the message is printed as `error: <message>`."""


# Exceptions that mean bad input from the user, not a bug; their message names the file or the value.
USER_ERRORS = (UserError, FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, ValueError,
               UnicodeDecodeError)


class Parser(argparse.ArgumentParser):
    """argparse with the project's convention for usage errors: one line, exit 2."""

    def error(self, message: str):
        self.exit(USER_ERROR, f"error: {message} (see `{self.prog} --help`)\n")


def report_user_error(err: BaseException) -> int:
    message = str(err) if not isinstance(err, FileNotFoundError) or not err.filename else \
        f"{err.filename}: {err.strerror or 'not found'}"
    print(f"error: {message}", file=sys.stderr)
    return USER_ERROR


# Shared options, each defined once (argparse parents).
def _options(*adders) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    for add in adders:
        add(parent)
    return parent


CORPUS = _options(lambda p: p.add_argument("--corpus", type=Path, default=DEFAULT_BUILD,
                                           help=f"built corpus directory (default {DEFAULT_BUILD})"))
QUIET = _options(lambda p: p.add_argument("-q", "--quiet", action="store_true", help="no progress bar"))
JOBS = _options(lambda p: p.add_argument("--jobs", type=int, default=None,
                                         help="worker processes (default: all cores)"))
YEARS = _options(
    lambda p: p.add_argument("--from", dest="year_from", type=int, metavar="YEAR",
                             help="only documents published in YEAR or later (documents without a year are left out)"),
    lambda p: p.add_argument("--to", dest="year_to", type=int, metavar="YEAR",
                             help="only documents published in YEAR or earlier (documents without a year are left out)"))
TABLE_FORMAT = _options(lambda p: p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                                                 help="output: aligned table, CSV or JSON (default table)"))


def load_corpus_in_years(args: argparse.Namespace):
    """The `--corpus` of a command with the YEARS options, cut to `--from`…`--to` (Corpus.between)."""
    from pipeline.analysis.corpus import load_corpus

    return load_corpus(args.corpus).between(args.year_from, args.year_to)


def print_table(table, fmt: str, empty_reason: str | None = None) -> None:
    """Write a DataFrame to stdout as an aligned table, CSV or JSON (a list of row objects). An empty
    table says why on stderr in one line: `empty_reason`, else the analysis's `table.attrs["note"]`."""
    empty_reason = empty_reason or table.attrs.get("note")
    if fmt == "csv":
        from pipeline.safe_text import csv_table

        sys.stdout.write(csv_table(table).to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        print(table.to_string(index=False) if len(table) else "(no rows)")
    if not len(table) and empty_reason:
        print(f"note: {empty_reason}", file=sys.stderr)
