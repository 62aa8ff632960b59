"""The built corpus directory: every file name the build writes and the readers read, in one place.

    <out>/documents.jsonl  -> current/documents.jsonl   records, sorted by id
    <out>/documents.parquet -> current/documents.parquet the same records as columns (documents_table.py)
    <out>/tokens.parquet   -> current/tokens.parquet    id, tokens_zh, tokens_en; sorted by id
    <out>/manifest.json    -> current/manifest.json     each input's path, content hash, counts, cache entry
    <out>/corpus_terms.tsv -> current/corpus_terms.tsv  terms mined from the corpus and protected, with scores
    <out>/current          -> gen-000007                the corpus readers see (one symbolic link)
    <out>/gen-000007/      one generation: the files above, and
        token_keys.parquet     id, key: each record's segmentation key (the token cache)
        segmenter.json         the segmenter settings the workers load (the corpus's protected keywords)
    <out>/cache/<hash>-<version>.jsonl   one input's records (the ingest cache, shared by generations)
    <out>/.build.lock      who is building (pid, host, start time); see pipeline.build.lock

A build writes a new generation directory and then switches `current` to it with one atomic rename:
readers see the old corpus or the new one, whole, never a mix. The public names (`<out>/documents.jsonl`
…) are links through `current`; a reader that needs several files at once resolves `current` once
(`corpus_files`). The previous generation stays until the next build starts (a reader that resolved it
just before the switch can finish). A directory without `current` (written by other tools, or by builds
before generations) is read as one flat corpus.
"""
from pathlib import Path

DEFAULT_BUILD = Path("corpus/build")
DEFAULT_RAW = Path("corpus/raw")

DOCUMENTS = "documents.jsonl"
DOCUMENTS_TABLE = "documents.parquet"
TOKENS = "tokens.parquet"
MANIFEST = "manifest.json"
CORPUS_TERMS = "corpus_terms.tsv"
CACHE = "cache"
CURRENT = "current"
GENERATION_PREFIX = "gen-"
LOCK = ".build.lock"
# Inside a generation (beside documents.jsonl).
TOKEN_KEYS = "token_keys.parquet"
SEGMENTER_SPEC = "segmenter.json"
# Metadata key of tokens.parquet and documents.parquet: the SHA-256 of the documents.jsonl they were made from (the manifest's
# `documents_sha256` says the same), so that a reader can refuse parts that do not belong together.
DOCUMENTS_DIGEST = b"pipeline.documents.sha256"
# The names linked from <out> into the current generation.
PUBLIC = (DOCUMENTS, DOCUMENTS_TABLE, TOKENS, MANIFEST, CORPUS_TERMS)


def corpus_files(out: str | Path) -> Path:
    """The directory holding one consistent corpus under `out`: the current generation, resolved once
    (so that files opened from it belong together), or `out` itself for a flat corpus."""
    out = Path(out)
    current = out / CURRENT
    if current.is_symlink():
        return out / Path(current.readlink()).name
    return out
