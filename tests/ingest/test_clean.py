"""Cleaning: spam detection and removal, hidden elements, hijacked titles, site furniture.

Precision is checked on real text that has no spam (CSL papers, FewCLUE abstracts, NSSF project titles,
hand-cleaned web pages, 131 real pages); recall on seed 003, real SEO-spam titles and lists built at test
time from third-party spam lexicons (used here only, never shipped)."""
import json
import random
import re
from pathlib import Path

import lxml.html
import pytest

from pipeline.ingest.clean import clean_title, is_spam_text, remove_hidden, spam_score, strip_boilerplate, strip_spam
from pipeline.ingest.decode import decode_bytes
from bench.common import nssf_projects
from tests.conftest import EXTERNAL, NSSF_CSV, SEEDS, need

CWCE = EXTERNAL / "chinese-web-content-extraction"
GNE = EXTERNAL / "gne-test-pages" / "tests"
KONSHENG = EXTERNAL / "konsheng-sensitive-lexicon"
BLACKLIST = EXTERNAL / "chinese-blacklist-by-title"


def seed(prefix: str) -> tuple[str, dict]:
    path = next(need(SEEDS).glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8"), json.loads(path.with_suffix(".expected.json").read_text("utf-8"))


def t2s(text: str) -> str:
    import opencc
    return opencc.OpenCC("t2s").convert(text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def porn_entries() -> list[str]:
    return sorted({w for name in ("色情类型.txt", "色情词库.txt")
                   for w in (need(KONSHENG) / name).read_text(encoding="utf-8").split()})


def spam_titles(rng: random.Random, count: int) -> list[str]:
    """Spam 'titles' as link farms write them: two lexicon entries run together."""
    entries = porn_entries()
    return ["".join(rng.sample(entries, 2)) for _ in range(count)]


def google_spam_titles() -> list[str]:
    lines = (need(BLACKLIST) / "rawtext" / "google.txt").read_text(encoding="utf-8").splitlines()
    titles = [line for line in lines if len(line) > 10]  # the file also holds a stray "zh_TW" line
    assert len(titles) == 9
    return titles


# ---- seed 003: the mirror page with a spam head list and a 蜘蛛池 footer ----

def test_seed_003_loses_exactly_its_two_spam_blocks():
    text, expected = seed("003")
    cleaned, blocks = strip_spam(text)
    assert blocks == 2
    for marker in expected["spam_markers"]:
        assert marker not in cleaned and marker not in t2s(cleaned)
    removed = [line for line in text.split("\n") if line.strip() and line not in cleaned.split("\n")]
    assert len(removed) == 2
    assert removed[0].startswith("999精品在线视频") and removed[1].startswith("主站蜘蛛池模板")
    simplified = t2s(cleaned)
    assert simplified.lstrip().startswith(expected["title_zh"])
    assert expected["abstract_zh"] in simplified
    for sentence in expected["body_must_contain"]:
        assert sentence in simplified
    assert len(re.findall(r"^\[\d\]", cleaned, flags=re.M)) == expected["references"]


def test_strip_spam_removes_one_title_per_line_lists_and_keeps_the_paragraphs():
    _, expected = seed("003")
    paragraphs = [expected["abstract_zh"], *expected["body_must_contain"]]
    titles = ["四虎国产在线观看", "久久动漫精品", "亚洲日韩精品无码专区97", "欧美亚洲香蕉", "中日无码在线观看"]
    text = "\n".join([paragraphs[0], "", *titles, "", *paragraphs[1:]])
    cleaned, blocks = strip_spam(text)
    assert blocks == 1
    assert cleaned.split("\n") == [paragraphs[0], "", *paragraphs[1:]]


def test_strip_spam_leaves_clean_seeds_alone():
    for prefix in ("000", "001", "002"):
        text, _ = seed(prefix)
        assert strip_spam(text) == (text, 0)


# ---- precision: no ordinary text is spam ----

def test_no_csl_title_or_abstract_is_spam_in_simplified_or_traditional():
    path = need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2000
    texts = [text for r in records for text in (r["title"], r["abstract"])]
    assert [text for text in texts if is_spam_text(text)] == []
    import opencc  # the lexicon also holds the traditional form of every term
    to_traditional = opencc.OpenCC("s2t").convert
    assert [text for text in texts if is_spam_text(to_traditional(text))] == []


def test_no_hand_cleaned_web_paragraph_is_spam():
    paragraphs = [p for path in sorted(need(CWCE / "cleaned").glob("*.txt"))
                  for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
    assert len(paragraphs) > 1000
    assert [p for p in paragraphs if is_spam_text(p)] == []


def test_no_nssf_project_title_or_fewclue_abstract_is_spam():
    texts = [title for title, _ in nssf_projects(need(NSSF_CSV))]
    for path in sorted(need(EXTERNAL / "fewclue").glob("*/*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts.append(record.get("abst") or record.get("content") or "")
    assert len(texts) > 70000
    assert [t for t in texts if is_spam_text(t)] == []


def test_generic_words_alone_are_not_spam():
    for text in ["视频,网络,社区,兼职,平台", "网络直播;色情信息;监管", "首页|新闻|视频|图片|体育|彩票|游戏",
                 "澳门博彩业与赌场监管研究", "网络赌博与博彩犯罪的刑法规制", "日本,韩国,欧美,亚洲"]:
        assert not is_spam_text(text), text


def test_real_titles_pass_clean_title_unchanged():
    path = need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl")
    titles = [json.loads(line)["title"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert [t for t in titles if clean_title(t) != t.strip()] == []


def real_pages() -> list[Path]:
    pages = sorted(need(CWCE / "original").glob("*.html")) + sorted(need(GNE).glob("*/*.html"))
    assert len(pages) == 131
    return pages


def test_real_pages_lose_no_article_text_and_show_no_spam():
    """131 real pages: hidden-element removal keeps every hand-cleaned paragraph, and neither pass
    reports spam on these spam-free pages."""
    for page in real_pages():
        tree = lxml.html.document_fromstring(decode_bytes(page.read_bytes())[0])
        before = squeeze(tree.text_content())
        assert remove_hidden(tree) == 0, page
        after = squeeze(tree.text_content())
        truth = CWCE / "cleaned" / f"{page.stem}.txt"
        if truth.exists():
            for paragraph in map(squeeze, truth.read_text(encoding="utf-8").split("\n")):
                assert paragraph not in before or paragraph in after, (page, paragraph[:40])
        assert strip_spam(tree.text_content())[1] == 0, page


# ---- recall: real and synthetic spam is found ----

def test_real_seo_spam_titles_are_spam_and_cleaned_away():
    for title in google_spam_titles():
        assert is_spam_text(title), title
        assert clean_title(title) is None, title


@pytest.mark.parametrize("separator", [",", "|", "，", " | "])
def test_synthetic_lists_from_a_spam_lexicon_are_found(separator):
    rng = random.Random(separator)
    lists = [separator.join(spam_titles(rng, 10)) for _ in range(100)]
    recall = sum(map(is_spam_text, lists)) / len(lists)
    assert recall >= 0.95  # measured 0.99: our lexicon is independent of this one


def test_synthetic_lists_from_real_spam_tokens_are_found():
    tokens = [t.strip() for t in (need(BLACKLIST) / "rawtext" / "gpt4o.txt").read_text("utf-8").splitlines()
              if t.strip()]
    rng = random.Random(7)
    lists = [",".join("".join(rng.sample(tokens, 2)) for _ in range(10)) for _ in range(200)]
    assert sum(map(is_spam_text, lists)) / len(lists) >= 0.9  # measured 0.96


def test_spam_score_orders_spam_above_prose():
    text, expected = seed("003")
    assert spam_score(text.split("\n")[0]) == 1.0
    assert spam_score(expected["abstract_zh"]) == 0.0
    assert 0.0 <= spam_score("澳门博彩业与赌场监管研究") < 0.5


# ---- removal from a real page with injected spam ----

HIJACKED = "{spam}_{title}"


def inject_spam(page_html: str, rng: random.Random) -> tuple[lxml.html.HtmlElement, list[str]]:
    """A real page with spam put where hacked sites put it; returns the page and every spam item
    (items 0-39 in the four hidden blocks, 40-49 in the head list, 50-59 in the footer)."""
    items = spam_titles(rng, 60)
    chunks = [items[i:i + 10] for i in range(0, 60, 10)]

    def links(chunk):
        return "".join(f'<a href="http://www.{i}x.vip/">{t}</a>' for i, t in enumerate(chunk))
    tree = lxml.html.document_fromstring(page_html)
    block = lxml.html.fragment_fromstring
    (tree.head if tree.head is not None else tree.body).append(block("<style>.xk{display:none}</style>"))
    injected = [block(f'<div class="top">{",".join(chunks[4])} ?</div>'),
                block(f'<div style="display:none">{links(chunks[0])}</div>'),
                block(f'<div style="position:absolute; left:-9999px; top:-999px">{links(chunks[1])}</div>'),
                block(f'<p>\u3000<span style="font-size:0px">{"，".join(chunks[2])}</span></p>'),
                block(f'<div class="xk">{links(chunks[3])}</div>')]
    for position, element in enumerate(injected):
        element.tail = "\n"
        tree.body.insert(position, element)
    footer = block(f'<div class="foot">主站蜘蛛池模板：{"| ".join(chunks[5])}</div>')
    footer.tail = "\n"
    tree.body[-1].tail = (tree.body[-1].tail or "") + "\n"
    tree.body.append(footer)
    tree.body.text = "\n" + (tree.body.text or "")
    return tree, items


def page_text(tree: lxml.html.HtmlElement) -> str:
    """The text a reader sees (what an extractor starts from): no scripts, no style sheets."""
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return tree.text_content()


def test_injected_spam_is_removed_and_the_articles_stay():
    """All 69 hand-annotated pages with spam injected: hidden blocks always go (by style, whatever their
    words), every article paragraph stays, and the detector finds nearly all blocks, titles included."""
    counted_hidden = removed_visible = clean_titles = 0
    pages = sorted(need(CWCE / "original").glob("*.html"))
    for number, original in enumerate(pages):
        page_html = decode_bytes(original.read_bytes())[0]
        tree, items = inject_spam(page_html, random.Random(number))
        title = (tree.findtext(".//title") or "").strip()

        counted_hidden += remove_hidden(tree)
        visible = page_text(tree)
        assert not any(item in visible for item in items[:40]), original  # the four hidden blocks
        text, blocks = strip_spam(visible)
        removed_visible += blocks
        assert blocks == sum(item not in text for item in (items[40], items[50])), original
        clean_text = squeeze(lxml.html.document_fromstring(page_html).text_content())
        truth = (CWCE / "cleaned" / f"{original.stem}.txt").read_text("utf-8")
        for paragraph in map(squeeze, truth.split("\n")):
            assert paragraph not in clean_text or paragraph in squeeze(text), (original, paragraph[:40])
        hijacked = HIJACKED.format(spam=",".join(items[40:50]), title=title)
        clean_titles += clean_title(hijacked) == (title or None)
    assert counted_hidden >= 0.95 * 4 * len(pages)
    assert removed_visible >= 0.95 * 2 * len(pages)
    assert clean_titles >= 0.95 * len(pages)


# ---- remove_hidden details ----

def hidden_fixture(body: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_remove_hidden_forms_and_kept_elements():
    tree = hidden_fixture(
        '<p id="a">甲<b hidden>隐藏</b>乙</p>'
        '<marquee>滚动</marquee>'
        '<div style="opacity: 0">透明</div>'
        '<div style="width:0;height:0;overflow:hidden">零尺寸</div>'
        '<div style="clip: rect(0 0 0 0); position:absolute">裁剪</div>'
        '<div style="text-indent:-9999px">缩进</div>'
        '<div style="visibility:hidden">不可见</div>'
        '<input type="hidden" name="token" value="v" style="display:none">'
        '<script style="display:none">var x = 1;</script>'
        '<template style="display:none"><p>模板</p></template>'
        '<div style="opacity:0.5">半透明可见</div>'
        '<div style="left:-20px">略微左移</div>')
    assert remove_hidden(tree) == 0  # nothing spam-like in there
    text = tree.text_content()
    for gone in ("隐藏", "滚动", "透明可", "零尺寸", "裁剪", "缩进", "不可见"):
        assert gone not in text.replace("半透明可见", "")
    assert "甲乙" in text  # the tail text of a removed element stays
    assert "半透明可见" in text and "略微左移" in text
    assert tree.xpath("//input[@name='token']") and tree.xpath("//script") and tree.xpath("//template")


def test_values_inside_a_hidden_element_stay_readable():
    tree = hidden_fixture('<div style="display:none">隐藏<input id="abstract_text" value="&lt;正&gt;摘要">尾'
                          '<template><input id="inner" value="v"></template><script>var a = 1;</script></div>正文')
    remove_hidden(tree)
    assert tree.xpath("//input[@id='abstract_text']/@value") == ["<正>摘要"]
    assert tree.xpath("//template/input/@id") == ["inner"] and tree.xpath("//script/text()") == ["var a = 1;"]
    assert squeeze(tree.text_content()) == "var a = 1;正文".replace(" ", "")


def test_remove_hidden_style_rules():
    css = ("/* ads */ .xk{display:none} #yy, span.zz { visibility : hidden } "
           "@media (max-width: 600px) { .mobile-off { display:none } } .menu:hover{display:none}")
    tree = hidden_fixture('<div class="a xk">甲</div><p id="yy">乙</p><span class="zz">丙</span>'
                          '<div class="zz">丁</div><div class="mobile-off">戊</div><div class="menu">己</div>',
                          head=f"<style>{css}</style>")
    remove_hidden(tree)
    assert [d for d in "甲乙丙丁戊己" if d in tree.text_content()] == ["丁", "戊", "己"]


def test_zero_font_size_hides_inline_text_but_not_layout_containers():
    tree = hidden_fixture('<ul style="font-size:0"><li style="font-size:14px">栏目一</li></ul>'
                          '<p>正文<span style="font-size: 0">隐藏链接</span></p>')
    remove_hidden(tree)
    assert "栏目一" in tree.text_content() and "隐藏链接" not in tree.text_content()


def test_hidden_article_revealed_by_script_stays():
    _, expected = seed("003")
    body = "。".join(expected["body_must_contain"] * 4) + "。" + expected["abstract_zh"]
    tree = hidden_fixture(f'<div id="js_content" style="visibility: hidden;"><p>{body}</p></div>')
    assert remove_hidden(tree) == 0
    assert expected["body_must_contain"][0] in tree.text_content()


def test_hidden_outbound_links_count_only_when_spam_like():
    menu = '<a href="https://www.cnzz.com/stat">站长统计</a><a href="https://other.example.org/">问答</a>'
    spam_links = '<a href="https://dafa.example.net/">彩神争霸大发快三</a>'
    tree = hidden_fixture(f'<link rel="canonical" href="https://news.example.com/a.html">'
                          f'<div style="display:none">{menu}</div><div style="display:none">{spam_links}</div>'
                          f'<div style="display:none"><a href="http://abc.seo8.vip/">推广</a></div>')
    assert remove_hidden(tree) == 2
    assert not tree.xpath("//a")


@pytest.mark.parametrize("head", [
    '<link rel="canonical" href="https://news.example.com/a.html"><meta property="og:url" content="https://m.other.org/a">',
    '<meta property="og:url" content="https://news.example.com/a.html">',
])
def test_the_page_site_is_read_where_the_page_url_is(head):
    """One list of canonical-URL places (page.CANONICAL_URL_XPATHS), in one order, for both readers; the
    page's many links elsewhere do not outvote it."""
    from pipeline.ingest.clean.hidden import _page_site
    from pipeline.ingest.page import Page

    text = f"<html><head>{head}</head><body>{'<a href=https://www.linked.net/1>1</a>' * 3}</body></html>"
    page = Page(source="x.html", raw=text.encode(), text=text, encoding="utf-8")
    assert (page.page_url, _page_site(page.tree)) == ("https://news.example.com/a.html", "example.com")


# ---- clean_title ----

def test_clean_title_trims_hijacking_spam():
    title = "协作型共治下的超大社区治理之道(上)"
    assert clean_title(f"四虎国产在线观看,亚洲av无码人妻_{title}_江南论坛") == f"{title}_江南论坛"
    assert clean_title(f"{title} - 江南论坛 - 久久精品国产,中日无码在线观看") == f"{title} - 江南论坛"
    assert clean_title("999精品在线视频,手机成人午夜在线视频,久久不卡国产精品无码 ?") is None
    assert clean_title("网络色情犯罪的刑法规制_法学论文") == "网络色情犯罪的刑法规制_法学论文"
    assert clean_title("党建引领,社区治理,超大社区") == "党建引领,社区治理,超大社区"
    assert clean_title("Community Governance") == "Community Governance"
    assert clean_title(None) is None and clean_title("  ") is None


# ---- strip_boilerplate ----

def test_seed_001_furniture_lines_are_dropped_and_body_kept():
    text, expected = seed("001")
    lines = text.split("\n")
    kept, dropped = strip_boilerplate(lines)
    gone = [line for line in lines if line not in kept]
    assert gone == ["等待处理…", "上篇:以历史主动精神推进中国式现代化的必要性与路径研究", "下篇:没有了", "分享到",
                    "© 2024 市场信息报", "↑ TOP", "http://sz.scxxb.com.cn/Content/weixinlogo.png"]
    assert dropped == len(gone)
    kept_text = "\n".join(kept)
    for sentence in expected["body_must_contain"]:
        assert sentence in kept_text
    assert "基金项目:" in kept and expected["fund"] in kept_text
    body = lines[lines.index("一、党建引领城市社区治理的价值意蕴"):lines.index("基金项目:")]
    assert [line for line in body if line not in kept] == []


def test_furniture_of_other_seeds():
    expected_gone = {"000": [], "002": ["扫码查看", "展开 >"], "003": ["【責任編輯:易玉潔】"]}
    for prefix, gone in expected_gone.items():
        lines = seed(prefix)[0].split("\n")
        kept, dropped = strip_boilerplate(lines)
        assert [line for line in lines if line not in kept] == gone and dropped == len(gone)


def test_furniture_patterns_match_whole_lines_only():
    lines = ["返回顶部", "字号：大 中 小", "【打印本页】【关闭窗口】", "打开APP", "APP下载", "京ICP备12345678号",
             "版权所有 © 2024 某某报社", "责任编辑：张三", "分享到：微信 微博 QQ空间", "浏览次数：1234",
             "网站须办理ICP备案，版权所有者应当依法维权。", "编辑出版工作的三个原则", "审核通过率逐年提高",
             "分享到朋友圈的信息往往经过筛选。", "下篇讨论制度设计。", "数据库的版权所有权归属", "网站ICP备案制度研究"]
    kept, dropped = strip_boilerplate(lines)
    assert kept == lines[10:] and dropped == 10


def test_no_sentence_of_hand_cleaned_pages_is_furniture():
    lines = [line for path in sorted(need(CWCE / "cleaned").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").split("\n")]
    kept, dropped = strip_boilerplate(lines)
    gone = [line for line in lines if line not in kept]
    assert dropped == len(gone) and dropped <= 5   # editor lines the annotators kept: 责任编辑：…, 编辑:…
    assert not [line for line in gone if re.search(r"[。！？]", line)]
