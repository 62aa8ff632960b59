"""Polite download of article pages into the raw corpus (`python -m pipeline fetch URLFILE`).

Storage, read by ingest: each response body goes, byte for byte (only gzip/deflate undone), to
`OUT/<host>/<sha1(url)[:16]>.<ext>` (ext from the content type), with a sidecar `<same name>.meta.json`
holding the URL, final URL, status, headers, fetch time, SHA-256, content type, HTTP charset, ETag and
Last-Modified. Both are written
atomically, the page first and the sidecar last, so a sidecar means the page is complete; a re-run skips
every URL that has one (or revalidates it with ETag/Last-Modified when asked).

Politeness: robots.txt is obeyed (fetched once per host, its Crawl-delay honoured); one request at a time
per host, `delay` seconds apart; at most `concurrency` hosts at once; retries with exponential backoff on
429/5xx and connection errors, honouring Retry-After, which holds back the whole host.
"""
from __future__ import annotations

import bisect
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from tqdm import tqdm

from pipeline.fetch.responses import FAILED, ANTIBOT_PATH, FetchError, detect_antibot, retry_after
from pipeline.fetch.store import SIDECAR_SUFFIX, find_sidecar, list_folder, store

CONTACT_ENV = "PIPELINE_FETCH_CONTACT"
USER_AGENT = "pipeline-corpus-fetch/0.1 (academic text-mining corpus"

FETCHED, SKIPPED, DISALLOWED, ANTIBOT = "fetched", "skipped", "disallowed", "anti-bot"  # and FAILED
OUT_OF_SCOPE = "out of scope"  # only when the caller limits where redirects may lead (crawl)
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}



@dataclass
class FetchOptions:
    delay: float = 3.0  # seconds between requests to one host
    concurrency: int = 4  # hosts fetched at once
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest wait for any byte
    max_time: float = 300.0  # longest time to read one response
    max_bytes: int = 20 * 2**20
    max_redirects: int = 5
    retries: int = 3  # extra attempts after a 429/5xx or connection error
    backoff: float = 2.0  # first retry wait; doubles each attempt
    max_retry_after: float = 600.0  # a server asking for a longer wait counts as failed
    max_crawl_delay: float = 60.0  # a longer robots.txt Crawl-delay is cut to this (and reported)
    contact: str | None = None  # e-mail or URL for the User-Agent; default $PIPELINE_FETCH_CONTACT
    revalidate: bool = False  # re-request stored URLs with If-None-Match / If-Modified-Since
    progress: bool = True


@dataclass
class FetchResult:
    url: str
    outcome: str  # fetched, skipped, disallowed, anti-bot, out of scope or failed
    reason: str | None = None
    path: Path | None = None  # the stored page (fetched now or before)
    status: int | None = None  # the HTTP status of a failed response (404 …), None for other failures


@dataclass
class FetchSummary:
    results: list[FetchResult]
    notes: list[str] = field(default_factory=list)  # what the run changed of its own accord (a capped delay)

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def ok(self) -> bool:
        """True when every URL was fetched, already stored, or disallowed by robots.txt."""
        return all(r.outcome in (FETCHED, SKIPPED, DISALLOWED) for r in self.results)

    def report(self) -> str:
        lines = [f"fetched {self.count(FETCHED)}, skipped {self.count(SKIPPED)} (already stored), "
                 f"disallowed by robots.txt {self.count(DISALLOWED)}, anti-bot page {self.count(ANTIBOT)} "
                 f"(not stored), failed {self.count(FAILED)}"]
        for outcome, heading in ((FAILED, "failed"), (ANTIBOT, "anti-bot page (not stored)"),
                                 (DISALLOWED, "disallowed by robots.txt")):
            listed = [r for r in self.results if r.outcome == outcome]
            if listed:
                lines.append(f"{heading}:")
                lines += [f"  {r.url}: {r.reason}" for r in listed]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def read_url_file(path: Path) -> list[str]:
    """URLs from a file, one per line; blank lines and lines starting with # are skipped, repeats dropped."""
    lines = (line.strip() for line in Path(path).read_text(encoding="utf-8-sig").splitlines())
    return list(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


def resolve_contact(contact: str | None) -> str | None:
    """The contact for the User-Agent: the one given, else $PIPELINE_FETCH_CONTACT, else None."""
    return contact or os.environ.get(CONTACT_ENV) or None


def user_agent(contact: str | None) -> str:
    contact = resolve_contact(contact)
    return USER_AGENT + (f"; contact: {contact})" if contact else ")")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 literal
        valid = False
    if not valid:
        raise FetchError(f"not a valid http(s) URL: {url}")


class HostGate:
    """One request at a time per host, `delay` seconds from the end of one to the start of the next."""

    def __init__(self, delay: float):
        self.delay = delay
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next_start: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    @contextlib.contextmanager
    def slot(self, host: str):
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._next_start.get(host, 0.0) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                earliest = time.monotonic() + self._delays.get(host, self.delay)
                self._next_start[host] = max(self._next_start.get(host, 0.0), earliest)

    def hold_off(self, host: str, seconds: float) -> None:
        """Keep every request to `host` waiting at least `seconds` from now (call inside its slot)."""
        self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + seconds)

    def set_delay(self, host: str, seconds: float) -> None:
        """A longer delay for one host (robots.txt Crawl-delay), starting with its next request."""
        self._delays[host] = max(self.delay, seconds)
        self.hold_off(host, self._delays[host])


class Fetcher:
    """Fetches single URLs politely and stores them under `out`; safe to share between threads."""

    def __init__(self, out: Path, options: FetchOptions | None = None):
        self.out = Path(out)
        self.options = options or FetchOptions()
        self.user_agent = user_agent(self.options.contact)
        self.gate = HostGate(self.options.delay)
        self.base_headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
                             "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                             "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
        self.http = urllib3.PoolManager(
            num_pools=64,
            timeout=urllib3.Timeout(connect=self.options.connect_timeout, read=self.options.read_timeout),
            retries=False,
        )
        self._robots: dict[str, RobotFileParser | FetchError] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._robots_lock = threading.Lock()
        self._listing: dict[str, list[str]] = {}  # host folder → sorted file names, listed once a run
        self.notes: list[str] = []  # for the summary: delays capped (list.append is thread-safe)
        self._listing_lock = threading.Lock()

    def fetch(self, url: str, *, out: Path | None = None,
              within: Callable[[str], bool] | None = None) -> FetchResult:
        """Fetch and store one URL under `out` (default: the fetcher's); a redirect to a URL for which
        `within` is false is not followed (outcome out of scope)."""
        out = Path(out) if out is not None else self.out
        try:
            check_scheme(url)
            headers = {}
            with self._listing_lock:
                sidecar = find_sidecar(out, url, self._listing)
            if sidecar is not None:
                page = sidecar.with_name(sidecar.name[:-len(SIDECAR_SUFFIX)])
                if not self.options.revalidate:
                    return FetchResult(url, SKIPPED, "already stored", page)
                headers = self._conditional_headers(sidecar)
            response = self._follow(url, headers, within=within)
            if (wall := detect_antibot(response.body, response.url)) is not None:
                raise FetchError(wall, ANTIBOT)
            if response.status == 304 and headers:
                return FetchResult(url, SKIPPED, "not modified", page)
            if not 200 <= response.status < 300:
                raise FetchError(f"HTTP {response.status}", status=response.status)
            page = store(out, url, response)
            with self._listing_lock:  # a repeated URL later in the run is then skipped
                names = list_folder(page.parent, self._listing)
                for name in (page.name, page.name + ".meta.json"):
                    if name not in names:
                        bisect.insort(names, name)
            return FetchResult(url, FETCHED, None, page)
        except FetchError as e:
            return FetchResult(url, e.outcome, e.reason, status=e.status)
        except Exception as e:  # one odd URL or response must not end a long run
            return FetchResult(url, FAILED, f"unexpected error: {e!r}")

    @staticmethod
    def _conditional_headers(sidecar: Path) -> dict[str, str]:
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # an unreadable sidecar: fetch the page anew
            return {}
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def _follow(self, url: str, headers: dict[str, str], check_robots: bool = True,
                within: Callable[[str], bool] | None = None) -> Response:
        """GET `url`, following redirects by hand so every hop is checked (scheme, robots, anti-bot, loops)."""
        chain = [url]
        while True:
            if check_robots and not self._allowed(chain[-1]):
                where = "" if len(chain) == 1 else f" (redirected to {chain[-1]})"
                raise FetchError(f"robots.txt disallows this URL{where}", DISALLOWED)
            response = self._request(chain[-1], headers)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {response.status} redirect without a Location header")
            target = urljoin(chain[-1], location)
            if ANTIBOT_PATH.search(urlsplit(target).path):
                raise FetchError(f"redirected to verification page {target}", ANTIBOT)
            check_scheme(target)
            if within is not None and not within(target):
                raise FetchError(f"redirected out of scope to {target}", OUT_OF_SCOPE)
            if target in chain:
                raise FetchError("redirect loop: " + " → ".join([*chain[chain.index(target):], target]))
            if len(chain) > self.options.max_redirects:
                raise FetchError(f"more than {self.options.max_redirects} redirects")
            chain.append(target)

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        """One GET with retries on 429/5xx and connection errors; the body is read up to max_bytes."""
        host = urlsplit(url).hostname  # politeness is per machine, whatever the scheme or port
        opts = self.options
        for attempt in range(opts.retries + 1):
            with self.gate.slot(host):
                try:
                    response = self._get_once(url, headers)
                    failure = f"HTTP {response.status}"
                    retryable = response.status in RETRY_STATUSES and detect_antibot(response.body, url) is None
                    wait_header = retry_after(response.headers.get("retry-after"))
                except urllib3.exceptions.SSLError as e:
                    raise FetchError(f"TLS error: {e}") from e
                except urllib3.exceptions.NewConnectionError as e:
                    failure, retryable, wait_header = f"cannot connect: {e}", True, None
                except urllib3.exceptions.ConnectTimeoutError:
                    failure, retryable, wait_header = f"connect timeout ({opts.connect_timeout:g} s)", True, None
                except urllib3.exceptions.ReadTimeoutError:
                    failure, retryable, wait_header = f"read timeout ({opts.read_timeout:g} s)", True, None
                except urllib3.exceptions.HTTPError as e:
                    failure, retryable, wait_header = f"connection error: {e}", True, None
                if not retryable:
                    return response
                if attempt == opts.retries:
                    break
                wait = wait_header if wait_header is not None else opts.backoff * 2**attempt
                if wait > opts.max_retry_after:
                    raise FetchError(f"{failure}; server asks to retry after {wait:g} s "
                                     f"(more than the {opts.max_retry_after:g} s we wait)")
                self.gate.hold_off(host, wait)
        attempts = opts.retries + 1
        raise FetchError(f"{failure} (after {attempts} attempt{'s' if attempts > 1 else ''})")

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        raw = self.http.request("GET", url, headers={**self.base_headers, **headers}, redirect=False,
                                preload_content=False)
        complete = False
        try:
            body = self._read_capped(raw)
            complete = True
        finally:
            if not complete:
                raw.close()  # drop the connection rather than drain an oversized or stalled body
            raw.release_conn()
        # Header names are case-insensitive: keep them lower-case; repeated headers are joined by ", ".
        headers_out = {name.lower(): raw.headers[name] for name in raw.headers}
        return Response(url, raw.status, headers_out, body)

    def _read_capped(self, raw: urllib3.BaseHTTPResponse) -> bytes:
        """The body, up to max_bytes, read within max_time: each read returns what has arrived (read1)
        and waits at most until the deadline, so a server dripping a byte at a time cannot outlast it."""
        cap = self.options.max_bytes
        length = raw.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise FetchError(f"response of {int(length)} bytes exceeds the {cap}-byte limit; not read")
        deadline = time.monotonic() + self.options.max_time
        too_slow = FetchError(f"response took longer than {self.options.max_time:g} s to read")
        chunks, size = [], 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise too_slow
            sock = getattr(raw.connection, "sock", None)
            if sock is not None:
                sock.settimeout(min(self.options.read_timeout, left))
            try:
                chunk = raw.read1(64 * 1024)
            except urllib3.exceptions.ReadTimeoutError:
                if time.monotonic() >= deadline:
                    raise too_slow from None
                raise
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > cap:
                raise FetchError(f"response exceeds the {cap}-byte limit; stopped reading")
            chunks.append(chunk)

    def _allowed(self, url: str) -> bool:
        rules = self._robots_for(origin(url))
        if isinstance(rules, FetchError):
            raise FetchError(f"robots.txt unavailable, so nothing on this host is fetched: {rules.reason}")
        return rules.can_fetch(self.user_agent, url)

    def _robots_for(self, site: str) -> RobotFileParser | FetchError:
        """A site's robots.txt rules (per scheme, host and port), fetched once.

        RFC 9309: a 4xx answer means no rules; a 5xx or no answer means nothing may be fetched.
        """
        with self._robots_lock:
            lock = self._robots_locks.setdefault(site, threading.Lock())
        with lock:
            if site not in self._robots:
                self._robots[site] = self._load_robots(site)
            return self._robots[site]

    def _load_robots(self, site: str) -> RobotFileParser | FetchError:
        rules = RobotFileParser(site + "/robots.txt")
        try:
            response = self._follow(site + "/robots.txt", {}, check_robots=False)
        except FetchError as e:
            return e
        if 200 <= response.status < 300:
            rules.parse(response.body.decode("utf-8", errors="replace").splitlines())
            if (crawl_delay := rules.crawl_delay(self.user_agent)) is not None:
                delay = float(crawl_delay)
                if delay > self.options.max_crawl_delay:
                    self.notes.append(f"{site}: robots.txt asks for a Crawl-delay of {delay:g} s; capped at "
                                      f"{self.options.max_crawl_delay:g} s (max_crawl_delay)")
                    delay = self.options.max_crawl_delay
                self.gate.set_delay(urlsplit(site).hostname, delay)
        elif 400 <= response.status < 500:
            rules.allow_all = True
        else:
            return FetchError(f"HTTP {response.status}")
        return rules


def by_host_round_robin(urls: list[str]) -> list[str]:
    """Interleave hosts so the worker threads spread over hosts instead of queuing on one."""
    queues: dict[str, list[str]] = {}
    for url in urls:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # left for fetch() to report
            host = ""
        queues.setdefault(host, []).append(url)
    ordered = []
    while queues:
        for host in list(queues):
            ordered.append(queues[host].pop(0))
            if not queues[host]:
                del queues[host]
    return ordered


def fetch_urls(urls: list[str], out: Path, options: FetchOptions | None = None) -> FetchSummary:
    """Fetch every URL into `out`; results come back in the order of `urls`."""
    fetcher = Fetcher(out, options)
    results: dict[str, FetchResult] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, fetcher.options.concurrency))
    try:
        futures = {pool.submit(fetcher.fetch, url): url for url in by_host_round_robin(urls)}
        with tqdm(total=len(futures), unit="url", desc="fetch", file=sys.stderr,
                  disable=not fetcher.options.progress) as bar:
            for future in as_completed(futures):
                result = future.result()
                results[result.url] = result
                bar.update()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return FetchSummary([results[url] for url in dict.fromkeys(urls)], fetcher.notes)
