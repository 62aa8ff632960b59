"""The built corpus directory: every file name the build writes and the readers read, in one place.

    <out>/documents.jsonl      records, sorted by id
    <out>/tokens.parquet       id, tokens_zh, tokens_en; sorted by id
    <out>/manifest.json        each input's path, content hash, counts, cache entry
    <out>/cache/<hash>-<version>.jsonl   one input's records (the ingest cache)
    <out>/cache/tokens.parquet           id, key: each record's segmentation key (the token cache)
    <out>/cache/segmenter.json           the segmenter settings the workers load
"""
from pathlib import Path

DEFAULT_BUILD = Path("corpus/build")
DEFAULT_RAW = Path("corpus/raw")

DOCUMENTS = "documents.jsonl"
TOKENS = "tokens.parquet"
MANIFEST = "manifest.json"
CACHE = "cache"
TOKEN_KEYS = Path(CACHE) / "tokens.parquet"
SEGMENTER_SPEC = Path(CACHE) / "segmenter.json"
