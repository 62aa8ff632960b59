"""Incremental, atomic corpus build: every file under the raw directory → `documents.jsonl` and
`tokens.parquet`.

1. Ingest: each changed input becomes a cache entry, `cache/<content hash>-<ingest code version>.jsonl`
   (a header with its counts, warnings and author keywords, then its records), made by the workers.
2. The entries' records go to `documents.jsonl` sorted by id, through an external merge sort.
3. Duplicates across inputs are merged (merge.py, dedup.py).
4. Segmentation (tokens.write_tokens), in partitions, re-segmenting only what changed.
The manifest maps each input's path to its content hash, cache entry and counts, so an unchanged input
is not re-processed and a rebuild with nothing changed reads nothing else. Steps 2-4 write a new
generation directory, made the current corpus in one atomic switch at the end (generations.py), under
a lock on the output directory (lock.py): a build killed at any moment leaves the previous corpus
whole, and readers never see documents of one build with tokens of another.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import json
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.generations import link_or_copy, new_generation, sweep_generations, switch
from pipeline.build.layout import CACHE, CORPUS_TERMS, DOCUMENTS, LOCK, MANIFEST, TOKENS, corpus_files
from pipeline.build.lock import build_lock
from pipeline.build.progress import IngestProgress
from pipeline.build.tokens import TokenStats, file_digest, keep_mined_tokens, write_tokens
from pipeline.build.merge import merge_duplicate_lines
from pipeline.build.workers import Workers
from pipeline.files import atomic_file, write_atomic
from pipeline.ingest.files import EMPTY_BODY, SIDECARS, IngestResult, ingest_file, iter_input_files
from pipeline.ingest.inputs import InputError, open_input, printable
from pipeline.versions import code_version
from pipeline.record import record_id_bytes

# What the manifest keeps of each input's cache-entry header, so a no-op rebuild need not open the cache.
ENTRY_SUMMARY = ("records", "error", "warnings", "kinds", "spam_blocks", "converted_t2s")
# Bump when the cache entry's layout (_cache_entry) changes: every input is then re-ingested.
ENTRY_FORMAT = "2"


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
    duplicate_groups: int = 0
    merged: int = 0
    out: Path | None = None
    tokens: TokenStats | None = None
    corpus_terms: list[str] | None = None   # mined and protected in this build (None: not segmented now)

    def add(self, source: str, entry: dict) -> None:
        """Count what one input gave (its cache-entry header, or its summary in the manifest)."""
        if entry["error"]:
            self.failures.append((source, entry["error"]))
        # A page that gave no text is a failure although its record (title, metadata) is kept.
        self.failures += [(source, w) for w in entry["warnings"] if w.startswith(EMPTY_BODY)]
        self.warnings += [(source, w) for w in entry["warnings"] if not w.startswith(EMPTY_BODY)]
        self.kinds.update(entry["kinds"])
        self.spam_blocks += entry["spam_blocks"]
        self.converted_t2s += entry["converted_t2s"]
        self.records += entry["records"]

    def problem_lines(self) -> list[str]:
        """`SOURCE: reason` per failure and `SOURCE: warning: reason` per warning (what `ingest` prints)."""
        return ([f"{source}: {reason}" for source, reason in self.failures]
                + [f"{source}: warning: {reason}" for source, reason in self.warnings])

    def report(self, problems: bool = True) -> str:
        """The summary; `problems=False` leaves the failure and warning lines out (the CLI prints them
        on stderr)."""
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        lines = [f"inputs: {self.inputs} ({self.inputs - self.reused} processed, {self.reused} unchanged)",
                 f"records: {self.records}" + (f" (before merging: {kinds})" if kinds else ""),
                 f"spam blocks removed: {self.spam_blocks}",
                 f"duplicates merged: {self.merged + self.duplicate_groups} records into {self.duplicate_groups}"
                 " (`python -m pipeline duplicates` lists them)",
                 f"pages converted from traditional: {self.converted_t2s}",
                 f"failures: {len(self.failures)}"]
        if problems:
            lines += [f"  {source}: {reason}" for source, reason in self.failures]
            lines += [f"  warning: {source}: {reason}" for source, reason in self.warnings]
        if self.corpus_terms is not None:
            shown = "、".join(self.corpus_terms[:10]) + (" …" if len(self.corpus_terms) > 10 else "")
            lines.append(f"corpus terms: {len(self.corpus_terms)} mined and protected ({CORPUS_TERMS})"
                         + (f": {shown}" if shown else ""))
        if self.tokens:
            lines.append(self.tokens.report())
        if self.out:
            lines.append(f"written: {self.out / DOCUMENTS}")
        return "\n".join(lines)


def ingest_code_version() -> str:
    """What cached records depend on: the cache entry's layout and the ingest stage's code and data."""
    return ENTRY_FORMAT + code_version('pipeline.ingest.files')


def segmentation_version() -> str:
    """What the tokens depend on besides the documents: the segmentation stage's code and word lists."""
    return code_version("pipeline.build.tokens")


def _cache_key(content_hash: str) -> str:
    return f"{content_hash[:32]}-{ingest_code_version()}"


# Cache entries hold records of content, not of a path: their `source` is this placeholder, replaced by
# the input's path when the records are copied into documents.jsonl. So a renamed or moved input reuses
# its entry and still gets its new path: an incremental build equals a clean one. (Private-use
# characters: normalization leaves them alone, and no real path holds them.)
SOURCE_PLACEHOLDER = "\ue000input\ue000"
_PLACEHOLDER_BYTES = SOURCE_PLACEHOLDER.encode()


def _with_source(lines: list[bytes], source: str) -> list[bytes]:
    encoded = json.dumps(source, ensure_ascii=False)[1:-1].encode()
    return [line.replace(_PLACEHOLDER_BYTES, encoded) for line in lines]


def _ingest_job(args: tuple[str, Path]) -> None:
    """Ingest one input into its cache entry (written by the worker: the parent only waits)."""
    source, entry = args
    # Read by absolute path (a Dask worker may run in another directory).
    write_atomic(entry, _cache_entry(ingest_file(Path(source).resolve(), SOURCE_PLACEHOLDER)), durable=False)


def _fingerprints(files: list[Path], previous: dict) -> tuple[dict[str, dict], dict[str, str]]:
    """Content hash (page and sidecars), sizes and mtimes of each input, the hash reused while the
    sizes and mtimes are unchanged; and the inputs that cannot be read at all, with the reason."""
    out, bad = {}, {}
    for path in files:
        source = path.as_posix()
        # Sidecars (a fetch's charset and final URL, a table's column mapping) change the records too.
        parts = [path, *(path.with_name(path.name + suffix) for suffix in SIDECARS)]
        try:
            with open_input(path):  # the page itself must be a readable regular file (never a FIFO)
                pass
            stats = [[p.stat().st_size, p.stat().st_mtime_ns] if p.exists() else None for p in parts]
            old = previous.get(source, {})
            if old.get("stat") == stats and old.get("sha256"):
                digest = old["sha256"]
            else:
                hasher = hashlib.sha256()
                for p in parts:
                    if p.exists():
                        with open_input(p) as fh:
                            hashlib.file_digest(fh, lambda: hasher)
                digest = hasher.hexdigest()
        except InputError as exc:
            bad[printable(source)] = str(exc)
            continue
        except OSError as exc:  # a sidecar that vanished or cannot be read
            bad[printable(source)] = f"cannot read file ({exc.strerror or exc})"
            continue
        out[source] = {"sha256": digest, "stat": stats}
    return out, bad


def _load_manifest(corpus: Path) -> dict:
    try:
        manifest = json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _cache_entry(result: IngestResult) -> bytes:
    """An input's cached result: a header line (error, warnings, counts, author keywords), then one
    record per line."""
    header = {"error": result.error, "warnings": result.warnings,
              "keywords_zh": sorted({k for r in result.records for k in r.keywords_zh}),
              "kinds": dict(Counter(r.source_kind for r in result.records)),
              "spam_blocks": sum(r.cleaning.get("spam_blocks", 0) for r in result.records),
              "converted_t2s": sum(bool(r.cleaning.get("converted_t2s")) for r in result.records)}
    lines = [json.dumps(header, ensure_ascii=False)] + [r.to_json() for r in result.records]
    return ("\n".join(lines) + "\n").encode()


def build(raw: str | Path = "corpus/raw", out: str | Path = "corpus/build", jobs: int | None = None,
          progress: bool = True, engine: str = "local", scheduler: str | None = None,
          dedup: bool = True, wait: bool = False, corpus_terms: bool = True) -> BuildSummary:
    """Rebuild `out` from every input under `raw`, re-processing only what changed.

    Records stream from the per-input cache to the output in bounded memory. With `dedup`, duplicates
    across inputs (same DOI, same title + first author + year, near-identical titles) are merged. With
    `corpus_terms`, terms mined from the corpus are protected in its segmentation (corpus_terms.tsv).
    The new corpus is written as a new generation and switched to in one step (see
    pipeline.build.layout). One build at a time per `out`: another one raises BuildLocked naming it,
    or with `wait` is waited for."""
    raw, out = Path(raw), Path(out)
    if not raw.is_dir():
        raise FileNotFoundError(f"{raw}: no such input directory")
    notes: list[str] = []
    with build_lock(out, wait=wait, notes=notes, on_wait=lambda message: print(message, file=sys.stderr)):
        summary = _build_locked(raw, out, jobs, progress, engine, scheduler, dedup, corpus_terms)
    summary.warnings[:0] = [(str(out / LOCK), note) for note in notes]
    return summary


def _build_locked(raw: Path, out: Path, jobs, progress, engine, scheduler, dedup, corpus_terms) -> BuildSummary:
    cache_dir = out / CACHE
    _sweep_leftovers(out)
    sweep_generations(out)
    current = corpus_files(out)  # the corpus readers see now: reused where nothing changed
    previous = _load_manifest(current)
    files = list(iter_input_files([raw]))
    inputs, unreadable = _fingerprints(files, previous.get("inputs", {}))
    keys = {source: _cache_key(info["sha256"]) for source, info in inputs.items()}
    first_with = {}  # cache key → the first input with that content (a page saved twice is one entry)
    for source, key in keys.items():
        first_with.setdefault(key, source)
    todo = [(source, cache_dir.resolve() / f"{key}.jsonl") for key, source in first_with.items()
            if not (cache_dir / f"{key}.jsonl").exists()]

    summary = BuildSummary(out=out, inputs=len(files), reused=len(inputs) - len(todo))
    summary.failures += unreadable.items()
    unchanged = (not todo and (current / DOCUMENTS).exists() and previous.get("dedup", True) == dedup
                 and {s: i.get("cache") for s, i in previous.get("inputs", {}).items()} == keys
                 and all("kinds" in i for i in previous["inputs"].values()))
    manifest = {"ingest_code": ingest_code_version(), "segmentation": segmentation_version(), "dedup": dedup,
                "corpus_terms": corpus_terms, "inputs": {}}
    # A new generation when the documents or the segmentation settings changed (a lexicon edit
    # re-segments only the documents it touches; see tokens.write_tokens). A no-op rebuild writes nothing.
    rebuild = not (unchanged and previous.get("segmentation") == manifest["segmentation"]
                   and previous.get("corpus_terms", False) == corpus_terms
                   and (current / TOKENS).exists() and previous.get("documents_sha256"))
    gen = new_generation(out) if rebuild else None
    keywords: set[str] = set()  # every author keyword of the corpus: the segmenter protects them
    try:
        with Workers(jobs, engine, scheduler) as workers:
            documents = None if unchanged else _SortedLines(gen / DOCUMENTS)
            try:
                for source, key in _entries_in_order(keys, todo, workers, progress):
                    entry = _add_entry(source, key, first_with, previous, cache_dir, documents, keywords, rebuild)
                    summary.add(source, entry)
                    # The input's records themselves are its cache entry, cache/<cache>.jsonl.
                    manifest["inputs"][source] = {**inputs[source], "cache": key,
                                                  **{k: entry[k] for k in ENTRY_SUMMARY}}
                if documents is not None:
                    documents.commit()
                    if dedup:
                        summary.duplicate_groups, summary.merged = merge_duplicate_lines(gen / DOCUMENTS, workers)
                else:
                    summary.duplicate_groups, summary.merged = previous.get("duplicates", [0, 0])
                summary.records -= summary.merged
                manifest["duplicates"] = [summary.duplicate_groups, summary.merged]
            finally:
                if documents is not None:
                    documents.discard()
            if rebuild:
                if documents is None:  # the same documents, new tokens: the file is shared
                    link_or_copy(current / DOCUMENTS, gen / DOCUMENTS)
                mined_dir = Path(tempfile.mkdtemp(dir=gen, prefix=".mined-tokens."))
                try:
                    summary.corpus_terms = _corpus_terms(gen, keywords, corpus_terms, workers, mined_dir)
                    summary.tokens = write_tokens(None, gen, keywords=keywords, corpus_terms=summary.corpus_terms,
                                                  workers=workers, previous_dir=current, documents_table=True,
                                                  mined_dir=mined_dir)
                finally:
                    shutil.rmtree(mined_dir, ignore_errors=True)
                manifest["documents_sha256"] = file_digest(gen / DOCUMENTS)
                write_atomic(gen / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode())
                switch(out, gen)
    except BaseException:
        if gen is not None and corpus_files(out) != gen:
            shutil.rmtree(gen, ignore_errors=True)
        raise
    if rebuild:
        _prune_cache(cache_dir, set(keys.values()))
    return summary


def _corpus_terms(gen: Path, keywords: set[str], wanted: bool, workers: Workers, mined_dir: Path) -> list[str]:
    """Terms mined from the corpus (pipeline.text.lexicon.corpus_terms; its sample segmented by the
    workers, who keep the tokens in `mined_dir` for the token stage) and listed with their scores in
    corpus_terms.tsv (only its header when not `wanted`)."""
    from pipeline.text.lexicon import corpus_terms, write_candidates

    keep = functools.partial(keep_mined_tokens, mined_dir)
    mined = corpus_terms(gen / DOCUMENTS, keywords, map=workers.map, keep=keep) if wanted else []
    write_candidates(mined, gen / CORPUS_TERMS)
    return [c.term for c in mined]


def _add_entry(source: str, key: str, first_with: dict, previous: dict, cache_dir: Path,
               documents: _SortedLines | None, keywords: set[str], rebuild: bool) -> dict:
    """What one input gave (for the summary and the manifest); its records go to `documents`, its
    author keywords to `keywords`."""
    if documents is None:  # the documents are unchanged: what each input gave is in the previous manifest
        if rebuild:
            with open(cache_dir / f"{key}.jsonl", "rb") as fh:
                keywords.update(json.loads(fh.readline())["keywords_zh"])
        return previous["inputs"][source]
    if first_with[key] != source:  # its records came with the first input of that content
        return {"error": None, "warnings": [f"same content as {first_with[key]}: not added again"],
                "kinds": {}, "spam_blocks": 0, "converted_t2s": 0, "records": 0}
    with open(cache_dir / f"{key}.jsonl", "rb") as fh:
        entry = {**json.loads(fh.readline()), "records": 0}
        while lines := fh.readlines(2**20):  # a MiB at a time: one input may be a big export
            documents.extend(_with_source(lines, source))
            entry["records"] += len(lines)
    keywords.update(entry["keywords_zh"])
    return entry


class _SortedLines:
    """Record lines in any order → `target` sorted by id, atomically, in bounded memory: runs of up to
    `run_bytes` are sorted in memory and spilled to temporary files, then merged."""

    def __init__(self, target: Path, run_bytes: int = 16 * 2**20):
        self.target, self.run_bytes = target, run_bytes
        self.tmpdir = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.runs."))
        self.buffer: list[bytes] = []
        self.size = 0
        self.runs: list[Path] = []

    def extend(self, lines: list[bytes]) -> None:
        self.buffer.extend(lines)
        self.size += sum(map(len, lines))
        if self.size >= self.run_bytes:
            self._spill()

    def _spill(self) -> None:
        run = self.tmpdir / f"{len(self.runs):05d}"
        with open(run, "wb") as fh:
            fh.writelines(sorted(self.buffer, key=record_id_bytes))
        self.runs.append(run)
        self.buffer, self.size = [], 0

    def commit(self) -> None:
        with atomic_file(self.target) as dst:
            if not self.runs:  # everything fits in one run: no need to spill it
                dst.writelines(sorted(self.buffer, key=record_id_bytes))
                return
            self._spill()
            with contextlib.ExitStack() as stack:
                files = [stack.enter_context(open(run, "rb")) for run in self.runs]
                dst.writelines(heapq.merge(*files, key=record_id_bytes))

    def discard(self) -> None:
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def _entries_in_order(keys: dict[str, str], todo: list[tuple[str, Path]], workers: Workers,
                      progress: bool) -> Iterator[tuple[str, str]]:
    """(input, cache key) in input order, each once its cache entry exists. The changed inputs are
    ingested by the workers meanwhile, so the caller reads entries while the next ones are made."""
    bar = IngestProgress(todo) if progress else None
    # A handful of inputs is not worth starting workers for.
    ingested = workers.map(_ingest_job, todo, min_parallel=9)
    waiting = {source for source, _ in todo}
    try:
        for source, key in keys.items():
            if source in waiting:
                if bar:
                    bar.reading(source)
                next(ingested)
                if bar:
                    bar.done(source)
            yield source, key
    finally:
        if bar:
            bar.close()


def _sweep_leftovers(out: Path) -> None:
    """Remove what a killed build left besides its generation: temporary files (every stage writes
    under a dot-name and cleans up after itself, unless the process dies), and the files of the flat
    layout before generations (sort runs, token partitions, the token cache, the segmenter settings)."""
    for pattern in (".*.tmp", f".{DOCUMENTS}.runs.*", f"{CACHE}/.*.tmp", f"{CACHE}/.tokens-parts.*",
                    f"{CACHE}/tokens.parquet", f"{CACHE}/segmenter.json"):
        for path in out.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _prune_cache(cache_dir: Path, keep: set[str]) -> None:
    if cache_dir.is_dir():
        for entry in cache_dir.glob("*.jsonl"):
            if entry.stem not in keep:
                entry.unlink(missing_ok=True)
