"""Parsers for metadata values, shared by every site extractor and export reader.

Each function takes the raw string a page shows for one field and returns the record's form of it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.text.normalize import HAN

_HAN_RE = re.compile(f"[{HAN}]")

# ---------------------------------------------------------------- people and institutions

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NAME_NOISE = re.compile(r"认领|通讯作者|[*＊#△▲☆★□■✉]|\(\s*\)|（\s*）")
_NAME_INDEX = re.compile(r"[\s\d,，、\-]*$")  # Wanfang `张元 1`, CNKI `景晓芬1,2`
_NAME_SPLIT_ZH = re.compile(r"[、,，;；/\s]+")
_NAME_SPLIT_EN = re.compile(r"\s*[;；]\s*|\s*,\s*(?=[A-Z][A-Za-z-]*\s+[A-Z])")


def has_han(text: str | None) -> bool:
    return bool(text and _HAN_RE.search(text))


def split_authors(text: str) -> list[str]:
    """Person names in page order, without index numbers, e-mails, `认领` and markers."""
    text = _NAME_NOISE.sub(" ", _EMAIL.sub(" ", text))
    text = re.sub(r"(?<=[^\d\s])\d+(?:[,，]\d+)*", " ", text)  # superscript indices glued to names
    if has_han(text):
        parts = _NAME_SPLIT_ZH.split(text)
    else:
        parts = _NAME_SPLIT_EN.split(text)
    names = []
    for part in parts:
        name = _NAME_INDEX.sub("", part).strip(" .;；,，")
        if name and not name.isdigit() and name not in names:
            names.append(name)
    return names


@lru_cache(maxsize=1)
def _people_rules() -> tuple[re.Pattern, frozenset[str], int]:
    from pipeline.ingest.sites import data  # the sites package imports this module

    rules = data.values()["people"]
    endings = "|".join(map(re.escape, sorted(rules["organization_endings"], key=len, reverse=True)))
    return re.compile(rf"(?:{endings})$"), frozenset(n.lower() for n in rules["non_names"]), rules["max_han_name"]


def is_person_name(name: str, site_names: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether an author value names a person, not the site or an organization: `网易`, `观察者网`,
    `新浪财经-自媒体综合`, `104363` and a name the page gives itself (og:site_name, <title> suffix) are not."""
    name = name.strip()
    organization, non_names, max_han = _people_rules()
    if not name or name.lower() in non_names or not re.search(r"[A-Za-z\u4e00-\u9fff]", name):
        return False
    if any(site and (name in site or site in name) for site in site_names):
        return False
    if has_han(name):
        han = re.sub(r"[\s·•]", "", name)
        if organization.search(han) or re.search(r"[-_|/@\d]", han):
            return False
        return "·" in name or "•" in name or len(han) <= max_han
    return not re.search(r"[@/\d]|https?|www\.", name, re.I)


_AFF_INDEX = re.compile(r"^\s*(?:\[\d+\]|［\d+］|\(\d+\)|（\d+）|\d+\s*[.、．:：]|\d+(?=[^\d\s]))\s*")
# `,重庆 400044`, `,北京,100871`, ` 邮编：100871`, `,Yangling,712100`: a postcode and the city that introduces
# it. The city follows a separator and does not end like an institution (学院, 系 …), so only it goes.
_POSTCODE = re.compile(r"(?:[\s,，;；]+(?:邮编[:：]?\s*)?(?:(?:[\u4e00-\u9fff]{2,8}(?<![学院系所部心室局委厅校司])|"
                       r"[A-Za-z][A-Za-z ]{1,30})[\s,，]*)?|[\s,，;；]*(?:邮编[:：]?\s*)?)\d{6}\s*$")
_POSTCODE_ONLY = re.compile(r"[\s,，;；]*(?:邮编[:：]?\s*)?\d{6}\s*$")


def clean_affiliation(text: str) -> str:
    """An institution without its leading index (`1.`, `[1]`) and its trailing postcode."""
    text = _AFF_INDEX.sub("", text.strip())
    if has_han(text):
        stripped = _POSTCODE.sub("", text)
        # Keep the city when removing it would leave nothing but a fragment.
        text = stripped if len(stripped) >= 4 else _POSTCODE_ONLY.sub("", text)
    else:
        text = _POSTCODE_ONLY.sub("", text)
    text = text.strip(" ,，;；.")
    # A bracket left open by the note the institution was cut from: `（作者单位：…）`.
    if text[-1:] in ")）" and not re.search(r"[(（]", text):
        text = text[:-1]
    return text.strip(" ,，;；.")


def split_affiliations(text: str) -> list[str]:
    parts = re.split(r"\s*[;；]\s*|\s+(?=\d+\s*[.、．]\s*[\u4e00-\u9fff])|\s*(?=\[\d+\])", text)
    out = []
    for part in parts:
        aff = clean_affiliation(part)
        if aff and aff not in out:
            out.append(aff)
    return out


_EN_AUTHOR_LINE = re.compile(r"^(?P<names>[^()（）]+?)\s*[(（](?P<affs>.+)[)）]\s*$")


def parse_english_author_line(text: str) -> tuple[list[str], list[str]]:
    """`JING Xiao-fen;CHEN Min-wei(College of …,712100;Pingyang …,325400)` → (names, affiliations)."""
    m = _EN_AUTHOR_LINE.match(text.strip())
    if not m:
        return split_authors(text), []
    return split_authors(m.group("names")), split_affiliations(m.group("affs"))


# ---------------------------------------------------------------- source lines

_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PAGES = r"(?P<pages>\d+(?:\s*[-~～—–+]\s*\d+)?(?:\s*[,，+]\s*\d+(?:\s*[-~～—–]\s*\d+)?)*)"
SOURCE_PATTERNS = [
    # CQVIP: `2025年第6期47-58,165,共13页`; fx361: `2025年1期`; `2024年第30卷第6期`
    re.compile(rf"{_YEAR}\s*年\s*(?:第?\s*(?P<volume>\d+)\s*卷\s*)?(?:第?\s*(?P<issue>[\dA-Za-z]+)\s*期)?"
               rf"(?:\s*{_PAGES})?(?:\s*[,，]?\s*共\s*\d+\s*页)?"),
    # Wanfang text: `年,卷(期):2024.30(6)` / `2024,30(6)` / CNKI `刊名. 2023,39(04)` / `2023(04):58-71`
    re.compile(rf"{_YEAR}\s*[.,，]\s*(?P<volume>\d+)?\s*[(（]\s*(?P<issue>[\dA-Za-z]+)\s*[)）]"
               rf"(?:\s*[:：]\s*{_PAGES})?"),
    re.compile(rf"{_YEAR}\s*[(（]\s*(?P<issue>[\dA-Za-z]+)\s*[)）](?:\s*[:：]\s*{_PAGES})?"),
    # a newspaper's dated source: CNKI `人民日报.2023-05-16`
    re.compile(rf"{_YEAR}-\d{{1,2}}-\d{{1,2}}\b"),
]


def _tidy_pages(pages: str | None) -> str | None:
    if not pages:
        return None
    pages = re.sub(r"\s+", "", pages)
    pages = re.sub(r"[~～—–]", "-", pages).replace("，", ",").replace("+", ",")
    return pages or None


_PAGE_RANGE = re.compile(rf"^{_PAGES}$")


def parse_pages(text: str, count_first: bool = False) -> str | None:
    """A page range as `47-58,165`. `count_first`: the value is a page count with the range in brackets
    (Wanfang `页数：12(45-56)`), so a bare number is a count, not a page."""
    text = text.strip()
    if m := re.search(r"[(（]\s*([^()（）]+?)\s*[)）]", text):
        text = m.group(1)
    elif count_first:
        return None
    m = _PAGE_RANGE.match(text)
    return _tidy_pages(m.group("pages")) if m else None


def _strip_zeros(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.lstrip("0") or "0"
    return value


def parse_source_line(text: str) -> dict:
    """Journal, year, volume, issue, pages from a source line in any of the sites' forms."""
    out: dict = {"journal": None, "year": None, "volume": None, "issue": None, "pages": None}
    text = text.replace("年,卷(期):", "").replace("年，卷（期）：", "")
    for pattern in SOURCE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        out["year"] = int(groups["year"])
        out["volume"] = _strip_zeros(groups.get("volume"))
        out["issue"] = _strip_zeros(groups.get("issue"))
        out["pages"] = _tidy_pages(groups.get("pages"))
        head = text[: m.start()].strip()
        journal = clean_journal(head.rstrip(".．,，:： "))
        out["journal"] = journal or None
        break
    return out


@lru_cache(maxsize=1)
def _journal_rules() -> tuple[re.Pattern, re.Pattern]:
    from pipeline.ingest.sites import data  # the sites package imports this module

    rules = data.values()["journal"]
    suffixes = "|".join(map(re.escape, sorted(rules["epaper_suffixes"], key=len, reverse=True)))
    endings = "|".join(map(re.escape, rules["newspaper_endings"]))
    return re.compile(rules["appended_latin"]), re.compile(rf"(?<=(?:{endings}))\s*(?:{suffixes})$")


def clean_journal(text: str) -> str:
    """A journal or newspaper name without brackets, an appended romanization or English name
    (`社会工作前沿 SHEHUI GONGZUO QIANYAN` → `社会工作前沿`) and an e-paper suffix (`南湖晚报数字报` → `南湖晚报`)."""
    appended_latin, epaper = _journal_rules()
    text = re.sub(r"^[《〈]|[》〉]$", "", text.strip(" ;；,，、")).strip()
    if has_han(text):
        text = appended_latin.sub("", text)
    return epaper.sub("", text).strip()


def parse_edition(text: str) -> str | None:
    """A newspaper's page (版) number: `第05版`, `05版：理论`, `5` → `5`."""
    m = re.search(r"第?\s*0*(\d{1,3})\s*版|^\s*0*(\d{1,3})\s*$", text)
    return (m.group(1) or m.group(2)) if m else None


# ---------------------------------------------------------------- keywords

_KW_SPLIT_ZH = re.compile(r"[;；,，、\s]+")
_KW_QUOTES = re.compile(r"^[\"“”'‘’《》]+|[\"“”'‘’《》]+$")


def split_keywords_zh(text: str) -> list[str]:
    out = []
    for part in _KW_SPLIT_ZH.split(text.strip()):
        kw = _KW_QUOTES.sub("", part.strip())
        if kw and kw not in out:
            out.append(kw)
    return out


def split_keywords_en(text: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """English keywords split on `;`/`,`; a string glued without separators
    (`linkage of five social groupscommunity governance…`) is cut where a word boundary is missing."""
    text = text.strip().strip(";；,，")
    if re.search(r"[;；]", text):
        parts = re.split(r"\s*[;；]\s*", text)
    elif "," in text or "，" in text:
        parts = re.split(r"\s*[,，]\s*", text)
    else:
        parts = _split_glued_terms(text, vocabulary)
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """English vocabulary of wordninja's language model (words of two letters or more)."""
    import gzip
    from pathlib import Path

    import wordninja

    with gzip.open(Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz", "rt",
                   encoding="utf-8") as fh:
        return frozenset(w for w in (line.strip() for line in fh) if len(w) > 1)


def _split_glued_terms(text: str, vocabulary) -> list[str]:
    """Cut tokens like `groupscommunity` into `groups|community` and start a new term at each cut."""
    known = {w.lower() for w in vocabulary}
    words = _english_words()
    terms: list[list[str]] = [[]]
    for token in text.split():
        cut = _glue_point(token, known, words)
        if cut is None:
            terms[-1].append(token)
        else:
            terms[-1].append(token[:cut])
            terms.append([token[cut:]])
    return [" ".join(t) for t in terms if t]


def _glue_point(token: str, known: set[str], words: frozenset[str]) -> int | None:
    low = token.lower()
    if low in known or low in words or not low.isalpha() or len(low) < 5:
        return None
    best = None
    for i in range(2, len(low) - 1):
        left, right = low[:i], low[i:]
        score = (left in known) + (right in known)
        if score == 2 or ((left in known or left in words) and (right in known or right in words)):
            score += (left in words) + (right in words)
            # Prefer cuts that leave longer pieces: `governance|modern`, not `governan|cemodern`.
            key = (score, min(len(left), len(right)))
            if best is None or key > best[0]:
                best = (key, i)
    return best[1] if best else None


# ---------------------------------------------------------------- other fields

# Other names the sites print for the same tiers (old Wanfang pages: `ISTIC PKU CSSCI`).
INDEXING_ALIASES = {"ISTIC": "CSTPCD", "PKU": "北大核心"}
INDEXING_TIERS = ("CSSCI", "CSTPCD", "CHSSCD", "北大核心", "CSCD", "EI", "SCIE", "SSCI", "SCI", "AMI",
                  "中文核心", "核心期刊", "CA", "JST", "Scopus", "WJCI")
_TIER_RE = re.compile("|".join(re.escape(t) for t in sorted((*INDEXING_TIERS, *INDEXING_ALIASES), key=len,
                                                              reverse=True)))


def find_indexing(text: str) -> list[str]:
    """Tiers in a label string, glued or not: `CSTPCDCSSCICHSSCD北大核心` is four tiers."""
    found = []
    for m in _TIER_RE.finditer(text):
        tier = INDEXING_ALIASES.get(m.group(0), m.group(0))
        if tier not in found:
            found.append(tier)
    return found


def strip_indexing(text: str) -> str:
    """The text without the tier names in it (`中国行政管理 ISTIC PKU CSSCI` → `中国行政管理`)."""
    return " ".join(_TIER_RE.sub(" ", text).split())


def join_fund(items: list[str]) -> str | None:
    parts = []
    for item in items:
        for piece in re.split(r"[；;]\s*(?=\S)", item):
            piece = piece.strip().rstrip("。.；;，,").strip()
            if piece:
                parts.append(piece)
    return "；".join(parts) or None


_REF_START = re.compile(r"^\s*(?:\[\d+\]|［\d+］|\d+[.、．]\s*(?=\S)|\(\d+\)|（\d+）)")


def split_references(lines: list[str]) -> list[str]:
    """Reference entries, one per item; continuation lines join the entry before them."""
    refs: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if _REF_START.match(line) or not refs:
            refs.append(line)
        else:
            refs[-1] += line
    return refs


_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")


def parse_date(text: str | None) -> str | None:
    """The first real date in `text` (`2025-01-20`, `2025/1/20`, `2025年1月20日`…) as YYYY-MM-DD; a
    non-date match such as `2025-13-40` is passed over for the next one. None when there is none."""
    for m in _DATE.finditer(text or ""):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


_ABSTRACT_RESIDUE = re.compile(
    r"^\s*(?:<正>|‹正>|〈正〉|&lt;正&gt;)\s*|"
    r"\s*(?:更多\s*还原|更多|还原|收起|查看全部\s*>*|展开\s*>*)\s*$|"
    r"\s*AbstractFilter\([^)]*\);?\s*"
)


def clean_abstract(text: str | None) -> str | None:
    """An abstract without the sites' UI residue (`<正>`, 更多, 还原, 收起, 查看全部)."""
    if text is None:
        return None
    previous = None
    while previous != text:
        previous, text = text, _ABSTRACT_RESIDUE.sub("", text)
    text = text.replace("&quot；", "\"").strip()
    return text or None


def normalize_doi(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"10\.\d{4,9}/[^\s\"<>，。；;]+", text)
    return m.group(0).rstrip(".") if m else None


def normalize_issn(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"\b(\d{4})\s*-\s*(\d{3}[\dXx])\b", text)
    return f"{m.group(1)}-{m.group(2).upper()}" if m else None
