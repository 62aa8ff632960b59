"""The raw-corpus store the fetcher writes and ingest reads: each response body, byte for byte, at
`OUT/<host>/<sha1(url)[:16]>.<ext>` with a sidecar `<same name>.meta.json` (URL, final URL, status,
headers, time, SHA-256, content type, charset, ETag, Last-Modified). The page is written first and the
sidecar last, both atomically, so a sidecar means the page is complete."""
from __future__ import annotations

import bisect
import hashlib
import json
import mimetypes
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pipeline.fetch.responses import FetchError, parse_content_type
from pipeline.files import write_atomic

if TYPE_CHECKING:
    from pipeline.fetch.fetcher import Response

SIDECAR_SUFFIX = ".meta.json"
# Content type → file extension for the stored page; ingest picks its reader by extension.
EXTENSIONS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/xml": "xml",
    "application/xml": "xml",
    "application/pdf": "pdf",
    "application/json": "json",
}
# Response headers not worth keeping beside a corpus page (session cookies are private).
DROPPED_HEADERS = {"set-cookie"}


def host_dir(out: Path, url: str) -> Path:
    parts = urlsplit(url)
    return Path(out) / (parts.hostname + (f"_{parts.port}" if parts.port else ""))


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def find_sidecar(out: Path, url: str, listing: dict[str, list[str]] | None = None) -> Path | None:
    """The sidecar of a URL stored earlier, whatever the extension it got. `listing` (folder → file names,
    filled on first use) lets a long run list each host's folder once instead of once per URL."""
    folder = host_dir(out, url)
    names = list_folder(folder, {} if listing is None else listing)
    found = _sidecars_with_prefix(names, url_key(url) + ".")
    return folder / found[0] if found else None


def list_folder(folder: Path, listing: dict[str, list[str]]) -> list[str]:
    if str(folder) not in listing:
        listing[str(folder)] = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return listing[str(folder)]


def _sidecars_with_prefix(names: list[str], prefix: str) -> list[str]:
    """Sidecar names in a sorted listing that start with `prefix` (a binary search, not a scan)."""
    out = []
    for name in names[bisect.bisect_left(names, prefix):]:
        if not name.startswith(prefix):
            break
        if name.endswith(SIDECAR_SUFFIX):
            out.append(name)
    return out


def sidecar_of(page: Path) -> Path:
    return page.with_name(page.name + SIDECAR_SUFFIX)


def read_stored(page: Path) -> tuple[bytes, dict]:
    """A stored page's bytes and its sidecar (URL, final URL, charset …); raises OSError or ValueError."""
    return page.read_bytes(), json.loads(sidecar_of(page).read_text(encoding="utf-8"))


def extension_for(media: str | None, body: bytes) -> str:
    if media in EXTENSIONS:
        return EXTENSIONS[media]
    if media and media.endswith("+xml"):
        return "xml"
    if media and media.startswith("text/"):
        return "txt"
    if media and (guessed := mimetypes.guess_extension(media)):
        return guessed.lstrip(".")
    head = body.lstrip()[:5]
    if head.startswith(b"%PDF"):
        return "pdf"
    return "html" if head.startswith(b"<") else "bin"


def store(out: Path, url: str, response: Response) -> Path:
    """Save the body and its sidecar; returns the page path."""
    media, charset = parse_content_type(response.headers.get("content-type"))
    page = host_dir(out, url) / f"{url_key(url)}.{extension_for(media, response.body)}"
    sidecar = sidecar_of(page)
    meta = {
        "url": url,
        "final_url": response.url,
        "status": response.status,
        "headers": {k: v for k, v in response.headers.items() if k not in DROPPED_HEADERS},
        "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "sha256": hashlib.sha256(response.body).hexdigest(),
        "content_type": media,
        "charset": charset,
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
    }
    try:
        write_atomic(page, response.body)
        write_atomic(sidecar, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        # A revalidated page whose content type changed leaves an older copy under another extension.
        for stale in page.parent.glob(url_key(url) + ".*"):
            if stale not in (page, sidecar):
                stale.unlink()
    except OSError as e:
        raise FetchError(f"cannot write {e.filename or page}: {e.strerror or e}") from e
    return page
