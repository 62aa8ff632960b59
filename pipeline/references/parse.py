"""One reference string → its fields.

    parse_reference("[1]黄晓春.党建引领下的当代中国社会治理创新[J].中国社会科学,2021(06):116-135.")
    → {"raw": …, "authors": ["黄晓春"], "title": "党建引领下的当代中国社会治理创新", "source": "中国社会科学",
       "year": 2021, "volume": None, "issue": "6", "pages": "116-135", "type": "J", "doi": None}

Styles read (the first that fits wins):
- GB/T 7714-2015 with a type code, either punctuation width, CNKI's and Wanfang's variants (no spaces,
  `.` before the year): `作者.题名[J].刊名,年,卷(期):页.` / `[M].出版地:出版者,年:页.` / `[C]//文集.…`;
- CNKI's reference-list rendering, title first: `题名[J]. 作者. 刊名. 2019(06)` / `题名[M]. 出版者 , 作者, 2013`;
- the footnote style of Chinese law and humanities journals: `作者：《书名》，出版社2010年版，第12页。`;
- Web-of-Science `CR` lines: `Bengio Y, 2001, ADV NEUR IN, V13, P932, DOI 10.…`;
- English author–year references: `Smith, J., & Doe, A. (2015). Title. Journal, 12(3), 45-67.`;
- dot-separated lists without a type code (CSSCI exports `1.作者.题名.刊名.2010.32(7)`, CNKI's books).
A field that cannot be read is None (`authors`: []); nothing is guessed from outside the string. Text fields
come out in the corpus's punctuation form (pipeline.normalize: full-width next to Chinese).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pipeline.text.normalize import normalize_punctuation

FIELDS = ("raw", "authors", "title", "source", "year", "volume", "issue", "pages", "type", "doi")
TYPES = ("J", "M", "D", "N", "C", "R", "S", "P", "EB/OL")

# Parsing runs on a half-width copy of the same length; the width is restored on the way out.
_HALF_WIDTH = str.maketrans("，．：；（）［］／－～！？　０１２３４５６７８９", ",.:;()[]/-~!? 0123456789")
_YEAR = r"(?:19|20)\d{2}"
_DOI = re.compile(r"(?:\bDOI\b[:\s]*)?\b(10\.\d{4,9}/[^\s,;，；\]]+)", re.I)
_URL = re.compile(r"(?:\bURL[:\s]*)?https?://\S+|\bwww\.\S+", re.I)
_TYPE_CODE = re.compile(r"\[\s*([A-Z]{1,2}(?:\s*/\s*OL)?)\s*\]")
# `作者：《书名》，…` / `《书名》第31卷，…` / `…》2017年第3期`: 《》 followed by a comma, a volume, a year or the end.
_FOOTNOTE = re.compile(r"[:：]\s*《|》\s*(?:[,，。;；]|第|\d|$)")
_WOS = re.compile(rf"^(?P<author>[^,]{{1,80}}?),\s*(?P<year>{_YEAR})[a-z]?,\s*(?P<rest>.+)$")
_APA = re.compile(rf"^(?P<authors>.+?)\s*\(\s*(?P<year>{_YEAR})[a-z]?(?:,[^)]*)?\)\s*[.,]?\s*(?P<rest>.*)$")
_VOL_ISSUE_PAGES = re.compile(
    r"^\s*[,.]?\s*(?:(?:vol\.?|V)\s*)?(?P<volume>\d[\dA-Za-z-]{0,7})?\s*(?:\(\s*(?P<issue>[^()]{1,12}?)\s*\))?"
    r"\s*(?:[:.,]\s*(?:pp?\.?\s*)?(?P<pages>[A-Za-z]?\d[\dA-Za-z]*(?:\s*[-~—–]\s*[A-Za-z]?\d+)?"
    r"(?:\s*[,+]\s*\d+(?:\s*[-~—–]\s*\d+)?)*))?")


@lru_cache(maxsize=1)
def formats() -> dict:
    """The format knowledge in formats.toml (type codes, words, patterns)."""
    with open(Path(__file__).with_name("formats.toml"), "rb") as fh:
        data = tomllib.load(fh)
    words = data["words"]
    data["re"] = {name: re.compile(pattern, re.I) for name, pattern in data["patterns"].items()}
    roles = sorted(words["author_roles"] + words["translator_roles"], key=len, reverse=True)
    # A role word may stand in brackets after the name (CNKI: 托马斯.S.库恩[著], 纪树立,等[译]).
    data["re"]["role"] = re.compile(r"[\[［]?(?:" + "|".join(map(re.escape, roles)) + r")[\]］]?\s*$")
    data["re"]["translator"] = re.compile(r"[\[［]?(?:" + "|".join(map(re.escape, words["translator_roles"]))
                                          + r")[\]］]?\s*$")
    data["re"]["publisher"] = re.compile("(?:" + "|".join(map(re.escape, words["publisher"])) + r")(?![A-Za-z])", re.I)
    data["re"]["thesis"] = re.compile("|".join(map(re.escape, words["thesis"])), re.I)
    return data


def empty(raw: str) -> dict:
    return {"raw": raw, "authors": [], "title": None, "source": None, "year": None, "volume": None,
            "issue": None, "pages": None, "type": None, "doi": None}


def parse_reference(raw: str) -> dict:
    """The fields of one reference string (see the module docstring); `raw` is kept as given."""
    out = empty(raw)
    text = " ".join((raw or "").translate(_HALF_WIDTH).split())
    text = formats()["re"]["index"].sub("", text, count=1)
    if m := _DOI.search(text):
        out["doi"] = m.group(1).rstrip(".")
        text = (text[:m.start()] + text[m.end():]).strip(" ,;")
    text = _URL.sub(" ", formats()["re"]["access_date"].sub(" ", text))
    text = " ".join(text.split()).strip(" ,;")
    if not text:
        return out
    code = _TYPE_CODE.search(text)
    if code and code.start() > 0:
        fields = _gbt(text, code)
    elif _FOOTNOTE.search(text):
        fields = _footnote(text)
    elif m := _WOS.match(text):
        fields = _wos(m)
    elif (m := _APA.match(text)) and _looks_like_authors(m.group("authors"), english=True):
        fields = _apa(m)
    else:
        fields = _dotted(text)
    return _finish(out, fields)


# ---------------------------------------------------------------- styles

def _gbt(text: str, code: re.Match) -> dict:
    head, tail = text[:code.start()].strip(), text[code.end():].strip()
    kind = formats()["type_codes"].get(re.sub(r"\s", "", code.group(1)))
    fields: dict = {"type": kind or None}
    parts = _split_dots(head)
    if len(parts) >= 2:  # GB/T: authors. title[J]
        fields["authors"] = _split_authors(parts[0])
        fields["title"] = ".".join(parts[1:])
        fields.update(_gbt_tail(tail, kind))
    else:  # CNKI's list: title[J]. authors. source. year(issue)
        fields["title"] = head
        fields.update(_cnki_list_tail(tail, kind))
    return fields


def _gbt_tail(tail: str, kind: str | None) -> dict:
    """`.刊名,2021,39(6):1-9.` / `.北京:人民出版社,2015:4.` / `//编者.文集.出版地:出版者,年:页.`"""
    tail = tail.lstrip(" .,/")
    tail = formats()["re"]["edition"].sub("", tail)
    segments = [s for s in _split_dots(tail) if not formats()["re"]["translator"].search(s)]
    tail = ".".join(segments)
    year = re.search(rf"(?<!\d)({_YEAR})(?!\d)", tail)
    if not year:
        return {"source": _source_of(tail, kind)}
    before, after = tail[:year.start()].rstrip(" ,.("), tail[year.end():]
    fields = {"year": int(year.group(1)), "source": _source_of(before, kind)}
    if kind == "N":  # 人民日报,2019-01-08(01)
        if m := re.search(r"\((\w{1,6})\)", after):
            fields["pages"] = m.group(1)
        return fields
    after = re.sub(r"^[-/]\d{1,2}[-/]\d{1,2}", "", after)  # a full date
    fields.update(_volume_issue_pages(after))
    return fields


def _cnki_list_tail(tail: str, kind: str | None) -> dict:
    """After the type code in CNKI's list: `. 作者. 刊名. 2019(06)`, books `. 出版者 , 作者, 2013`."""
    tail = tail.lstrip(" .")
    fields: dict = {}
    year = re.search(rf"(?<!\d)({_YEAR})(?!\d)(?!.*(?<!\d){_YEAR}(?!\d))", tail)
    if year:
        fields["year"] = int(year.group(1))
        after = tail[year.end():]
        tail = tail[:year.start()].rstrip(" ,.")
        if kind == "N":
            if m := re.search(r"\(\s*(\w{1,6})\s*\)", after):
                fields["pages"] = m.group(1)
        else:
            fields.update(_volume_issue_pages(after))
    parts = _split_dots(tail)
    publisher = re.match(r"(.+?)\s*,\s*(.+)$", tail) if len(parts) == 1 else None
    if publisher and (" , " in tail or formats()["re"]["publisher"].search(publisher.group(1))):
        # 出版者 , 作者 (`出版者，作者` once a saved page's punctuation is normalized)
        fields["source"], fields["authors"] = publisher.group(1), _split_authors(publisher.group(2))
        return fields
    if len(parts) >= 2:
        fields["authors"], fields["source"] = _split_authors(parts[0]), ".".join(parts[1:])
    elif parts:
        fields["source"] = parts[0]
    return fields


def _footnote(text: str) -> dict:
    """`作者：《书名》，出版社2010年版，第12页。` / `作者：《篇名》，载《刊名》2010年第3期。`"""
    text = text.rstrip("。. ")
    first = re.search(r"《([^》]+)》", text)
    fields: dict = {"title": first.group(1)}
    head = text[:first.start()].strip(" :,")
    head = re.sub(r"\s*(?:主编|编著|编|著|等)?\s*$", "", head) if head else head
    fields["authors"] = _split_authors(head) if head else []
    rest = text[first.end():]
    container = re.match(r"^\s*[,:]?\s*(?:载|载于|见|参见)?\s*(?:[^《,]{0,30}?(?:主编|编)\s*[:,]?\s*)?《([^》]+)》", rest)
    if container:
        fields["source"] = container.group(1)
        rest = rest[container.end():]
    if m := re.search(rf"({_YEAR})\s*年", rest) or re.search(rf"(?<!\d)({_YEAR})(?!\d)", rest):
        fields["year"] = int(m.group(1))
    if m := re.search(r"第\s*(\d+)\s*期", rest):
        fields["issue"] = m.group(1)
    if m := re.search(r"第\s*(\d+)\s*[卷册]", rest):
        fields["volume"] = m.group(1)
    if m := re.search(r"第\s*(\d+(?:\s*[-~—–]+\s*\d+)?)\s*页", rest):
        fields["pages"] = m.group(1)
    elif m := re.search(r"第\s*(\d+)\s*版", rest):
        fields["pages"] = m.group(1)  # a newspaper's page (版)
    publisher = re.search(r"(?:^|[,:])\s*([^,:《》]*?" + formats()["re"]["publisher"].pattern + r")", rest)
    if not container and publisher:
        fields["source"] = re.sub(rf"\s*{_YEAR}\s*年.*$", "", publisher.group(1)).strip()
        fields["type"] = "M"
    elif container and "issue" in fields:
        fields["type"] = "J"
    elif container and re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*日", rest) and _is_newspaper(container.group(1)):
        fields["type"] = "N"
    return fields


def _wos(m: re.Match) -> dict:
    """`Bengio Y, 2001, ADV NEUR IN, V13, P932` (DOI already taken out)."""
    fields: dict = {"authors": _split_authors(m.group("author")), "year": int(m.group("year"))}
    parts = [p.strip() for p in m.group("rest").split(",") if p.strip()]
    for part in parts:
        if re.fullmatch(r"V\s*\w+", part) and "volume" not in fields:
            fields["volume"] = part[1:].strip()
        elif re.fullmatch(r"P\s*[A-Za-z]?\d[\w-]*", part) and "pages" not in fields:
            fields["pages"] = part[1:].strip()
        elif re.fullmatch(r"[IN]\s*\d[\w-]*", part) and "issue" not in fields:
            fields["issue"] = part[1:].strip()
        elif "source" not in fields:
            fields["source"] = part
    if fields["authors"] and fields["authors"][0].strip("[]").lower() == "anonymous":
        fields["authors"] = []
    return fields


def _apa(m: re.Match) -> dict:
    """`Smith, J. A., & Doe, B. (2015). Title. Journal, 12(3), 45-67.`"""
    fields: dict = {"authors": _split_authors(m.group("authors"), english=True), "year": int(m.group("year"))}
    rest = m.group("rest").strip()
    quoted = re.match(r'^["“](.+?)[.,]?["”]\s*[.,]?\s*(.*)$', rest)
    if quoted:
        fields["title"], rest = quoted.group(1), quoted.group(2)
    else:
        title, _, rest = rest.partition(". ")
        fields["title"] = title
    rest = rest.strip(" .")
    if m2 := re.match(r"^(?P<source>[^,]+?)\s*,\s*(?P<tail>\d.*)$", rest):
        fields["source"] = m2.group("source")
        fields.update(_volume_issue_pages(m2.group("tail")))
        fields["type"] = "J" if fields.get("volume") else None
    elif rest:
        if m3 := re.match(r"^(?:[^:]{1,40}:\s*)?(.+)$", rest):  # Place: Publisher
            fields["source"] = m3.group(1)
        fields["type"] = "M" if formats()["re"]["publisher"].search(rest) else None
    return fields


def _dotted(text: str) -> dict:
    """Dot-separated entries without a type code: CSSCI `作者.题名.刊名.2010.32(7)`, CNKI's books
    `题名. 作者. 出版者 . 1998`; a newspaper's `刊名.04.24(7)` date tail is dropped."""
    parts = _split_dots(text.rstrip(". "))
    fields: dict = {}
    year_at = next((i for i, p in enumerate(parts) if re.fullmatch(rf"{_YEAR}[a-z]?(?:\s*[,(].*)?", p)), None)
    if year_at is None:
        year_at = next((i for i, p in enumerate(parts) if i and re.match(rf"{_YEAR}(?!\d)", p)), None)
    if year_at is not None:
        year_part = parts[year_at]
        fields["year"] = int(year_part[:4])
        fields.update(_volume_issue_pages(".".join([year_part[4:], *parts[year_at + 1:]])))
        parts = parts[:year_at]
    while parts and re.fullmatch(r"[\d().\s:-]+", parts[-1]):  # a newspaper's month.day(page)
        parts.pop()
    if not parts:
        return fields
    if _spaced(text) or (len(parts) >= 2 and not _looks_like_authors(parts[0]) and _looks_like_authors(parts[1])):
        # CNKI's list is title first: `题名. 作者. 出版者 . 1998`; a part set off by ` . ` is the source.
        if len(parts) == 2 and year_at is not None and re.search(r"\s\.\s*\d", text):
            parts = ["", parts[0], parts[1]]
        elif len(parts) >= 2:   # (a title alone, `题名. . 2011`, has no author to swap with)
            parts[0], parts[1] = parts[1], parts[0]
    if len(parts) == 1:
        fields["title"] = parts[0]
    elif len(parts) == 2 and year_at is not None and not _looks_like_authors(parts[0]):
        fields["title"], fields["source"] = parts
    else:
        fields["authors"] = _split_authors(parts[0])
        fields["title"] = parts[1]
        if len(parts) > 2:
            fields["source"] = _source_of(".".join(parts[2:]), None)
    fields["type"] = _infer_type(fields)
    return fields


# ---------------------------------------------------------------- pieces

def _spaced(text: str) -> bool:
    """A list separated by `. ` (CNKI's rendering), not by bare dots (CSSCI, GB/T as CNKI prints it)."""
    bare = re.findall(r"[^\sA-Z\d·]\.(?=[^\s\d])", text)
    return len(re.findall(r"\.\s", text)) >= 2 or (bool(re.search(r"\.\s", text)) and not bare)


def _split_dots(text: str) -> list[str]:
    """Split at the separating dots. A list that separates with `. ` keeps dots without a space (`拉尔夫.史密斯`,
    `5.0`); otherwise every dot separates except those of decimals and of an initial before a Chinese name
    (`艾伯特·O.赫希曼`) or before another initial."""
    text = text.strip()
    if _spaced(text) or re.search(r"\s\.\s", text):
        pieces = re.split(r"\s*\.\s+|\s+\.\s*", text)
    else:
        pieces, start = [], 0
        for m in re.finditer(r"\.", text):
            i, before, after = m.start(), text[start:m.start()], text[m.end():m.end() + 2]
            decimal = before[-1:].isdigit() and after[:1].isdigit() and not re.search(rf"(?<!\d){_YEAR}$", before)
            initial = re.search(r"(?:^|[^A-Za-z])[A-Z]$", before) and re.match(r"[\u4e00-\u9fff]|[A-Z]\.", after)
            if not (decimal or initial):
                pieces.append(before)
                start = i + 1
        pieces.append(text[start:])
    return [p.strip() for p in pieces if p and p.strip(" .,")]


_NAME_HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,8}(?:[·.][\u4e00-\u9fffA-Z]{1,8}){1,3}$")
_NAME_LATIN = re.compile(r"^(?:[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]*\.?){0,3}|[A-Z]{1,3}\.?\s*[A-Z][A-Za-z'\-]+|"
                         r"[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]+)*,\s*[A-Z]\.?(?:\s*-?[A-Z]\.?){0,3})$")


def _looks_like_authors(text: str, english: bool = False) -> bool:
    names = _split_authors(text, english=english, keep_roles=True)
    if not names:
        return False
    return all(_NAME_HAN.match(_bare_name(n)) or _NAME_LATIN.match(_bare_name(n)) for n in names)


def _bare_name(name: str) -> str:
    name = re.sub(r"^[\[［]([^\]］]{3,})[\]］]$", r"\1", name.strip())  # CNKI's [宗白华著]: the name with its role
    return formats()["re"]["role"].sub("", formats()["re"]["nationality"].sub("", name)).strip(" .")


def _split_authors(text: str, english: bool = False, keep_roles: bool = False) -> list[str]:
    """Names in order; `等` / `et al.` and translators dropped, role words (主编, 著) and nationality marks
    (`[美]`) taken off each name."""
    text = re.sub(r"\s*[(（][A-Za-z][^)）]*[)）]", "", text.strip(" .,;"))  # 维特根斯坦（Wittgenstein,Ludwig）
    et_al = sorted(formats()["words"]["et_al"], key=len, reverse=True)
    text = re.sub(r"[,\s]*(?:" + "|".join(map(re.escape, et_al)) + r")\s*$", "", text, flags=re.I)
    if english or (re.search(r"&|\band\b", text) and not re.search(r"[\u4e00-\u9fff]", text)):
        # APA `Smith, J. A., & Doe, B.`: split after initials, on `&` and `and`.
        parts = re.split(r"\s*(?:,?\s*&\s*|,?\s+and\s+|(?<=\.),\s*|;\s*)", text)
    else:
        parts = re.split(r"\s*[,;、/，；]\s*|\s{2,}", text)
    names = []
    for part in parts:
        part = part.strip(" .")
        if not part or part.lower() in ("et al", "等") or formats()["re"]["role"].fullmatch(part):
            continue
        if not keep_roles:
            if formats()["re"]["translator"].search(part):
                continue
            part = _bare_name(part)
        if part and part not in names:
            names.append(part)
    return names


def _volume_issue_pages(text: str) -> dict:
    m = _VOL_ISSUE_PAGES.match(text.strip())
    if not m:
        return {}
    return {k: v for k, v in m.groupdict().items() if v}


def _source_of(text: str, kind: str | None) -> str | None:
    """The source part: a journal, or `出版地:出版者` (the publisher), or a proceedings after `//`."""
    text = text.strip(" .,/")
    if "//" in text or kind == "C":
        parts = _split_dots(text.split("//")[-1])
        located = [i for i, p in enumerate(parts) if ":" in p]
        if located and located[0] > 0:
            return parts[located[0] - 1]
        text = parts[-1] if parts else text
    if ":" in text:
        place, _, rest = text.rpartition(":")
        if rest.strip() and len(place) <= 30:
            text = rest
    return text.strip(" .,") or None


def _infer_type(fields: dict) -> str | None:
    source = fields.get("source") or ""
    if formats()["re"]["thesis"].search(source):
        return "D"
    if formats()["re"]["publisher"].search(source):
        return "M"
    if _is_newspaper(source) and not fields.get("volume"):
        return "N"
    if source and (fields.get("issue") or fields.get("volume")):
        return "J"
    return None


def _is_newspaper(source: str) -> bool:
    words = formats()["words"]
    return source.endswith(words["newspaper_suffix"]) and not any(
        source.endswith(w) for w in words["journal_suffix_not_newspaper"])


def _finish(out: dict, fields: dict) -> dict:
    for name in ("title", "source"):
        value = fields.get(name)
        if value:
            value = formats()["re"]["edition"].sub("", value) if name == "title" else value
            value = re.sub(r"\s*[\[(（][上中下][\])）]$", "", value.strip(" .,;:/"))  # 《…》[下]: a part
            value = re.sub(r"^[《〈]|[》〉]$", "", value)
            out[name] = normalize_punctuation(value.strip()) or None
    out["authors"] = [normalize_punctuation(a) for a in fields.get("authors") or []]
    out["year"] = fields.get("year")
    for name in ("volume", "issue"):
        value = (fields.get(name) or "").strip()
        out[name] = (value.lstrip("0") or value) if value else None
    pages = fields.get("pages")
    out["pages"] = re.sub(r"\s+", "", re.sub(r"[~—–]", "-", pages)).replace("+", ",") if pages else None
    kind = fields.get("type")
    out["type"] = kind if kind in TYPES else None
    if out["type"] == "M" and out["source"] and formats()["re"]["thesis"].search(out["source"]):
        out["type"] = "D"
    return out
