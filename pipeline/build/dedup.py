"""Find records of the same document that reached the corpus more than once, and merge them.

The same article often arrives as a CNKI abstract page, a mirror page with the full text (sometimes in
traditional characters) and a line of a CNKI export. Two records are duplicates when

- exact: they share a DOI, or the same normalized title + first author + year;
- near: their titles are nearly the same (Jaccard similarity of character bigrams >= NEAR_SIMILARITY,
  found with MinHash/LSH so the cost grows linearly with the corpus), they do not contradict each
  other on first author or year, and they carry the same numbers (上/下, (一)/(二), 2019/2020 stay apart).

Titles and names are compared after traditional -> simplified conversion (OpenCC t2s), NFKC and case
folding, with punctuation and spaces removed. `merge_duplicates` merges each group into one record:
metadata from the database page or export, body from the member with the longest body (the full text),
`sources` listing every input that contributed, and the smallest member id as id.
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pipeline.ingest import fields
from pipeline.text import normalize
from pipeline.record import LIST_FIELDS, Record

NEAR_SIMILARITY = 0.8   # title bigram Jaccard needed for a near-duplicate
# MinHash signatures of BANDS x ROWS values; two titles become candidates when one band is equal. A pair
# at NEAR_SIMILARITY is a candidate with probability 1 - (1 - 0.8**5)**12 = 0.991 (at 0.9: 0.99998).
BANDS, ROWS = 12, 5
_MERSENNE_PRIME = (1 << 61) - 1
MIN_NEAR_TITLE = 8      # shorter titles (卷首语, 编者按, …) only match exactly, with author and year
# Who knows the metadata best: database pages, then exports, then other pages, mirrors last.
SOURCE_RANK = {"cnki": 0, "wanfang": 0, "cqvip": 0, "export": 1, "newspaper": 2, "mirror": 4}
OTHER_RANK = 3
NUMBERS = re.compile(r"[0-9一二三四五六七八九十百上中下]+")
NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class DuplicateGroup:
    """Records found to be one document: `id` is the merged record's id."""

    id: str
    member_ids: list[str]
    sources: list[str]
    reasons: list[str] = field(default_factory=list)  # "doi", "title+author+year", "near-title"
    title: str | None = None
    members: list[dict] = field(default_factory=list)  # member_summary of each member, in input order


def _simplified_many(texts: Sequence[str]) -> list[str]:
    """Each text's traditional passages simplified, each judged on its own (so a key never depends on
    which other records share its batch); simplified texts, nearly all of them, skip OpenCC."""
    return [normalize.to_simplified(t.replace("\n", " ")) for t in texts]


def _fold(text: str) -> str:
    return NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def normalize_title(title: str | None) -> str:
    """Matching key of a title: simplified, NFKC, case-folded, without punctuation or spaces."""
    return _fold(normalize.to_simplified(title or ""))


@dataclass
class MatchKeys:
    """What records are matched on, one list entry per record (columns, so that many are cheap)."""
    titles: list[str]
    first_authors: list[str]
    years: list[int | None]
    dois: list[str]

    @classmethod
    def of(cls, records: Sequence[Record]) -> MatchKeys:
        """Only title_zh / title_en, the first author, year and DOI of each record are read."""
        titles = _simplified_many([r.title_zh or r.title_en or "" for r in records])
        authors = _simplified_many([r.authors[0] if r.authors else "" for r in records])
        return cls(titles=[_fold(t) for t in titles], first_authors=[_fold(a) for a in authors],
                   years=[r.year for r in records], dois=[_doi_key(r.doi) for r in records])

    @classmethod
    def concat(cls, parts: Iterable[MatchKeys]) -> MatchKeys:
        keys = cls([], [], [], [])
        for part in parts:
            for name in ("titles", "first_authors", "years", "dois"):
                getattr(keys, name).extend(getattr(part, name))
        return keys


def _doi_key(doi: str | None) -> str:
    """The DOI itself, whatever its wrapping (`https://doi.org/…`, `DOI:`) and letter case."""
    return (fields.normalize_doi(doi) or doi or "").strip().lower()


class _Groups:
    """Union-find over record indices that also tracks each group's years and first authors, so that
    a chain of near-duplicates (2017 ~ no year ~ 2012) cannot join records that contradict each other."""

    def __init__(self, keys: MatchKeys) -> None:
        n = len(keys.titles)
        self.parent = list(range(n))
        # One shared frozenset per distinct value (a set per record cost 400 bytes a record).
        single = functools.lru_cache(maxsize=None)(lambda value: frozenset((value,)) if value else frozenset())
        self.years = [single(y) for y in keys.years]
        self.authors = [single(a) for a in keys.first_authors]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def consistent(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        return len(self.years[a] | self.years[b]) <= 1 and len(self.authors[a] | self.authors[b]) <= 1

    def union(self, i: int, j: int) -> None:
        a, b = sorted((self.find(i), self.find(j)))
        if a != b:
            self.parent[b] = a
            self.years[a] = self.years[a] | self.years[b]
            self.authors[a] = self.authors[a] | self.authors[b]


def _bigrams(title: str) -> set[str]:
    return {title[i:i + 2] for i in range(len(title) - 1)} or {title}


def _number_classes(titles: Sequence[str]):
    """A number per title, equal for titles that carry the same numbers (NUMBERS, in order)."""
    import numpy as np

    classes: dict[tuple[str, ...], int] = {}
    return np.array([classes.setdefault(tuple(NUMBERS.findall(title)), len(classes)) for title in titles],
                    dtype=np.int64)


def _same_bucket_pairs(signatures, classes) -> list[tuple[int, int]]:
    """(j, i) with j < i for every two signatures equal in at least one band and of the same class
    (_number_classes: titles with other numbers are never near-duplicates, so they are not even
    candidates), sorted by i, then j."""
    import numpy as np

    n = len(signatures)
    codes = [np.empty(0, dtype=np.int64)]  # a pair is coded as i * n + j, so that sorting codes sorts pairs
    for band in range(BANDS):
        rows = np.ascontiguousarray(signatures[:, band * ROWS:(band + 1) * ROWS]).view(f"V{4 * ROWS}").ravel()
        order = np.argsort(rows, kind="stable").astype(np.int64)
        ordered = rows[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, n])
        # Every pair within each bucket, a bucket size at a time (a family of near-identical titles, such
        # as the parts of a series, makes many buckets of many members: no Python loop over them).
        for size in np.unique(sizes[sizes > 1]).tolist():
            members = order[starts[sizes == size][:, None] + np.arange(size)]  # one bucket a row
            first, second = np.triu_indices(size, 1)
            a, b = members[:, first].ravel(), members[:, second].ravel()
            same = classes[a] == classes[b]
            a, b = a[same], b[same]
            codes.append(np.maximum(a, b) * n + np.minimum(a, b))
    unique = np.unique(np.concatenate(codes))
    return list(zip((unique % n).tolist(), (unique // n).tolist())) if n else []


def _minhash_signatures(titles: list[str], batch: int = 2048):
    """The MinHash signatures (a row of BANDS x ROWS uint32 per title) of the titles' character bigrams,
    a numpy batch of titles at a time (several times faster than datasketch, which hashes every bigram
    in Python; see BENCHMARKS.md). A bigram is its two code points as one number (the same in every
    process, unlike hash()); the permutations come from a fixed seed."""
    import numpy as np

    rng = np.random.RandomState(1)
    a = rng.randint(1, _MERSENNE_PRIME, size=(BANDS * ROWS, 1), dtype=np.uint64)
    b = rng.randint(0, _MERSENNE_PRIME, size=(BANDS * ROWS, 1), dtype=np.uint64)
    low32 = np.uint64(0xFFFFFFFF)
    signatures = np.empty((len(titles), BANDS * ROWS), dtype=np.uint32)
    for start in range(0, len(titles), batch):
        chunk = titles[start:start + batch]  # folded titles: no "\0" in them, so it can separate them
        points = np.frombuffer("\0".join(chunk).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        bigrams = (points[:-1] << np.uint64(21)) | points[1:]  # code points take 21 bits
        starts = np.cumsum([0] + [len(title) + 1 for title in chunk[:-1]])
        # (a*h + b) mod p in wrapping uint64 arithmetic, kept to 32 bits, as datasketch does.
        permuted = ((a * bigrams + b) % _MERSENNE_PRIME) & low32
        permuted[:, (points[:-1] == 0) | (points[1:] == 0)] = low32  # pairs across a separator never count
        signatures[start:start + len(chunk)] = np.minimum.reduceat(permuted, starts, axis=1).T
    return signatures


def find_duplicates(records: Sequence[Record]) -> list[tuple[list[int], list[str]]]:
    """Groups of duplicate records as (sorted indices, reasons), in order of their first member
    (member_summaries says which rule matched each member)."""
    return group_duplicates(MatchKeys.of(records))


def near_signatures(titles: Sequence[str]):
    """The MinHash signatures of the (folded) titles long enough for near matching, in order."""
    return _minhash_signatures([title for title in titles if len(title) >= MIN_NEAR_TITLE])


def group_duplicates(keys: MatchKeys, signatures=None) -> list[tuple[list[int], list[str]]]:
    """find_duplicates on the records' match keys (which the build computes in its worker processes);
    `signatures` are near_signatures(keys.titles), when the workers computed them too."""
    uf = _Groups(keys)
    reasons: dict[tuple[int, int], str] = {}

    def link(i: int, j: int, reason: str) -> None:
        if uf.find(i) != uf.find(j):
            reasons[(i, j)] = reason
            uf.union(i, j)

    seen: dict[object, int] = {}
    for i in range(len(keys.titles)):
        exact = []
        if keys.dois[i]:
            exact.append((("doi", keys.dois[i]), "doi"))
        if keys.titles[i] and keys.first_authors[i] and keys.years[i]:
            exact.append((("tay", keys.titles[i], keys.first_authors[i], keys.years[i]), "title+author+year"))
        for key, reason in exact:
            if key in seen:
                link(seen[key], i, reason)
            else:
                seen[key] = i

    # Near titles: each title is compared with the earlier ones that share one of its LSH buckets.
    candidates = [i for i, t in enumerate(keys.titles) if len(t) >= MIN_NEAR_TITLE]
    if signatures is None:
        signatures = near_signatures(keys.titles)
    current, shingles = -1, set()
    for j, i in _same_bucket_pairs(signatures, _number_classes([keys.titles[i] for i in candidates])):
        i, j = candidates[i], candidates[j]
        if uf.find(i) == uf.find(j):
            continue
        if i != current:
            current, shingles = i, _bigrams(keys.titles[i])
        other = _bigrams(keys.titles[j])
        if len(shingles & other) >= NEAR_SIMILARITY * len(shingles | other) and uf.consistent(i, j):
            link(j, i, "near-title")

    roots = [uf.find(i) for i in range(len(keys.titles))]
    shared = {root for root, count in collections.Counter(roots).items() if count > 1}
    members: dict[int, list[int]] = {}  # only of groups: a list per record would cost more than the rest
    for i, root in enumerate(roots):
        if root in shared:
            members.setdefault(root, []).append(i)
    why: dict[int, set[str]] = {}
    for (i, _), reason in reasons.items():
        why.setdefault(uf.find(i), set()).add(reason)
    return [(members[root], sorted(why[root])) for root in sorted(members)]


def member_summary(record: Record, matched: str | None = None, with_id: str | None = None) -> dict:
    """What a reviewer needs to find and judge one member: id, source, its place there (`record N` of an
    export, `line N` of a .jsonl), first author, year, title, and the rule that matched it to `with_id`."""
    place = (f"line {record.cleaning['line']}" if "line" in record.cleaning else
             f"record {record.cleaning['record_number']}" if "record_number" in record.cleaning else None)
    return {"id": record.id, "source": record.source, "place": place,
            "first_author": record.authors[0] if record.authors else None, "year": record.year,
            "title": record.title_zh or record.title_en, "matched": matched, "with": with_id}


def member_summaries(group: Sequence[Record]) -> list[dict]:
    """member_summary of every record of one duplicate group, by id; each member after the first says
    what matched it to an earlier one: the same DOI, the same title + first author + year, else the most
    similar title among them. Computed from the group alone, so the input order does not matter."""
    group = sorted(group, key=lambda r: r.id)
    keys = MatchKeys.of(group)
    out = [member_summary(group[0])]
    for k in range(1, len(group)):
        out.append(member_summary(group[k], *_best_match(keys, k, [r.id for r in group])))
    return out


def _best_match(keys: MatchKeys, k: int, ids: list[str]) -> tuple[str, str]:
    """(rule, id) of the earlier member that matches member k best."""
    for i in range(k):
        if keys.dois[k] and keys.dois[i] == keys.dois[k]:
            return "doi", ids[i]
    for i in range(k):
        if keys.titles[k] and keys.first_authors[k] and keys.years[k] and \
                (keys.titles[i], keys.first_authors[i], keys.years[i]) == (keys.titles[k], keys.first_authors[k], keys.years[k]):
            return "title+author+year", ids[i]
    mine = _bigrams(keys.titles[k])
    similarity, i = max((len(mine & (other := _bigrams(keys.titles[i]))) / len(mine | other), -i) for i in range(k))
    return f"near-title {similarity:.2f}", ids[-i]


# The fields merge_group takes from the best-ranked member that has them (the others are set apart).
_MERGED_FIELDS = [f.name for f in dataclasses.fields(Record)
                  if f.name not in ("id", "source", "source_kind", "body", "sources", "cleaning")]


def merge_group(members: Sequence[Record], summaries: Sequence[dict] = ()) -> Record:
    """One record from duplicates: each field from the best-ranked member that has it, the longest body.
    `summaries` (member_summaries) are kept in `cleaning.duplicates` for review, with those of members
    that were merged records themselves."""
    ranked = sorted(members, key=lambda r: (SOURCE_RANK.get(r.source_kind, OTHER_RANK), r.id))
    merged = dataclasses.replace(ranked[0])
    for name in _MERGED_FIELDS:
        if name == "indexing":
            merged.indexing = list(dict.fromkeys(x for r in ranked for x in r.indexing))
        elif name == "references":
            merged.references = list(max((r.references for r in ranked), key=len))
        else:
            value = next((getattr(r, name) for r in ranked if getattr(r, name) not in (None, "", [])), None)
            setattr(merged, name, list(value or []) if name in LIST_FIELDS else value)
    merged.body = max(ranked, key=lambda r: len(r.body or "")).body
    merged.id = min(r.id for r in members)
    merged.sources = sorted({s for r in members for s in (r.sources or [r.source])})
    # Flattened, so that merging an already merged record (a later build) keeps every original id.
    merged_ids = {i for r in members for i in r.cleaning.get("merged_ids", [r.id])}
    merged.cleaning = {**ranked[0].cleaning, "merged_ids": sorted(merged_ids)}
    earlier = [d for r in members for d in r.cleaning.get("duplicates", [])]
    merged.cleaning.pop("duplicates", None)
    if earlier or summaries:
        merged.cleaning["duplicates"] = earlier + [dict(d) for d in summaries]
    return merged


def merge_duplicates(records: Sequence[Record]) -> tuple[list[Record], list[DuplicateGroup]]:
    """Records with each duplicate group merged into one (placed where its first member was), and the groups.

    Records that are not duplicates come back unchanged except `sources`, which becomes `[source]`.
    """
    groups = find_duplicates(records)
    first_of: dict[int, tuple[list[int], list[str]]] = {g[0][0]: g for g in groups}
    grouped = {i for members, _ in groups for i in members}
    out: list[Record] = []
    found: list[DuplicateGroup] = []
    for i, rec in enumerate(records):
        if i in first_of:
            members, reasons = first_of[i]
            summaries = member_summaries([records[m] for m in members])
            merged = merge_group([records[m] for m in members], summaries)
            out.append(merged)
            found.append(DuplicateGroup(merged.id, sorted(records[m].id for m in members), merged.sources,
                                        reasons, merged.title_zh or merged.title_en, summaries))
        elif i not in grouped:
            out.append(dataclasses.replace(rec, sources=list(rec.sources or [rec.source])))
    return out, found


def review_groups(records: Sequence[Record]) -> list[DuplicateGroup]:
    """For `pipeline duplicates`: groups already merged in a built corpus (records with several
    `merged_ids`; their members as the build kept them in `cleaning.duplicates`), then duplicate groups
    still present among the records."""
    merged = [DuplicateGroup(r.id, list(r.cleaning["merged_ids"]), list(r.sources), ["merged"],
                             r.title_zh or r.title_en, list(r.cleaning.get("duplicates", [])))
              for r in records if len(r.cleaning.get("merged_ids", [])) > 1]
    found = [DuplicateGroup(min(records[i].id for i in members), sorted(records[i].id for i in members),
                            sorted({records[i].source for i in members}), reasons,
                            records[members[0]].title_zh or records[members[0]].title_en,
                            member_summaries([records[i] for i in members]))
             for members, reasons in find_duplicates(records)]
    return merged + found


def format_groups(groups: Sequence[DuplicateGroup]) -> str:
    """Plain-text listing for review: per group a heading, then one line per member: where it is (source
    and record/line), first author, year, and the rule that matched it to which earlier member."""
    if not groups:
        return "no duplicate groups"
    blocks = []
    for g in groups:
        lines = [f"{g.id}  {len(g.member_ids)} records  ({', '.join(g.reasons)})  {g.title or ''}"]
        if not g.members:  # merged by an older build, which kept no member details
            lines += [f"    {source}" for source in g.sources]
        names = {m["id"]: " ".join(filter(None, [m["source"].replace("\\", "/").rsplit("/", 1)[-1], m["place"]]))
                 for m in g.members}
        for m in g.members:
            where = m["source"] + (f" {m['place']}" if m["place"] else "")
            who = f"{m['first_author'] or '(no author)'}, {m['year'] or '(no year)'}"
            why = f"{_rule_text(m['matched'])} with {names.get(m['with'], m['with'])}" if m["matched"] else "first"
            lines.append(f"    {where}  |  {who}  |  {why}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + f"\n{len(groups)} groups"


def _rule_text(reason: str) -> str:
    rule, _, similarity = reason.partition(" ")
    return {"doi": "same DOI", "title+author+year": "same title, first author and year",
            "near-title": f"near title (similarity {similarity})"}.get(rule, reason)
