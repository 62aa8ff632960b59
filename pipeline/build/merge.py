"""Duplicate merging inside the build: a sorted documents.jsonl → the same file with each duplicate group
merged into one record (dedup.py says what a duplicate is and how a group is merged).

The parent process only does what needs the whole corpus at once, on small values:
1. the workers read byte ranges of the file and return each line's match keys, the MinHash signature of
   its title, and where the line is (offset, length);
2. the parent groups the keys (dedup.group_duplicates) and reads the members' lines by offset;
3. the workers merge chunks of groups (JSON in, JSON out), with each member's summary for review;
4. the parent rewrites the file: the bytes between members are copied in large blocks, each merged record
   takes the place of its first member (its smallest id: the file stays sorted), the other members go.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from pipeline.build.workers import Workers, line_ranges
from pipeline.files import atomic_file
from pipeline.record import Record

# Match keys are computed in partitions of about this many bytes of documents.jsonl.
PART_BYTES = 2**22
# Groups merged per worker task.
GROUPS_PER_TASK = 256
COPY_BYTES = 2**20


class _KeysPart(NamedTuple):
    """What a worker returns for one byte range of documents.jsonl."""
    keys: object  # dedup.MatchKeys
    signatures: object  # MinHash signatures of the titles long enough for near matching (numpy)
    offsets: list[int]  # of each line in the file
    lengths: list[int]  # of each line, with its newline


def merge_duplicate_lines(documents: Path, workers: Workers | None = None) -> tuple[int, int]:
    """Merge duplicate records of a sorted documents.jsonl in place; returns (groups, records merged away)."""
    import numpy  # noqa: F401 -- loaded here, before the workers are forked, so that they inherit it

    from pipeline.build.dedup import MatchKeys, group_duplicates
    from pipeline.text.normalize import to_simplified

    to_simplified("預熱")  # so is OpenCC (the parent needs both later anyway)
    workers = workers or Workers(1)
    documents = documents.resolve()  # tasks carry paths: a Dask worker may run elsewhere
    parts, signatures, offsets, lengths = [], [], [], []
    for part in workers.map(_match_keys, ((documents, start, size) for start, size in line_ranges(documents, PART_BYTES))):
        parts.append(part.keys)
        signatures.append(part.signatures)
        offsets += part.offsets
        lengths += part.lengths
    keys = MatchKeys.concat(parts)
    groups = [members for members, _ in group_duplicates(keys, _concat(signatures))]
    del parts, signatures, keys
    if not groups:
        return 0, 0
    with open(documents, "rb") as fh:
        lines = {}
        for i in sorted(i for members in groups for i in members):
            fh.seek(offsets[i])
            lines[i] = fh.read(lengths[i])
    tasks = ([[lines[i] for i in members] for members in groups[start:start + GROUPS_PER_TASK]]
             for start in range(0, len(groups), GROUPS_PER_TASK))
    merged_lines = [line for chunk in workers.map(_merge_groups, tasks) for line in chunk]
    # Each merged record goes where its smallest id was: its first member (members are in file order, and
    # the file is sorted by id).
    replace = {members[0]: line for members, line in zip(groups, merged_lines)}
    spans = sorted((offsets[i], lengths[i], replace.get(i)) for members in groups for i in members)
    del lines
    with atomic_file(documents) as out, open(documents, "rb") as fh:
        position = 0
        for offset, length, line in spans:
            _copy(fh, out, offset - position)
            fh.seek(length, 1)
            position = offset + length
            if line is not None:
                out.write(line)
        _copy(fh, out, None)
    return len(groups), sum(len(g) - 1 for g in groups)


def _concat(signatures: list):
    import numpy as np

    from pipeline.build.dedup import BANDS, ROWS

    return np.concatenate(signatures) if signatures else np.empty((0, BANDS * ROWS), dtype=np.uint32)


def _copy(src, dst, size: int | None) -> None:
    """`size` bytes (all that is left: None) from src to dst, a block at a time."""
    while size is None or size > 0:
        block = src.read(COPY_BYTES if size is None else min(size, COPY_BYTES))
        if not block:
            return
        dst.write(block)
        if size is not None:
            size -= len(block)


def _match_keys(task: tuple[Path, int, int]) -> _KeysPart:
    """Match keys, title signatures and line positions of one byte range of documents.jsonl (a worker task)."""
    from pipeline.build.dedup import MatchKeys, near_signatures

    path, start, size = task
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(size)
    rows, offsets, lengths = [], [], []
    position = start
    for line in data.splitlines(keepends=True):
        if line.strip():
            rows.append(json.loads(line))
            offsets.append(position)
            lengths.append(len(line))
        position += len(line)
    light = [Record(id=row["id"], title_zh=row["title_zh"], title_en=row["title_en"], authors=row["authors"][:1],
                    year=row["year"], doi=row["doi"]) for row in rows]
    keys = MatchKeys.of(light)
    return _KeysPart(keys, near_signatures(keys.titles), offsets, lengths)


def _merge_groups(groups: list[list[bytes]]) -> list[bytes]:
    """Each group's member lines → the merged record's line (a worker task)."""
    from pipeline.build.dedup import member_summaries, merge_group

    merged = []
    for lines in groups:
        members = [Record(**json.loads(line)) for line in lines]
        merged.append((merge_group(members, member_summaries(members)).to_json() + "\n").encode())
    return merged
