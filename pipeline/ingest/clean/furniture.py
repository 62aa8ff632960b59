"""Site furniture: whole lines that are buttons, share bars, copyright lines (data/boilerplate.txt)."""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

DATA = files("pipeline.ingest") / "data"



@cache
def _boilerplate() -> re.Pattern:
    """The furniture regexes of data/boilerplate.txt as one alternation matched against whole lines."""
    patterns = [line for line in (DATA / "boilerplate.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def is_furniture(line: str) -> bool:
    """Whether a line is wholly site furniture (a button, a share bar, a copyright line)."""
    return bool(line.strip()) and _boilerplate().fullmatch(line.strip()) is not None


def strip_boilerplate(lines: list[str]) -> tuple[list[str], int]:
    """Drop lines that are wholly site furniture; return the kept lines and how many were dropped."""
    kept = [line for line in lines if not is_furniture(line)]
    return kept, len(lines) - len(kept)
