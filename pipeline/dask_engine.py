"""Run the build's per-input stage on a Dask cluster (dask.distributed) instead of local processes.

With a scheduler address the build uses that cluster (its workers need this package installed);
without one it starts a local cluster of one single-threaded worker process per core. Results come
back in input order through a bounded window of futures, so the output equals the local build's.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator


def map_ordered(fn: Callable, items: Iterable, scheduler: str | None = None, window: int = 256) -> Iterator:
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        pending: deque = deque()
        for item in items:
            pending.append(client.submit(fn, item, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
