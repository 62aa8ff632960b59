"""Generations of a built corpus: each build writes a new directory and switches one link to it.

    gen = new_generation(out)      # <out>/gen-000008, empty
    ... write documents.jsonl, tokens.parquet, manifest.json … into gen ...
    switch(out, gen)               # <out>/current -> gen-000008, in one atomic rename

Called under the build lock (pipeline.build.lock). See pipeline.build.layout for the directory.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pipeline.build.layout import CURRENT, GENERATION_PREFIX, PUBLIC, corpus_files

_GENERATION = re.compile(re.escape(GENERATION_PREFIX) + r"(\d+)$")


def _generations(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if _GENERATION.match(p.name) and not p.is_symlink()) \
        if out.is_dir() else []


def new_generation(out: Path) -> Path:
    """A new, empty generation directory numbered after every existing one."""
    numbers = [int(_GENERATION.match(p.name).group(1)) for p in _generations(out)]
    gen = out / f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"
    gen.mkdir(parents=True)
    return gen


def sweep_generations(out: Path) -> None:
    """Remove every generation but the current one: a killed build's unfinished one, and the previous
    corpus (kept until now for readers that opened it just before the last switch)."""
    current = corpus_files(out)
    for gen in _generations(out):
        if gen.name != current.name:
            shutil.rmtree(gen, ignore_errors=True)


def _symlink_atomic(target: str, link: Path) -> None:
    """`link` -> `target`, replacing whatever `link` was in one rename."""
    tmp = link.with_name(f".{link.name}.link.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(out: Path, gen: Path) -> None:
    """Make `gen` the corpus readers see. The files in `gen` must be complete (and synced) by now."""
    _fsync_dir(gen)
    _symlink_atomic(gen.name, out / CURRENT)
    # The public names are links through `current`, made once (a flat corpus's files are replaced by
    # them here: its readers then see the new generation).
    for name in PUBLIC:
        link = out / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
            _symlink_atomic(f"{CURRENT}/{name}", link)
    _fsync_dir(out)


def link_or_copy(source: Path, target: Path) -> None:
    """`target` with the content of `source`: a hard link (files of a generation are never rewritten in
    place, so generations can share them), or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
