"""The site rules kept as data beside the extractors: labels.toml (labels and meta names) and values.toml
(words and patterns of the value cleaners). Read once per process."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@cache
def load(name: str) -> dict:
    """The parsed `name`.toml next to this module."""
    with open(HERE / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def labels() -> dict:
    return load("labels")


def values() -> dict:
    return load("values")
