"""Incremental, atomic corpus build: every file under the raw directory → `documents.jsonl`.

The manifest maps each input's path to its content hash and record ids; each input's records are
cached by that hash (and the ingest code's own hash), so an unchanged input is not re-processed.
Every file is written to a temporary name and moved into place: a build killed half-way leaves
the previous corpus intact.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.ingest import IngestResult, ingest_file, iter_input_files
from pipeline.record import Record

DOCUMENTS = "documents.jsonl"
MANIFEST = "manifest.json"
CACHE = "cache"
PACKAGE = Path(__file__).resolve().parent
# Code whose change invalidates cached records: everything that turns bytes into records.
INGEST_CODE = ("record.py", "decode.py", "page.py", "clean.py", "fields.py", "normalize.py", "ingest.py",
               "sites", "exports", "data")


@dataclass
class BuildSummary:
    inputs: int = 0
    reused: int = 0
    records: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    spam_blocks: int = 0
    converted_t2s: int = 0
    kinds: Counter = field(default_factory=Counter)
    out: Path | None = None

    def report(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        lines = [f"inputs: {self.inputs} ({self.inputs - self.reused} processed, {self.reused} unchanged)",
                 f"records: {self.records}" + (f" ({kinds})" if kinds else ""),
                 f"spam blocks removed: {self.spam_blocks}",
                 f"pages converted from traditional: {self.converted_t2s}",
                 f"failures: {len(self.failures)}"]
        lines += [f"  {source}: {reason}" for source, reason in self.failures]
        lines += [f"  warning: {source}: {reason}" for source, reason in self.warnings]
        if self.out:
            lines.append(f"written: {self.out / DOCUMENTS}")
        return "\n".join(lines)


@lru_cache(maxsize=1)
def ingest_code_version() -> str:
    digest = hashlib.sha256()
    for name in INGEST_CODE:
        path = PACKAGE / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() \
            else [path] if path.exists() else []
        for file in files:
            digest.update(str(file.relative_to(PACKAGE)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cache_key(content_hash: str) -> str:
    return f"{content_hash[:32]}-{ingest_code_version()}"


def _ingest_job(args: tuple[str, str]) -> tuple[str, IngestResult]:
    path, source = args
    return path, ingest_file(Path(path), source)


def build(raw: str | Path = "corpus/raw", out: str | Path = "corpus/build", jobs: int | None = None,
          progress: bool = True) -> BuildSummary:
    """Rebuild `out` from every input under `raw`, re-processing only what changed."""
    raw, out = Path(raw), Path(out)
    if not raw.is_dir():
        raise FileNotFoundError(f"{raw}: no such input directory")
    cache_dir = out / CACHE
    summary = BuildSummary(out=out)
    files = list(iter_input_files([raw]))
    summary.inputs = len(files)

    hashes = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    results: dict[str, IngestResult] = {}
    todo = []
    for path in files:
        cached = cache_dir / f"{_cache_key(hashes[str(path)])}.json"
        source = path.as_posix()
        if cached.exists():
            results[str(path)] = _load_cached(cached, source)
            summary.reused += 1
        else:
            todo.append((str(path), source))

    for path, result in _run(todo, jobs, progress):
        results[path] = result
        payload = {"error": result.error, "warnings": result.warnings,
                   "records": [r.to_dict() for r in result.records]}
        write_atomic(cache_dir / f"{_cache_key(hashes[path])}.json",
                     json.dumps(payload, ensure_ascii=False).encode())

    records: list[Record] = []
    manifest = {"ingest_code": ingest_code_version(), "inputs": {}}
    for path in files:
        result = results[str(path)]
        source = path.as_posix()
        if result.error:
            summary.failures.append((source, result.error))
        summary.warnings += [(source, w) for w in result.warnings]
        records += result.records
        manifest["inputs"][source] = {"sha256": hashes[str(path)], "records": [r.id for r in result.records],
                                      "error": result.error}

    records.sort(key=lambda r: r.id)
    summary.records = len(records)
    for rec in records:
        summary.kinds[rec.source_kind] += 1
        summary.spam_blocks += rec.cleaning.get("spam_blocks", 0)
        summary.converted_t2s += bool(rec.cleaning.get("converted_t2s"))
    write_atomic(out / DOCUMENTS, "".join(r.to_json() + "\n" for r in records).encode())
    write_atomic(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode())
    _prune_cache(cache_dir, {_cache_key(h) for h in hashes.values()})
    return summary


def _run(todo: list[tuple[str, str]], jobs: int | None, progress: bool):
    """Ingest the changed inputs, in worker processes when there are enough to pay for them."""
    jobs = jobs or os.cpu_count() or 1
    bar = None
    if progress and len(todo) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="file", desc="ingest", file=sys.stderr)
    if jobs > 1 and len(todo) > 8:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for item in pool.map(_ingest_job, todo, chunksize=4):
                bar and bar.update()
                yield item
    else:
        for item in map(_ingest_job, todo):
            bar and bar.update()
            yield item
    if bar:
        bar.close()


def _load_cached(path: Path, source: str) -> IngestResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    return IngestResult(source=source, records=[Record.from_dict(r) for r in data["records"]],
                        error=data["error"], warnings=data.get("warnings", []))


def _prune_cache(cache_dir: Path, keep: set[str]) -> None:
    if cache_dir.is_dir():
        for entry in cache_dir.glob("*.json"):
            if entry.stem not in keep:
                entry.unlink(missing_ok=True)
