"""What every export reader shares: splitting tagged text into entries, and turning an entry into a Record.

A reader's only job is format syntax: it splits the text into entries and maps its tags to *roles*
(`ROLES` tables next to each reader). An entry is `{role: [raw values]}`. `to_record` then does all the
cleaning once: list splitting, Chinese/English routing, document types, dates, pages, affiliations.

Roles are the Record's field names (`title_zh`, `authors`, `year`, …) plus a few that need a decision:
`title`, `abstract`, `keywords` (routed to `_zh` or `_en` by script), `first_page`/`last_page`,
`publisher`, `secondary_title`, `tertiary_title` (thesis school, newspaper, proceedings), `srcdb` and
`degree` (CNKI's 来源库 and 学位, which refine the document type), `applicant` and `subject` (patents),
`authors_short` (WoS AU, used when AF is missing), `accession` (WoS UT, tells the database).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.record import Record, _as_year


class ExportError(ValueError):
    """An input that is not a readable export: unknown format, binary, empty or broken. Says why."""


Entry = dict[str, list[str]]
# A line parser: line -> (tag, value) when the line starts a field, else None (a continuation line).
TagMatcher = Callable[[str], "tuple[str, str] | None"]

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LIST_SEPARATORS = re.compile(r"\s*[;；]+\s*")
CJK_COMMAS = re.compile(r"\s*[,，、]+\s*")
# Footnote marks glued to names: 张三1,2 / 张三[1] / 张三(1) / 张三*
NAME_MARKS = re.compile(r"\s*(?:\[[\d,，\s-]*\]|[（(][\d,，\s-]*[）)]|\d+(?:[,，-]\d+)*|\*)\s*$")
AFFIL_NUMBER = re.compile(r"^\s*(?:\[\d+\]|[（(]\d+[）)]|\d+\s*[.．、]|\d+\s+)\s*")
AFFIL_BRACKET_NAMES = re.compile(r"^\[[^\]]*\]\s*")  # WoS C1: "[Smith, J; Doe, A] Univ X"
LEADING_POSTCODE = re.compile(r"^\d{6}\s*[,，]?\s*")
TRAILING_POSTCODE = re.compile(r"[\s,，]*\d{6}\s*$")
ORG_WORD = re.compile(r"大学|学院|学校|研究|医院|公司|中心|委员会|协会|学会|部|局|厅|所|院|校|社|报|馆|站|队|组|办|处|室|会"
                      r"|[A-Za-z]{3,}")
UI_RESIDUE = re.compile(r"<正>|&lt;正&gt;|查看全部|收起|还原|更多")
LINE_BREAKS = re.compile(r"<br\s*/?>|\(#br\)", re.I)
ABSTRACT_LABEL = re.compile(r"^(?:abstract|摘要|【摘要】|\[摘要\])\s*[:：]?\s*", re.I)
ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
ISSN = re.compile(r"\b(\d{4}-?\d{3}[\dXx])\b")
DOI = re.compile(r"10\.\d{4,9}/\S+")

DOC_TYPES = {
    "journal article": "journal", "journal": "journal", "jour": "journal", "j": "journal", "article": "journal",
    "review": "journal", "期刊": "journal", "特色期刊": "journal",
    "thesis": "thesis", "dissertation/thesis": "thesis", "dissertation": "thesis", "thes": "thesis",
    "博士": "thesis", "硕士": "thesis", "学位论文": "thesis", "博士论文": "thesis", "硕士论文": "thesis",
    "conference proceedings": "conference", "conference paper": "conference", "proceedings paper": "conference",
    "conference": "conference", "conf": "conference", "cpaper": "conference", "c": "conference",
    "会议": "conference",
    "中国会议": "conference", "国际会议": "conference",
    "newspaper article": "newspaper", "newspaper": "newspaper", "news": "newspaper", "news item": "newspaper",
    "报纸": "newspaper",
    "patent": "patent", "pat": "patent", "p": "patent", "专利": "patent", "中国专利": "patent",
    "book": "book", "book, whole": "book", "book section": "book", "b": "book", "图书": "book",
    "standard": "standard", "stand": "standard", "标准": "standard", "国家标准": "standard", "行业标准": "standard",
    "年鉴": "yearbook", "统计年鉴": "yearbook", "yearbook": "yearbook",
    "achievement": "achievement", "成果": "achievement", "科技成果": "achievement",
}
DATABASES = (("cnki", "CNKI"), ("知网", "CNKI"), ("万方", "Wanfang"), ("wanfang", "Wanfang"),
             ("维普", "CQVIP"), ("cqvip", "CQVIP"), ("web of science", "WoS"), ("wos", "WoS"))


# ---- splitting text into entries -------------------------------------------------------------------

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


def apply_roles(entry: Entry, roles: dict[str, str | None]) -> Entry:
    """Rename raw tags to roles; tags with no role (or role None) are dropped."""
    out: Entry = {}
    for tag, values in entry.items():
        role = roles.get(tag)
        if role:
            out.setdefault(role, []).extend(values)
    return out


# ---- small cleaners ----------------------------------------------------------------------------------

def has_cjk(text: str | None) -> bool:
    return bool(text) and CJK.search(text) is not None


def clean_text(value: str | None) -> str:
    """One value as tidy text: line-break markup to newlines, UI residue and replacement chars removed."""
    if not value:
        return ""
    value = LINE_BREAKS.sub("\n", value)
    value = UI_RESIDUE.sub("", value).replace("\ufffd", "").replace("\u3000", " ").replace("\xa0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def join_wrapped(parts: Iterable[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one space between Latin words."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not (has_cjk(out[-1]) or has_cjk(part[0])):
            out += " "
        out += part
    return out


def clean_inline(value: str | None) -> str:
    """A single-line field (title, journal): wrapped lines joined, 《》 and stray edge punctuation removed."""
    text = join_wrapped(clean_text(value).split("\n"))
    return text.strip(" ,;；，").removeprefix("《").removesuffix("》").strip()


def split_list(values: Iterable[str], cjk_commas: bool = True) -> list[str]:
    """Split list fields (`a;b`, `a;;b`, `a；b`, one value per line); when there is no semicolon,
    Chinese values are also split on `,，、` (old CNKI records: `谢昕,王小增`)."""
    items: list[str] = []
    for value in values:
        for line in clean_text(value).split("\n"):
            parts = LIST_SEPARATORS.split(line)
            if cjk_commas and len(parts) == 1 and has_cjk(line):
                parts = CJK_COMMAS.split(line)
            items.extend(p.strip(" ,，、") for p in parts)
    return unique(item for item in items if item)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def clean_names(values: Iterable[str]) -> list[str]:
    names = []
    for name in split_list(values):
        if has_cjk(name):
            name = NAME_MARKS.sub("", name).replace(" ", "")
        name = name.replace("认领", "").strip(" ,，")
        if name:
            names.append(name)
    return unique(names)


def clean_affiliations(values: Iterable[str]) -> list[str]:
    out = []
    for item in split_list(values):
        item = AFFIL_BRACKET_NAMES.sub("", item)
        item = AFFIL_NUMBER.sub("", item)
        item = item.split("|")[0]  # CNKI institution codes: 复旦大学附属肿瘤医院|JG001257
        had_postcode = bool(TRAILING_POSTCODE.search(item) or LEADING_POSTCODE.match(item))
        item = LEADING_POSTCODE.sub("", item)
        if TRAILING_POSTCODE.search(item):
            # "学院 湖北武汉430074": the city glued to the postcode goes with it
            item = re.sub(r"\s+\S*\d{6}\s*$", "", item) if re.search(r"\s\S*\d{6}\s*$", item) \
                else TRAILING_POSTCODE.sub("", item)
        item = item.strip(" ,，;；.")
        if had_postcode and not ORG_WORD.search(item):
            continue  # what is left is a place name from an address, not an institution
        if item:
            out.append(item)
    return unique(out)


def strip_zeros(value: str | None) -> str | None:
    """`01` -> `1`, `004` -> `4`; `S1`, `A01` and `0` stay."""
    if not value:
        return None
    value = value.strip()
    return value.lstrip("0") or "0" if value.isdigit() else value


def clean_pages(pages: str | None, first: str | None = None, last: str | None = None) -> str | None:
    if not pages and first:
        pages = f"{first}-{last}" if last and last != first else first
    if not pages:
        return None
    pages = re.sub(r"\s+", "", pages).replace("+", ",").replace("~", "-").replace("–", "-")
    return ",".join(strip_zeros(p) or p for p in pages.split(",")) if pages.replace(",", "").isdigit() \
        else pages


def iso_date(value: str | None) -> str | None:
    m = ISO_DATE.search(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None  # e.g. NSSF's 0000-00-00


def clean_doi(value: str | None) -> str | None:
    m = DOI.search(value or "")
    return m.group(0).rstrip(".,;") if m else None


def clean_issn(value: str | None) -> str | None:
    m = ISSN.search(value or "")
    if not m:
        return None
    digits = m.group(1).replace("-", "").upper()
    return f"{digits[:4]}-{digits[4:]}"


def clean_abstract(value: str | None) -> str | None:
    text = ABSTRACT_LABEL.sub("", clean_text(value))
    return text or None


def doc_type_of(*labels: str | None) -> str | None:
    """The first label (most specific first) that names a known document type, else the first label."""
    for label in labels:
        key = (label or "").strip().lower()
        if key in DOC_TYPES:
            return DOC_TYPES[key]
    return next((label.strip().lower() for label in labels if label and label.strip()), None)


def database_of(label: str | None) -> str | None:
    label = (label or "").strip()
    if not label:
        return None
    low = label.lower()
    for needle, name in DATABASES:
        if needle in low:
            return name
    return label


# ---- entry -> Record --------------------------------------------------------------------------------

def to_record(entry: Entry) -> Record:
    """Build a Record (without id/source) from an entry of `{role: [raw values]}`."""
    def first(role: str) -> str | None:
        for value in entry.get(role, []):
            if value and value.strip():
                return value
        return None

    def inline(role: str) -> str | None:
        return clean_inline(first(role)) or None

    doc_type = doc_type_of(first("srcdb"), first("doc_type"), first("degree"))
    rec = Record(doc_type=doc_type)

    title = inline("title")
    rec.title_zh = inline("title_zh") or (title if has_cjk(title) else None)
    rec.title_en = inline("title_en") or (title if title and not has_cjk(title) else None)
    if rec.title_zh is None and rec.title_en and has_cjk(rec.title_en):
        rec.title_zh, rec.title_en = rec.title_en, None

    rec.authors = clean_names(entry.get("authors") or entry.get("authors_short") or [])
    rec.authors_en = [n for n in clean_names(entry.get("authors_en", [])) if n not in rec.authors]
    rec.affiliations = clean_affiliations(entry.get("affiliations", []))

    journal = inline("journal")
    if doc_type == "thesis":
        # A thesis's 学位授予单位 is where it was written, not a journal.
        school = inline("publisher") or journal
        if school and school not in rec.affiliations:
            rec.affiliations.insert(0, school)
        journal = None
    elif doc_type == "newspaper":
        journal = journal or inline("secondary_title") or inline("publisher")
    elif doc_type == "conference":
        journal = journal or inline("tertiary_title") or inline("secondary_title")
    elif doc_type == "patent":
        # The applicant is the institution; a patent's "author address" is a street address.
        rec.affiliations = clean_affiliations(entry.get("applicant", [])) or rec.affiliations
    elif doc_type not in ("book", "standard", "yearbook"):
        journal = journal or inline("secondary_title")
    rec.journal = journal
    rec.journal_en = inline("journal_en")

    rec.date = iso_date(first("date"))
    rec.year = _as_year(first("year")) or (int(rec.date[:4]) if rec.date else None)
    rec.volume = strip_zeros(inline("volume"))
    rec.issue = strip_zeros(inline("issue"))
    rec.pages = clean_pages(inline("pages"), inline("first_page"), inline("last_page"))

    keywords = split_list(entry.get("keywords", []))
    cjk_keywords = any(has_cjk(k) for k in keywords)
    rec.keywords_zh = split_list(entry.get("keywords_zh", [])) or (keywords if cjk_keywords else [])
    rec.keywords_en = split_list(entry.get("keywords_en", [])) or ([] if cjk_keywords else keywords)

    abstract = clean_abstract(first("abstract") or (first("subject") if doc_type == "patent" else None))
    rec.abstract_zh = clean_abstract(first("abstract_zh")) or (abstract if has_cjk(abstract) else None)
    rec.abstract_en = clean_abstract(first("abstract_en")) or (
        abstract if abstract and not has_cjk(abstract) else None)
    rec.body = clean_text(first("body")) or "\n".join(a for a in (rec.abstract_zh, rec.abstract_en) if a)

    funds = [clean_inline(v) for v in entry.get("fund", [])]
    rec.fund = "；".join(unique(f for f in funds if f)) or None
    rec.doi = clean_doi(first("doi"))
    rec.issn = clean_issn(first("issn")) if doc_type not in ("thesis", "book", "standard") else None
    rec.url = inline("url")
    rec.indexing = split_list(entry.get("indexing", []))
    rec.references = [r for r in (clean_inline(v) for v in entry.get("references", [])) if r]
    rec.database = database_of(first("database")) or _database_from_accession(first("accession"))
    return rec


def _database_from_accession(value: str | None) -> str | None:
    prefix = (value or "").split(":")[0].strip()
    return database_of(prefix) if prefix and ":" in (value or "") else None


def describe(entry: Entry) -> dict[str, Any]:
    """Warnings for an entry that is kept but incomplete (we never drop a record silently)."""
    return {"warnings": ["no title"]} if not any(entry.get(r) for r in ("title", "title_zh", "title_en")) else {}
