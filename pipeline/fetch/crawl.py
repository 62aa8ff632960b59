"""Walk an e-paper edition, a journal issue or a section index politely (`python -m pipeline crawl`).

In: start URLs (or an edition URL template and a date range), a raw-corpus directory, a scope.
Out: pages stored by the fetcher exactly as `fetch` stores them (same store and sidecars, robots.txt,
Crawl-delay, retries, caps, anti-bot detection; a re-run skips what is stored), and a `CrawlSummary`.

Order: breadth-first from the start URLs in the order given, links in document order, each URL (fragment
removed) visited once, one request at a time: the same inputs give the same requests in the same order.
Scope: a link is requested only when it starts with a scope prefix (default: the start URL's host and
directory, or a known structure's prefixes from structures.toml; `scope` replaces them), robots.txt
allows it, and no redirect leads out of scope. `max_pages` caps the pages requested in one run (pages read
back from the store are free), so a re-run continues where a capped run stopped.
Known structures (structures.toml) say which links are articles (stored, not followed) and which
are navigation (followed; stored in the corpus only with `store_navigation`, otherwise kept under
OUT/.crawl/, which ingest skips, so a re-run does not request them again).
"""
from __future__ import annotations

import functools
import re
import sys
import tomllib
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from pipeline.fetch.fetcher import (ANTIBOT, DISALLOWED, FAILED, FETCHED, OUT_OF_SCOPE, SKIPPED, Fetcher, FetchError,
                                    FetchOptions, check_scheme)
from pipeline.fetch.store import read_stored

STRUCTURES = Path(__file__).with_name("structures.toml")
NAVIGATION_STORE = ".crawl"  # under OUT; hidden, so ingest and build do not read it
DEFAULT_MAX_PAGES = 200
MISSING = "no edition"  # an edition start page answered 404/410: that day has no paper
MISSING_STATUSES = {404, 410}
ARTICLE, NAVIGATION, PAGE = "article", "navigation", "page"  # PAGE: a page of a site with no known structure
LINK_ATTRIBUTES = {"a": "href", "area": "href", "frame": "src", "iframe": "src"}  # area: Founder page maps


class CrawlError(ValueError):
    """Bad crawl input (a template without a date, a start URL outside the scope …): a user error."""


@dataclass(frozen=True)
class Structure:
    name: str
    start: tuple[re.Pattern, ...]
    navigation: tuple[re.Pattern, ...]
    article: tuple[re.Pattern, ...]
    scope: tuple[str, ...] = ("{dir}",)

    def kind_of(self, url: str) -> str | None:
        """ARTICLE, NAVIGATION, or None for a link that is not part of this structure."""
        if any(p.search(url) for p in self.article):
            return ARTICLE
        if any(p.search(url) for p in self.navigation):
            return NAVIGATION
        return None


@functools.cache
def load_structures(path: Path = STRUCTURES) -> tuple[Structure, ...]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return tuple(Structure(name=s["name"], start=_patterns(s["start"]), navigation=_patterns(s.get("navigation", [])),
                           article=_patterns(s["article"]), scope=tuple(s.get("scope", ["{dir}"])))
                 for s in data["structure"])


def _patterns(sources: list[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(source) for source in sources)


def normalize_url(url: str) -> str:
    """The URL without its fragment, scheme and host lower-cased, default port dropped, empty path as /."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    if parts.username or parts.password:  # credentials stay as given
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def directory_of(url: str) -> str:
    """`http://host/a/b/page.htm` → `http://host/a/b/`: the default scope of a start URL."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path[:parts.path.rfind("/") + 1] or "/", "", ""))


@dataclass(frozen=True)
class Scope:
    prefixes: tuple[str, ...]  # `//host/path` prefixes match both http and https

    def __contains__(self, url: str) -> bool:
        without_scheme = url[url.find("//"):]
        return any((without_scheme if p.startswith("//") else url).startswith(p) for p in self.prefixes)

    def __str__(self) -> str:
        return " ".join(self.prefixes)


def structure_for(url: str) -> tuple[Structure | None, Scope]:
    """The known structure a start URL opens (or None) and its default scope."""
    for structure in load_structures():
        for pattern in structure.start:
            if match := pattern.search(url):
                values = {"dir": directory_of(url), **match.groupdict()}
                return structure, Scope(tuple(template.format(**values) for template in structure.scope))
    return None, Scope((directory_of(url),))


def edition_urls(template: str, first: date, last: date) -> list[tuple[date, str]]:
    """One start URL per day from `first` to `last` inclusive: `{date:%Y-%m/%d}` in the template is the day."""
    if "{date" not in template:
        raise CrawlError(f"the edition template has no {{date:…}} field: {template}")
    if last < first:
        raise CrawlError(f"--to {last} is before --from {first}")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    try:
        return [(day, template.format(date=day)) for day in days]
    except (KeyError, IndexError, ValueError) as e:
        raise CrawlError(f"bad edition template {template}: {e}") from e


def extract_links(body: bytes, charset: str | None, base_url: str) -> list[str]:
    """Absolute http(s) links of an HTML page (a, area, frame, iframe), in document order, without repeats."""
    import lxml.etree
    import lxml.html

    # lxml decodes by the HTTP charset, else by the page's own declaration (links are mostly ASCII anyway);
    # fetch does not use ingest's decoder, the two stages stay independent.
    tree = None
    for encoding in dict.fromkeys((charset, None)):
        try:
            tree = lxml.html.document_fromstring(body, parser=lxml.html.HTMLParser(encoding=encoding))
            break
        except (LookupError, ValueError, lxml.etree.ParserError):  # an unknown charset label; not HTML
            continue
    if tree is None:
        return []
    base = tree.find(".//base[@href]")
    if base is not None:
        base_url = urljoin(base_url, base.get("href").strip())
    links = []
    for element in tree.iter(*LINK_ATTRIBUTES):
        target = (element.get(LINK_ATTRIBUTES[element.tag]) or "").strip()
        if not target or target.startswith("#"):
            continue
        try:
            absolute = normalize_url(urljoin(base_url, target))
        except ValueError:  # a malformed link (bad port, broken IPv6 literal)
            continue
        if absolute.startswith(("http://", "https://")):
            links.append(absolute)
    return list(dict.fromkeys(links))


@dataclass
class CrawlResult:
    url: str
    kind: str  # article, navigation, page (no known structure), or link (never requested)
    outcome: str  # fetched, skipped (stored before), disallowed, anti-bot, failed, out of scope, no edition
    reason: str | None = None
    path: Path | None = None
    found_on: str | None = None  # the page that linked it (None for start URLs)


@dataclass
class CrawlSummary:
    results: list[CrawlResult] = field(default_factory=list)
    unvisited: int = 0  # queued pages left when max_pages stopped the crawl
    max_pages: int = DEFAULT_MAX_PAGES
    navigation_store: Path | None = None  # where navigation pages were kept (None: in the corpus)

    def listed(self, outcome: str, kind: str | None = None) -> list[CrawlResult]:
        return [r for r in self.results if r.outcome == outcome and (kind is None or r.kind == kind)]

    def count(self, outcome: str, kind: str | None = None) -> int:
        return len(self.listed(outcome, kind))

    @property
    def stored(self) -> list[CrawlResult]:
        """Pages stored in the corpus this run."""
        kept_aside = NAVIGATION if self.navigation_store else None
        return [r for r in self.listed(FETCHED) if r.kind != kept_aside]

    @property
    def ok(self) -> bool:
        """True when no page failed or was an anti-bot wall (robots.txt, scope and missing days are fine)."""
        return not (self.count(FAILED) or self.count(ANTIBOT))

    def report(self) -> str:
        read_aside = self.count(FETCHED, NAVIGATION) if self.navigation_store else 0
        navigation = (f"navigation pages read {read_aside} (kept in {self.navigation_store}, not ingested); "
                      if read_aside else "")
        lines = [f"stored {len(self.stored)}; {navigation}skipped: stored before {self.count(SKIPPED)}, "
                 f"robots.txt {self.count(DISALLOWED)}, out of scope {self.count(OUT_OF_SCOPE)} (not requested); "
                 f"anti-bot page {self.count(ANTIBOT)} (not stored); failed {self.count(FAILED)}"]
        if missing := self.listed(MISSING):
            lines.append(f"no edition on {len(missing)} day(s): " + ", ".join(r.url for r in missing))
        if self.unvisited:
            lines.append(f"stopped at --max-pages {self.max_pages}: {self.unvisited} queued page(s) not requested "
                         "(run again to continue, or raise --max-pages)")
        for outcome, heading in ((FAILED, "failed"), (ANTIBOT, "anti-bot page (not stored)"),
                                 (DISALLOWED, "disallowed by robots.txt")):
            if listed := self.listed(outcome):
                lines.append(f"{heading}:")
                lines += [f"  {r.url}: {r.reason}" for r in listed]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Visit:
    url: str
    kind: str
    structure: Structure | None
    scope: Scope
    found_on: str | None = None
    edition_day: date | None = None


def crawl(start_urls: list[str] = (), out: Path | str = "corpus/raw", *, scope: list[str] | None = None,
          max_pages: int = DEFAULT_MAX_PAGES, store_navigation: bool = False, edition: str | None = None,
          date_from: date | None = None, date_to: date | None = None,
          options: FetchOptions | None = None) -> CrawlSummary:
    """Crawl from `start_urls` (and, with `edition`, one start URL per day from `date_from` to `date_to`)
    into `out`; `scope` (URL prefixes) replaces the default scope of every start URL. Raises CrawlError
    for bad input, before any request."""
    if max_pages < 1:
        raise CrawlError(f"--max-pages must be at least 1, not {max_pages}")
    starts = [(normalize_url(url), None) for url in start_urls]
    if edition is not None:
        if date_from is None or date_to is None:
            raise CrawlError("--edition needs --from and --to")
        starts += [(normalize_url(url), day) for day, url in edition_urls(edition, date_from, date_to)]
    if not starts:
        raise CrawlError("give a start URL or --edition with --from and --to")
    out = Path(out)
    queue: deque[_Visit] = deque(_start_visit(url, day, scope) for url, day in starts)
    fetcher = Fetcher(out, options or FetchOptions(progress=False))
    summary = CrawlSummary(max_pages=max_pages, navigation_store=None if store_navigation else out / NAVIGATION_STORE)
    seen = {visit.url for visit in queue}
    left_out: dict[str, CrawlResult] = {}  # links not requested, reported once each
    requests = 0
    while queue:
        if requests >= max_pages:
            summary.unvisited = len(queue)
            break
        visit = queue.popleft()
        into = summary.navigation_store if visit.kind == NAVIGATION and summary.navigation_store else out
        fetched = fetcher.fetch(visit.url, out=into, within=lambda url, s=visit.scope: normalize_url(url) in s)
        # Pages read back from the store cost no request (unless revalidated); robots.txt refusals none.
        requests += fetched.outcome != DISALLOWED and (fetched.outcome != SKIPPED or fetcher.options.revalidate)
        result = CrawlResult(visit.url, visit.kind, fetched.outcome, fetched.reason, fetched.path, visit.found_on)
        if visit.edition_day and fetched.outcome == FAILED and fetched.status in MISSING_STATUSES:
            result.outcome, result.reason = MISSING, f"{visit.edition_day}: HTTP {fetched.status}"
        summary.results.append(result)
        _progress(result, options)
        if fetched.outcome in (FETCHED, SKIPPED) and visit.kind != ARTICLE:
            for link in _links_of(fetched.path, visit.url):
                if link in seen:
                    continue
                kind = visit.structure.kind_of(link) if visit.structure else PAGE
                if kind is None or link not in visit.scope:
                    why = (f"not part of the {visit.structure.name} structure" if kind is None
                           else f"outside the scope {visit.scope}")
                    left_out.setdefault(link, CrawlResult(link, "link", OUT_OF_SCOPE, why, None, visit.url))
                    continue
                seen.add(link)
                queue.append(_Visit(link, kind, visit.structure, visit.scope, visit.url))
    summary.results += [r for url, r in left_out.items() if url not in seen]
    return summary


def _start_visit(url: str, day: date | None, scope: list[str] | None) -> _Visit:
    try:
        check_scheme(url)
    except FetchError as e:
        raise CrawlError(f"start URL: {e.reason}") from None
    structure, default_scope = structure_for(url)
    chosen = Scope(tuple(normalize_url(p) if not p.startswith("//") else p for p in scope)) if scope else default_scope
    if url not in chosen:
        raise CrawlError(f"start URL {url} is outside the scope {chosen}")
    return _Visit(url, NAVIGATION if structure else PAGE, structure, chosen, None, day)


def _links_of(page: Path, url: str) -> list[str]:
    """Links of a stored page, resolved against the URL it finally came from (after redirects)."""
    try:
        body, meta = read_stored(page)
    except (OSError, ValueError):
        return []
    if page.suffix not in (".html", ".htm", ".xml"):
        return []
    return extract_links(body, meta.get("charset"), meta.get("final_url") or url)


def _progress(result: CrawlResult, options: FetchOptions | None) -> None:
    if options is not None and options.progress:
        print(f"{result.outcome:>12}  {result.kind:<10} {result.url}", file=sys.stderr)
