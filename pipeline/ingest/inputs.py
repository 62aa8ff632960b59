"""Finding and opening input files safely: what a raw directory holds, and why an entry cannot be read.

`iter_input_files` walks folders (following symbolic links, sub-folders included, with loop
protection) and yields every entry that is not a folder, a hidden name or a sidecar — special files,
dangling links and loops included, so that each is reported instead of skipped silently. `open_input`
opens an entry without ever blocking (a FIFO), reading a device, or following a loop, and raises
InputError naming the reason.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

SIDECAR = ".meta.json"  # written by `pipeline fetch` beside each stored response
MAPPING = ".map.toml"  # a column mapping for the table beside it (see pipeline.ingest.readers.table)
SIDECARS = (SIDECAR, MAPPING)

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class InputError(ValueError):
    """The input cannot be read as a document (too large, unreadable, not a regular file, …)."""


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Entries under the given paths, sorted, without hidden names and sidecars; a path given that is
    not a folder is yielded as it is. A folder link leading back to a folder being walked is yielded
    (open_input reports the loop) instead of being walked again."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from _walk(path, {_identity(path)})
        else:
            yield path


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _walk(folder: Path, ancestors: set[tuple[int, int]]) -> Iterator[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError:  # an unreadable folder: reported like a file (open_input says why)
        yield folder
        return
    for child in children:
        if child.name.startswith(".") or child.name.endswith(SIDECARS):
            continue
        try:
            is_dir = child.is_dir()
        except OSError:  # a link loop: is_dir cannot tell
            is_dir = False
        if not is_dir:
            yield child
            continue
        identity = _identity(child)
        if identity in ancestors:
            yield child  # a loop: reported, not followed
        else:
            yield from _walk(child, ancestors | {identity})


def printable(path: str | Path) -> str:
    """A path as text that can be written anywhere: the bytes of a non-UTF-8 file name as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder link that leads back to a folder being read (a loop): not followed"
    return next((f"not a regular file ({kind})" for test, kind in _KINDS if test(mode)), "not a regular file")


def open_input(path: Path, limit: int | None = None) -> BinaryIO:
    """The entry opened for reading (binary), or InputError saying why it cannot be an input. Never
    blocks: a FIFO is opened non-blocking and refused, like devices and sockets."""
    path = Path(path)
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("file name is not valid UTF-8 (rename the file)") from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise InputError(f"dangling symbolic link (to {os.readlink(path)}, which does not exist)") from None
        if exc.errno == errno.ELOOP:
            raise InputError("symbolic link loop (the link leads back to itself)") from None
        raise InputError(f"cannot read file ({exc.strerror or exc})") from None
    try:
        mode, size = os.fstat(fd).st_mode, os.fstat(fd).st_size
        if not stat.S_ISREG(mode):
            raise InputError(_not_regular(mode))
        if limit is not None and size > limit:
            raise InputError(f"file too large ({size / 2**20:.1f} MiB > {limit / 2**20:.0f} MiB limit; "
                             "set PIPELINE_MAX_BYTES to raise it)")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: Path, limit: int | None = None) -> bytes:
    """The bytes of an input (see open_input); a file that grew past `limit` while read is refused."""
    with open_input(path, limit) as fh:
        data = fh.read() if limit is None else fh.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise InputError(f"file too large (more than {limit / 2**20:.0f} MiB; set PIPELINE_MAX_BYTES to raise it)")
    return data
