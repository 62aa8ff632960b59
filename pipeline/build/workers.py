"""Where the build's per-item work runs: in this process, in local worker processes, or on a Dask cluster.

`Workers.map(fn, items)` yields `fn(item)` in item order, with a bounded window of items in flight, so
memory does not grow with the corpus and the output does not depend on the engine or the worker count.
Tasks carry paths and small values; they read their inputs and write their outputs (cache entries,
token partitions) themselves. With `engine="dask"` the cluster's workers must therefore see the same
file system as the build and have this package installed. Without a scheduler address a local cluster
of `jobs` single-threaded worker processes (default: one per core) is started, once per build.

Local worker processes are forked anew for each `map`, so they inherit what the parent has loaded by
then (the segmenter, pyarrow): each would otherwise spend about half a second loading it again.
"""
from __future__ import annotations

import functools
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ENGINES = ("local", "dask")


class Workers:
    def __init__(self, jobs: int | None = None, engine: str = "local", scheduler: str | None = None):
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
        self.jobs = jobs or os.cpu_count() or 1
        self.engine, self.scheduler = engine, scheduler
        self._client = None  # a dask Client, started on first need
        self._cluster = None
        self._pools: set = set()  # local process pools of maps not finished yet

    def map(self, fn: Callable, items: Iterable, min_parallel: int = 2) -> Iterator:
        """`fn(item)` for each item, in order. Fewer than `min_parallel` items run in this process
        (starting workers would cost more than it saves); so does everything with the local engine
        and jobs == 1."""
        items = iter(items)
        head = list(itertools.islice(items, min_parallel))
        if len(head) < min_parallel or (self.engine == "local" and self.jobs <= 1):
            return map(fn, itertools.chain(head, items))
        return self._map_parallel(fn, itertools.chain(head, items))

    def _map_parallel(self, fn: Callable, items: Iterator) -> Iterator:
        if self.engine == "local":
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=self.jobs)
            self._pools.add(pool)
            try:
                yield from _in_order(pool.submit, fn, items, window=self.jobs * 4)
            finally:
                pool.shutdown(cancel_futures=True)
                self._pools.discard(pool)
        else:
            client = self._dask_client()
            submit = functools.partial(client.submit, pure=False)
            yield from _in_order(submit, fn, items, window=4 * (sum(client.nthreads().values()) or 1))

    def _dask_client(self):
        if self._client is None:
            from dask.distributed import Client, LocalCluster

            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
        return self._client

    def close(self) -> None:
        """Stop every worker, also those of a map left unfinished (the caller raised mid-way)."""
        for pool in list(self._pools):
            pool.shutdown(cancel_futures=True)
        self._pools.clear()
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _in_order(submit: Callable, fn: Callable, items: Iterator, window: int) -> Iterator:
    """Results of fn over items in order, with at most `window` submitted and not yet yielded."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def line_ranges(path: Path, part_bytes: int) -> Iterator[tuple[int, int]]:
    """(offset, size) of consecutive runs of whole lines of `path`: part_bytes, and the rest of the
    line where they end. Tasks carry these, and read their lines themselves (read_lines)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        start = 0
        while start < size:
            fh.seek(min(start + part_bytes, size))
            fh.readline()
            yield start, fh.tell() - start
            start = fh.tell()


def read_lines(path: Path, offset: int, size: int) -> list[bytes]:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(size).splitlines()
