"""CNKI 知网研学 / E-Study and 自定义 exports: `Title-题名: …`, `Author-作者: a;b;`, `Keyword-关键词: a;;b`.

The Chinese label decides the role, because the English keys are reused with different meanings
(`PageCount-页数` in E-Study is a count, `PageCount-页码` in 自定义 is the page range). A record starts
at `DataType:` or when a label repeats (自定义 has no DataType line).
"""
from __future__ import annotations

import re

from pipeline.ingest.readers.tagged import Entry, parse_tagged

FIELD = re.compile(r"^([A-Za-z]+)(?:-([^:：\s]{1,12}))?\s*[:：]\s?(.*)$")

LABEL_ROLES = {
    "题名": "title", "篇名": "title", "英文篇名": "title_en", "作者": "authors", "英文作者": "authors_en",
    "机构": "affiliations", "单位": "affiliations", "作者单位": "affiliations",
    "刊名": "journal", "文献来源": "journal", "来源": "journal", "年": "year",
    "出版时间": "date", "发表时间": "date", "关键词": "keywords", "英文关键词": "keywords_en",
    "摘要": "abstract", "英文摘要": "abstract_en", "期": "issue", "卷": "volume", "页码": "pages",
    "来源库": "srcdb", "来源数据库": "srcdb", "链接": "url", "网址": "url", "DOI": "doi",
    "基金": "fund", "国际标准刊号": "issn", "学位授予单位": "publisher", "学位": "degree",
    "分类号": "classification", "中图分类号": "classification",
}
KEY_ROLES = {"title": "title", "author": "authors", "organ": "affiliations", "source": "journal",
             "year": "year", "pubtime": "date", "keyword": "keywords", "summary": "abstract",
             "period": "issue", "roll": "volume", "volume": "volume", "volum": "volume", "page": "pages",
             "srcdatabase": "srcdb", "link": "url", "url": "url", "doi": "doi", "fund": "fund", "issn": "issn",
             "clc": "classification"}


def _match(line: str) -> tuple[str, str] | None:
    m = FIELD.match(line)
    return (f"{m.group(1)}-{m.group(2) or ''}", m.group(3)) if m else None


def _role(tag: str) -> str | None:
    key, label = tag.split("-", 1)
    return LABEL_ROLES.get(label) or KEY_ROLES.get(key.lower())


def detect(head: list[str]) -> bool:
    m = FIELD.match(head[0]) if head else None
    return bool(m) and (m.group(1) == "DataType" or m.group(2) in LABEL_ROLES) \
        and any(re.match(r"Title-(题名|篇名)\s*[:：]", line) for line in head)


def entries(text: str) -> list[Entry]:
    raw = parse_tagged(text, _match, lambda tag, current: tag == "DataType-" or tag in current)
    out = []
    for entry in raw:
        mapped: Entry = {}
        for tag, values in entry.items():
            if role := _role(tag):
                mapped.setdefault(role, []).extend(values)
        mapped.setdefault("database", ["CNKI"])  # E-Study and 自定义 are CNKI's own formats
        out.append(mapped)
    return out
