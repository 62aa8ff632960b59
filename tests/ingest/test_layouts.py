"""Issue 19: a page of our own (fictional text, real structure) for every layout and variant that
../shared/docs/site-structures.md lists beyond the pages of test_sites.py, the per-field fallback chain
(site rules → labelled rows → meta tags → generic extractor, recorded in `cleaning.field_sources`) and the
value cleaners. Issue 14 item 6: news pages (the real GNE test pages)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import PAGES, EXTERNAL, need
from pipeline.build.build import BuildSummary
from pipeline.ingest import fields
from pipeline.ingest.files import EMPTY_BODY, ingest_bytes, ingest_file
from pipeline.ingest.sites import assign


# site-structures.md section → its layout or variant → the page that covers it (here or in test_sites.py).
LAYOUTS = {
    "a. CNKI kcms2": "cnki/kcms2_journal.html",
    "a. CNKI kcms2, #authorpart as plain text": "cnki/kcms2_plain_authorpart.html",
    "a. CNKI meta tags before the DOM, captcha chrome": "cnki/kcms2_meta_only.html",
    "a. CNKI thesis/standard: .type and br+span English title, p#ChDivSummary, keywords as text, 学科专业": "cnki/kcms2_thesis.html",
    "a. CNKI newspaper: 版名 / 版号 rows, dated source line": "cnki/kcms2_newspaper.html",
    "a. CNKI older KCMS detail.aspx": "cnki/kcms_detail_old.html",
    "a. CNKI text save": "cnki/kcms2_text_save.txt",
    "a. Magtech DC.* metas (leading space)": "generic/magtech_dc.html",
    "a. jmsc citation_authors xml:lang cn/en, citation_keywords": "generic/jmsc_citation.html",
    "a. yiigle citation_author repeated, date 2025/01/15": "generic/yiigle_citation.html",
    "b. Wanfang Vue periodical, 英文信息 block": "wanfang/vue_periodical.html",
    "b. Wanfang older baseinfo-feild, h1/h2": "wanfang/baseinfo_feild_old.html",
    "b. Wanfang older baseinfo-feild, English title inside the title, rows Abstract / Key words": "wanfang/baseinfo_feild_rows.html",
    "b. Wanfang thesis: div.publish list / div.thesisYear list + div.itemUrl": "wanfang/thesis_publish_list.html",
    "c. CQVIP qikan article": "cqvip/qikan_article.html",
    "c. CQVIP older WeiPu markup, English block as its own section": "cqvip/weipu_old.html",
    "c. CQVIP new www.cqvip.com/doc": "cqvip/doc_new.html",
    "c. CQVIP text save": "cqvip/text_save.txt",
    "d. People's Daily pc layout": "newspaper/rmrb_pc.html",
    "d. People's Daily older div.text_c": "newspaper/rmrb_old_textc.html",
    "d. People's Daily text save": "newspaper/rmrb_text_save.txt",
    "d. Founder founder-content, enpproperty, GB encoding": "newspaper/founder_old_gb2312.html",
    "d. Founder older td.font01 + #ozoom/span/p": "newspaper/founder_td_font01.html",
    "d. Guangming Daily": "newspaper/gmrb.html",
    "d. regional e-paper (作者 □ 单位 姓名)": "newspaper/regional_mobile.html",
    "d. regional e-paper text save, two by-line pairs, note on two people": "newspaper/regional_byline_notes.txt",
    "e. fx361 desktop": "mirror/fx361_desktop.html",
    "e. fx361 mobile: .bt, date/author h3, source ul, 【摘要】/【中圖分类号】/【DOI】": "mirror/fx361_mobile.html",
    "e. fx361 mobile text save": "mirror/fx361_mobile_text_save.txt",
    "e. traditional clone with pinyin glosses and spam": "mirror/traditional_clone_spam.html",
}

EXPECTED: dict[str, dict] = {
    "cnki/kcms2_thesis.html": dict(
        source_kind="cnki", title_zh="乡镇政府数字化转型的组织逻辑研究",
        title_en="Research on the Organizational Logic of Digital Transformation in Township Governments",
        authors=["林书远"], affiliations=["南方理工大学公共管理学院"], journal=None,
        abstract_zh="乡镇政府是数字政府建设的末端。本文以两个乡镇的政务平台为案例，讨论技术嵌入如何改变科层分工，"
                    "并提出面向基层的数字化转型建议。",
        keywords_zh=["数字政府", "乡镇治理", "组织变革"]),
    "cnki/kcms2_newspaper.html": dict(
        source_kind="cnki", title_zh="让社区议事会真正议起来", authors=["许安然"], journal="东江日报",
        date="2023-05-16", year=2023, pages="7"),
    "generic/magtech_dc.html": dict(
        source_kind="generic", title_zh="基层协商民主的制度化路径", authors=["孟清和", "唐语晨"], journal="江淮治理评论",
        year=2021, volume="9", issue="4", pages="61-72", date="2021-08-15",
        keywords_zh=["协商民主", "基层治理", "制度化"], doi="10.16001/j.fictional.2021.04.006",
        body="基层协商民主需要从个案经验走向制度安排。本文比较三个城市的议事规则，提出以议题清单、程序规范和结果反馈为核心的"
             "制度化路径。"),
    "generic/jmsc_citation.html": dict(
        source_kind="generic", title_zh="平台企业参与社区治理的合作模式",
        title_en="Cooperation Models of Platform Firms in Community Governance", authors=["解云舒", "陈立夏"],
        authors_en=["XIE Yunshu", "CHEN Lixia"], journal="管理研究学刊", date="2022-03-20", year=2022,
        keywords_zh=["平台企业", "社区治理", "合作模式"], doi="10.19999/j.fictional.2022.02.011", issn="1234-567X"),
    "generic/yiigle_citation.html": dict(
        source_kind="generic", title_zh="社区卫生服务中心家庭医生签约的影响因素", authors=["周明远", "韩若溪", "杜文博"],
        journal="中华社区医学杂志", date="2025-01-15", year=2025, keywords_zh=["家庭医生", "签约服务", "影响因素"],
        doi="10.3760/fictional.2025.01.004", body=""),
    "wanfang/baseinfo_feild_rows.html": dict(
        source_kind="wanfang", title_zh="社区社会组织孵化的成效与限度",
        title_en="The Effects and Limits of Incubating Community Social Organizations", authors=["宋嘉禾"],
        affiliations=["江州大学社会学院"], journal="社会工作前沿", year=2017, volume="12", issue="2", pages="33-41",
        abstract_en="Incubating community social organizations is a common way for governments to foster social forces. "
                    "Using five years of records of an incubation base, this paper assesses the effects and limits of "
                    "incubation.",
        keywords_en=["community social organization", "incubation", "resource dependence"],
        body="社区社会组织孵化是政府培育社会力量的常见做法。本文基于南城区孵化基地五年的档案，评估孵化对组织存活与服务能力的"
             "影响，并指出资源依赖带来的限度。"),
    "wanfang/thesis_publish_list.html": dict(
        source_kind="wanfang", title_zh="城市更新中的居民协商机制研究", authors=["钱若愚"], affiliations=["东海师范大学"],
        journal=None, year=2020, keywords_zh=["城市更新", "居民协商", "老旧街区"]),
    "cqvip/weipu_old.html": dict(
        source_kind="cqvip", title_zh="志愿服务时间银行的运行困境", title_en="Operational Dilemmas of Volunteer Time Banks",
        authors=["邵晨光", "白芷若"], affiliations=["西陵大学社会发展学院"], journal="社会工作前沿", year=2019,
        issue="4", pages="22-29",
        abstract_zh="时间银行以服务换服务，是互助养老的一种尝试。文章基于三个社区的调查，发现积分通兑难、信任不足和运营依赖"
                    "财政是其主要困境。",
        abstract_en="Time banks exchange service for service as an experiment in mutual-aid elderly care. A survey of "
                    "three communities finds that the main dilemmas are poor credit exchange, weak trust and fiscal "
                    "dependence.",
        keywords_zh=["时间银行", "互助养老"], keywords_en=["time bank", "mutual-aid elderly care"]),
    "cqvip/text_save.txt": dict(
        source_kind="cqvip", title_zh="老年友好社区建设的评价指标体系",
        title_en="Evaluation Indicators for Age-friendly Community Building", authors=["何若水", "罗一鸣"],
        authors_en=["HE Ruo-shui", "LUO Yi-ming"], journal="人口与社会评论", journal_en="Population and Society Review",
        year=2021, issue="3", pages="88-97", keywords_zh=["老年友好社区", "评价指标", "德尔菲法"]),
    "newspaper/founder_td_font01.html": dict(
        source_kind="newspaper", title_zh="让“小事”有人管——东江市网格员队伍建设调查", authors=["宁可为"],
        affiliations=["东江市委党校"], journal="东江日报", pages="3"),
    "newspaper/regional_byline_notes.txt": dict(
        source_kind="newspaper", title_zh="社区养老服务的供给侧改革——以东江市三个街道为例", authors=["严清", "方舟"],
        affiliations=["东江大学公共管理学院", "东江市委党校"], journal="东江日报", date="2023-05-16", pages="7",
        body="社区养老服务正在从“政府包办”走向“多元供给”。本文以三个街道的实践为例，讨论供给侧改革的方向。\n"
             "一、供给结构的变化\n三个街道的养老服务站都引入了社会组织运营，服务项目从助餐扩展到助浴、助医。"),
    "mirror/fx361_mobile.html": dict(
        source_kind="mirror", title_zh="社区基金会的本土化发展", authors=["沈望舒"], affiliations=["南江大学社会学系"],
        journal="社会治理研究", year=2021, issue="3", date="2021-03-15",
        abstract_zh="社区基金会是连接社区资源的平台。本文比较三家社区基金会的筹资结构，讨论本土化发展的条件。",
        keywords_zh=["社区基金会", "本土化", "筹资结构"], doi="10.16999/j.fictional.2021.03.015",
        body="一、社区基金会的兴起\n近十年来，社区基金会在东部城市快速增加，筹资渠道也从政府拨款扩展到企业和居民捐赠。\n"
             "二、本土化的条件\n本土化的关键在于社区的信任网络，以及基金会能否回应居民的实际需要。"),
}


def ingest(relative: str, warnings: list | None = None):
    path = PAGES / relative
    return ingest_bytes(path.read_bytes(), str(path), path.name, warnings=warnings)[0]


def test_every_documented_layout_has_a_page():
    assert all((PAGES / page).exists() for page in LAYOUTS.values())
    # every page of this module is in the layout list
    assert set(EXPECTED) <= set(LAYOUTS.values())


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_layout_gives_expected_record(relative):
    rec = ingest(relative)
    got = {name: getattr(rec, name) for name in EXPECTED[relative]}
    assert got == EXPECTED[relative]


@pytest.mark.parametrize("relative", sorted(set(LAYOUTS.values())))
def test_field_sources_name_a_step_for_every_filled_field(relative):
    rec = ingest(relative)
    sources = rec.cleaning["field_sources"]
    assert set(sources.values()) <= {"site", "rows", "meta", "generic"}
    assert rec.title_zh and "title_zh" in sources
    assert all(getattr(rec, name) not in (None, "", []) for name in sources)


def test_fallback_steps_are_recorded():
    # Rows the CQVIP selectors do not read (its English block as its own section) come from `rows`.
    assert ingest("cqvip/weipu_old.html").cleaning["field_sources"]["title_en"] == "rows"
    # A journal platform of no known site: everything from its meta tags, the body from the abstract.
    sources = ingest("generic/magtech_dc.html").cleaning["field_sources"]
    assert {sources[name] for name in ("title_zh", "authors", "journal", "doi", "volume", "pages")} == {"meta"}
    # CNKI's rules read no date; the generic extractor finds the first-online date under the title.
    rec = ingest("cnki/kcms2_journal.html")
    sources = rec.cleaning["field_sources"]
    assert rec.date == "2023-03-20" and sources.pop("date") == "generic" and set(sources.values()) == {"site"}


def test_fallback_takes_page_rows_the_site_rules_miss():
    html = ("<html><head><title>x</title></head><body><div class='detailTitleCN'><span>韧性社区的评价</span></div>"
            "<table><tr><th>Title</th><td>Evaluating Resilient Communities</td></tr>"
            "<tr><th>Abstract：</th><td>We evaluate resilient communities with a panel of twelve cities.</td></tr>"
            "<tr><th>Key words：</th><td>resilience; community</td></tr>"
            "<tr><th>作者单位：</th><td>江州大学社会学院,江州,310000</td></tr></table></body></html>")
    rec = ingest_bytes(html.encode(), "w.html", "w.html")[0]
    assert rec.source_kind == "wanfang"
    assert (rec.title_en, rec.abstract_en, rec.keywords_en, rec.affiliations) == (
        "Evaluating Resilient Communities", "We evaluate resilient communities with a panel of twelve cities.",
        ["resilience", "community"], ["江州大学社会学院"])
    assert {rec.cleaning["field_sources"][n] for n in ("title_en", "abstract_en", "keywords_en")} == {"rows"}


def test_a_page_without_text_is_warned_and_a_build_failure():
    warnings: list[str] = []
    rec = ingest("generic/yiigle_citation.html", warnings)
    assert rec.body == "" and [w for w in warnings if w.startswith(EMPTY_BODY)]
    summary = BuildSummary()
    summary.add("yiigle.html", {"error": None, "warnings": warnings, "kinds": {"generic": 1}, "spam_blocks": 0,
                                "converted_t2s": 0, "records": 1})
    assert summary.failures == [("yiigle.html", warnings[0])] and not summary.warnings
    assert "failures: 1" in summary.report()


# ---------------------------------------------------------------- value cleaners

@pytest.mark.parametrize("raw,clean", [
    ("社会工作前沿 SHEHUI GONGZUO QIANYAN", "社会工作前沿"),
    ("中国行政管理 Chinese Public Administration", "中国行政管理"),
    ("《湖南社会科学》", "湖南社会科学"),
    ("南湖晚报数字报", "南湖晚报"),
    ("市场信息报电子版", "市场信息报"),
    ("IT经理世界", "IT经理世界"),  # Latin glued to the name is part of it
    ("社会科学（上海）", "社会科学（上海）"),
])
def test_journal_names(raw, clean):
    assert fields.clean_journal(raw) == clean


@pytest.mark.parametrize("name,person", [
    ("网易", False), ("观察者网", False), ("新京报", False), ("新浪财经-自媒体综合", False), ("104363", False),
    ("参考消息", False), ("证券时报网", False), ("未知", False), ("王文", True), ("阿卜杜拉·买买提", True),
    ("John Smith", True), ("kingname", True),
])
def test_person_names(name, person):
    assert fields.is_person_name(name, ("网易财经",) if name == "网易" else ()) is person


def test_every_affiliation_of_an_author_note():
    note = "作者简介：张三，男，江州大学社会学院副教授；李四，东江市委党校讲师。"
    assert assign.affiliations_from_bio(note) == ["江州大学社会学院", "东江市委党校"]
    assert assign.affiliations_from_bio("（作者系东江大学公共管理学院副教授；东江市委党校讲师）") == [
        "东江大学公共管理学院", "东江市委党校"]


@pytest.mark.parametrize("title,subtitle,joined", [
    ("让基层治理既有活力又有秩序", "——浙江诸暨的实践", "让基层治理既有活力又有秩序——浙江诸暨的实践"),
    ("主题", "--副题", "主题——副题"),
    ("主题", None, "主题"),
])
def test_subtitles_are_joined_after_a_double_dash(title, subtitle, joined):
    assert assign.join_subtitle(title, subtitle) == joined


def test_subtitle_dashes_are_one_form_on_every_page_kind():
    text = "社区治理的新探索--以东江市为例\n2021-03-15 沈望舒\n社会治理研究 2021年3期\n摘要：社区是治理的基本单元。\n正文第一段。"
    rec = ingest_bytes(text.encode(), "m.txt", "m.txt")[0]
    assert rec.source_kind == "mirror" and rec.title_zh == "社区治理的新探索——以东江市为例"


# ---------------------------------------------------------------- issue 14 item 6: real news pages (GNE)

def _gne_reference(root: Path) -> dict[str, dict]:
    text = (root / "gne_result_reference_output.txt").read_text(encoding="utf-8")
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(r">>>>+(\S+?)>>>>+\n(.*?)\n<<<<", text, re.S)}


# Site and outlet names seen as authors on these pages (the issue's list, and what their meta tags carry).
SITE_NAMES = {"网易", "观察者网", "新京报", "新浪财经-自媒体综合", "参考消息", "新浪科技", "环球网", "证券时报网", "网络整理",
              "新华网", "搜索", "未知"}


@pytest.fixture(scope="module")
def gne():
    root = need(EXTERNAL / "gne-test-pages")
    reference = _gne_reference(root)
    assert len(reference) == 20
    records = {}
    for path in sorted((root / "tests").rglob("*.html")):
        result = ingest_file(path)
        assert result.error is None, (path, result.error)
        records[str(path.relative_to(root))] = (result.records[0], result.warnings)
    return reference, records


def test_gne_no_site_name_or_number_as_author(gne):
    reference, records = gne
    for key in reference:
        rec, _ = records[key]
        assert not set(rec.authors) & SITE_NAMES, (key, rec.authors)
    for key, (rec, _) in records.items():
        assert all(not a.isdigit() and a not in SITE_NAMES for a in rec.authors), (key, rec.authors)
    # ... and a by-line the page does print is read: `<span>作者：李在山</span>`
    assert records["tests/stcn/1.html"][0].authors == ["李在山"]


def test_gne_titles_are_whole_and_without_injected_tags(gne):
    reference, records = gne
    for key in ("tests/163/1.html", "tests/163/3.html", "tests/163/6.html"):  # og:title cut at an embedded quote
        title = records[key][0].title_zh
        assert fields.has_han(title) and title.replace("“", '"').replace("”", '"').replace("？", "?") == \
            reference[key]["title"].replace("？", "?")
    assert records["tests/njxfhn/1.html"][0].title_zh == "江门七旬阿婆接来电称其涉黑被骗上百万！冒充公检法电诈团伙被端"
    assert records["tests/xds/1.html"][0].title_zh.startswith("【资讯汇总】")  # a tag the page shows stays


def test_gne_gazette_page_without_text_is_warned(gne):
    _, records = gne
    rec, warnings = records["tests/other/1.html"]
    assert rec.body == "" and any(w.startswith(EMPTY_BODY) for w in warnings)
    assert all(not any(w.startswith(EMPTY_BODY) for w in ws) for key, (r, ws) in records.items() if r.body)


def test_portal_article_on_a_founder_cms_is_not_an_e_paper(external):
    rec = ingest_file(external / "readability-zh-pages" / "input" / "gmw.html").records[0]
    assert rec.source_kind == "generic" and rec.title_zh == "宇航员在太空中喝酒会怎么样？后果很严重"


@pytest.mark.parametrize("page,furniture", [
    ("youth.html", ["收藏文章", "我的社区", "评论内容为空", "图片正在上传"]),
    ("qq.html", ["转播到腾讯微博", "精彩视频推荐"]),
])
def test_page_furniture_is_cut_from_body_ends(external, page, furniture):
    rec = ingest_file(external / "readability-zh-pages" / "input" / page).records[0]
    tail = "\n".join(rec.body.split("\n")[-6:])
    assert rec.body and not [word for word in furniture if word in tail]
