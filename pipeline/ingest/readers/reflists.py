"""Reference lists by title: `<p>` blocks, each the `<title>` of a citing paper and its references in `<ref>`
and `<book>` (GB/T 7714-style lines, `[1]题名[J]. 作者. 刊名. 2019(06)`, under headers such as `期刊 共5条`).

This is what tools that add cited references to a CNKI export for CiteSpace scrape from CNKI's 参考文献
pages (e.g. ref-cnki2citespace-encoder's `ref_info.html`): markup, but no page. Each block becomes a record
with its title and references only; the build's duplicate merging joins it with the paper's record from
the export (same title), which so gains its references.
"""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry

# Not `export`: a list knows a paper by its title only, so where duplicate merging joins it with the paper's
# own record, that record's fields lead (dedup.SOURCE_RANK ranks kinds it does not list after exports).
SOURCE_KIND = "reference-list"

# The title ends at the next tag: some scraped blocks close it with a second `<title>`.
BLOCK = re.compile(r"<p>\s*<title>([^<]*)<(.*?)</p>", re.S)
LIST = re.compile(r"<(ref|book)>(.*?)</\1>", re.S)
# A header line of one kind of reference (期刊 共5条, 外文题录 共2条), the pager under a list CNKI shows ten
# at a time (共9页 1 2 … 下一页 末页: only the first page was saved), the number that starts an entry, and
# the year that ends one (a line after it without a number is the next entry, not a continuation).
HEADER = re.compile(r"^\S{1,8}\s*共\s*\d+\s*条$")
PAGER = re.compile(r"^共\s*(\d+)\s*页[\s\d]*(?:下一页)?\s*(?:末页)?$")
NUMBERED = re.compile(r"^\[\d+\]")
ENDS_WITH_YEAR = re.compile(r"(?:19|20)\d\d(?:\s*\(\d+\))?$")


def detect(head: list[str]) -> bool:
    return len(head) > 1 and head[0] == "<p>" and head[1].startswith("<title>")


def entries(text: str) -> list[Entry]:
    out = []
    for title, lists in BLOCK.findall(text):
        title = " ".join(title.split())
        if not title:
            continue
        references: list[str] = []
        warnings = []
        for _, listed in LIST.findall(lists):
            for line in (line.strip() for line in listed.split("\n")):
                pager = PAGER.match(line)
                if pager:
                    warnings.append(f"references incomplete: a list of {pager.group(1)} pages was saved with its first only")
                if not line or pager or HEADER.match(line):
                    continue
                if NUMBERED.match(line) or not references or ENDS_WITH_YEAR.search(references[-1]):
                    references.append(line)
                else:  # a long reference wrapped onto the next line
                    references[-1] += (" " if references[-1][-1:].isascii() and line[:1].isascii() else "") + line
        out.append({"title": [title], "references": references, "warnings": warnings})
    return out
