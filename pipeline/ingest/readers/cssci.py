"""CSSCI (中文社会科学引文索引) exports: `【来源篇名】…` blocks, one per article, each ending with a line of
dashes, the cited references listed one per line under `【参考文献】` (`1.作者.题名.刊名.2010.32(7)`).

The file opens with the database's banner (南京大学中国社会科学研究评价中心 / 数字文献处理系统 …). Lists inside
a field are separated by `/`; `【机构名称】` prefixes each institution with the author in brackets
(`[李强]中国科学院….`); `【年代卷期】` reads `2019,40(010):3-19`.
"""
from __future__ import annotations

import re

from pipeline.ingest import fields
from pipeline.ingest.readers.tagged import Entry, parse_tagged

FIELD = re.compile(r"^【\s*([^】]{1,12}?)\s*】\s?(.*)$")
SEPARATOR = re.compile(r"^-{10,}\s*$")
START_LABELS = ("文件序号", "来源篇名")
# Label (spaces removed) → role; `/`-separated lists are split into items.
ROLES = {
    "来源篇名": "title_zh", "英文篇名": "title_en", "来源作者": "authors", "基金": "fund", "期刊": "journal",
    "机构名称": "affiliations", "第一机构": "first_affiliation", "关键词": "keywords", "年代卷期": "source",
    "参考文献": "references", "文章类型": "doc_type_label", "学科分类": "subject", "中图类号": "clc",
}
LIST_ROLES = ("authors", "affiliations", "keywords", "fund")
AUTHOR_PREFIX = re.compile(r"^\s*\[[^\]]*\]\s*")


def _match(line: str) -> tuple[str, str] | None:
    if SEPARATOR.match(line):
        return ("END", "")
    m = FIELD.match(line.strip())
    return (re.sub(r"\s+", "", m.group(1)), m.group(2)) if m else None


def detect(head: list[str]) -> bool:
    return any(FIELD.match(line) and re.sub(r"\s+", "", FIELD.match(line).group(1)) == "来源篇名" for line in head)


def entries(text: str) -> list[Entry]:
    banner_end = next((i for i, line in enumerate(text.split("\n")) if _match(line) and _match(line)[0] in START_LABELS), 0)
    body = "\n".join(text.split("\n")[banner_end:])
    raw = parse_tagged(body, _match, lambda tag, current: tag in START_LABELS and any(t in current for t in START_LABELS),
                       lambda tag: tag == "END")
    out = []
    for entry in raw:
        mapped: Entry = {"database": ["CSSCI"], "doc_type": ["journal"]}
        for label, values in entry.items():
            role = ROLES.get(label)
            if role is None:
                continue
            for value in values:
                if role == "references":
                    mapped.setdefault(role, []).extend(line.strip() for line in value.split("\n") if line.strip())
                elif role in LIST_ROLES:
                    items = [AUTHOR_PREFIX.sub("", v).strip(" .") for v in value.split("/")]
                    mapped.setdefault(role, []).extend(v for v in items if v)
                elif role == "source":
                    parsed = fields.parse_source_line(value)
                    for name in ("year", "volume", "issue", "pages"):
                        if parsed[name] is not None:
                            mapped.setdefault(name, []).append(str(parsed[name]))
                else:
                    mapped.setdefault(role, []).append(value)
        out.append(mapped)
    return out
