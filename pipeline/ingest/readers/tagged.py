"""Splitting field-tagged export text (RIS, WoS, EndNote, Refworks, NoteExpress, E-Study, CSSCI) into
entries: `{tag: [raw values]}` in file order, then tags renamed to roles (`apply_roles`). Each reader gives
its own line matcher and entry start; turning an entry into a Record is pipeline.ingest.readers.common's.
"""
from __future__ import annotations

import re
from collections.abc import Callable

Entry = dict[str, list[str]]
# A line parser: line -> (tag, value) when the line starts a field, else None (a continuation line).
TagMatcher = Callable[[str], "tuple[str, str] | None"]


def parse_tagged(text: str, match: TagMatcher, starts_entry: Callable[[str, Entry], bool],
                 ends_entry: Callable[[str], bool] = lambda tag: False) -> list[Entry]:
    """Split field-tagged text into entries of `{tag: [values]}` (raw tags, in file order).

    A line the matcher does not recognise continues the previous field's last value. Blank lines
    are ignored (some exports put them between every field), so entries are delimited by their
    start tag (`starts_entry(tag, current)`) and, where the format has one, an end tag.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    last_tag: str | None = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        hit = match(line)
        if hit is None:
            if current is not None and last_tag is not None:
                current[last_tag][-1] += "\n" + line.strip()
            continue
        tag, value = hit
        if current is None or starts_entry(tag, current):
            current = {}
            entries.append(current)
        if ends_entry(tag):
            current, last_tag = None, None
            continue
        current.setdefault(tag, []).append(value.strip())
        last_tag = tag
    return [entry for entry in entries if entry]


def looks_like(head: list[str], start: str, field: str) -> bool:
    """Detection by content: the first line matches `start` and a line of the head matches `field`
    (a title or author tag), so that a note starting with "RT @someone" is not taken for Refworks."""
    return bool(head) and re.match(start, head[0]) is not None and any(re.match(field, line) for line in head)


def apply_roles(entry: Entry, roles: dict[str, str | None]) -> Entry:
    """Rename raw tags to roles; tags with no role (or role None) are dropped."""
    out: Entry = {}
    for tag, values in entry.items():
        role = roles.get(tag)
        if role:
            out.setdefault(role, []).extend(values)
    return out


def mark_truncated(entries: list[Entry], text: str, end_tag: str) -> list[Entry]:
    """In formats that close every record (`ER`), a last record left open means the file was cut off."""
    last_line = text.rstrip().rsplit("\n", 1)[-1].strip()
    if entries and not last_line.startswith((end_tag, "EF")):
        entries[-1].setdefault("warnings", []).append(f"truncated: the file ends inside this record (no {end_tag})")
    return entries


def mark_cut_short(raw: list[Entry], roled: list[Entry]) -> list[Entry]:
    """In formats without an end tag (EndNote, Refworks), a last record that lacks the tag every other
    record ends with (`%W CNKI`, `DS CNKI`) means the file was cut off. `raw` are the entries with their
    file tags (in file order), `roled` the same entries after apply_roles, which get the warning."""
    closing = {list(entry)[-1] for entry in raw[:-1]}
    if len(raw) >= 2 and len(closing) == 1 and closing.pop() not in raw[-1]:
        roled[-1].setdefault("warnings", []).append("truncated: the file ends inside this record (it lacks "
                                                    "the last field every other record has)")
    return roled


def tag_matcher(pattern: re.Pattern, strip: bool = False):
    """A `parse_tagged` matcher for `TAG value` lines: (group 1, group 2 or "")."""
    def match(line: str) -> tuple[str, str] | None:
        m = pattern.match(line.rstrip() if strip else line)
        return (m.group(1), m.group(2) or "") if m else None
    return match
