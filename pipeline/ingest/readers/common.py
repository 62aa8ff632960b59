"""What every export reader shares after splitting (pipeline.ingest.readers.tagged): the error a bad input
raises, and turning an entry into a Record.

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

import re
from collections.abc import Iterable
from typing import Any

from pipeline.ingest import fields
from pipeline.ingest.readers.tagged import Entry
from pipeline.record import Record, _as_year


class ExportError(ValueError):
    """An input that is not a readable export: unknown format, binary, empty or broken. Says why."""


LIST_SEPARATORS = re.compile(r"\s*[;；]+\s*")
CJK_COMMAS = re.compile(r"\s*[,，、]+\s*")
AFFIL_BRACKET_NAMES = re.compile(r"^\[[^\]]*\]\s*")  # WoS C1: "[Smith, J; Doe, A] Univ X"
ADDRESS_TAIL = re.compile(r"[,，]\s*[^,，;；\d]{1,12}[,，]\s*\d{6}\s*$")
POSTCODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
ORG_WORD = re.compile(r"大学|学院|学校|研究|医院|公司|中心|委员会|协会|学会|部|局|厅|所|院|校|社|报|馆|站|队|组|办|处|室|会"
                      r"|[A-Za-z]{3,}")
LINE_BREAKS = re.compile(r"<br\s*/?>|\(#br\)", re.I)
ABSTRACT_LABEL = re.compile(r"^(?:abstract|摘要|【摘要】|\[摘要\])\s*[:：]?\s*", re.I)

DOC_TYPES = {
    "journal article": "journal", "journal": "journal", "jour": "journal", "j": "journal", "article": "journal",
    "review": "journal", "期刊": "journal", "特色期刊": "journal",
    "thesis": "thesis", "dissertation/thesis": "thesis", "dissertation": "thesis", "thes": "thesis",
    "博士": "thesis", "硕士": "thesis", "学位论文": "thesis", "博士论文": "thesis", "硕士论文": "thesis",
    "conference proceedings": "conference", "conference paper": "conference", "proceedings paper": "conference",
    "conference": "conference", "conf": "conference", "cpaper": "conference", "c": "conference",
    "会议": "conference", "中国会议": "conference", "国际会议": "conference",
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


# ---- small cleaners ----------------------------------------------------------------------------------

def clean_text(value: str | None) -> str:
    """One value as tidy text: line-break markup to newlines, UI residue and replacement chars removed."""
    if not value:
        return ""
    value = LINE_BREAKS.sub("\n", value)
    value = value.replace("<正>", "").replace("&lt;正&gt;", "").replace("\ufffd", "").replace("\u3000", " ").replace("\xa0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def join_wrapped(parts: Iterable[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one space between Latin words."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not (fields.has_han(out[-1]) or fields.has_han(part[0])):
            out += " "
        out += part
    return out


def clean_inline(value: str | None) -> str:
    """A single-line field (title, journal): wrapped lines joined, stray edge separators removed."""
    return join_wrapped(clean_text(value).split("\n")).strip(" ,;；，")


def split_list(values: Iterable[str], cjk_commas: bool = True) -> list[str]:
    """Split list fields (`a;b`, `a;;b`, `a；b`, one item per line). A field given as one Chinese value
    without semicolons is also split on `,，、` (old CNKI records: `谢昕,王小增`); a field given as
    several values (Wanfang's repeated `{Keywords}:` lines) is not, so `马克思、恩格斯` stays one item."""
    values = list(values)
    items: list[str] = []
    for value in values:
        for line in clean_text(value).split("\n"):
            parts = LIST_SEPARATORS.split(line)
            if cjk_commas and len(parts) == 1 and len(values) == 1 and fields.has_han(line):
                parts = CJK_COMMAS.split(line)
            items.extend(p.strip(" ,，、") for p in parts)
    return unique(item for item in items if item)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def clean_names(values: Iterable[str]) -> list[str]:
    return unique(name for value in values for line in clean_text(value).split("\n")
                  for name in fields.split_authors(line))


def clean_affiliations(values: Iterable[str], cjk_commas: bool = True) -> list[str]:
    # Wanfang writes "医院,浙江 湖州,313000": drop the address tail before commas can split it.
    values = ["\n".join(";".join(ADDRESS_TAIL.sub("", part) for part in LIST_SEPARATORS.split(line))
                        for line in clean_text(value).split("\n")) for value in values]
    out = []
    for item in split_list(values, cjk_commas):
        item = AFFIL_BRACKET_NAMES.sub("", item).split("|")[0]  # CNKI codes: 复旦大学附属肿瘤医院|JG001257
        cleaned = fields.clean_affiliation(item)
        if POSTCODE.search(item) and not ORG_WORD.search(cleaned):
            continue  # what is left is a place name from an address (",湖北武汉430074"), not an institution
        if cleaned:
            out.append(cleaned)
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


def clean_abstract(value: str | None) -> str | None:
    return fields.clean_abstract(ABSTRACT_LABEL.sub("", clean_text(value))) or None


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

def to_record(entry: Entry, cjk_commas: bool = True) -> Record:
    """Build a Record (without id/source) from an entry of `{role: [raw values]}`.

    `cjk_commas=False` for formats that keep one list item per line (WoS, RIS): there a comma is part
    of the item (中国医学科学院，北京协和医学院药物研究所), never a separator."""
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
    rec.title_zh = inline("title_zh") or (title if fields.has_han(title) else None)
    rec.title_en = inline("title_en") or (title if title and not fields.has_han(title) else None)
    if rec.title_zh is None and rec.title_en and fields.has_han(rec.title_en):
        rec.title_zh, rec.title_en = rec.title_en, None

    rec.authors = clean_names(entry.get("authors") or entry.get("authors_short") or [])
    rec.authors_en = [n for n in clean_names(entry.get("authors_en", [])) if n not in rec.authors]
    rec.affiliations = clean_affiliations(entry.get("affiliations", []), cjk_commas)

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
    rec.journal = fields.clean_journal(journal) or None if journal else None
    rec.journal_en = inline("journal_en")

    rec.date = fields.parse_date(first("date") or "")
    rec.year = _as_year(first("year")) or (int(rec.date[:4]) if rec.date else None)
    rec.volume = strip_zeros(inline("volume"))
    rec.issue = strip_zeros(inline("issue"))
    rec.pages = clean_pages(inline("pages"), inline("first_page"), inline("last_page"))

    keywords = split_list(entry.get("keywords", []), cjk_commas)
    cjk_keywords = any(fields.has_han(k) for k in keywords)
    rec.keywords_zh = split_list(entry.get("keywords_zh", []), cjk_commas) or (keywords if cjk_keywords else [])
    rec.keywords_en = split_list(entry.get("keywords_en", [])) or ([] if cjk_keywords else keywords)

    abstract = clean_abstract(first("abstract") or (first("subject") if doc_type == "patent" else None))
    rec.abstract_zh = clean_abstract(first("abstract_zh")) or (abstract if fields.has_han(abstract) else None)
    rec.abstract_en = clean_abstract(first("abstract_en")) or (
        abstract if abstract and not fields.has_han(abstract) else None)
    rec.body = clean_text(first("body")) or "\n".join(a for a in (rec.abstract_zh, rec.abstract_en) if a)

    funds = [clean_inline(v) for v in entry.get("fund", [])]
    rec.fund = "；".join(unique(f for f in funds if f)) or None
    rec.doi = fields.normalize_doi(first("doi"))
    rec.issn = fields.normalize_issn(first("issn")) if doc_type not in ("thesis", "book", "standard") else None
    rec.url = inline("url")
    rec.indexing = split_list(entry.get("indexing", []))
    rec.references = [r for r in (clean_inline(v) for v in entry.get("references", [])) if r]
    rec.database = database_of(first("database")) or _database_from_accession(first("accession"))
    # only `;` separates classes: `图书馆、情报与文献学` is one NSSF discipline
    rec.classification = split_list(entry.get("classification", []), cjk_commas=False)
    rec.category = inline("category")
    rec.project_id = inline("project_id")
    return rec


def _database_from_accession(value: str | None) -> str | None:
    prefix = (value or "").split(":")[0].strip()
    return database_of(prefix) if prefix and ":" in (value or "") else None


def describe(entry: Entry) -> dict[str, Any]:
    """Warnings for an entry that is kept but incomplete (we never drop a record silently)."""
    warnings = list(entry.get("warnings", []))
    if not any(entry.get(r) for r in ("title", "title_zh", "title_en")):
        warnings.append("no title")
    return {"warnings": warnings} if warnings else {}


def page_range(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page of a `47-58,165` page string (for BP/EP and SP/EP tags)."""
    m = re.match(r"^\s*([A-Za-z]?\d+)(?:\s*-\s*([A-Za-z]?\d+))?", pages or "")
    return (m.group(1), m.group(2)) if m else (None, None)
