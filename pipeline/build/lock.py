"""One build at a time per output directory: an exclusive lock on `<out>/.build.lock`.

The lock is an `flock` held for the whole build, so the kernel releases it when the process dies,
however it dies. The file names the holder (pid, host, start time) for the error the second build
prints. A build that finds the lock free but the file still naming someone took over from a build that
died (killed, power cut) and says so.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from pipeline.build.layout import LOCK


class BuildLocked(RuntimeError):
    """Another build holds the lock on this output directory."""


def _holder(fd: int) -> dict:
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, 4096)
    try:
        holder = json.loads(data) if data.strip() else {}
    except ValueError:
        return {"pid": "?", "host": "?", "started": "?"}
    return holder if isinstance(holder, dict) else {}


def describe(holder: dict) -> str:
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"


@contextlib.contextmanager
def build_lock(out: Path, wait: bool = False, notes: list[str] | None = None,
               on_wait=None) -> Iterator[Path]:
    """Hold the build lock of `out` for the block. Raises BuildLocked naming the holder, or with `wait`
    blocks until it is free (calling `on_wait(message)` first). A takeover of a dead build's lock is
    noted in `notes`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise BuildLocked(f"{out} is being built by another build ({describe(holder)}); "
                                  "wait for it to finish, or use --wait") from None
            if on_wait:
                on_wait(f"waiting for the build of {out} by {describe(holder)}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        stale = _holder(fd)
        if stale and notes is not None:
            notes.append(f"took over the lock of a build that ended without releasing it ({describe(stale)})")
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # released cleanly: the next build has nothing to take over
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
