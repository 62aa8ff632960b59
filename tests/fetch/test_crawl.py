"""Crawling against a small fixture site on 127.0.0.1 (pytest-httpserver); a second server on another
host name (localhost) stands for every other site and must never be asked anything."""
import hashlib
import json
import re
from datetime import date

import pytest
from pytest_httpserver import HTTPServer

from conftest import PAGES, EXTERNAL, need
from pipeline.cli.main import main
from pipeline.fetch.crawl import (ARTICLE, NAVIGATION, NAVIGATION_STORE, CrawlError, crawl, edition_urls, extract_links,
                            structure_for)
from pipeline.fetch.fetcher import DISALLOWED, FETCHED, OUT_OF_SCOPE, SKIPPED, FetchOptions
from pipeline.fetch.store import read_stored

DAY = "/paper/html/2024-05/01/"
PAGE = "nbs.D110000renmrb_{:02d}.htm"
ARTICLE_URL = "nw.D110000renmrb_20240501_{}.htm"
ROBOTS = f"User-agent: *\nDisallow: {DAY}{ARTICLE_URL.format('3-02')}\n"


@pytest.fixture(scope="module")
def servers():
    site = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    other = HTTPServer(host="localhost", port=0, threaded=True)  # another host: must see no request
    site.start()
    other.start()
    yield site, other
    site.stop()
    other.stop()


@pytest.fixture
def site(servers):
    for server in servers:
        server.clear()
        server.clear_all_handlers()
        server.no_handler_status_code = 404
    return servers


def fast(**overrides) -> FetchOptions:
    values = dict(delay=0.0, retries=0, read_timeout=2.0, connect_timeout=2.0, progress=False,
                  contact="tests@example.org")
    return FetchOptions(**{**values, **overrides})


def requested(server: HTTPServer) -> list[str]:
    return [request.full_path.rstrip("?") for request, _ in server.log]


def article_html(title: str, page: int, body: str) -> str:
    """A People's Daily article page (site-structures.md §d: .article h1, p.sec span.date, #ozoom)."""
    return (f'<html><head><meta charset="utf-8"><title>{title}--人民日报</title></head><body>'
            f'<div class="article-box"><div class="article"><h3></h3><h1>{title}</h1><h2></h2>'
            f'<p class="sec">本报记者 王明 <span class="date">《 人民日报 》（ 2024年05月01日 第 {page:02d} 版）</span></p>'
            f'<div id="ozoom"><p>{body}</p></div></div></div>'
            f'<a href="{PAGE.format(page)}">返回目录</a><a href="{PAGE.format(page + 1)}">下一版</a></body></html>')


ARTICLES = {  # name → (title, 版)
    "1-01": ("党建引领基层治理现代化", 1),
    "2-01": ("以共治提升城市韧性", 1),
    "3-02": ("不许抓取的文章", 2),  # robots.txt disallows it
    "4-02": ("社区治理的韧性之维", 2),
}


def serve_epaper(server: HTTPServer, other: HTTPServer, day: str = DAY, articles=ARTICLES) -> None:
    """Two 版 linking each other (版面导航, 上一版/下一版: a loop), articles as links and as a page map,
    a link to the day before, to a PDF outside the structure and to another host."""
    far = other.url_for("/news.htm")
    server.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    for page in (1, 2):
        mine = [name for name, (_, p) in articles.items() if p == page]
        items = "".join(f'<li><a href="{ARTICLE_URL.format(name)}">{articles[name][0]}</a></li>' for name in mine)
        html = (f'<html><head><meta charset="gbk"><title>人民日报 第{page:02d}版</title></head><body>'
                f'<div id="pageList"><ul><li><div class="right_title-name"><a href="{PAGE.format(1)}">01版：要闻</a>'
                f'</div></li><li><div class="right_title-name"><a href="./{PAGE.format(2)}">02版：理论</a></div></li>'
                f'</ul></div><div id="titleList"><ul>{items}</ul></div>'
                f'<map name="pagepicmap"><area shape="rect" coords="0,0,9,9" href="{ARTICLE_URL.format(mine[0])}#pic">'
                f'</map><a href="{PAGE.format(2 if page == 1 else 1)}">{"下一版" if page == 1 else "上一版"}</a>'
                f'<a href="../../2024-04/30/{PAGE.format(1)}">往期回顾</a><a href="/paper/page/{page:02d}.pdf">PDF</a>'
                f'<a href="{far}">人民网</a></body></html>')
        server.expect_request(day + PAGE.format(page)).respond_with_data(
            html.encode("gbk"), content_type="text/html; charset=gbk")
    for name, (title, page) in articles.items():
        server.expect_request(day + ARTICLE_URL.format(name)).respond_with_data(
            article_html(title, page, f"{title}。正文第一段。"), content_type="text/html; charset=utf-8")


def test_epaper_edition_is_walked_inside_its_scope(site, tmp_path):
    server, other = site
    serve_epaper(server, other)
    start = server.url_for(DAY + PAGE.format(1))

    summary = crawl([start], tmp_path, options=fast())

    paths = requested(server)
    # Breadth-first in document order: 版面导航 (02版) comes before the article list on page 01.
    assert paths == ["/robots.txt", DAY + PAGE.format(1), DAY + PAGE.format(2), DAY + ARTICLE_URL.format("1-01"),
                     DAY + ARTICLE_URL.format("2-01"), DAY + ARTICLE_URL.format("4-02")]
    assert other.log == []  # the other host was never asked, not even for robots.txt
    assert summary.ok
    assert sorted(r.url.rsplit("/", 1)[1] for r in summary.stored) == [ARTICLE_URL.format(name)
                                                                        for name in ("1-01", "2-01", "4-02")]
    assert {r.kind for r in summary.stored} == {ARTICLE}
    assert [r.url for r in summary.listed(DISALLOWED)] == [server.url_for(DAY + ARTICLE_URL.format("3-02"))]
    left_out = {r.url: r.reason for r in summary.listed(OUT_OF_SCOPE)}
    assert set(left_out) == {server.url_for("/paper/html/2024-04/30/" + PAGE.format(1)),
                             server.url_for("/paper/page/01.pdf"), server.url_for("/paper/page/02.pdf"),
                             other.url_for("/news.htm")}
    assert left_out[server.url_for("/paper/page/01.pdf")] == "not part of the founder-epaper structure"
    # Articles are in the corpus; the 版 pages are kept aside for re-runs, where ingest does not look.
    corpus_files = sorted(p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*.html"))
    assert corpus_files == [NAVIGATION_STORE] * 2 + [f"127.0.0.1_{server.port}"] * 3
    assert "stored 3; navigation pages read 2" in summary.report()


def test_rerun_requests_nothing(site, tmp_path):
    server, other = site
    serve_epaper(server, other)
    start = server.url_for(DAY + PAGE.format(1))
    first = crawl([start], tmp_path, options=fast())
    before = len(server.log)

    second = crawl([start], tmp_path, options=fast())

    # Stored pages are read back from the store. robots.txt is asked for once more, as `fetch` does for a URL
    # it has not stored: the disallowed article is checked again (robots.txt may have changed).
    assert requested(server)[before:] == ["/robots.txt"]
    assert len(second.stored) == 0 and second.count(SKIPPED) == 5
    assert [r.url for r in second.results if r.outcome == SKIPPED] == \
           [r.url for r in first.results if r.outcome == FETCHED]


def test_store_navigation_puts_the_pages_in_the_corpus(site, tmp_path):
    server, other = site
    serve_epaper(server, other)
    summary = crawl([server.url_for(DAY + PAGE.format(1))], tmp_path, store_navigation=True, options=fast())
    assert sorted(r.kind for r in summary.stored) == [ARTICLE] * 3 + [NAVIGATION] * 2
    assert not (tmp_path / NAVIGATION_STORE).exists()


def test_edition_date_range_reports_a_missing_day_once(site, tmp_path):
    server, other = site
    serve_epaper(server, other)
    may3 = "/paper/html/2024-05/03/"
    serve_epaper(server, other, may3, {"1-01": ("五月三日的文章", 1), "2-02": ("第二版的文章", 2)})
    template = server.url_for("/paper/html/{date:%Y-%m/%d}/" + PAGE.format(1))

    summary = crawl([], tmp_path, edition=template, date_from=date(2024, 5, 1), date_to=date(2024, 5, 3),
                    options=fast(retries=3))

    missing = summary.listed("no edition")
    assert [(r.url, r.reason) for r in missing] == [
        (server.url_for("/paper/html/2024-05/02/" + PAGE.format(1)), "2024-05-02: HTTP 404")]
    assert requested(server).count("/paper/html/2024-05/02/" + PAGE.format(1)) == 1  # asked once, no retries
    assert summary.ok  # a day without a paper is not a failure
    assert len(summary.stored) == 3 + 2
    assert "no edition on 1 day(s): " in summary.report()
    # Breadth-first: both start pages come before any article.
    pages = [p for p in requested(server) if p != "/robots.txt"]
    assert pages[:3] == [DAY + PAGE.format(1), "/paper/html/2024-05/02/" + PAGE.format(1), may3 + PAGE.format(1)]


def section_page(links: list[str]) -> str:
    return "<html><body><h1>栏目</h1>" + "".join(f'<a href="{href}">链接</a>' for href in links) + "</body></html>"


def test_unknown_site_follows_every_page_in_the_directory_once(site, tmp_path):
    server, other = site
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /section/private/\n")
    pages = {
        "/section/index.html": ["a.html", "b.html", "private/p.html", "/other/x.html", other.url_for("/y")],
        "/section/a.html": ["index.html", "b.html#top", "sub/c.html"],  # a loop back to the index
        "/section/b.html": ["a.html", "/section/index.html"],
        "/section/sub/c.html": ["../index.html"],
    }
    for path, links in pages.items():
        server.expect_request(path).respond_with_data(section_page(links), content_type="text/html")

    summary = crawl([server.url_for("/section/index.html")], tmp_path, options=fast())

    assert requested(server) == ["/robots.txt", *pages]  # breadth-first, each once
    assert other.log == []
    assert len(summary.stored) == 4 and summary.ok
    assert {r.url for r in summary.listed(OUT_OF_SCOPE)} == {server.url_for("/other/x.html"), other.url_for("/y")}
    assert summary.listed(DISALLOWED)[0].url == server.url_for("/section/private/p.html")


def test_max_pages_holds_and_a_rerun_continues(site, tmp_path):
    server, other = site
    chain = [f"/list/p{i}.html" for i in range(7)]
    for i, path in enumerate(chain):
        server.expect_request(path).respond_with_data(section_page([f"p{i + 1}.html", f"p{i + 2}.html"]),
                                                      content_type="text/html")

    first = crawl([server.url_for(chain[0])], tmp_path, max_pages=3, options=fast())
    second = crawl([server.url_for(chain[0])], tmp_path, max_pages=3, options=fast())

    pages = [p for p in requested(server) if p != "/robots.txt"]
    assert pages == chain[:3] + chain[3:6]  # three each run, none twice
    assert first.unvisited == 2
    assert "stopped at --max-pages 3: 2 queued page(s) not requested" in first.report()
    assert second.count(SKIPPED) == 3 and len(second.stored) == 3


def test_a_redirect_out_of_scope_is_not_followed(site, tmp_path):
    server, other = site
    server.expect_request("/s/index.html").respond_with_data(section_page(["moved.html"]), content_type="text/html")
    server.expect_request("/s/moved.html").respond_with_data("", status=302,
                                                             headers={"Location": other.url_for("/elsewhere")})
    summary = crawl([server.url_for("/s/index.html")], tmp_path, options=fast())
    moved = [r for r in summary.results if r.url.endswith("moved.html")][0]
    assert (moved.outcome, moved.reason) == (OUT_OF_SCOPE, f"redirected out of scope to {other.url_for('/elsewhere')}")
    assert other.log == []


MIRROR_ARTICLE = PAGES / "mirror" / "fx361_desktop.html"


def test_journal_issue_page_stores_its_articles_and_they_build_into_records(site, tmp_path):
    from pipeline.build.build import build

    server, other = site
    issue = "/bk/gggl/202403.html"
    articles = ["/page/2024/0315/101.shtml", "/page/2024/0315/102.shtml"]
    toc = section_page([*articles, "/bk/gggl/202402.html", "/bk/gggl/index.html", "/", other.url_for("/x")])
    server.expect_request(issue).respond_with_data(toc, content_type="text/html; charset=utf-8")
    template = MIRROR_ARTICLE.read_text(encoding="utf-8")
    titles = ["多元主体参与社区治理的困境与对策", "社区韧性治理的路径研究"]
    bodies = ["", '<div class="txt"><p>摘 要 韧性治理强调社区在冲击下的适应与恢复能力，本文从组织、资源与制度三个维度'
                  '提出提升社区韧性的路径。</p><p>关键词 社区韧性 韧性治理 应急管理</p></div>']
    for path, title, body in zip(articles, titles, bodies):
        page = template.replace("多元主体参与社区治理的困境与对策", title)
        if body:  # a different article, or the build merges the two as duplicates
            page = re.sub(r'<div class="txt">.*?</div>', body, page, flags=re.S)
        page = re.sub(r'<link rel="canonical"[^>]*>', "", page)  # the crawled URL is the page's URL
        server.expect_request(path).respond_with_data(page, content_type="text/html; charset=utf-8")
    raw, out = tmp_path / "raw", tmp_path / "build"

    summary = crawl([server.url_for(issue)], raw, options=fast())
    built = build(raw, out, jobs=1, progress=False)

    assert [p for p in requested(server) if p != "/robots.txt"] == [issue, *articles]
    assert other.log == []
    assert {r.url for r in summary.listed(OUT_OF_SCOPE)} >= {server.url_for("/bk/gggl/202402.html")}
    assert built.failures == []
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["title_zh"] for r in records) == sorted(titles)  # the issue page itself is not a record
    assert {r["source_kind"] for r in records} == {"mirror"}
    assert {r["journal"] for r in records} == {"法制与社会"}


def test_epaper_articles_build_into_newspaper_records(site, tmp_path):
    from pipeline.build.build import build

    server, other = site
    serve_epaper(server, other)
    raw, out = tmp_path / "raw", tmp_path / "build"
    crawl([server.url_for(DAY + PAGE.format(1))], raw, options=fast())
    assert build(raw, out, jobs=1, progress=False).failures == []
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((r["title_zh"], r["pages"], r["date"]) for r in records) == [
        ("以共治提升城市韧性", "1", "2024-05-01"), ("党建引领基层治理现代化", "1", "2024-05-01"),
        ("社区治理的韧性之维", "2", "2024-05-01")]
    assert {r["source_kind"] for r in records} == {"newspaper"}


GNE = EXTERNAL / "gne-test-pages"
CWCE = EXTERNAL / "chinese-web-content-extraction" / "original"


def gne_reference_titles() -> dict[str, str]:
    text = need(GNE / "gne_result_reference_output.txt").read_text(encoding="utf-8")
    return {path: json.loads(block)["title"]
            for path, block in re.findall(r">{5,}(tests/\S+?)>{5,}\n(.*?)\n<{5,}", text, re.S)}


def test_real_pages_as_an_edition_are_stored_untouched_and_build_as_read_from_disk(site, tmp_path):
    """The 20 GNE pages with reference output (real news pages full of links to their own sites) served as
    one e-paper's articles: each is requested once, stored byte for byte, and builds into the record that
    ingesting the original file gives, with GNE's reference title for most."""
    from pipeline.build.build import build
    from pipeline.ingest.files import ingest_file

    server, other = site
    reference = gne_reference_titles()
    names = {f"{i + 1}-01": path for i, path in enumerate(sorted(reference))}
    server.expect_request(DAY + PAGE.format(1)).respond_with_data(
        section_page([ARTICLE_URL.format(name) for name in names]), content_type="text/html")
    for name, path in names.items():
        server.expect_request(DAY + ARTICLE_URL.format(name)).respond_with_data(
            (GNE / path).read_bytes(), content_type="text/html")  # no charset: as many old servers send
    raw, out = tmp_path / "raw", tmp_path / "build"

    summary = crawl([server.url_for(DAY + PAGE.format(1))], raw, options=fast())
    assert build(raw, out, jobs=1, progress=False).failures == []

    assert sorted(p for p in requested(server) if p != "/robots.txt") == \
           sorted([DAY + PAGE.format(1)] + [DAY + ARTICLE_URL.format(name) for name in names])
    assert other.log == []
    by_url = {r.url: r for r in summary.stored}
    for name, path in names.items():
        body, meta = read_stored(by_url[server.url_for(DAY + ARTICLE_URL.format(name))].path)
        assert meta["sha256"] == hashlib.sha256((GNE / path).read_bytes()).hexdigest() and body == (GNE / path).read_bytes()
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    from_disk = sorted(ingest_file(GNE / path).records[0].title_zh for path in names.values())
    assert sorted(r["title_zh"] for r in records) == from_disk
    assert sum(r["title_zh"] in reference.values() for r in records) > len(records) / 2


def test_real_pages_links_stay_in_scope(site, tmp_path):
    """Real pages (GNE UTF-8 pages and GBK pages of the extraction set, some without a declared charset)
    under one directory of an unknown site: their own links are followed only inside it."""
    server, other = site
    pages = sorted(need(GNE / "tests").glob("*/*.html"))[:12] + sorted(need(CWCE).glob("*.html"))[:12]
    names = [f"p{i}.html" for i in range(len(pages))]
    server.expect_request("/real/index.html").respond_with_data(section_page(names), content_type="text/html")
    for name, page in zip(names, pages):
        server.expect_request(f"/real/{name}").respond_with_data(page.read_bytes(), content_type="text/html")

    summary = crawl([server.url_for("/real/index.html")], tmp_path, max_pages=500, options=fast())

    paths = [p for p in requested(server) if p != "/robots.txt"]
    assert all(p.startswith("/real/") for p in paths) and len(paths) == len(set(paths))
    assert other.log == []
    assert {f"/real/{name}" for name in names} <= set(paths)
    # The real pages link their own sites: hundreds of links, none requested.
    assert summary.count(OUT_OF_SCOPE) > 100
    expected_hosts = {re.sub(r"^https?://([^/:]+).*", r"\1", r.url) for r in summary.listed(OUT_OF_SCOPE)}
    assert {"www.people.com.cn", "news.163.com"} & expected_hosts


def test_known_structures_recognize_the_real_url_shapes():
    rmrb = "http://paper.people.com.cn/rmrb/html/2024-01/07/nbs.D110000renmrb_01.htm"
    structure, scope = structure_for(rmrb)
    assert structure.name == "founder-epaper"
    assert scope.prefixes == ("http://paper.people.com.cn/rmrb/html/2024-01/07/",)
    assert structure.kind_of("http://paper.people.com.cn/rmrb/html/2024-01/07/nw.D110000renmrb_20240107_1-01.htm") \
        == ARTICLE
    gmw = "https://epaper.gmw.cn/gmrb/html/2025-02/12/nw.D110000gmrb_20250212_1-04.htm"
    assert structure_for("https://epaper.gmw.cn/gmrb/html/2025-02/12/nbs.D110000gmrb_04.htm")[0].kind_of(gmw) == ARTICLE
    pc, pc_scope = structure_for("http://paper.people.com.cn/rmrb/pc/layout/202501/01/node_01.html")
    assert pc.name == "people-daily-pc"
    assert "http://paper.people.com.cn/rmrb/pc/content/202501/01/content_30051234.html" in pc_scope
    assert "http://paper.people.com.cn/rmrb/pc/content/202501/02/content_30051299.html" not in pc_scope
    fx, fx_scope = structure_for("https://www.fx361.com/bk/fzysh/201924.html")
    assert fx.kind_of("https://www.fx361.com/page/2019/0909/5515712.shtml") == ARTICLE
    assert "https://www.fx361.com/page/2019/0909/5515712.shtml" in fx_scope
    cnki, cnki_scope = structure_for("http://navi.cnki.net/knavi/JournalDetail/GetArticleList?year=2018&issue=01"
                                     "&pykm=XDCB&pageIdx=0&pcode=CJFD")
    article = "https://kns.cnki.net/kcms2/article/abstract?v=abc&uniplatform=NZKPT&language=CHS"
    assert cnki.kind_of(article) == ARTICLE and article in cnki_scope
    wanfang, wanfang_scope = structure_for("http://c.wanfangdata.com.cn/periodical/qbxb/2017-8.aspx")
    assert wanfang.kind_of("https://d.wanfangdata.com.cn/periodical/ggglxb202403001") == ARTICLE
    assert wanfang.kind_of("http://c.wanfangdata.com.cn/periodical/qbxb/2017-9.aspx") is None  # another issue
    cqvip, cqvip_scope = structure_for("http://www.cqvip.com/QK/96654X/201101")
    assert cqvip.kind_of("http://www.cqvip.com/QK/96654X/201101/36851234.html") == ARTICLE
    assert "http://www.cqvip.com/QK/96654X/201102/36859999.html" not in cqvip_scope
    assert structure_for("https://news.example.org/politics/index.html")[0] is None


def test_links_are_read_in_document_order_with_base_and_page_maps():
    body = ('<html><head><base href="http://h.example/a/"></head><body><a href="x.htm#f">x</a>'
            '<map><area href="y.htm"></map><a href="javascript:void(0)">j</a><a href="mailto:a@b.c">m</a>'
            '<a href="HTTP://H.EXAMPLE:80/a/x.htm">again</a><iframe src="/f.htm"></iframe></body></html>')
    assert extract_links(body.encode("gbk"), "gbk", "http://other.example/") == [
        "http://h.example/a/x.htm", "http://h.example/a/y.htm", "http://h.example/f.htm"]


def test_edition_urls_and_bad_input():
    template = "http://paper.people.com.cn/rmrb/html/{date:%Y-%m/%d}/nbs.D110000renmrb_01.htm"
    assert [url for _, url in edition_urls(template, date(2024, 5, 31), date(2024, 6, 1))] == [
        "http://paper.people.com.cn/rmrb/html/2024-05/31/nbs.D110000renmrb_01.htm",
        "http://paper.people.com.cn/rmrb/html/2024-06/01/nbs.D110000renmrb_01.htm"]
    with pytest.raises(CrawlError, match="no {date:…} field"):
        edition_urls("http://x.example/today.htm", date(2024, 5, 1), date(2024, 5, 2))
    with pytest.raises(CrawlError, match="before --from"):
        edition_urls(template, date(2024, 5, 2), date(2024, 5, 1))
    with pytest.raises(CrawlError, match="outside the scope"):
        crawl(["http://x.example/a/b.htm"], "unused", scope=["http://x.example/c/"])


def test_cli_crawl_exit_codes_and_user_errors(site, tmp_path, capsys):
    server, other = site
    serve_epaper(server, other)
    out = str(tmp_path / "raw")
    start = server.url_for(DAY + PAGE.format(1))

    assert main(["crawl", start, "--out", out, "--delay", "0", "-q", "--contact", "t@example.org"]) == 0
    assert capsys.readouterr().out.startswith("stored 3; navigation pages read 2")
    assert main(["crawl", server.url_for("/gone/index.html"), "--out", out, "--delay", "0", "-q",
                 "--retries", "0"]) == 1
    assert f"{server.url_for('/gone/index.html')}: HTTP 404" in capsys.readouterr().out
    for args, message in [
        ([], "error: give a start URL or --edition with --from and --to"),
        (["--edition", "http://x.example/a.htm", "--from", "2024-05-01", "--to", "2024-05-02"],
         "error: the edition template has no {date:…} field: http://x.example/a.htm"),
        (["--edition", "http://x.example/{date:%Y%m%d}.htm", "--from", "2024-05-01"],
         "error: --edition needs --from and --to"),
        ([start, "--scope", server.url_for("/elsewhere/")], f"error: start URL {start} is outside the scope"),
        ([start, "--max-pages", "0"], "error: --max-pages must be at least 1, not 0"),
        (["paper.people.com.cn/rmrb/"], "error: start URL: not a valid http(s) URL: paper.people.com.cn/rmrb/"),
    ]:
        assert main(["crawl", *args, "--out", out, "-q"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith(message) and sum(line.startswith("error:") for line in err) == 1
