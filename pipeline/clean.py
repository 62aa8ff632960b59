"""Spam and furniture removal (interim version; the full detector replaces it)."""
from __future__ import annotations

import re

SPAM_WORDS = re.compile(r"无码|精品|在线观看|在线视频|成人|午夜|毛片|人妻|国产|亚洲|欧美|日韩|一区二区|蜘蛛池|av")
FURNITURE = re.compile(r"^(?:等待处理…*|扫码查看|展开\s*>|上篇[:：].*|下篇[:：].*|分享到|↑\s*TOP|©.*|【?责任编辑.*)$")
HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def is_spam_text(text: str) -> bool:
    items = [t for t in re.split(r"[,，|｜?？]+", text) if t.strip()]
    return len(items) >= 5 and sum(bool(SPAM_WORDS.search(t)) for t in items) >= len(items) * 0.4


def remove_hidden(tree) -> int:
    removed = 0
    for el in list(tree.xpath("//*[@style]")):
        if HIDDEN.search(el.get("style", "")) and el.tag not in ("input", "script", "style"):
            removed += bool(el.text_content().strip())
            el.drop_tree()
    return removed


def strip_spam(text: str) -> tuple[str, int]:
    kept, removed = [], 0
    for line in text.split("\n"):
        if is_spam_text(line) or line.startswith("主站蜘蛛池模板"):
            removed += 1
        else:
            kept.append(line)
    return "\n".join(kept), removed


def clean_title(title: str | None) -> str | None:
    return None if title and is_spam_text(title) else title


def strip_boilerplate(lines: list[str]) -> tuple[list[str], int]:
    kept = [line for line in lines if not FURNITURE.match(line.strip())]
    return kept, len(lines) - len(kept)
