"""Helpers shared by the benchmarks (and the tests' NSSF loader): where the external data is, loaders,
timing medians, machine description."""
from __future__ import annotations

import csv
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = Path(os.environ.get("PIPELINE_SHARED", ROOT.parent / "shared")) / "data" / "external"
NSSF_CSV = EXTERNAL / "nssf-projects" / "social-2017-09-26.csv"


def need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"benchmark data missing: {path}")
    return path


def real_pages() -> list[Path]:
    """The 69 + 62 real Chinese pages of the external data set."""
    pages = sorted((need(EXTERNAL / "chinese-web-content-extraction") / "original").glob("*.html"))
    pages += sorted((need(EXTERNAL / "gne-test-pages") / "tests").rglob("*.html"))
    return pages


def nssf_projects(path: Path) -> list[tuple[str, int | None]]:
    """(title, year) of the National Social Science Fund projects in the CSV at `path` (NSSF_CSV): the
    62,501 rows with a 项目名称. Of the file's 62,580 rows, 76 are empty and 3 name a project leader but no
    project (so 62,504 rows have content, which is what the table reader reads). Titles are as in the file;
    the year is 立项时间's, None where that is `0000-…` (3,560 rows) or empty (4)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["项目名称"].strip()]
    return [(row["项目名称"], _year(row["立项时间"])) for row in rows]


def _year(date: str) -> int | None:
    year = date[:4]
    return int(year) if year.isdigit() and int(year) > 0 else None


def median_seconds(fn, repeats: int = 3, clock=time.perf_counter) -> float:
    """Median over `repeats` runs of fn; `clock=time.process_time` gives CPU seconds instead of wall time."""
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
