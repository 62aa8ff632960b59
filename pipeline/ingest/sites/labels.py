"""Labelled sections of Chinese academic text (`摘要：`, `关键词`, `基金项目：`, `参考文献` …).

Pages and text saves of every kind label their parts with the same words; only how a label sits
on its line differs (`摘要：…`, `【摘要】…`, `摘" 要" …`, `摘　要` alone on a line). Site extractors
give a policy (how many following lines an unaccompanied label takes) and get sections back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ingest.sites import data
from pipeline.text.normalize import simplify_characters

# field → label words (labels.toml [sections]); order matters, see there.
LABELS: dict[str, tuple[str, ...]] = {name: tuple(words) for name, words in data.labels()["sections"].items()}

# Between the characters of a label, saves insert spaces, U+3000 and stray quotes: `摘" 要"`, `摘　要`.
_GAP = r"[\s\"“”'‘’]*"
_OPEN = r"^[【\[〔（(]?\s*"
_CLOSE = r"\s*[】\]〕）)]?[\s\"“”'‘’]*(?P<sep>[:：]?)[\s\"“”'‘’]*"


def _label_pattern(word: str) -> str:
    if word.isascii():
        return re.escape(word).replace(r"\ ", r"\s*")
    return _GAP.join(re.escape(ch) for ch in word)


_LABEL_RE = re.compile(
    _OPEN + "(?:" + "|".join(
        f"(?P<{name}>{'|'.join(_label_pattern(w) for w in words)})" for name, words in LABELS.items()
    ) + ")" + _CLOSE + r"(?P<value>.*)$",
    re.I,
)


def match_label(line: str) -> tuple[str, str] | None:
    """(field, value) when the line starts with a label, else None.

    A label must stand alone or be followed by a separator (`：`, a bracket, a quote or a space), so
    that `作者认为…` in running text is not taken for the `作者` label. A label written partly in traditional
    characters in simplified text (`【中圖分类号】`) is found too; the value is the line's own text."""
    m = _LABEL_RE.match(simplify_characters(line))
    if not m:
        return None
    name = next(k for k in LABELS if m.group(k))
    value = line[m.start("value"):m.end("value")].strip()
    if value:
        matched = line[: m.start("value")]
        label_end = m.end(name)
        separated = bool(m.group("sep")) or re.search(r"[\s\"“”'‘’】\]〕)）]", line[label_end:m.start("value")])
        if not separated or (name in ("authors", "editor", "affiliations") and not m.group("sep")
                             and "】" not in matched):
            return None
    return name, value


@dataclass
class Sections:
    fields: dict[str, list[str]] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)  # lines in no section, in page order

    def text(self, name: str, sep: str = "\n") -> str | None:
        lines = self.fields.get(name)
        return sep.join(lines) if lines else None


def split_sections(lines: list[str], follow: dict[str, int | None], default_follow: int | None = 0,
                   stop: re.Pattern | None = None) -> Sections:
    """Group lines under their labels.

    A label with its value on the same line takes only that line. A label alone on its line takes
    the next `follow[field]` lines (None: every line up to the next label or a `stop` line)."""
    out = Sections()
    current, remaining = None, 0
    for line in lines:
        found = match_label(line)
        if found:
            name, value = found
            out.fields.setdefault(name, [])
            if value:
                out.fields[name].append(value)
                current, remaining = None, 0
            else:
                current, remaining = name, follow.get(name, default_follow)
            continue
        if stop is not None and stop.search(line):
            current, remaining = None, 0
        if current is not None and (remaining is None or remaining > 0):
            out.fields[current].append(line)
            if remaining is not None:
                remaining -= 1
            continue
        current = None
        out.rest.append(line)
    return out
