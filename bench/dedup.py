"""bench/dedup: records per second and peak memory of `merge_duplicates` over the 62k National Social
Science Fund project titles, and over the same titles replicated 2x (every record then has a twin), to
show that the cost grows linearly (ratio ~2), not quadratically (ratio ~4).

Baseline, same run, same records: the exact-key pass alone (DOI / title + first author + year in a dict),
which is the least any de-duplication must do. Times are CPU seconds of this process (medians of 3),
because wall-clock time on a machine shared with other jobs says more about the neighbours than about us.
"""
from __future__ import annotations

import dataclasses
import time
import tracemalloc

from common import NSSF_CSV, machine, median_seconds, need

from pipeline.build.dedup import merge_duplicates
from pipeline.ingest.readers import ColumnMapping, read_export_file

MAPPING = ["title_zh=项目名称", "year=立项时间", "authors=项目负责人", "affiliations=工作单位"]


def exact_keys_only(records) -> int:
    seen: dict = {}
    for r in records:
        key = (r.title_zh, r.authors[0] if r.authors else "", r.year)
        seen.setdefault(key, r.id)
    return len(seen)


def traced(fn):
    """fn's result and the peak memory (MiB) Python allocated while it ran."""
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak / 2**20


def main() -> None:
    start = time.process_time()
    records = read_export_file(need(NSSF_CSV), ColumnMapping.from_args(MAPPING))
    read_s = time.process_time() - start
    doubled = records + [dataclasses.replace(r, id=r.id + "-copy") for r in records]
    print(f"## Dedup speed ({machine()})")
    print(f"NSSF project titles read through the table reader in {read_s:.1f} CPU s; medians of 3 runs",
          flush=True)
    results = {}
    for label, recs in (("1x", records), ("2x", doubled)):
        seconds = median_seconds(lambda: merge_duplicates(recs), clock=time.process_time)
        baseline = median_seconds(lambda: exact_keys_only(recs), clock=time.process_time)
        (merged, groups), peak = traced(lambda: merge_duplicates(recs))
        results[label] = seconds
        print(f"- {label}: {len(recs):,} records -> {len(merged):,} ({len(groups):,} groups merged): "
              f"{len(recs) / seconds:,.0f} records/s ({seconds:.1f} CPU s); exact-keys-only baseline "
              f"{len(recs) / baseline:,.0f} records/s, ratio {seconds / baseline:.0f}x; "
              f"peak traced memory {peak:.0f} MiB", flush=True)
    print(f"- scaling: time(2x) / time(1x) = {results['2x'] / results['1x']:.2f} (linear: 2, quadratic: 4)")


if __name__ == "__main__":
    main()
