"""Polite fetching against a real HTTP server on 127.0.0.1 (pytest-httpserver); no other address is used."""
import email.utils
import hashlib
import json
import socket
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from pipeline.cli.main import main
from pipeline.ingest.decode import decode_bytes
from pipeline.fetch.fetcher import ANTIBOT, DISALLOWED, FAILED, FETCHED, SKIPPED, Fetcher, FetchOptions, fetch_urls, read_url_file
from pipeline.fetch.responses import detect_antibot, retry_after
from pipeline.fetch.store import find_sidecar, url_key

GBK_TEXT = "<html><head><title>党建引领与基层治理</title></head><body><p>张喆、李堃——韧性与共治</p></body></html>"
CNKI_CAPTCHA = ('<html><head><title>中国知网</title><script src="https://turing.captcha.qcloud.com/TJCaptcha.js">'
                '</script></head><body><div>拖动下方拼图完成验证</div></body></html>')


@pytest.fixture(scope="module")
def running_server():
    # Threaded, so a slow handler does not hold up the next request. One per module: stopping takes 0.5 s.
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(running_server):
    running_server.clear()
    running_server.clear_all_handlers()
    running_server.no_handler_status_code = 404  # unknown paths (robots.txt included) answer 404
    return running_server


def fast(**overrides) -> FetchOptions:
    """Options scaled down for tests: no progress bar, short waits."""
    values = dict(delay=0.0, retries=0, backoff=0.01, read_timeout=2.0, connect_timeout=2.0, progress=False,
                  contact="tests@example.org")
    values.update(overrides)
    return FetchOptions(**values)


def requested_paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def stamped(times: list[float], response: Response):
    """A handler that notes the server-side arrival time of each request before answering."""
    def handler(request):
        times.append(time.monotonic())
        return response
    return handler


def stored_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_gbk_page_stored_untouched_with_http_charset(server, tmp_path):
    body = GBK_TEXT.encode("gbk")
    server.expect_request("/article.html").respond_with_data(body, content_type="text/html; charset=GBK",
                                                            headers={"ETag": '"v1"'})
    url = server.url_for("/article.html")

    summary = fetch_urls([url], tmp_path, fast())

    assert [r.outcome for r in summary.results] == [FETCHED]
    page = summary.results[0].path
    assert page == tmp_path / f"127.0.0.1_{server.port}" / f"{hashlib.sha1(url.encode()).hexdigest()[:16]}.html"
    assert page.read_bytes() == body
    meta = json.loads(Path(str(page) + ".meta.json").read_text(encoding="utf-8"))
    assert meta["url"] == meta["final_url"] == url
    assert meta["status"] == 200
    assert meta["charset"] == "gbk"
    assert meta["content_type"] == "text/html"
    assert meta["etag"] == '"v1"'
    assert meta["sha256"] == hashlib.sha256(body).hexdigest()
    assert meta["headers"]["content-type"] == "text/html; charset=GBK"
    assert all(name == name.lower() for name in meta["headers"])
    assert datetime.fromisoformat(meta["fetched_at"]).utcoffset().total_seconds() == 0
    # The page declares no charset itself: only the sidecar's makes it decode right.
    text, encoding = decode_bytes(page.read_bytes(), meta["charset"])
    assert encoding == "gb18030" and "张喆、李堃——韧性与共治" in text
    user_agents = {request.headers["User-Agent"] for request, _ in server.log}
    assert user_agents == {"pipeline-corpus-fetch/0.1 (academic text-mining corpus; contact: tests@example.org)"}


def test_robots_disallowed_path_is_never_requested(server, tmp_path):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n",
                                                           content_type="text/plain")
    server.expect_request("/public.html").respond_with_data("<p>公开</p>", content_type="text/html")
    urls = [server.url_for("/private/secret.html"), server.url_for("/public.html"),
            server.url_for("/private/other.html")]

    summary = fetch_urls(urls, tmp_path, fast())

    assert [r.outcome for r in summary.results] == [DISALLOWED, FETCHED, DISALLOWED]
    assert summary.ok  # skipped by robots.txt still counts as success
    paths = requested_paths(server)
    assert not any(p.startswith("/private/") for p in paths)
    assert paths.count("/robots.txt") == 1  # cached per host


def test_robots_server_error_fails_the_host_rather_than_guessing(server, tmp_path):
    server.expect_request("/robots.txt").respond_with_data("down", status=500)
    summary = fetch_urls([server.url_for("/a.html")], tmp_path, fast())
    assert summary.results[0].outcome == FAILED
    assert "robots.txt unavailable" in summary.results[0].reason
    assert "/a.html" not in requested_paths(server)


def test_slow_endpoint_times_out(server, tmp_path):
    def slow(request):
        time.sleep(1.5)
        return Response("late", content_type="text/html")
    server.expect_request("/slow.html").respond_with_handler(slow)

    summary = fetch_urls([server.url_for("/slow.html")], tmp_path, fast(read_timeout=0.3, retries=1))

    result = summary.results[0]
    assert result.outcome == FAILED
    assert result.reason == "read timeout (0.3 s) (after 2 attempts)"
    assert requested_paths(server).count("/slow.html") <= 2
    assert stored_files(tmp_path) == []


def test_huge_response_with_length_is_refused_unread(server, tmp_path):
    server.expect_request("/huge.html").respond_with_data(b"x" * 3_000_000, content_type="text/html")
    summary = fetch_urls([server.url_for("/huge.html")], tmp_path, fast(max_bytes=100_000))
    assert summary.results[0].outcome == FAILED
    assert summary.results[0].reason == "response of 3000000 bytes exceeds the 100000-byte limit; not read"
    assert stored_files(tmp_path) == []


def test_huge_streamed_response_stops_reading_at_the_cap(server, tmp_path):
    sent = []

    def endless(request):
        def chunks():  # up to 2 GB with no Content-Length: only the cap can stop the client early
            for _ in range(32_000):
                sent.append(65536)
                yield b"y" * 65536
        return Response(chunks(), content_type="text/html")
    server.expect_request("/stream.html").respond_with_handler(endless)

    summary = fetch_urls([server.url_for("/stream.html")], tmp_path, fast(max_bytes=200_000))

    assert summary.results[0].outcome == FAILED
    assert summary.results[0].reason == "response exceeds the 200000-byte limit; stopped reading"
    assert stored_files(tmp_path) == []
    time.sleep(0.2)  # let the server notice the closed connection
    assert sum(sent) < 50 * 2**20  # far less than the 2 GB on offer: the client hung up


def test_503_then_200_is_retried_after_retry_after(server, tmp_path):
    times: list[float] = []
    server.expect_oneshot_request("/busy.html").respond_with_handler(
        stamped(times, Response("busy", status=503, headers={"Retry-After": "1"})))
    server.expect_request("/busy.html").respond_with_handler(
        stamped(times, Response("<p>好了</p>", content_type="text/html; charset=utf-8")))

    summary = fetch_urls([server.url_for("/busy.html")], tmp_path, fast(retries=2, backoff=0.01))

    assert summary.results[0].outcome == FETCHED
    assert summary.results[0].path.read_text(encoding="utf-8") == "<p>好了</p>"
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # Retry-After: 1 wins over the 0.01 s backoff


@pytest.mark.parametrize("hops, reason", [
    ({"/a": "/b", "/b": "/a"}, "redirect loop: {base}/a → {base}/b → {base}/a"),
    ({"/r1": "/r2", "/r2": "/r3", "/r3": "/r4"}, "more than 2 redirects"),
    ({"/r1": "ftp://127.0.0.1/file"}, "not a valid http(s) URL: ftp://127.0.0.1/file"),
])
def test_bad_redirects_fail_with_reason(server, tmp_path, hops, reason):
    for path, target in hops.items():
        server.expect_request(path).respond_with_data("", status=302, headers={"Location": target})
    first = next(iter(hops))

    summary = fetch_urls([server.url_for(first)], tmp_path, fast(max_redirects=2))

    assert summary.results[0].outcome == FAILED
    assert summary.results[0].reason == reason.format(base=server.url_for("").rstrip("/"))
    assert stored_files(tmp_path) == []


def test_redirect_is_followed_and_final_url_recorded(server, tmp_path):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new.html"})
    server.expect_request("/new.html").respond_with_data("<p>新</p>", content_type="text/html")
    url = server.url_for("/old")

    summary = fetch_urls([url], tmp_path, fast())

    assert summary.results[0].outcome == FETCHED
    meta = json.loads(find_sidecar(tmp_path, url).read_text(encoding="utf-8"))
    assert meta["final_url"] == server.url_for("/new.html")
    assert summary.results[0].path.name.startswith(url_key(url))  # stored under the URL asked for


def test_404_fails_without_retry(server, tmp_path):
    summary = fetch_urls([server.url_for("/missing.html")], tmp_path, fast(retries=3))
    assert summary.results[0].outcome == FAILED
    assert summary.results[0].reason == "HTTP 404"
    assert requested_paths(server).count("/missing.html") == 1
    assert not summary.ok


def test_antibot_pages_are_reported_not_stored(server, tmp_path):
    server.expect_request("/cnki.html").respond_with_data(CNKI_CAPTCHA.encode("gbk"),
                                                          content_type="text/html; charset=gbk")
    server.expect_request("/wanfang").respond_with_data("", status=302, headers={"Location": "/verify?from=x"})
    server.expect_request("/wall.html").respond_with_data(
        "<html><head><title>安全验证</title></head><body>" + "请稍候" * 5000 + "</body></html>",
        content_type="text/html; charset=utf-8")
    urls = [server.url_for(p) for p in ("/cnki.html", "/wanfang", "/wall.html")]

    summary = fetch_urls(urls, tmp_path, fast())

    assert [r.outcome for r in summary.results] == [ANTIBOT] * 3
    assert [r.reason for r in summary.results] == [
        "CNKI slider captcha",
        f"redirected to verification page {server.url_for('/verify?from=x')}",
        "verification page (安全验证)"]
    assert "/verify" not in requested_paths(server)
    assert stored_files(tmp_path) == []
    assert not summary.ok


def test_article_mentioning_captchas_is_not_mistaken_for_one():
    article = ("<html><head><title>图形验证码的可用性研究</title></head><body>" + "<p>正文段落。</p>" * 5000
               + "</body></html>").encode("utf-8")
    assert detect_antibot(article, "https://example.org/article/1.html") is None
    long_body_mention = ("<html><head><title>基层治理研究</title></head><body>" + "<p>正文段落。</p>" * 5000
                         + "<p>请输入验证码</p></body></html>").encode("gb18030")
    assert detect_antibot(long_body_mention, "https://example.org/article/2.html") is None
    script = b'<script src="https://turing.captcha.qcloud.com/TJCaptcha.js"></script>'
    article_with_script = long_body_mention.replace(b"</body>", script + b"</body>")
    assert detect_antibot(article_with_script, "https://kns.cnki.net/kcms2/article/abstract?v=1") is None
    wall = b"<html><head>" + script + b"</head><body>" + b" " * 20000 + b"</body></html>"
    assert detect_antibot(wall, "https://kns.cnki.net/kcms2/article/abstract?v=1") == "CNKI slider captcha"


def test_per_host_delay_is_respected(server, tmp_path):
    times: list[float] = []
    server.expect_request("/robots.txt").respond_with_handler(stamped(times, Response("", status=404)))
    for i in range(4):
        server.expect_request(f"/p{i}.html").respond_with_handler(
            stamped(times, Response(f"<p>{i}</p>", content_type="text/html")))
    urls = [server.url_for(f"/p{i}.html") for i in range(4)]

    summary = fetch_urls(urls, tmp_path, fast(delay=0.3, concurrency=4))

    assert [r.outcome for r in summary.results] == [FETCHED] * 4
    assert len(times) == 5  # robots.txt, then the four pages, all on one host
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.3 - 0.05, gaps


def test_robots_crawl_delay_lengthens_the_delay(server, tmp_path):
    times: list[float] = []
    server.expect_request("/robots.txt").respond_with_handler(
        stamped(times, Response("User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")))
    for i in range(2):
        server.expect_request(f"/c{i}.html").respond_with_handler(
            stamped(times, Response(f"<p>{i}</p>", content_type="text/html")))

    summary = fetch_urls([server.url_for(f"/c{i}.html") for i in range(2)], tmp_path, fast(delay=0.0))

    assert [r.outcome for r in summary.results] == [FETCHED] * 2
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 2 and min(gaps) >= 1 - 0.05, gaps


def test_rerun_skips_and_revalidate_uses_etag(server, tmp_path):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response("<p>第一版</p>", content_type="text/html", headers={"ETag": '"v1"'})
    server.expect_request("/page.html").respond_with_handler(conditional)
    url = server.url_for("/page.html")

    first = fetch_urls([url], tmp_path, fast())
    second = fetch_urls([url], tmp_path, fast())
    third = fetch_urls([url], tmp_path, fast(revalidate=True))

    assert first.results[0].outcome == FETCHED
    assert (second.results[0].outcome, second.results[0].reason) == (SKIPPED, "already stored")
    assert (third.results[0].outcome, third.results[0].reason) == (SKIPPED, "not modified")
    page_requests = [request for request, _ in server.log if request.path == "/page.html"]
    assert len(page_requests) == 2  # the plain re-run sent nothing
    assert page_requests[1].headers.get("If-None-Match") == '"v1"'
    assert second.results[0].path == first.results[0].path == third.results[0].path


@pytest.mark.parametrize("fail_on_write", [1, 2])
def test_interrupted_write_leaves_no_partial_file(server, tmp_path, monkeypatch, fail_on_write):
    server.expect_request("/page.html").respond_with_data("<p>完整</p>", content_type="text/html")
    url = server.url_for("/page.html")
    writes = []
    real_fsync = __import__("os").fsync

    def interrupted_fsync(fd):
        writes.append(fd)
        if len(writes) == fail_on_write:  # 1: while writing the page, 2: while writing the sidecar
            raise KeyboardInterrupt
        real_fsync(fd)
    monkeypatch.setattr("pipeline.files.os.fsync", interrupted_fsync)

    with pytest.raises(KeyboardInterrupt):
        fetch_urls([url], tmp_path, fast())

    names = [p.name for p in stored_files(tmp_path)]
    assert not any(name.endswith(".part") for name in names)
    assert not any(name.endswith(".meta.json") for name in names)
    assert names == ([] if fail_on_write == 1 else [f"{url_key(url)}.html"])
    # No sidecar means not done: the next run fetches the page again and completes it.
    monkeypatch.setattr("pipeline.files.os.fsync", real_fsync)
    assert fetch_urls([url], tmp_path, fast()).results[0].outcome == FETCHED
    assert sorted(p.name for p in stored_files(tmp_path)) == [f"{url_key(url)}.html", f"{url_key(url)}.html.meta.json"]


def test_connection_errors_are_retried_then_reported(tmp_path):
    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    summary = fetch_urls([f"http://127.0.0.1:{port}/a.html"], tmp_path, fast(retries=1))
    reason = summary.results[0].reason
    assert summary.results[0].outcome == FAILED
    assert reason.startswith("robots.txt unavailable, so nothing on this host is fetched: cannot connect:")
    assert reason.endswith("(after 2 attempts)")


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None
    in_a_minute = email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55 <= retry_after(in_a_minute) <= 60
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait


def test_read_url_file_skips_comments_blanks_and_repeats(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("# CNKI search 2024\n\nhttp://127.0.0.1/a\n  http://127.0.0.1/b  \nhttp://127.0.0.1/a\n",
                       encoding="utf-8")
    assert read_url_file(listing) == ["http://127.0.0.1/a", "http://127.0.0.1/b"]


def test_cli_fetch_exit_codes(server, tmp_path, capsys):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /no/\n")
    server.expect_request("/ok.html").respond_with_data("<p>好</p>", content_type="text/html")
    good = tmp_path / "good.txt"
    good.write_text(f"{server.url_for('/ok.html')}\n{server.url_for('/no/x.html')}\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(f"{server.url_for('/gone.html')}\nftp://127.0.0.1/x\n", encoding="utf-8")
    out = tmp_path / "raw"

    assert main(["fetch", str(good), "--out", str(out), "--delay", "0", "-q", "--contact", "t@example.org"]) == 0
    report = capsys.readouterr().out
    assert report.startswith("fetched 1, skipped 0 (already stored), disallowed by robots.txt 1,")
    assert main(["fetch", str(bad), "--out", str(out), "--delay", "0", "-q", "--retries", "0"]) == 1
    captured = capsys.readouterr()
    assert f"{server.url_for('/gone.html')}: HTTP 404" in captured.out
    assert "ftp://127.0.0.1/x: not a valid http(s) URL: ftp://127.0.0.1/x" in captured.out
    assert "no contact in the User-Agent" in captured.err
    assert main(["fetch", str(tmp_path / "absent.txt"), "--out", str(out), "-q"]) == 2  # a user error


CNKI_PAGE = """<html><head><title>党建引领基层治理的韧性研究 - 中国知网</title></head><body>
<div class="top-tip"><span><a>公共管理学报</a>. 2024,21(03)</span></div>
<div class="wx-tit"><h1>党建引领基层治理的韧性研究</h1>
<h3 class="author" id="authorpart"><span><a>张喆</a><sup>1</sup></span><span><a>李堃</a><sup>1</sup></span></h3>
<h3 class="author"><span><a>1.北京大学政府管理学院</a></span></h3></div>
<div class="row"><span class="rowtit">摘要：</span><span id="ChDivSummary" class="abstract-text">本文研究党建引领与共治——以社区韧性为例。</span></div>
<div class="row"><span class="rowtit">关键词：</span><p class="keywords"><a>党建引领;</a><a>韧性;</a><a>共治;</a></p></div>
</body></html>"""


def test_fetched_pages_build_into_records(server, tmp_path):
    from pipeline.build.build import build

    server.expect_request("/detail").respond_with_data(
        "", status=302, headers={"Location": "/kcms2/article/abstract?v=abc"})
    server.expect_request("/kcms2/article/abstract").respond_with_data(
        CNKI_PAGE.encode("gbk"), content_type="text/html; charset=gbk")  # charset only in the header
    server.expect_request("/blocked.html").respond_with_data(CNKI_CAPTCHA, content_type="text/html; charset=utf-8")
    raw, out = tmp_path / "raw", tmp_path / "build"

    fetched = fetch_urls([server.url_for("/detail"), server.url_for("/blocked.html")], raw, fast())
    summary = build(raw, out, jobs=1, progress=False)

    assert [r.outcome for r in fetched.results] == [FETCHED, ANTIBOT]
    assert summary.failures == []
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1  # the sidecar is not an input and the captcha page was never stored
    rec = records[0]
    assert rec["source_kind"] == "cnki"
    assert rec["title_zh"] == "党建引领基层治理的韧性研究"
    assert rec["authors"] == ["张喆", "李堃"]
    assert rec["abstract_zh"] == "本文研究党建引领与共治——以社区韧性为例。"
    assert rec["cleaning"]["encoding"] == "gb18030"
    assert rec["url"] == server.url_for("/kcms2/article/abstract?v=abc")  # the final URL, from the sidecar
    assert rec["source"] == fetched.results[0].path.as_posix()


def test_a_repeated_url_in_one_run_is_fetched_once(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/a").respond_with_data("<html><body>社区治理</body></html>", content_type="text/html")
    url = httpserver.url_for("/a")
    fetcher = Fetcher(tmp_path, FetchOptions(delay=0, retries=0))
    first, second = fetcher.fetch(url), fetcher.fetch(url)
    assert (first.outcome, second.outcome) == ("fetched", "skipped")
    assert [r.path for r, _ in httpserver.log].count("/a") == 1


def test_the_total_time_limit_holds_against_a_slow_drip(server, tmp_path):
    """Issue 13, finding 9: a body sent a byte at a time was read to its end (the limit was checked only
    between 64 KiB reads). The server counts what it sent before the fetcher hung up."""
    sent = []

    def drip(request):
        def body():
            for _ in range(200):  # 200 bytes, one every 50 ms: 10 s in all
                sent.append(1)
                yield b"x"
                time.sleep(0.05)
        # A length given, so the body is not chunked (urllib3 hands each chunk over as it comes).
        return Response(body(), content_type="text/html", headers={"Content-Length": "200"})

    server.expect_request("/drip.html").respond_with_handler(drip)
    summary = fetch_urls([server.url_for("/drip.html")], tmp_path, fast(max_time=0.5))
    assert summary.results[0].outcome == FAILED
    assert summary.results[0].reason == "response took longer than 0.5 s to read"
    time.sleep(0.3)  # the server notices the closed connection at its next write
    assert len(sent) < 100  # stopped near 0.5 s, not after reading all 10 s


def test_a_long_crawl_delay_is_capped_and_reported(server, tmp_path):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 86400\n",
                                                           content_type="text/plain")
    server.expect_request("/a.html").respond_with_data("<p>a</p>", content_type="text/html")
    fetcher = Fetcher(tmp_path, fast(max_crawl_delay=0.2))
    assert fetcher.fetch(server.url_for("/a.html")).outcome == FETCHED
    assert fetcher.gate._delays["127.0.0.1"] == 0.2  # a day before
    assert fetcher.notes == [f"http://127.0.0.1:{server.port}: robots.txt asks for a Crawl-delay of 86400 s; "
                             "capped at 0.2 s (max_crawl_delay)"]
    summary = fetch_urls([server.url_for("/a.html")], tmp_path / "again", fast(max_crawl_delay=0.2))
    assert "note: " + fetcher.notes[0] in summary.report()
