"""万方 Wanfang: d.wanfangdata.com.cn periodical pages (current Vue layout and the older
`baseinfo-feild` layout) and text saves of them (an unlabelled run of blocks: breadcrumb, abstract,
English title/abstract/keywords, authors, affiliations, keywords, journal, tiers, ISSN, `年,卷(期)`)."""
from __future__ import annotations

import re

from pipeline.ingest import fields
from pipeline.ingest.page import Page
from pipeline.record import Record
from pipeline.ingest.sites import assign, dom
from pipeline.ingest.sites.labels import split_sections

KIND = "wanfang"
HOSTS = (r"(^|\.)wanfangdata\.com(\.cn)?$", r"(^|\.)wanfang\w*\.cn$")

# Current Vue page (site-structures.md §b), then the older `baseinfo-feild` page. Labelled rows carry
# most fields; the selectors below are for what sits outside them.
SELECTORS = {
    "title_zh": (".detailTitleCN > span", ".detailTitleCN", ".baseinfo-feild h1", ".baseinfo-feild .title"),
    "title_en": (".detailTitleEN > span", ".detailTitleEN", ".baseinfo-feild h2"),
    # An English title inside the Chinese title's element (older pages): read, then dropped from the Chinese.
    "title_en_inside": (".baseinfo-feild h1 > em", ".baseinfo-feild h1 > span.en", ".baseinfo-feild .title > em",
                        ".baseinfo-feild .title > span"),
    "authors": (".author.detailTitle > .itemUrl > a", "a.test-detail-author"),
    "affiliations": ("a.test-detail-org",),
    "abstract_zh": (".summary > .item + *", ".baseinfo-feild .abstract"),
    "journal": (".periodicalName",),
    "doi": (".doiStyle > a", ".doiStyle"),
    "issn": (".periodicalDataItem",),
    # The same fields as the rows, by the translators' selectors: for pages whose rows are laid out otherwise.
    "abstract_en": (".abstractEN > .item + *",),
    "keywords_zh": (".keyword > .item + * > a", ".itemKeyword a span"),
    "keywords_en": (".keywordEN > .item + * > a",),
    "source": (".publishData > .item + *",),
}
ROW_SELECTORS = ((".detailList .list", ".item", ".item + *"),
                 ("ul.info li", ".info_left", ".info_right"))
# UI text inside the title and abstract blocks that is not part of them.
TITLE_NOISE = (".miner", ".minerLine", ".getMore", "span[title='查看全部']", ".abstractIcon")
TEXT_FURNITURE = re.compile(r"^(?:扫码查看|展开\s*>?|收起\s*<?|影响因子[:：].*|被引\s*\d*|下载\s*\d*|"
                            r"文摘阅读\s*\d*|在线阅读|下载全文|导出|收藏|分享)$")
TEXT_MARKERS = re.compile(r"^首页\s*[|>]|^年\s*[,，]\s*卷\s*[(（]期[)）]|^影响因子[:：]")
PERIODICAL_PAGE = re.compile(r"-期刊-|/periodical/|_type=perio", re.I)
JOURNAL_WORDS = re.compile(r"学报|杂志|期刊|研究|论坛|评论|科学|管理|月刊|季刊|[(（].*版[)）]$")


def looks_like(page: Page) -> bool:
    if page.is_html:
        return bool(dom.select(page.tree, ".detailTitleCN, .detailList, .baseinfo-feild"))
    return sum(bool(TEXT_MARKERS.search(line)) for line in page.lines) >= 2


def extract(page: Page) -> Record:
    return _from_html(page) if page.is_html else _from_text(page.lines)


def _from_text(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    lines = [line for line in lines if not TEXT_FURNITURE.match(line)]
    sec = split_sections(lines, follow={"abstract_zh": 1, "keywords_zh": 1, "authors": 1, "fund": 1})
    rest = sec.rest
    for line in rest:
        if re.match(r"^首页\s*[|>]", line):
            rec.title_zh = re.split(r"\s*[|>]\s*", line)[-1]
    if rec.title_zh is None and rest:
        rec.title_zh = rest[0]
    rest = [line for line in rest if line != rec.title_zh and not re.match(r"^首页\s*[|>]", line)]
    repeated = {line for line in rest if rest.count(line) > 1}
    journal_candidates = []
    for line in rest:
        if m := re.match(r"^ISSN\s*[:：]\s*(.+)$", line, re.I):
            rec.issn = fields.normalize_issn(m.group(1))
        elif re.match(r"^年\s*[,，]\s*卷\s*[(（]期[)）]", line) or re.match(r"^\d{4}\s*[,，.]\s*\d*\s*[(（]", line):
            assign.apply_source(rec, line)
        elif (tiers := fields.find_indexing(line)) and not fields.strip_indexing(line).strip(" ,，、|"):
            rec.indexing = tiers
        elif re.fullmatch(r"(19|20)\d{2}", line):
            rec.year = rec.year or int(line)
        elif assign.is_latin(line):
            if rec.abstract_en is None and len(line) < 300 and rec.title_en is None:
                rec.title_en = line
            elif rec.abstract_en is None and len(line) >= 300:
                rec.abstract_en = line
            elif not rec.keywords_en:
                rec.keywords_en = [line]  # split below, once the Chinese keywords give the count
        elif len(line) >= 60 and re.search(r"[，。,；;]", line) and rec.abstract_zh is None:
            rec.abstract_zh = line
        elif _is_name_list(line) and not rec.authors:
            rec.authors = fields.split_authors(line)
        elif assign.INSTITUTION_WORDS.search(line) and re.search(r"\d{6}|[,，]", line) and not rec.affiliations:
            rec.affiliations = fields.split_affiliations(line)
        elif _is_keyword_list(line) and not rec.keywords_zh:
            rec.keywords_zh = fields.split_keywords_zh(line)
        else:
            journal_candidates.append(line)
    rec.journal = next((c for c in journal_candidates if c in repeated), None) or next(
        (c for c in journal_candidates if JOURNAL_WORDS.search(c)), None)
    assign.apply_sections(rec, sec)
    if len(rec.keywords_en) == 1:
        vocabulary = assign.english_vocabulary(rec.abstract_en, rec.title_en)
        rec.keywords_en = fields.split_keywords_en(rec.keywords_en[0], vocabulary)
    rec.body = rec.abstract_zh or ""
    return rec


def _is_name_list(line: str) -> bool:
    parts = [p for p in re.split(r"[、,，;；\s]+", line) if p]
    return bool(parts) and all(re.fullmatch(r"[\u4e00-\u9fff·]{2,5}\d*", p) for p in parts) and (
        "、" in line or len(parts) == 1 and len(parts[0]) <= 4)


def _is_keyword_list(line: str) -> bool:
    parts = [p for p in re.split(r"[\s;；,，、]+", line) if p]
    return len(parts) >= 2 and all(len(p) <= 20 for p in parts) and not re.search(r"[。！？]", line)


def _from_html(page: Page) -> Record:
    tree = page.tree
    dom.drop(tree, *TITLE_NOISE)
    rec = Record(source_kind=KIND)
    rec.title_en = dom.first_text(tree, *SELECTORS["title_en_inside"])
    dom.drop(tree, *SELECTORS["title_en_inside"])
    rec.title_zh = dom.first_text(tree, *SELECTORS["title_zh"]) or (dom.meta(tree, "citation_title") or [None])[0]
    rec.title_en = rec.title_en or dom.first_text(tree, *SELECTORS["title_en"])
    rec.authors = [a for t in dom.all_texts(tree, *SELECTORS["authors"]) for a in fields.split_authors(t)]
    rec.affiliations = [a for t in dom.all_texts(tree, *SELECTORS["affiliations"])
                        for a in fields.split_affiliations(t)]
    abstract = dom.first_text(tree, *SELECTORS["abstract_zh"]) or (dom.meta(tree, "description") or [None])[0]
    rec.abstract_zh = fields.clean_abstract(assign.strip_label(abstract))
    journal = dom.first_text(tree, *SELECTORS["journal"])
    rec.journal = fields.clean_journal(journal) if journal else None
    rec.doi = fields.normalize_doi(dom.first_text(tree, *SELECTORS["doi"]))
    rec.issn = fields.normalize_issn(" ".join(dom.all_texts(tree, *SELECTORS["issn"])))
    assign.apply_rows(rec, [pair for selectors in ROW_SELECTORS for pair in dom.row_pairs(tree, *selectors)])
    rec.abstract_en = rec.abstract_en or fields.clean_abstract(dom.first_text(tree, *SELECTORS["abstract_en"]))
    rec.keywords_zh = rec.keywords_zh or dom.all_texts(tree, *SELECTORS["keywords_zh"])
    rec.keywords_en = rec.keywords_en or dom.all_texts(tree, *SELECTORS["keywords_en"])
    if rec.year is None and (source := dom.first_text(tree, *SELECTORS["source"])):
        assign.apply_source(rec, source)
    if not rec.keywords_zh and (kw := dom.meta(tree, "keywords")):
        terms = [t.strip() for t in re.split(r"[,，]", kw[0]) if t.strip()]
        # A periodical page's meta keywords end with the journal name (a thesis page's do not).
        if PERIODICAL_PAGE.search(f"{tree.findtext('.//title') or ''} {page.page_url or ''}"):
            rec.journal, terms = rec.journal or (terms[-1] if terms else None), terms[:-1]
        rec.keywords_zh = terms
    rec.body = rec.abstract_zh or ""
    return rec
