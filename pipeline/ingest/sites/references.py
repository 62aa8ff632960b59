"""Reference lists of saved pages, for every page kind.

    page_references(page, kind) -> [entry, …]   (each entry as the page shows it, `[1]…` included)

Two ways in, both driven by references.toml:
1. a site's own reference blocks (HTML): CNKI's list frame (`div.essayBox`), Wanfang's and CQVIP's
   reference panels — each block's lines are read as a list unless the nearest heading before the block
   names an excluded list (引证文献, 相似文献, 同被引文献 …);
2. otherwise the page's lines in order (HTML or a text save): a heading line (参考文献 / References / 引文网络 …)
   starts a list, an excluded heading or a closing note (本文系…, 作者简介) ends it. Inside a list a line with an
   item number (`[1]`, `1.`, `［1］`, `(1)`, `①`) starts an entry; a line that reads as a reference starts one
   too (unnumbered list items); any other line continues the entry before it when that entry is unfinished
   (a wrapped line of a text save), and ends the list otherwise.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pipeline.text.normalize import normalize_whitespace, to_simplified
from pipeline.ingest.page import Page, text_lines
from pipeline.references import parse_reference

HEADING_MAX = 30  # characters: a longer line is text, not a heading


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(Path(__file__).with_name("references.toml"), "rb") as fh:
        data = tomllib.load(fh)
    headings = data["headings"]

    def words(names):
        return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in sorted(names, key=len, reverse=True))

    decoration = headings["decoration"].lstrip("^")
    data["re"] = {
        "references": re.compile(rf"^[【\[〔]?\s*(?:{words(headings['references'])})\s*[】\]〕]?{decoration}", re.I),
        "excluded": re.compile(rf"^[【\[〔]?\s*(?:{words(headings['excluded'])})\s*[】\]〕]?{decoration}", re.I),
        "furniture": re.compile("|".join(data["list"]["furniture"])),
        "stop": re.compile("|".join(data["list"]["stop"])),
        "entry_start": re.compile(data["list"]["entry_start"] + r"\s*"),
    }
    return data


def heading_kind(line: str) -> str | None:
    """'references' or 'excluded' when the line is such a heading, else None."""
    line = line.strip()
    if not line or len(line) > HEADING_MAX:
        return None
    spaced = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", line)  # `参 考 文 献`
    for kind in ("excluded", "references"):
        if rules()["re"][kind].match(spaced):
            return kind
    return None


def page_references(page: Page, kind: str) -> list[str]:
    """The reference entries a page shows (empty when it shows none)."""
    if page.is_html:
        found = _from_blocks(page, kind)
        if found:
            return found
    return scan_lines(page.lines)


def scan_lines(lines: list[str], in_list: bool = False) -> list[str]:
    """Reference entries in a run of lines; `in_list`: the lines start inside a list (a site's block)."""
    compiled = rules()["re"]
    entries: list[str] = []
    current: list[str] | None = [] if in_list else None  # the list being read
    for line in lines:
        line = line.strip()
        heading = heading_kind(line)
        if heading:
            current = [] if heading == "references" else None  # a second list adds to the first
            continue
        if current is None or not line or compiled["furniture"].search(line):
            continue
        if compiled["stop"].search(line):
            current = None
        elif current and compiled["entry_start"].fullmatch(current[-1]):  # `[1]` alone on its line
            entries[-1] = current[-1] = current[-1] + line
        elif compiled["entry_start"].match(line) or _reads_as_reference(line):
            entries.append(line)
            current.append(line)
        elif current and not _finished(current[-1]):
            joined = current[-1] + ("" if _cjk_edge(current[-1], line) else " ") + line
            entries[-1] = current[-1] = joined
        elif current:
            current = None  # the list has ended
    return entries


def _reads_as_reference(line: str) -> bool:
    if len(line) < 12 or len(line) > 600:
        return False
    ref = parse_reference(line)
    return ref["year"] is not None and bool(ref["title"]) and (bool(ref["source"]) or ref["type"] is not None)


def _finished(entry: str) -> bool:
    """An entry that reads as a whole reference and ends like one."""
    return bool(re.search(r"[.。)）\d]$", entry)) and parse_reference(entry)["year"] is not None


def _cjk_edge(left: str, right: str) -> bool:
    return bool(re.match(r"[\u4e00-\u9fff，。：；]", left[-1:] or " ") or re.match(r"[\u4e00-\u9fff]", right[:1] or " "))


def _from_blocks(page: Page, kind: str) -> list[str]:
    from pipeline.ingest.sites.dom import select

    entries: list[str] = []
    seen: set = set()
    for selector in rules()["blocks"].get(kind, []):
        for block in select(page.tree, selector):
            if any(id(a) in seen for a in block.iterancestors()) or id(block) in seen:
                continue
            seen.add(id(block))
            if _heading_before(block) == "excluded":
                continue
            lines = normalize_whitespace(to_simplified("\n".join(text_lines(block)))).split("\n")
            entries += scan_lines(lines, in_list=True)
    return entries


def _heading_before(block, levels: int = 4) -> str | None:
    """The kind of the nearest heading before a block: its preceding siblings, then its ancestors'."""
    element = block
    for _ in range(levels):
        for sibling in element.itersiblings(preceding=True):
            lines = text_lines(sibling) if isinstance(sibling.tag, str) else []
            for line in reversed(lines):
                if found := heading_kind(to_simplified(line)):
                    return found
        element = element.getparent()
        if element is None:
            return None
    return None
