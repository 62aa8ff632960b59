"""What a response says about itself: its content type and charset, whether it is an anti-bot wall
rather than the page asked for, and how long Retry-After asks to wait."""
from __future__ import annotations

import contextlib
import email.utils
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

FAILED = "failed"  # how a FetchError counts unless it says otherwise


class FetchError(Exception):
    """Why a URL ends without a stored page; `outcome` says how it is counted."""

    def __init__(self, reason: str, outcome: str = FAILED, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome
        self.status = status


# Anti-bot interstitials, recognized in the raw bytes (UTF-8 or GB18030) so no decoding is needed.
# Articles can carry the same words or captcha scripts in their chrome (a login box, an article about
# captchas), so most markers count only in a page smaller than article pages are.
ARTICLE_PAGE = 64 * 1024  # CNKI and Wanfang detail pages are well above this
TINY_PAGE = 8 * 1024
ANTIBOT_WORDS = ("验证码", "安全验证", "人机验证", "滑动验证")  # also counted in a <title> below ARTICLE_PAGE
ANTIBOT_MARKERS = (  # (reported as, marker, largest page it counts in; None: any)
    ("CNKI slider captcha", "拖动下方拼图完成验证", None),  # the wall's own instruction
    ("CNKI slider captcha", "TJCaptcha.js", ARTICLE_PAGE),
    *((f"verification page ({word})", word, TINY_PAGE) for word in ANTIBOT_WORDS),
)
# Wanfang sends visitors to /verify; other sites use /captcha paths the same way.
ANTIBOT_PATH = re.compile(r"/(verify|captcha)(?:[/.?]|$)", re.I)
TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) from a Content-Type header, lower-cased; None where absent."""
    if not value:
        return None, None
    media = value.split(";", 1)[0].strip().lower() or None
    match = CHARSET_PARAM.search(value)
    return media, match.group(1).lower() if match else None


def _contains(data: bytes, word: str) -> bool:
    return word.encode("utf-8") in data or word.encode("gb18030") in data


def detect_antibot(body: bytes, url: str) -> str | None:
    """Name of the anti-bot wall this response is, or None for an ordinary page."""
    if ANTIBOT_PATH.search(urlsplit(url).path):
        return f"verification page {url}"
    for name, marker, largest in ANTIBOT_MARKERS:
        if (largest is None or len(body) < largest) and _contains(body, marker):
            return name
    title = TITLE.search(body[:ARTICLE_PAGE]) if len(body) < ARTICLE_PAGE else None
    for word in ANTIBOT_WORDS:
        if title and _contains(title.group(1), word):
            return f"verification page ({word})"
    return None


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    return None
