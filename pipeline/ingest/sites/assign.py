"""Labelled values → record fields, the same way for every extractor: sections (`摘要：…`), metadata rows
(`题名：…`), source lines, author notes and subtitles."""
from __future__ import annotations

import re



from pipeline.ingest import fields
from pipeline.record import Record
from pipeline.ingest.sites import data
from pipeline.ingest.sites.labels import LABELS, Sections, match_label, split_sections

_LATIN_LINE = re.compile(r"^[\x00-\x7f\u2018-\u201d\u00a0-\u00ff]+$")
_AFFILIATION = data.values()["affiliation"]
INSTITUTION_WORDS = re.compile("|".join(map(re.escape, _AFFILIATION["institution_words"])))
# Titles that follow the institution in an author note (`…学院博士研究生`, `…科学院副院长`).
_POSITION = re.compile(_AFFILIATION["position_titles"])
# `（作者系…）`, `（作者为…）`, `作者单位：…` — a note on the author at the end of an article.
AUTHOR_NOTE = re.compile(_AFFILIATION["note_start"])
_NOTE_LEAD = re.compile(_AFFILIATION["note_lead"])
_NOTE_PEOPLE = re.compile(_AFFILIATION["note_people_separator"])
# A subtitle (副题) on the line below its title: `——浙江诸暨推进共建共治共享的实践`.
SUBTITLE_LINE = re.compile(data.values()["title"]["subtitle_line"])
CLC_CODE = re.compile(data.values()["classification"]["clc_code"])


def is_latin(line: str) -> bool:
    return bool(_LATIN_LINE.match(line)) and bool(re.search(r"[A-Za-z]", line))


def english_vocabulary(*texts: str | None) -> set[str]:
    """Words of the record's own English text: the best guide to cutting glued English keywords."""
    return {w.lower() for t in texts if t for w in re.findall(r"[A-Za-z]+", t)}


def apply_sections(rec: Record, sec: Sections) -> None:
    """Fill the fields whose labels every kind of page shares."""
    abstract = sec.fields.get("abstract_zh", [])
    zh = [line for line in abstract if not is_latin(line)]
    en = [line for line in abstract if is_latin(line)]
    if zh and not rec.abstract_zh:
        rec.abstract_zh = fields.clean_abstract("\n".join(zh))
    if en and not rec.abstract_en:
        rec.abstract_en = fields.clean_abstract("\n".join(en))
    if sec.fields.get("abstract_en") and not rec.abstract_en:
        rec.abstract_en = fields.clean_abstract(" ".join(sec.fields["abstract_en"]))
    keywords = sec.fields.get("keywords_zh", []) + sec.fields.get("keywords_en", [])
    vocabulary = english_vocabulary(rec.abstract_en, rec.title_en)
    for line in keywords:
        if is_latin(line):
            rec.keywords_en += [k for k in fields.split_keywords_en(line, vocabulary)
                                if k not in rec.keywords_en]
        else:
            rec.keywords_zh += [k for k in fields.split_keywords_zh(line) if k not in rec.keywords_zh]
    if sec.fields.get("fund") and not rec.fund:
        rec.fund = fields.join_fund(sec.fields["fund"])
    for name in ("doi", "clc", "doc_code"):  # `中图分类号：… 文献标识码：A DOI:…` often share a line
        for line in sec.fields.get(name, []):
            rec.doi = rec.doi or fields.normalize_doi(line)
    for line in sec.fields.get("clc", []):
        rec.classification += [c for c in CLC_CODE.findall(line) if c not in rec.classification]
    if sec.fields.get("issn") and not rec.issn:
        rec.issn = fields.normalize_issn(sec.text("issn", " "))
    if sec.fields.get("references") and not rec.references:
        rec.references = fields.split_references(sec.fields["references"])
    for line in sec.fields.get("affiliations", []):
        rec.affiliations += [a for a in fields.split_affiliations(line) if a not in rec.affiliations]


def affiliations_from_bio(text: str) -> list[str]:
    """Every institution in an author note, in order: `（作者系华东政法大学政府管理学院博士研究生）`,
    `金泽龙（1995-），男，吉林长春人，吉林大学行政学院硕士研究生，研究方向：…`, or a note on several people
    (`作者简介：张三，…大学…教授；李四，…学院讲师`) → the institutions alone."""
    m = _NOTE_LEAD.search(text)
    if not m:
        return []
    out = []
    for person in _NOTE_PEOPLE.split(text[m.end():]):
        clauses = [c.strip() for c in re.split(r"[,，;；。、]", person)]
        org = next((c for c in clauses if INSTITUTION_WORDS.search(c)), None)
        if org is None:
            continue
        org = fields.clean_affiliation(_POSITION.sub("", org.strip(" （()）")).strip())
        if org and org not in out:
            out.append(org)
    return out


def affiliation_from_bio(text: str) -> str | None:
    """The first institution of an author note (see affiliations_from_bio), or None."""
    found = affiliations_from_bio(text)
    return found[0] if found else None


def take_author_note(rec: Record, line: str) -> bool:
    """When the line is an author note, record its institutions and return True (the line leaves the body)."""
    if not AUTHOR_NOTE.match(line):
        return False
    rec.affiliations += [a for a in affiliations_from_bio(line) if a not in rec.affiliations]
    return True


def strip_label(text: str | None) -> str | None:
    """The value of `摘要：…` / `【关键词】…`; text without a label as it is."""
    found = match_label(text) if text else None
    return found[1] if found else text


def apply_source(rec: Record, line: str) -> None:
    """Journal/year/volume/issue/pages from a source line, keeping values already found."""
    parsed = fields.parse_source_line(line)
    for key, value in parsed.items():
        if value is not None and getattr(rec, key) in (None, ""):
            setattr(rec, key, value)


# Row labels of detail pages beyond the section labels (labels.toml [rows]).
ROW_LABELS: dict[str, str] = data.labels()["rows"]


def row_field(name: str) -> str | None:
    """The field a row label names (`题名：`, `Title`, `年，卷(期)`), from the row table or the section labels."""
    label = re.sub(r"[\s:：]+", "", name)
    kind = ROW_LABELS.get(label) or ROW_LABELS.get(label.lower())
    if kind is None and (found := match_label(f"{label}：x")):
        kind = found[0]
    return kind


def join_subtitle(title: str | None, subtitle: str | None) -> str | None:
    """`主题——副题` (README: the subtitle is kept after `——`), whatever dash the page used."""
    subtitle = (subtitle or "").strip().lstrip("—-－─ ")
    if not title or not subtitle or subtitle in title:
        return title or subtitle or None
    return f"{title.rstrip()}——{subtitle}"


def apply_rows(rec: Record, pairs: list[tuple[str, str]]) -> None:
    """Fill fields from (label, value) rows, keeping values already found."""
    section_lines = []
    for name, value in pairs:
        kind = row_field(name)
        latin = is_latin(value)
        if kind in ("pages", "page_count"):
            rec.pages = rec.pages or fields.parse_pages(value, count_first=kind == "page_count")
        elif kind == "edition":
            rec.pages = rec.pages or fields.parse_edition(value)
        elif kind == "date" and not rec.date and (date := fields.parse_date(value)):
            rec.date, rec.year = date, rec.year or int(date[:4])
        elif kind == "year" and rec.year is None and (m := re.search(r"(?:19|20)\d{2}", value)):
            rec.year = int(m.group())
        elif kind in ("title_zh", "title_en"):
            if latin:
                rec.title_en = rec.title_en or value
            else:
                rec.title_zh = rec.title_zh or value
        elif kind == "subtitle" and not latin:
            rec.title_zh = join_subtitle(rec.title_zh, value)
        elif kind == "journal" or kind == "journal_en" and not latin:
            rec.indexing += [t for t in fields.find_indexing(value) if t not in rec.indexing]
            apply_source(rec, value)
            rec.journal = rec.journal or fields.clean_journal(fields.strip_indexing(value)) or None
        elif kind == "source":
            apply_source(rec, value)
        elif kind == "journal_en":
            rec.journal_en = rec.journal_en or value
        elif kind in ("authors", "authors_en"):
            names = fields.split_authors(value)
            target = rec.authors_en if latin else rec.authors
            target += [n for n in names if n not in target]
        elif kind in ("abstract_zh", "abstract_en", "keywords_zh", "keywords_en"):
            twin = kind.replace("_zh", "_en") if latin else kind.replace("_en", "_zh")
            section_lines.append(f"{LABELS[twin][0]}：{value}")
        elif kind in LABELS:
            section_lines.append(f"{LABELS[kind][0]}：{value}")
    apply_sections(rec, split_sections(section_lines, follow={}))
