"""Cited-work identity: one key for one work, however the citing papers wrote it.

The rule, applied to a parsed reference (pipeline.references.parse):

- **Title key** `first author|title` when the reference has a title; `|title` when it has no author.
  - *first author*: the first name of the list (a list cut with 等 / et al. keeps its first name; role
    words such as 主编 / 著, translators and nationality marks such as [美] were already taken off by the
    parser). A Chinese name is kept as written (simplified); a Latin name becomes its surname in lower
    case, so `LeCun Y`, `LECUN, Y.` and `Yann LeCun` are one author.
  - *title*: simplified characters, NFKC, lower case, edition statements removed (第2版, 修订版,
    2nd ed.), then every character that is not a letter, digit or Han character removed, so punctuation
    width, spaces, quotes and brackets do not matter. Only the main title counts, the part before a
    subtitle mark (——, ：, :), when it has at least MAIN_TITLE_MIN characters after folding: citing papers
    often drop the subtitle.
  - the year is left out: editions and reprints of one book, and a paper cited with its online-first
    year, are one cited work.
- **Source key** `first author|year|journal|volume|first page` when there is no title (Web-of-Science `CR`
  lines). The journal's former names map to its current name (journal_aliases.txt), then it is folded
  like a title.
- No key (None) when neither a title nor a year and journal can be read.

A work cited as a WoS `CR` line and as a GB/T string gets two keys (one has a title, the other not).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pipeline.text.normalize import to_simplified
from pipeline.references.parse import formats

MAIN_TITLE_MIN = 6
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_SUBTITLE = re.compile(r"\s*(?:——|--|—|[:：])\s*")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")


def fold(text: str | None) -> str:
    """Text reduced to what identifies it: simplified, NFKC, lower case, letters/digits/Han only."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", to_simplified(text)).lower()
    return _NOT_WORD.sub("", text)


def name_parts(name: str) -> tuple[str, str]:
    """(surname, given names or initials) of a Latin name; a Chinese name is its own surname part."""
    name = name.strip(" .")
    if re.search(r"[\u3400-\u9fff]", name):
        # A translated Western name (`艾伯特·O.赫希曼`): the surname comes last.
        parts = [p for p in re.split(r"[·.．•]", name) if p.strip()]
        return (parts[-1], "".join(parts[:-1])) if len(parts) > 1 else (name, "")
    if "," in name:
        surname, _, given = name.partition(",")
        return surname.strip(), given.strip()
    tokens = name.split()
    if len(tokens) > 1 and _INITIALS.match(tokens[-1]):
        return " ".join(tokens[:-1]), tokens[-1]
    if len(tokens) > 1:
        return tokens[-1], " ".join(tokens[:-1])
    return name, ""


def author_key(name: str | None) -> str:
    """A name as keys compare it: a Chinese name folded; a Latin name's surname in lower case."""
    if not name:
        return ""
    surname, _ = name_parts(name)
    return fold(surname)


def cited_author(ref: dict) -> str | None:
    """The first author as a cited-author node: a Chinese name as written, a Latin one as `lecun y`
    (surname and first initial, which keeps 王/Wang authors with different given names apart)."""
    if not ref.get("authors"):
        return None
    name = ref["authors"][0]
    surname, given = name_parts(name)
    if re.search(r"[\u3400-\u9fff]", surname):
        return to_simplified(surname)
    initial = re.sub(r"[^A-Za-z]", "", given)[:1].lower()
    return " ".join(part for part in (fold(surname), initial) if part) or None


@lru_cache(maxsize=1)
def journal_aliases() -> dict[str, str]:
    """Folded former name → current name, from journal_aliases.txt."""
    aliases = {}
    for line in Path(__file__).with_name("journal_aliases.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            former, current = line.split("\t", 1)
            aliases[fold(former)] = current.strip()
    return aliases


def cited_journal(ref: dict) -> str | None:
    """The source as a cited-journal node (current name for a renamed journal); None for books, theses
    and references without a source."""
    source = ref.get("source")
    if not source or ref.get("type") in ("M", "D", "R", "S", "P"):
        return None
    return journal_aliases().get(fold(source), source)


def title_key(title: str | None) -> str:
    if not title:
        return ""
    title = formats()["re"]["edition"].sub("", title)
    main = _SUBTITLE.split(title, maxsplit=1)[0]
    return fold(main) if len(fold(main)) >= MAIN_TITLE_MIN else fold(title)


def work_key(ref: dict) -> str | None:
    """The cited-work key of a parsed reference (the rule in the module docstring)."""
    first = author_key(ref["authors"][0]) if ref.get("authors") else ""
    title = title_key(ref.get("title"))
    if title:
        return f"{first}|{title}"
    journal = ref.get("source")
    if ref.get("year") and journal:
        journal = fold(journal_aliases().get(fold(journal), journal))
        page = re.match(r"[A-Za-z]?\d+", ref.get("pages") or "")
        return "|".join([first, str(ref["year"]), journal, fold(ref.get("volume")), page.group(0).lower() if page else ""])
    return None
