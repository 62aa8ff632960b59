"""The word lists segmentation reads: the guaranteed lexicon (jieba userdict format) and the stopword
lists. They are package data (pipeline/text/data/), so an installed wheel has them; the repository's
top-level `corpus/lexicon.txt` and `stopwords/` are links to the same files, for users to edit.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_LEXICON = DATA / "lexicon.txt"
FIELD_LEXICON = DATA / "field_lexicon.txt"   # mined by bench/field_lexicon.py, one source comment a term
STOPWORDS_DIR = DATA / "stopwords"
SINGLE_CHARACTER_TERMS = DATA / "single_character_terms.txt"
# Always-on lists, and the academic boilerplate list that `academic_stopwords` switches.
BASE_STOPWORD_FILES = ("zh_function.txt", "furniture.txt", "en.txt")
ACADEMIC_STOPWORD_FILE = "academic.txt"


def read_word_list(path: Path) -> list[str]:
    """Words separated by whitespace (one or more a line); `#` starts a comment."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def read_lexicon(path: Path) -> list[tuple[str, str | None]]:
    """jieba userdict format: `term [freq] [pos]` per line, `#` comments. Returns (term, pos) pairs.

    The frequency is accepted for compatibility but not needed: protection does not depend on it."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        pos = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], pos))
    return entries


@functools.lru_cache(maxsize=4)
def load_stopwords(academic: bool = True) -> frozenset[str]:
    files = BASE_STOPWORD_FILES + ((ACADEMIC_STOPWORD_FILE,) if academic else ())
    return frozenset(w.lower() for name in files for w in read_word_list(STOPWORDS_DIR / name))


def stopwords_version(academic: bool = True) -> str:
    files = BASE_STOPWORD_FILES + ((ACADEMIC_STOPWORD_FILE,) if academic else ())
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (STOPWORDS_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def academic_stopwords() -> frozenset[str]:
    """The academic boilerplate words alone (研究, 分析, 本文 …): what `academic_stopwords=True` adds."""
    return load_stopwords(True) - load_stopwords(False)


@functools.lru_cache(maxsize=1)
def research_framing() -> frozenset[str]:
    """Words that end a title's research framing (data/framing.txt: 研究, 分析, 对策 …)."""
    return frozenset(read_word_list(DATA / "framing.txt"))


@functools.lru_cache(maxsize=1)
def single_character_terms() -> frozenset[str]:
    """The one-character tokens that are terms of a field (data/single_character_terms.txt, with reasons)."""
    return frozenset(read_word_list(SINGLE_CHARACTER_TERMS))


def is_readable_term(token: str) -> bool:
    """False for a one-character token (a Han character or a letter: 体, 分, 呈, L, P) that is not a term
    of the field: a fragment that segmentation cut off a word, or a unit or variable name. Topic
    vocabularies drop these; counting and trends keep every token."""
    return len(token) > 1 or token in single_character_terms()
