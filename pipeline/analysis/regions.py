"""The province of an affiliation, from the gazetteer in data/gazetteer.tsv (GB/T 2260 divisions).

An affiliation's top-level institution is looked up in data/institution_regions.tsv first (清华大学 →
北京: names without a place). Otherwise the earliest place name in the affiliation decides (the longest
at that position): full names of provinces, prefecture-level units and county-level cities, and short
forms of provinces and prefecture-level units (南京 for 南京市, 延边 for 延边朝鲜族自治州), except the short
forms in data/short_form_exceptions.txt. A province's short form beats a lower unit's (海南 is the
province, not 海南藏族自治州). No place found: ''. Outside China (Latin-script text): ''.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.analysis.institutions import institution, read_rows

SUFFIX = re.compile(r"(市|地区|盟|省|自治区|特别行政区)$")


@lru_cache(maxsize=1)
def _peoples() -> re.Pattern:
    return re.compile("|".join(re.escape(row[0]) for row in read_rows("peoples.txt")))


def short_form(name: str, level: str) -> str | None:
    """南京市 → 南京, 延边朝鲜族自治州 → 延边, 内蒙古自治区 → 内蒙古; None for county-level cities (matched
    only in full) and for results shorter than two characters."""
    if level == "county-city":
        return None
    if name.endswith("自治州"):
        people = _peoples().search(name, 2)
        short = name[:people.start()] if people else None
    else:
        short = SUFFIX.sub("", name)
    return short if short and len(short) >= 2 and short != name else None


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern, dict[str, str]]:
    exceptions = {row[0] for row in read_rows("short_form_exceptions.txt")}
    province_of: dict[str, str] = {}
    short_of_lower: dict[str, str] = {}
    for name, province, level in read_rows("gazetteer.tsv"):
        province_of.setdefault(name, province)
        short = short_form(name, level)
        if level == "province":
            province_of[province] = province
        elif short and short not in exceptions:
            short_of_lower.setdefault(short, province)
    for short, province in short_of_lower.items():
        province_of.setdefault(short, province)  # provinces first: 海南 stays the province
    names = sorted(province_of, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))), province_of


@lru_cache(maxsize=65536)
def region(affiliation: str) -> str:
    """Province (short form, e.g. 江苏) of an affiliation, or ''."""
    if not affiliation:
        return ""
    known = _institution_regions()
    top = institution(affiliation)
    if top in known:
        return known[top]
    pattern, province_of = _places()
    match = pattern.search(affiliation)  # leftmost; at one position the longest name (alternation order)
    return province_of[match.group(0)] if match else ""


@lru_cache(maxsize=1)
def _institution_regions() -> dict[str, str]:
    return {row[0]: row[1] for row in read_rows("institution_regions.tsv")}
