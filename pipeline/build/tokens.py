"""The token store: the build's documents.jsonl → tokens.parquet (id, tokens_zh, tokens_en; sorted by id),
incrementally and in partitions segmented by the workers (Arrow files, appended in order).

A record is re-segmented only when its cache key (its text, the lexicon terms in it, the segmenter's
version) changed; the others take their tokens from the previous tokens.parquet. A record the build's
term mining segmented already (keep_mined_tokens), with no mined term in its text, takes those tokens.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.build.documents_table import string_array, string_lists
from pipeline.build.layout import DOCUMENTS, DOCUMENTS_DIGEST, DOCUMENTS_TABLE, SEGMENTER_SPEC, TOKEN_KEYS, TOKENS, corpus_files
from pipeline.build.workers import Workers, line_ranges, read_lines
from pipeline.files import write_atomic
from pipeline.record import Record, iter_records
from pipeline.text import segment
from pipeline.text.normalize import normalize_text
from pipeline.text.segment import Segmenter, get_segmenter, record_text_zh
from pipeline.text.wordlists import DEFAULT_LEXICON, FIELD_LEXICON

log = logging.getLogger(__name__)

# Both Parquet files carry the digest of every (id, key) in their metadata: equal digests prove that
# they come from the same run (a build killed between the two replacements is not trusted).
FINGERPRINT = b"pipeline.tokens.fingerprint"

# Documents are segmented in partitions of about this many bytes of documents.jsonl; each partition is
# one row group of tokens.parquet. Fixed (not tied to the worker count) so the output is too.
PART_BYTES = 1 << 19


@dataclass
class TokenStats:
    documents: int = 0
    segmented: int = 0  # segmented in this run
    mined: int = 0  # of which the term mining segmented (no mined term in them)
    reused: int = 0  # taken from the previous run (text and relevant lexicon terms unchanged)
    lexicon_terms: int = 0
    rejected_terms: int = 0
    written: bool = False  # False when nothing changed: the files were left untouched

    def report(self) -> str:
        mined = f" ({self.mined} by the term mining)" if self.mined else ""
        return (f"tokens: {self.documents} documents ({self.segmented} segmented{mined}, {self.reused} from cache); "
                f"lexicon {self.lexicon_terms} terms, {self.rejected_terms} rejected as too generic")


@dataclass(frozen=True)
class _Part:
    """One partition's task: which lines of documents.jsonl (a byte range), and where to write."""
    number: int
    documents: Path
    offset: int
    size: int
    spec: Path
    spec_digest: str
    previous_dir: Path  # where the previous run's token files are
    parts_dir: Path
    previous: bytes | None  # fingerprint of the previous tokens.parquet and keys, when they are trustworthy
    documents_table: bool = False  # also write the partition's documents as columns (documents_table.py)
    mined: tuple[Path, ...] = ()  # the term mining's token files that hold lines of this partition


def keep_mined_tokens(directory: Path, lines: tuple[tuple[int, int], ...], records: list[Record],
                      raw_tokens: list[list[str]]) -> None:
    """Keep the raw Chinese tokens the build's term mining made of some documents (lexicon.corpus_terms's
    `keep`, in its workers): an Arrow file named by the offsets of its first and last line. The mining
    segments with the build's lexicons and author keywords, without the terms it is about to find, so
    its tokens are the token stage's for every document none of those terms occurs in (most of them)."""
    import pyarrow as pa

    table = pa.Table.from_arrays([string_array([r.id for r in records]),
                                  string_array([_TOKEN_SEPARATOR.join(tokens) for tokens in raw_tokens])],
                                 names=["id", "tokens_zh"])
    _write_part(table, directory / f"{lines[0][0]:012d}-{lines[-1][0]:012d}.arrow")


# Joins a document's mined tokens into one string (normalized text holds no control characters): the
# token stage splits only those it takes.
_TOKEN_SEPARATOR = "\0"


def _mined_files(directory: Path | None) -> list[tuple[int, int, Path]]:
    """(offset of the first line, offset of the last, path) of each kept mining file, in line order."""
    if directory is None:
        return []
    return sorted((*map(int, path.stem.split("-")), path) for path in directory.glob("*.arrow"))


def _mined_tokens(paths: Iterable[Path]) -> dict[str, str]:
    """id → raw Chinese tokens joined by _TOKEN_SEPARATOR, from the term mining's files."""
    tokens = {}
    for path in paths:
        table = _read_part(path)
        tokens.update(zip(table["id"].to_pylist(), table["tokens_zh"].to_pylist()))
    return tokens


def _cache_key(segmenter: Segmenter, record: Record, terms: list[str]) -> str:
    """What a record's tokens depend on: its text fields, the lexicon terms that occur in them, and
    the segmenter's version (stopword lists, options). Adding a keyword to the corpus so re-segments
    exactly the documents that contain it; a stopword change re-segments everything. `terms`:
    segmenter.terms_in(record_text_zh(record)). (Joined with control characters, which normalized text
    never holds: cheaper than JSON, and as unambiguous.)"""
    payload = "\0".join([segmenter.version, record.title_zh or "", record.abstract_zh or "", "\1".join(record.keywords_zh),
                         record.body or "", record.title_en or "", record.abstract_en or "",
                         "\1".join(record.keywords_en), "\1".join(terms)])
    return hashlib.sha256(payload.encode()).hexdigest()


# Columns of a partition, and which of them each written file keeps.
PART_COLUMNS = ("id", "key", "tokens_zh", "tokens_en")
FILE_COLUMNS = {TOKENS: ("id", "tokens_zh", "tokens_en"), TOKEN_KEYS: ("id", "key")}


def _part_schema(columns: Iterable[str] = PART_COLUMNS):
    import pyarrow as pa

    types = {"id": pa.string(), "key": pa.string(), "tokens_zh": pa.list_(pa.string()),
             "tokens_en": pa.list_(pa.string())}
    return pa.schema([(name, types[name]) for name in columns])


def _fingerprint_of(path: Path, key: bytes = FINGERPRINT) -> bytes | None:
    import pyarrow.parquet as pq

    try:
        return (pq.read_metadata(path).metadata or {}).get(key)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # a damaged file only costs re-segmentation
        log.warning("%s: unreadable token cache, re-segmenting (%s)", path, exc)
        return None


def _write_spec(build_dir: Path, lexicon_path: Path | None, keywords: list[str], corpus_terms: list[str],
                options: dict) -> tuple[Path, str]:
    """The segmenter's settings as a file the workers read (a task then carries only its path)."""
    lexicon_digest = hashlib.sha256(Path(lexicon_path).read_bytes()).hexdigest() if lexicon_path else ""
    field_digest = hashlib.sha256(FIELD_LEXICON.read_bytes()).hexdigest()
    spec = {"version": segment.SEGMENTER_VERSION, "lexicon": str(lexicon_path) if lexicon_path else None,
            "lexicon_sha256": lexicon_digest, "field_lexicon": str(FIELD_LEXICON), "field_lexicon_sha256": field_digest,
            "keywords": keywords, "corpus_terms": corpus_terms, "options": options}
    data = json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()
    path = build_dir / SEGMENTER_SPEC
    if not path.exists() or path.read_bytes() != data:
        write_atomic(path, data)
    return path, hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=2)
def _segmenter_from_spec(path: Path, digest: str) -> tuple[Segmenter, frozenset[str]]:
    """The segmenter and its corpus terms (normalized, as it holds its terms), once per worker process
    and spec (the digest makes an edited spec a new cache entry)."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    corpus_terms = spec.get("corpus_terms", [])
    segmenter = get_segmenter(spec["lexicon"], spec["keywords"] + corpus_terms,
                              field_lexicon=spec.get("field_lexicon"), **spec["options"])
    return segmenter, frozenset(normalize_text(term.strip()) for term in corpus_terms)


@functools.lru_cache(maxsize=1)
def _previous_files(previous_dir: Path, fingerprint: bytes):
    """The previous run's key and token files, opened once per worker process (not once per partition:
    their footers grow with the corpus), and the first and last id of each row group."""
    import pyarrow.parquet as pq

    keys, tokens = pq.ParquetFile(previous_dir / TOKEN_KEYS), pq.ParquetFile(previous_dir / TOKENS)
    ranges = [keys.metadata.row_group(i).column(0).statistics for i in range(keys.num_row_groups)]
    return keys, tokens, [r.min for r in ranges], [r.max for r in ranges]


def _previous_rows(previous_dir: Path, fingerprint: bytes, first: str, last: str) -> dict[str, tuple[str, list, list]]:
    """id → (key, tokens_zh, tokens_en) of the previous run, for the ids between first and last. Both
    files have the same row groups (written together, as their equal fingerprints prove), sorted by id."""
    keys, tokens, lows, highs = _previous_files(previous_dir, fingerprint)
    groups = list(range(bisect.bisect_left(highs, first), bisect.bisect_right(lows, last)))
    old = keys.read_row_groups(groups).to_pydict()
    old_tokens = tokens.read_row_groups(groups, columns=["tokens_zh", "tokens_en"]).to_pydict()
    return dict(zip(old["id"], zip(old["key"], old_tokens["tokens_zh"], old_tokens["tokens_en"])))


class _PartResult(NamedTuple):
    path: Path  # the partition's tokens (id, key, tokens_zh, tokens_en) as an Arrow IPC file
    documents: int
    segmented: int
    mined: int
    digest: str  # of its ids and keys
    documents_path: Path | None  # the partition's documents as columns (Arrow IPC), when asked for


def _segment_part(part: _Part) -> _PartResult:
    """Segment one partition into an Arrow file in parts_dir (and copy its documents as columns)."""
    import pyarrow as pa

    segmenter, corpus_terms = _segmenter_from_spec(part.spec, part.spec_digest)
    mined = _mined_tokens(part.mined)
    rows = [json.loads(line) for line in read_lines(part.documents, part.offset, part.size) if line.strip()]
    # Lines of the build's own documents.jsonl (Record.to_json): every field there, of its type.
    records = [Record(**row) for row in rows]
    previous = _previous_rows(part.previous_dir, part.previous, records[0].id, records[-1].id) \
        if part.previous and records else {}
    columns: dict[str, list] = {name: [] for name in PART_COLUMNS}
    digest = hashlib.sha256()
    segmented = mined_used = 0
    for record in records:
        terms = segmenter.terms_in(record_text_zh(record))
        key = _cache_key(segmenter, record, terms)
        old = previous.get(record.id)
        if old is not None and old[0] == key:
            zh, en = old[1], old[2]
        else:
            joined = mined.get(record.id) if corpus_terms.isdisjoint(terms) else None
            raw_zh = joined.split(_TOKEN_SEPARATOR) if joined else None   # ("": no Chinese text, nothing to take)
            zh, en = segmenter.segment_record(record, raw_zh=raw_zh)
            segmented += 1
            mined_used += raw_zh is not None
        for name, value in zip(columns, (record.id, key, zh, en)):
            columns[name].append(value)
        digest.update(f"{record.id}\0{key}\n".encode())
    table = pa.Table.from_arrays([string_array(columns["id"]), string_array(columns["key"]),
                                  string_lists(columns["tokens_zh"]), string_lists(columns["tokens_en"])],
                                 schema=_part_schema())
    path = _write_part(table, part.parts_dir / f"{part.number:08d}.arrow")
    documents_path = None
    if part.documents_table:
        from pipeline.build.documents_table import documents_table

        documents_path = _write_part(documents_table(rows), part.parts_dir / f"{part.number:08d}.documents.arrow")
    return _PartResult(path, len(records), segmented, mined_used, digest.hexdigest(), documents_path)


def _write_part(table, path: Path) -> Path:
    """An Arrow IPC file, read back once by the parent (no decoding, unlike Parquet)."""
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def _read_part(path: Path):
    import pyarrow as pa

    return pa.ipc.open_file(pa.py_buffer(path.read_bytes())).read_all()  # one read; the columns are not copied


class _TokenFiles:
    """tokens.parquet and the key cache (and, when asked, documents.parquet), written under temporary
    names from the partitions (one row group each, appended in order as they arrive); `commit` moves
    them into place."""

    def __init__(self, build_dir: Path, with_documents: bool = False):
        import pyarrow.parquet as pq

        from pipeline.build import documents_table

        self.columns = {build_dir / name: columns for name, columns in FILE_COLUMNS.items()}
        self.temporary = {path: path.with_name(f".{path.name}.tmp") for path in self.columns}
        self.writers = {path: pq.ParquetWriter(self.temporary[path], _part_schema(columns), compression="zstd")
                        for path, columns in self.columns.items()}
        self.documents = None
        if with_documents:
            path = build_dir / DOCUMENTS_TABLE
            self.temporary[path] = path.with_name(f".{path.name}.tmp")
            self.documents = documents_table.DocumentsWriter(self.temporary[path])
            self.writers[path] = self.documents

    def append(self, result: _PartResult) -> None:
        table = _read_part(result.path)
        for path, columns in self.columns.items():
            self.writers[path].write_table(table.select(columns))
        result.path.unlink()
        if self.documents is not None:
            self.documents.write_table(_read_part(result.documents_path))
            result.documents_path.unlink()

    def commit(self, fingerprint: bytes, documents_digest: bytes) -> None:
        for writer in self.writers.values():
            writer.add_key_value_metadata({FINGERPRINT: fingerprint, DOCUMENTS_DIGEST: documents_digest})
            writer.close()
        for path, tmp in self.temporary.items():
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)

    def discard(self) -> None:
        for writer in self.writers.values():
            if writer.is_open:
                writer.close()
        for tmp in self.temporary.values():
            tmp.unlink(missing_ok=True)


def write_tokens(records: Iterable[Record] | None, build_dir: Path, lexicon_path: Path | None = DEFAULT_LEXICON,
                 jobs: int = 1, keywords: Iterable[str] | None = None, corpus_terms: Iterable[str] = (),
                 workers=None, previous_dir: Path | None = None, documents_table: bool = False,
                 mined_dir: Path | None = None, **options) -> TokenStats:
    """Segment the records into build_dir/tokens.parquet (id, tokens_zh, tokens_en; sorted by id).

    `records=None` streams the build's documents.jsonl (sorted by id). The lexicon is `lexicon_path`
    plus the corpus's author keywords (`keywords`: the build gives those of every ingested record,
    duplicates merged away included; read from the records when not given) and the terms mined from
    the corpus (`corpus_terms`, see pipeline.text.lexicon.corpus_terms). Partitions
    of the documents are segmented by `workers` (a parallel.Workers; by default `jobs` local
    processes), each written as a Parquet file, then concatenated: memory stays bounded. A record whose
    cache key (_cache_key) is unchanged reuses its previous tokens; when nothing changed at all, no
    file is written. The output is byte-identical for the same input, whatever the worker count.
    `previous_dir` holds the previous run's files (default build_dir; the build gives the current
    generation while it writes the next one). With `documents_table`, documents.parquet (the documents
    as columns, pipeline.build.documents_table) is written from the same partitions, stamped like
    tokens.parquet. `mined_dir`: the raw tokens the build's term mining kept (keep_mined_tokens), made
    with these keywords and the default lexicons and options."""
    build_dir = Path(build_dir).resolve()  # tasks carry paths: a Dask worker may run elsewhere
    previous_dir = Path(previous_dir).resolve() if previous_dir is not None else build_dir
    build_dir.mkdir(parents=True, exist_ok=True)
    parts_dir = Path(tempfile.mkdtemp(dir=build_dir, prefix=".tokens-parts."))
    own_workers = workers is None
    workers = workers or Workers(jobs)
    files = None
    try:
        documents = build_dir / DOCUMENTS
        if records is not None:  # written like the build's documents.jsonl: the workers read lines of it
            documents = parts_dir / DOCUMENTS
            documents.write_bytes(b"".join((r.to_json() + "\n").encode() for r in sorted(records, key=lambda r: r.id)))
        elif not documents.exists():
            raise FileNotFoundError(f"{documents}: no documents to segment")
        if keywords is None:
            keywords = _corpus_keywords(documents)
        spec, spec_digest = _write_spec(build_dir, lexicon_path, sorted(set(keywords)), sorted(set(corpus_terms)),
                                        options)
        previous = _fingerprint_of(previous_dir / TOKENS)
        reuse = previous is not None and previous == _fingerprint_of(previous_dir / TOKEN_KEYS)
        # Built here, before local workers are forked, so that they inherit it (see parallel.Workers).
        segmenter, _ = _segmenter_from_spec(spec, spec_digest)
        stats = TokenStats(lexicon_terms=len(segmenter.terms), rejected_terms=len(segmenter.rejected))
        # The mining's tokens are this segmenter's only with the settings the mining used.
        mined = _mined_files(mined_dir if lexicon_path == DEFAULT_LEXICON and not options else None)

        files = _TokenFiles(build_dir, documents_table)
        tasks = (_Part(n, documents, offset, size, spec, spec_digest, previous_dir, parts_dir,
                       previous if reuse else None, documents_table,
                       tuple(path for first, last, path in mined if first < offset + size and last >= offset))
                 for n, (offset, size) in enumerate(line_ranges(documents, PART_BYTES)))
        fingerprint = hashlib.sha256()
        for result in workers.map(_segment_part, tasks):
            files.append(result)
            stats.documents += result.documents
            stats.segmented += result.segmented
            stats.mined += result.mined
            fingerprint.update(result.digest.encode())
        stats.reused = stats.documents - stats.segmented
        fingerprint = fingerprint.hexdigest().encode()
        documents_digest = file_digest(documents).encode()
        if not (reuse and previous == fingerprint and previous_dir == build_dir
                and _fingerprint_of(build_dir / TOKENS, DOCUMENTS_DIGEST) == documents_digest):
            files.commit(fingerprint, documents_digest)
            stats.written = True
    finally:
        if files is not None:
            files.discard()
        if own_workers:
            workers.close()
        shutil.rmtree(parts_dir, ignore_errors=True)
    return stats


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read a MiB at a time."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def segmenter_settings(corpus_dir: Path) -> dict:
    """The settings a built corpus was segmented with, as keyword arguments of `get_segmenter`:
    `lexicon` and `field_lexicon` (paths, or None), `extra_terms` (the author keywords and corpus terms the build
    protected) and the
    segmenter's options. From its segmenter settings file; else the default lexicon and the keywords of
    its documents.jsonl; else the default lexicon alone."""
    corpus_dir = corpus_files(corpus_dir)
    spec, documents = corpus_dir / SEGMENTER_SPEC, corpus_dir / DOCUMENTS
    if spec.exists():  # the build's keywords include those of duplicates merged away
        saved = json.loads(spec.read_text(encoding="utf-8"))
        lexicons = {}
        for name, default in (("lexicon", DEFAULT_LEXICON), ("field_lexicon", FIELD_LEXICON)):
            path = saved.get(name, str(default))   # (settings files older than the field lexicon lack it)
            if path is not None and not Path(path).exists():   # built elsewhere: the file it named is gone
                path = str(default)
            lexicons[name] = path
        extra = set(saved["keywords"]) | set(saved.get("corpus_terms", []))
        return {**lexicons, "extra_terms": sorted(extra), **saved["options"]}
    keywords = _corpus_keywords(documents) if documents.exists() else set()
    return {"lexicon": str(DEFAULT_LEXICON), "field_lexicon": str(FIELD_LEXICON), "extra_terms": sorted(keywords)}


def corpus_segmenter(corpus_dir: Path, **options) -> Segmenter:
    """The build's segmenter for a built corpus (see segmenter_settings); `options` override its own."""
    return get_segmenter(**{**segmenter_settings(corpus_dir), **options})


def _corpus_keywords(documents: Path) -> set[str]:
    """Every author keyword (Chinese) of the records in a documents.jsonl."""
    return {k for record in iter_records(documents) for k in record.keywords_zh}
