"""Writing files so that readers see the old content or the new, never a part: every file the project
writes goes through here (a temporary name in the same directory, then one atomic rename)."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# Temporary files start with a dot and end with this: ingest skips them, a build sweeps its own leftovers.
TEMPORARY_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_file(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A file written under a temporary name and moved into place when the block ends without error.
    `durable` also survives a power cut (fsync); cache entries skip it: a lost one is only re-made."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    with atomic_file(path, durable) as fh:
        fh.write(data)
