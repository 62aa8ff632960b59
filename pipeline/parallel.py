"""Where the build's per-item work runs: in this process, in local worker processes, or on a Dask cluster.

`Workers.map(fn, items)` yields `fn(item)` in item order, with a bounded window of items in flight, so
memory does not grow with the corpus and the output does not depend on the engine or the worker count.
Tasks carry paths and small values; they read their inputs and write their outputs (cache entries,
Parquet partitions) themselves. With `engine="dask"` the cluster's workers must therefore see the same
file system as the build and have this package installed. Without a scheduler address a local cluster
of one single-threaded worker process per core is started (once per build, for every stage).
"""
from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator

ENGINES = ("local", "dask")


class Workers:
    def __init__(self, jobs: int | None = None, engine: str = "local", scheduler: str | None = None):
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
        self.jobs = jobs or os.cpu_count() or 1
        self.engine, self.scheduler = engine, scheduler
        self._pool = None  # a ProcessPoolExecutor or a dask Client, started on first need
        self._cluster = None

    def map(self, fn: Callable, items: Iterable, min_parallel: int = 2) -> Iterator:
        """`fn(item)` for each item, in order. Fewer than `min_parallel` items run in this process
        (starting workers would cost more than it saves); so does everything when jobs == 1."""
        items = iter(items)
        head = list(itertools.islice(items, min_parallel))
        if len(head) < min_parallel or (self.engine == "local" and self.jobs <= 1):
            return map(fn, itertools.chain(head, items))
        return self._map_parallel(fn, itertools.chain(head, items))

    def _map_parallel(self, fn: Callable, items: Iterator) -> Iterator:
        submit, window = self._start()
        pending: deque = deque()
        for item in items:
            pending.append(submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _start(self):
        """(submit function, window) of the started engine."""
        if self.engine == "local":
            if self._pool is None:
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(max_workers=self.jobs)
            return self._pool.submit, self.jobs * 4
        if self._pool is None:
            from dask.distributed import Client, LocalCluster

            if self.scheduler:
                self._pool = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._pool = Client(self._cluster)
        threads = sum(self._pool.nthreads().values()) or 1
        return (lambda fn, item: self._pool.submit(fn, item, pure=False)), threads * 4

    def close(self) -> None:
        if self._pool is not None:
            if self.engine == "local":
                self._pool.shutdown(cancel_futures=True)
            else:
                self._pool.close()
        if self._cluster is not None:
            self._cluster.close()
        self._pool = self._cluster = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
