"""Concepts (a name with its Chinese and English terms) and matching them against the corpus.

A concept file (TOML, `corpus/concepts.toml`) names each concept once:

    ["韧性"]                             # the concept's name (TOML needs quotes around Chinese keys)
    zh = ["韧性"]                        # Chinese terms and variants (the name counts only if listed)
    en = ["resilien*"]                   # English terms; trailing * = any ending
    narrower = ["韧性社区", "城市韧性"]  # narrower terms that also count

Matching works on normalized text (NFKC, lower case; the corpus is already in simplified characters)
field by field, so a concept is found whether or not segmentation kept it whole; the field "tokens"
adds the segmented tokens (a token containing a term). A document is counted once per field that matches.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.analysis.fields import DEFAULT_FIELDS, FIELD_COLUMNS, FIELDS, TOKENS_FIELD  # noqa: F401 (re-exported)
from pipeline.analysis.tokens import AlignedTokens
from pipeline.text.normalize import to_simplified
from pipeline.record import LIST_FIELDS


# Package data (an installed wheel has it); the repository's corpus/concepts.toml links to this file.
DEFAULT_CONCEPTS = Path(__file__).resolve().parent / "data" / "concepts.toml"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATOR = re.compile(r"[-\s]+")


def normalize_term(term: str) -> str:
    """A query term the way the corpus text is normalized: simplified, NFKC, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", to_simplified(term.strip())).lower()
    return re.sub(r"\s+", " ", text)


def term_pattern(term: str) -> str:
    """RE2 pattern for one normalized term. English terms match whole words, `-`/space interchangeable,
    a trailing `*` any ending; Chinese terms match as substrings (there are no word boundaries), so a
    `*` adds nothing to them and is dropped."""
    wildcard = term.endswith("*")
    core = term.rstrip("*")
    body = r"[-\s]*".join(re.escape(part) for part in _SEPARATOR.split(core) if part)
    if _CJK.search(core):
        return body
    # \b in RE2 is ASCII-only, so an English word right after a Chinese character still starts a word.
    return r"\b" + body + (r"[a-z0-9]*" if wildcard else r"\b")


@dataclass(frozen=True)
class Concept:
    name: str
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """All normalized terms, longest first so that alternation prefers the longer term."""
        unique = dict.fromkeys(normalize_term(t) for t in (*self.zh, *self.en, *self.narrower) if t.strip())
        return tuple(sorted(unique, key=lambda t: (-len(t), t)))

    @cached_property
    def pattern(self) -> str:
        return "(?:" + "|".join(term_pattern(t) for t in self.terms) + ")"

    def names_it(self, term: str) -> bool:
        """True when `term` is this concept's name or one of its synonyms (zh/en), not a narrower term."""
        wanted = normalize_term(term)
        return any(re.fullmatch(term_pattern(normalize_term(t)), wanted)
                   for t in (self.name, *self.zh, *self.en))

    @classmethod
    def literal(cls, term: str) -> "Concept":
        return cls(name=term, zh=(term,)) if _CJK.search(term) else cls(name=term, en=(term,))


def load_concepts(path: str | Path | None = None) -> dict[str, Concept]:
    """Read a concept file; `None` reads the bundled one (corpus/concepts.toml in the repository)."""
    path = Path(path) if path is not None else DEFAULT_CONCEPTS
    if not path.exists():
        raise FileNotFoundError(f"{path}: concept file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid UTF-8 TOML concept file: {err}") from None
    concepts = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: concept {name!r} must be a table with zh/en/narrower lists")
        lists = {}
        for key in ("zh", "en", "narrower"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{path}: concept {name!r}: {key} must be a list of strings")
            lists[key] = tuple(value)
        if not any(lists.values()):
            lists["zh" if _CJK.search(name) else "en"] = (name,)
        concepts[name] = Concept(name=name, **lists)
    return concepts


def concept_set(concepts=None, corpus_path: Path | None = None) -> dict[str, Concept]:
    """A concept dict from a dict or a concept file. Without one: concepts.toml beside the built corpus
    directory (corpus/concepts.toml for corpus/build) when there is one, else the repository's."""
    if isinstance(concepts, dict):
        return concepts
    if concepts is None and corpus_path is not None and (Path(corpus_path).parent / "concepts.toml").exists():
        concepts = Path(corpus_path).parent / "concepts.toml"
    return load_concepts(concepts)


def resolve(term: str, concepts: dict[str, Concept], glossary=None) -> Concept:
    """The concept a query term asks for: a concept by name or synonym; else, for an English term, the
    Chinese term the corpus's bilingual keywords pair it with (and that term's concept); else the literal
    term. `glossary`: a zh/en/support table, or a function returning one (called only when needed)."""
    if term in concepts:
        return concepts[term]
    for concept in concepts.values():
        if concept.names_it(term):
            return concept
    if glossary is not None and not _CJK.search(term):
        from pipeline.analysis.glossary import translate

        chinese = translate(term, glossary() if callable(glossary) else glossary)
        if chinese is not None:
            for concept in concepts.values():
                if concept.names_it(chinese):
                    return concept
            return Concept(name=chinese, zh=(chinese,), en=(term,))
    return Concept.literal(term)


def resolve_all(terms, concepts: dict[str, Concept], glossary=None) -> list[Concept]:
    """Concepts for query terms (or Concept objects), duplicates dropped, in the order asked."""
    resolved = [resolve(t, concepts, glossary) if isinstance(t, str) else t for t in terms]
    return list({c.name: c for c in resolved}.values())


# Texts that NFKC and lower-casing leave as they are: printable ASCII without capitals, CJK unified ideographs
# (compatibility ideographs are elsewhere) and newlines; most Chinese titles. Only the others go through the
# two kernels, which cost four times this check.
_UNCHANGED = r"^[\x{20}-\x{40}\x{5b}-\x{7e}\x{4e00}-\x{9fff}\n]*$"


def _normalized(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """NFKC, then lower case ("" for null)."""
    values = pc.fill_null(values, "")
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    changing = pc.invert(pc.match_substring_regex(values, _UNCHANGED))
    if not pc.any(changing).as_py():
        return values
    return pc.replace_with_mask(values, changing, pc.utf8_lower(pc.utf8_normalize(values.filter(changing), "NFKC")))


def _field_text(docs: pd.DataFrame, columns: tuple[str, ...]) -> pa.Array:
    parts = []
    for column in columns:
        if column not in docs:
            continue
        series = docs[column]
        if column in LIST_FIELDS:
            # "；" between items keeps the keywords 社区 + 治理 from matching 社区治理.
            lists = pa.array(series, type=pa.list_(pa.large_string()), from_pandas=True)
            parts.append(pc.fill_null(pc.binary_join(lists, pa.scalar("；", pa.large_string())), ""))
            continue
        if not pd.api.types.is_string_dtype(series):  # e.g. a column that is missing everywhere (NaN)
            series = pd.Series(None, index=series.index, dtype=object) if series.isna().all() else \
                series.astype(object).where(series.notna(), None)
        parts.append(pc.fill_null(pa.array(series, type=pa.large_string(), from_pandas=True), ""))
    if not parts:
        return pa.array([""] * len(docs), type=pa.large_string())
    text = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, pa.scalar("\n", pa.large_string()))
    return _normalized(text)


@dataclass
class Matches:
    """One concept, per document (in corpus order)."""

    docs: np.ndarray         # bool: matches in any field
    hits: np.ndarray         # int: fields that match (each field once)
    occurrences: np.ndarray  # int: term occurrences over those fields (non-overlapping)


@dataclass
class FieldText:
    """A field's normalized text, kept only for the documents where it is not empty."""

    rows: np.ndarray
    text: pa.Array


@dataclass
class TextIndex:
    """Normalized field texts (and the token vocabulary) of a corpus, built once and reused by queries.
    `tokens`: tokens.parquet as a DataFrame, or already lined up with `docs` (pipeline.analysis.tokens.AlignedTokens)."""

    docs: pd.DataFrame
    tokens: object = None  # pd.DataFrame | AlignedTokens | None
    _fields: dict[str, FieldText] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:

        if not isinstance(self.tokens, AlignedTokens):
            self.tokens = AlignedTokens(self.docs, self.tokens)

    def field_text(self, name: str) -> FieldText:
        if name not in FIELD_COLUMNS:
            raise ValueError(f"unknown field {name!r}: choose from {', '.join(FIELDS)}")
        if name not in self._fields:
            text = _field_text(self.docs, FIELD_COLUMNS[name])
            rows = np.flatnonzero(pc.utf8_length(text).to_numpy(zero_copy_only=False) > 0)
            self._fields[name] = FieldText(rows=rows, text=text.take(pa.array(rows)))
        return self._fields[name]

    def texts(self, name: str) -> list[str]:
        """The field's normalized text of every document ("" where empty)."""
        out = [""] * len(self.docs)
        part = self.field_text(name)
        for row, text in zip(part.rows.tolist(), part.text.to_pylist()):
            out[row] = text
        return out

    @cached_property
    def _token_vocabulary(self) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """(vocabulary, vocabulary index per token, document row per token) over tokens_zh + tokens_en."""
        words, doc_rows = self.tokens.flat()
        encoded = pc.dictionary_encode(words)
        return _normalized(encoded.dictionary), encoded.indices.to_numpy(), doc_rows

    def token_hits(self, concept: Concept) -> np.ndarray:
        """Tokens per document that contain one of the concept's terms, by the same rules as text
        (韧性治理 counts for 韧性; English as whole words). Zeros when the corpus has no tokens."""
        words, word_of_token, row_of_token = self._token_vocabulary
        hit_words = pc.match_substring_regex(words, concept.pattern).to_numpy(zero_copy_only=False)
        return np.bincount(row_of_token[hit_words[word_of_token]], minlength=len(self.docs)).astype(np.int64)

    def match(self, concepts: list[Concept], fields=DEFAULT_FIELDS) -> list[Matches]:
        """Where each concept occurs. One pass of all concepts' terms over each field finds the few
        candidate documents; each concept is then counted on those alone."""
        n = len(self.docs)
        if not concepts:
            return []
        found = [Matches(np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, np.int64)) for _ in concepts]
        for name in fields:
            if name == TOKENS_FIELD:
                for concept, result in zip(concepts, found):
                    counts = self.token_hits(concept)
                    result.hits += counts > 0
                    result.occurrences += counts
                continue
            part = self.field_text(name)
            any_concept = "|".join(c.pattern for c in concepts)
            candidates = np.flatnonzero(pc.match_substring_regex(part.text, any_concept).to_numpy(zero_copy_only=False))
            text, rows = part.text.take(pa.array(candidates)), part.rows[candidates]
            for concept, result in zip(concepts, found):
                counts = pc.count_substring_regex(text, concept.pattern).to_numpy(zero_copy_only=False)
                result.hits[rows] += counts > 0
                result.occurrences[rows] += counts
        for result in found:
            result.docs = result.hits > 0
        return found
