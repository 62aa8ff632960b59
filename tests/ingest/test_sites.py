"""Extractor tests: one saved page per site layout (tests/pages/<kind>/), each with the record it must give.

The pages follow the real structures collected in ../shared/docs/site-structures.md (selectors, labels,
UI residue, encodings). Expected values are in the record's final form: simplified characters and the
canonical punctuation of pipeline.text.normalize (full-width next to Chinese text).
"""
from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import PAGES
from pipeline.ingest import fields

from pipeline.ingest import sites
from pipeline.ingest.files import ingest_bytes
from pipeline.text.normalize import to_simplified
from pipeline.ingest.page import Page
from pipeline.record import Record
from pipeline.ingest.sites import assign, dom, generic


# Record fields each page must give exactly. `body_has` / `body_lacks`: substrings of the body.
EXPECTED: dict[str, dict] = {
    "cnki/kcms2_journal.html": dict(
        source_kind="cnki",
        title_zh="数字乡村建设中的韧性治理：逻辑与路径",
        authors=["李明", "王芳"],
        affiliations=["上海科技大学创业与管理学院", "复旦大学国际关系与公共事务学院"],
        journal="现代情报", year=2023, volume="43", issue="4", pages="47-58,165",
        abstract_zh="数字乡村建设既是乡村振兴的战略方向，也是建设数字中国的重要内容。研究以韧性治理为分析视角，"
                    "提出数字技术嵌入乡村治理的“技术—组织—制度”三重逻辑，并从基础设施、数字素养与协同机制三方面"
                    "给出提升乡村治理韧性的路径。",
        keywords_zh=["韧性治理", "数字乡村", "乡村治理"],
        fund="国家社会科学基金重大项目（21ZDA056）；上海市哲学社会科学规划课题（2022BZZ001）",
        doi="10.3969/j.issn.1008-0821.2023.04.005",
        url=None,
    ),
    "cnki/kcms_detail_old.html": dict(
        source_kind="cnki",
        title_zh="社区治理中的协商民主：实践与反思",
        authors=["张伟", "刘洋"],
        affiliations=["南京大学政府管理学院", "南京师范大学公共管理学院"],
        journal="求实", year=2019, volume=None, issue="5", pages="53-64,110",
        abstract_zh="协商民主是社区治理现代化的重要制度安排。基于对N市三个社区议事会的调查，本文发现居民议事在"
                    "议题设定、参与结构和结果落实上存在差异，并据此提出完善社区协商的对策。",
        keywords_zh=["社区治理", "协商民主", "基层治理"],
        fund="国家社会科学基金一般项目“城市社区协商治理机制研究”（18BZZ070）",
        doi="10.16637/j.cnki.23-1360/d.2019.05.008",
        issn="1007-8487",
    ),
    "cnki/kcms2_text_save.txt": dict(
        source_kind="cnki",
        title_zh="数字乡村建设中的韧性治理：逻辑与路径",
        authors=["李明", "王芳"],
        affiliations=["上海科技大学创业与管理学院", "复旦大学国际关系与公共事务学院"],
        journal="现代情报", year=2023, volume="43", issue="4", pages="47-58,165",
        abstract_zh="数字乡村建设既是乡村振兴的战略方向，也是建设数字中国的重要内容。研究以韧性治理为分析视角，"
                    "提出数字技术嵌入乡村治理的“技术—组织—制度”三重逻辑。",
        keywords_zh=["韧性治理", "数字乡村", "乡村治理"],
        fund="国家社会科学基金重大项目（21ZDA056）；上海市哲学社会科学规划课题（2022BZZ001）",
        doi="10.3969/j.issn.1008-0821.2023.04.005",
        indexing=["北大核心", "CSSCI"],
        url="https://kns.cnki.net/kcms2/article/abstract?v=3uoqIhG8C44YLTlOAiTRKibYlV5Vjs7i",
    ),
    "cnki/kcms2_plain_authorpart.html": dict(
        source_kind="cnki",
        title_zh="城市更新中的社区参与：基于上海的案例",
        authors=["周晓丽", "陈思远"],
        affiliations=["上海交通大学国际与公共事务学院"],
        journal="社会科学（上海）", year=2021, volume=None, issue="5", pages="88-97",
        abstract_zh="城市更新正在从大拆大建转向有机更新，社区参与成为更新项目落地的关键。本文以上海三个微更新项目为例，"
                    "讨论参与式规划如何塑造更新结果。",
        keywords_zh=["城市更新", "社区参与", "参与式规划"],
    ),
    "cnki/kcms2_meta_only.html": dict(
        source_kind="cnki",
        title_zh="基层减负的制度逻辑与实践困境",
        authors=["黄晓春", "周黎安"],
        journal="社会学研究", year=2022,
        abstract_zh="基层减负是近年来国家治理的重要议题。本文基于对东部某市街道的调查，分析减负政策在科层体系中的执行逻辑。",
        doi="10.19934/j.cnki.shxyj.2022.04.003",
        body_lacks=["拖动下方拼图完成验证"],
    ),
    "wanfang/vue_periodical.html": dict(
        source_kind="wanfang",
        title_zh="共同体视域下基层治理韧性提升研究",
        title_en="Research on Improving the Resilience of Grassroots Governance from the Perspective of Community",
        authors=["张元", "李华"],
        affiliations=["中共中央党校（国家行政学院）社会和生态文明教研部", "北京大学政府管理学院"],
        journal="社会治理", year=2024, volume="30", issue="6", pages="45-56", date="2024-06-20",
        abstract_zh="基层治理韧性是国家治理体系和治理能力现代化的重要体现。本文从共同体视角出发，分析基层治理韧性的"
                    "生成逻辑，提出以党建引领整合多元主体、以制度供给稳定治理预期、以数字赋能提升响应速度的实现路径。",
        abstract_en="The resilience of grassroots governance is an important embodiment of the modernization of the "
                    "national governance system and capacity. From the perspective of community, this paper "
                    "analyzes how such resilience is generated.",
        keywords_zh=["基层治理", "治理韧性", "共同体", "党建引领"],
        keywords_en=["grassroots governance", "governance resilience", "community", "Party building"],
        fund="国家社会科学基金重点项目（22AZZ004）；中央党校（国家行政学院）科研项目（2023ZDXM06）",
        doi="10.16775/j.cnki.10-1285/d.2024.06.005",
        issn="2096-5761",
        url="https://d.wanfangdata.com.cn/periodical/shzl202406005",
    ),
    "wanfang/baseinfo_feild_old.html": dict(
        source_kind="wanfang",
        title_zh="城市社区网格化治理的困境与出路",
        title_en="Dilemmas and Solutions of Grid Governance in Urban Communities",
        authors=["王强", "陈静"],
        authors_en=["WANG Qiang", "CHEN Jing"],
        affiliations=["华东师范大学公共管理学院", "上海行政学院"],
        journal="中国行政管理", journal_en="Chinese Public Administration",
        year=2018, volume=None, issue="3", pages="45-50", date="2018-04-08",
        abstract_zh="网格化管理在提升城市社区治理精细化水平的同时，也带来了行政负担下沉、居民参与不足等问题。"
                    "本文基于S市的案例，提出以赋权社区、整合网格与激活居民参与为核心的优化路径。",
        keywords_zh=["网格化管理", "社区治理", "治理困境"],
        keywords_en=["grid management", "community governance", "governance dilemma"],
        fund="教育部人文社会科学研究青年基金项目（17YJC810012）",
        doi="10.19735/j.issn.1006-0863.2018.03.08",
        indexing=["CSTPCD", "北大核心", "CSSCI"],
    ),
    "cqvip/qikan_article.html": dict(
        source_kind="cqvip",
        title_zh="基层治理现代化视域下的社区韧性建设",
        title_en="Community Resilience Building from the Perspective of Modernizing Grassroots Governance",
        authors=["龚元林", "廖哲军"],
        authors_en=["Gong Yuanlin", "Liao Zhejun"],
        affiliations=["湘潭大学公共管理学院"],
        journal="湖南社会科学", journal_en="Hunan Social Sciences",
        year=2023, volume=None, issue="3", pages="130-134",
        abstract_zh="韧性社区建设是基层治理现代化的重要议题。文章基于“韧性—治理”框架，分析社区在风险应对中的组织、"
                    "资源与制度短板，提出以多元协同提升社区韧性的路径。",
        abstract_en="Building resilient communities is an important issue in the modernization of grassroots "
                    "governance. Based on a resilience-governance framework, the paper analyses organizational, "
                    "resource and institutional weaknesses.",
        keywords_zh=["基层治理", "社区韧性", "治理现代化"],
        keywords_en=["grassroots governance", "community resilience", "governance modernization"],
        fund="国家社会科学基金青年项目“韧性社区建设的多元协同机制研究”（21CZZ012）",
        indexing=["CSSCI", "北大核心"],
    ),
    "cqvip/doc_new.html": dict(
        source_kind="cqvip",
        title_zh="乡村振兴背景下村级组织的治理效能研究",
        authors=["赵磊", "孙悦"],
        affiliations=["华中师范大学中国农村研究院", "武汉大学政治与公共管理学院"],
        journal="中国农村观察", year=2022, issue="5", pages="88-104",
        abstract_zh="村级组织是乡村治理的基本单元。研究基于中部三省的村庄调查数据，考察村级组织结构、能力与治理效能"
                    "之间的关系，发现组织能力对治理效能具有显著正向影响。",
        keywords_zh=["乡村振兴", "村级组织", "治理效能"],
        fund="国家社会科学基金项目（20BZZ045）",
        doi="10.20074/j.cnki.11-3586/f.2022.05.006",
    ),
    "newspaper/rmrb_pc.html": dict(
        source_kind="newspaper",
        title_zh="让基层治理既有活力又有秩序——浙江诸暨推进共建共治共享的实践",
        authors=["刘军", "窦瀚洋"],
        journal="人民日报", date="2024-01-07", year=2024, pages="1",
        body_has=["本报杭州1月6日电", "据统计，2023年全市矛盾纠纷化解率超过98%。"],
        body_lacks=["分享到", "各地多措并举", "版权"],
    ),
    "newspaper/founder_old_gb2312.html": dict(
        source_kind="newspaper",
        title_zh="老旧小区改造中的居民协商——南湖区建设街道的探索",
        authors=["吴喆"],
        journal="南湖晚报", date="2019-03-12", year=2019, pages="5",
        body_has=["老旧小区改造涉及千家万户", "这正是共建共治共享的应有之义。"],
        body_lacks=["版权所有", "上一版", "turnpage"],
        encoding="gb18030",
    ),
    "newspaper/gmrb.html": dict(
        source_kind="newspaper",
        title_zh="以数字化赋能社区治理精细化",
        authors=["陆健", "刘习"],
        journal="光明日报", date="2025-02-12", year=2025, pages="4",
        body_has=["清晨，杭州市拱墅区的社区工作者", "数字平台让服务更精准、响应更及时。"],
        body_lacks=["分享到", "让老旧小区焕发新活力"],
    ),
    "newspaper/rmrb_old_textc.html": dict(
        source_kind="newspaper",
        title_zh="推进社会治理精细化——深入学习贯彻习近平总书记关于社会治理的重要论述",
        authors=["李培林"],
        affiliations=["中国社会科学院"],
        journal="人民日报", date="2016-03-08", year=2016, pages="7",
        body_has=["社会治理精细化，是社会治理现代化的重要标志。", "把更多资源、服务和管理放到社区。"],
        body_lacks=["作者为", "以法治保障基层善治", "上一版"],
    ),
    "newspaper/rmrb_text_save.txt": dict(
        source_kind="newspaper",
        title_zh="让基层治理既有活力又有秩序——浙江诸暨推进共建共治共享的实践",
        authors=["刘军", "窦瀚洋"],
        journal="人民日报", date="2024-01-07", year=2024, pages="1",
        url="http://paper.people.com.cn/rmrb/pc/content/202401/07/content_30001.html",
        body_has=["本报杭州1月6日电", "据统计，2023年全市矛盾纠纷化解率超过98%。"],
        body_lacks=["分享到", "要闻", "人民日报社概况", "坚持和发展", "本报记者"],
    ),
    "newspaper/regional_mobile.html": dict(
        source_kind="newspaper",
        title_zh="新时代“枫桥经验”赋能基层社会治理的路径探析",
        authors=["王小红"],
        affiliations=["山西大学政治与公共管理学院"],
        journal="市场信息报", date="2024-11-18", year=2024,
        fund="2024年山西省哲学社会科学规划课题“新时代枫桥经验与基层治理现代化研究”（编号:2024YJ088）",
        url="http://sz.scxxb.com.cn/m/content/2024-11/18/023917.html",
        body_has=["一、新时代“枫桥经验”的基本内涵", "（一）坚持党建引领", "贯穿矛盾纠纷化解全过程。"],
        body_lacks=["基金项目", "上篇", "下篇", "分享到", "等待处理", "TOP", "©"],
    ),
    "mirror/fx361_desktop.html": dict(
        source_kind="mirror",
        title_zh="多元主体参与社区治理的困境与对策",
        authors=["金泽龙"],
        affiliations=["吉林大学行政学院"],
        journal="法制与社会", year=2019, issue="24", date="2019-09-09",
        abstract_zh="社区是社会治理的基本单元。当前多元主体参与社区治理仍面临参与意识薄弱、协同机制缺失、资源保障不足等"
                    "困境，应从培育参与意识、完善协同机制、拓宽资源渠道三方面推动共建共治共享。",
        keywords_zh=["共建共治共享", "多元主体", "社区治理"],
        fund="吉林省社会科学基金项目“基层社会治理共同体建设研究”（2019B088）",
        doi="10.19387/j.cnki.1009-0592.2019.08.276",
        references=["[1]夏建中.治理理论的特点与社区治理研究[J].黑龙江社会科学,2010(02):125-130.",
                    "[2]陈伟东.社区自治：自组织网络与制度设置[M].北京：中国社会科学出版社,2004."],
        url="https://www.fx361.com/page/2019/0909/5515712.shtml",
        body_has=["一、多元主体参与社区治理的现实困境", "（一）参与意识薄弱。", "形成治理共识。"],
        body_lacks=["中图分类号", "作者简介", "参考文献", "夏建中", "APP下载", "关键词", "摘要", "ICP"],
    ),
    "mirror/fx361_mobile_text_save.txt": dict(
        source_kind="mirror",
        title_zh="韧性城市视角下的社区应急治理",
        authors=["刘思雨"],
        affiliations=["应急管理大学公共安全学院"],
        journal="中国应急管理", year=2020, issue="5", date="2020-05-20",
        abstract_zh="社区是城市应急管理的最后一公里。本文从韧性城市视角出发，分析社区在突发公共卫生事件中的组织动员机制，"
                    "并提出提升社区应急治理能力的建议。",
        keywords_zh=["韧性城市", "社区应急治理", "网格化"],
        doi="10.3969/j.issn.1673-8624.2020.05.012",
        url="https://m.fx361.cc/news/2020/0520/6673074.html",
        body_has=["社区应急治理能力是城市韧性的基础。", "需要在常态化治理中补齐。"],
        body_lacks=["中图分类号", "作者单位", "APP下载", "关键词"],
    ),
    "mirror/traditional_clone_spam.html": dict(
        source_kind="mirror",
        title_zh="党建引领韧性社区建设的实践路径",
        authors=["林晓"],
        affiliations=["中国人民大学公共管理学院"],
        journal="中国行政管理", year=2022, issue="5", date="2022-05-30",
        abstract_zh="韧性社区建设是应对城市风险的重要举措。本文以党建引领为主线，分析社区在组织动员、资源整合和应急"
                    "响应方面的实践经验，提出构建“党组织—居委会—社会组织”协同网络的对策。",
        keywords_zh=["党建引领", "韧性社区", "应急治理"],
        body_has=["一、问题的提出", "近年来，城市社区面对的各类风险日益复杂", "提供了有益经验。"],
        body_lacks=["责任编辑", "作者系", "版权所有", "lǐng", "qū"],
    ),
}

SPAM_WORDS = re.compile(r"精品|无码|午夜|成人|人妻|在线观看|在线播放|自拍|欧美|日韩|一区二区")


def ingest_page(relative: str, strip_url: bool = False):
    path = PAGES / relative
    raw = path.read_bytes()
    if strip_url:
        raw = _without_url(raw)
    records = ingest_bytes(raw, str(path), path.name)
    assert len(records) == 1
    return records[0]


def _without_url(raw: bytes) -> bytes:
    """The page with its own URL removed (canonical link, og:url, URL line): detection by markers only."""
    raw = re.sub(rb"<link rel=\"canonical\"[^>]*>|<meta property=\"og:url\"[^>]*>", b"", raw)
    return re.sub(rb"(?m)^https?://\S+\s*$", b"", raw)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_page_gives_expected_record(relative):
    rec = ingest_page(relative)
    expected = dict(EXPECTED[relative])
    body_has, body_lacks = expected.pop("body_has", []), expected.pop("body_lacks", [])
    encoding = expected.pop("encoding", None)
    got = {name: getattr(rec, name) for name in expected}
    assert got == expected
    for text in body_has:
        assert text in rec.body
    for text in body_lacks:
        assert text not in rec.body
    if encoding:
        assert rec.cleaning["encoding"] == encoding


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_record_has_no_ui_residue_spam_or_traditional_characters(relative):
    rec = ingest_page(relative)
    rec.source = ""
    text = rec.to_json()
    assert to_simplified(text) == text
    assert not SPAM_WORDS.search(text)
    metadata = " ".join([rec.title_zh or "", rec.title_en or "", rec.abstract_zh or "", rec.abstract_en or "",
                         *rec.authors, *rec.affiliations, *rec.keywords_zh, *rec.keywords_en])
    for residue in ("<正>", "&lt;正", "更多", "还原", "收起", "查看全部", "展开", "认领", "被引量", "AbstractFilter",
                    "附视频", "文摘阅读", "&quot"):
        assert residue not in metadata
    assert all(not re.search(r"\d|@|[*＊]", name) for name in rec.authors)
    assert all(not re.match(r"^\s*(\d|\[)", a) and not re.search(r"\d{6}", a) for a in rec.affiliations)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_kind_is_detected_from_page_markers_without_a_url(relative):
    rec = ingest_page(relative, strip_url=True)
    assert rec.source_kind == EXPECTED[relative]["source_kind"]
    assert rec.title_zh == EXPECTED[relative]["title_zh"]


@pytest.mark.parametrize("url,kind", [
    ("https://kns.cnki.net/kcms2/article/abstract?v=3uoqIhG8C44YLTlOAiTR", "cnki"),
    ("https://kns.cnki.net/KCMS/detail/detail.aspx?dbcode=CJFQ&filename=QIUS201905008", "cnki"),
    ("https://d.wanfangdata.com.cn/periodical/shzl202406005", "wanfang"),
    ("http://www.wanfangdata.com.cn/details/detail.do?_type=perio&id=zgxzgl201803008", "wanfang"),
    ("https://qikan.cqvip.com/Qikan/Article/Detail?id=7109817329", "cqvip"),
    ("https://www.cqvip.com/doc/journal/954991692", "cqvip"),
    ("http://paper.people.com.cn/rmrb/pc/content/202401/07/content_30001.html", "newspaper"),
    ("https://epaper.gmw.cn/gmrb/html/2025-02/12/nw.D110000gmrb_20250212_1-04.htm", "newspaper"),
    ("http://sz.scxxb.com.cn/m/content/2024-11/18/023917.html", "newspaper"),
    ("https://www.fx361.com/page/2019/0909/5515712.shtml", "mirror"),
    ("https://m.fx361.com/news/2022/0214/10015960.html", "mirror"),
    ("http://m.jizihe.com/page/2018/0129/16080646.shtml", "mirror"),
    ("http://www.unknown-clone.example/page/2023/0424/23625970.shtml", "mirror"),
])
@pytest.mark.parametrize("tag", ['<link rel="canonical" href="{}">', '<meta property="og:url" content="{}">'])
def test_kind_is_detected_from_the_page_url(url, kind, tag):
    html = (f"<html><head>{tag.format(url)}<title>社区治理研究</title></head>"
            "<body><p>社区治理是国家治理的基础。</p></body></html>")
    page = Page(source="x.html", raw=html.encode(), text=html, encoding="utf-8")
    assert sites.detect(page).KIND == kind


def test_mirror_detected_below_a_long_navigation_menu():
    html = (PAGES / "mirror/fx361_desktop.html").read_text(encoding="utf-8")
    menu = "".join(f'<li><a href="/bk/{i}/">期刊栏目{i}</a></li>' for i in range(40))
    html = _without_url(html.replace('<div class="main">', f'<ul class="menu">{menu}</ul><div class="main">').encode())
    rec = ingest_bytes(html, "fx.html", "fx.html")[0]
    assert rec.source_kind == "mirror" and rec.journal == "法制与社会" and rec.authors == ["金泽龙"]


def test_wanfang_fields_outside_the_row_list_come_from_the_translator_selectors():
    html = (PAGES / "wanfang/vue_periodical.html").read_text(encoding="utf-8").replace("detailList", "detailBox")
    rec = ingest_bytes(html.encode(), "vue.html", "vue.html")[0]
    expected = EXPECTED["wanfang/vue_periodical.html"]
    for name in ("authors", "affiliations", "keywords_zh", "keywords_en", "year", "volume", "issue", "abstract_en"):
        assert getattr(rec, name) == expected[name]


@pytest.mark.parametrize("url", ["https://news.sina.com.cn/c/2019-10-23/doc-iicezuev4301517.shtml",
                                 "https://www.toutiao.com/a6750171838424842760/", "https://www.gmw.cn/"])
def test_news_portals_are_not_taken_for_e_papers(url):
    html = (f'<html><head><link rel="canonical" href="{url}"><title>新闻</title></head>'
            '<body><div class="article-box"><h1>标题</h1><div id="articleContent"><p>正文。</p></div></div></body></html>')
    page = Page(source="x.html", raw=html.encode(), text=html, encoding="utf-8")
    assert sites.detect(page) is generic


# Real Founder e-paper pages of the chinese-web-content-extraction set: the reporter is named only in the
# body (`记者 刘涛`, `（记者 格桑边觉）`, `记者马俊峰/文`); one page has its body only between enpcontent comments.
REAL_EPAPERS = {"c4d032a1-45cd-4c77-a84e-90e2f8895039": "居家养老有“医”靠 安宁疗护有温度",
                "aefcf136-f592-4e95-b376-81cbd144684b": "“厕所革命”改善农牧区人居环境——去年改造户用卫生厕所4.66万座",
                "274a65d9-46df-45be-b9f6-4d18ba911427": "拿起跨界“指挥棒”她跟学生“较着劲儿”成长"}


@pytest.mark.parametrize("uid", sorted(REAL_EPAPERS))
def test_real_founder_e_papers(uid, external):
    data = external / "chinese-web-content-extraction"
    rec = ingest_bytes((data / "original" / f"{uid}.html").read_bytes(), uid, f"{uid}.html")[0]
    truth = "".join((data / "cleaned" / f"{uid}.txt").read_text(encoding="utf-8").split())
    body = "".join(rec.body.split())
    assert rec.source_kind == "newspaper" and rec.title_zh == REAL_EPAPERS[uid]
    assert rec.authors == [(data / "author" / f"{uid}.txt").read_text(encoding="utf-8").strip()]
    assert body[:40] in truth and truth[-40:] in body  # the hand-made text also starts with the title


def test_gbk_page_declared_only_by_http_equiv_decodes_as_gb18030():
    raw = (PAGES / "newspaper/founder_old_gb2312.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")  # 喆 is outside GB2312: a strict gb2312 decoder would fail
    assert b"charset=gb2312" in raw and b"<meta charset" not in raw
    rec = ingest_page("newspaper/founder_old_gb2312.html")
    assert "喆" in rec.authors[0] and "\ufffd" not in rec.to_json()


def test_mirror_spam_in_title_and_hidden_div_is_removed_and_counted():
    raw = (PAGES / "mirror/traditional_clone_spam.html").read_bytes().decode()
    assert "display:none" in raw and "<title>欧美精品" in raw  # the page really carries both spam blocks
    rec = ingest_page("mirror/traditional_clone_spam.html")
    assert rec.cleaning["spam_blocks"] >= 1
    assert rec.cleaning["converted_t2s"] is True and "title_zh" in rec.cleaning["t2s_fields"]


# ---------------------------------------------------------------- the helpers the extractors share

def test_page_ranges_and_counts():
    assert fields.parse_pages("47-58,165") == "47-58,165"
    assert fields.parse_pages("53-64+110") == "53-64,110"
    assert fields.parse_pages("12(45-56)", count_first=True) == "45-56"  # Wanfang 页数: count(range)
    assert fields.parse_pages("13", count_first=True) is None  # CNKI 页数: a count only
    assert fields.parse_pages("8~9") == "8-9"
    assert fields.parse_pages("共5页") is None


def test_indexing_aliases_and_journal_without_tiers():
    assert fields.find_indexing("ISTIC PKU CSSCI") == ["CSTPCD", "北大核心", "CSSCI"]
    assert fields.strip_indexing("中国行政管理 ISTIC PKU CSSCI") == "中国行政管理"


@pytest.mark.parametrize("raw,clean", [
    ("北京大学政府管理学院,北京,100871", "北京大学政府管理学院"),
    ("湘潭大学公共管理学院,湖南湘潭411105", "湘潭大学公共管理学院"),
    ("2.复旦大学国际关系与公共事务学院,上海 200433", "复旦大学国际关系与公共事务学院"),
    ("[2]武汉大学政治与公共管理学院,湖北武汉430072", "武汉大学政治与公共管理学院"),
    ("上海行政学院,200233", "上海行政学院"),
    ("中国人民大学 公共管理学院,100872", "中国人民大学 公共管理学院"),  # a department is not a city
    ("应急管理大学公共安全学院）", "应急管理大学公共安全学院"),
])
def test_affiliation_postcodes_and_brackets(raw, clean):
    assert fields.clean_affiliation(raw) == clean


@pytest.mark.parametrize("note,institution", [
    ("（作者系华东政法大学政府管理学院博士研究生）", "华东政法大学政府管理学院"),
    ("（作者为中国社会科学院副院长）", "中国社会科学院"),
    ("作者简介：金泽龙（1995-），男，吉林长春人，吉林大学行政学院硕士研究生，研究方向：社会治理。", "吉林大学行政学院"),
    ("（作者系本报评论员）", None),
])
def test_institution_from_author_note(note, institution):
    assert assign.affiliation_from_bio(note) == institution


def test_labelled_rows_and_list_values():
    tree = lxml.html.fromstring(
        '<div><div class="r"><span class="k">关键词：</span><div class="v"><a>乡村振兴</a><a>村级组织</a></div></div>'
        '<div class="r"><span class="k">出处：</span><div class="v"><a>《中国农村观察》</a> 2022年第5期</div></div>'
        '<div class="r">DOI：10.20074/j.cnki.11-3586/f.2022.05.006</div>'
        '<div class="r">下载量 215</div></div>')
    assert dom.row_pairs(tree, ".r", ".k", ".k + *") == [
        ("关键词：", "乡村振兴; 村级组织"), ("出处：", "《中国农村观察》 2022年第5期"),
        ("DOI", "10.20074/j.cnki.11-3586/f.2022.05.006")]
    rec = Record()
    assign.apply_rows(rec, dom.row_pairs(tree, ".r", ".k", ".k + *"))
    assert (rec.keywords_zh, rec.journal, rec.year, rec.issue, rec.doi) == (
        ["乡村振兴", "村级组织"], "中国农村观察", 2022, "5", "10.20074/j.cnki.11-3586/f.2022.05.006")


def test_only_bare_lists_of_links_or_spans_are_split():
    assert dom.value_text(lxml.html.fromstring("<div><a>城市更新</a>；<a>社区参与</a></div>")) == "城市更新; 社区参与"
    assert dom.value_text(lxml.html.fromstring("<div><p>第一段。</p><p>第二段。</p></div>")) == "第一段。第二段。"
    assert dom.value_text(lxml.html.fromstring("<div>基于<a>韧性</a>框架</div>")) == "基于韧性框架"


def test_wanfang_text_save_reads_tier_aliases():
    from pipeline.ingest.sites import wanfang

    rec = wanfang._from_text(["首页|社区治理研究", "ISTIC PKU CSSCI", "ISSN:1008-5831"])
    assert rec.indexing == ["CSTPCD", "北大核心", "CSSCI"] and rec.issn == "1008-5831"
