"""Helpers shared by the benchmarks: where the external data is, timing medians, machine description."""
from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = Path(os.environ.get("PIPELINE_SHARED", ROOT.parent / "shared")) / "data" / "external"


def need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"benchmark data missing: {path}")
    return path


def real_pages() -> list[Path]:
    """The 69 + 62 real Chinese pages of the external data set."""
    pages = sorted((need(EXTERNAL / "chinese-web-content-extraction") / "original").glob("*.html"))
    pages += sorted((need(EXTERNAL / "gne-test-pages") / "tests").rglob("*.html"))
    return pages


def median_seconds(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
