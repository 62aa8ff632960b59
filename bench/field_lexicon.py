"""bench/field_lexicon: build the field lexicon (pipeline/text/data/field_lexicon.txt) from real data,
reproducibly, and check it.

    .venv/bin/python -m bench field_lexicon            # rebuild the file, print the checks
    .venv/bin/python bench/field_lexicon.py --check    # the checks only (the shipped file)

Sources (../shared/data/external): the 62,501 NSSF project titles; the 2,000 CSL records (title, abstract,
author keywords); the CNKI / Wanfang exports' records with keywords (374). The keyword records are the
"keyword sources": a random 20% of them (seed 0) are held out before anything is mined, and the
segmentation check uses the field terms found only in their keywords.

What becomes a term (every line of the file names its sources and counts):
- `mined`: statistical term mining (pipeline.text.phrases: PMI of the weakest split, left/right branching
  entropy, frequency) over the NSSF titles and the kept records' titles and abstracts;
- `keywords`: author keywords of the kept records that recur (keyword of 2+ records, or in 3+ texts).
Only terms that plain segmentation (jieba + the curated lexicon) cuts are listed: the others need no
protection. Terms that are stopwords, or too generic to protect, are not listed (Segmenter rules). The
curated lexicon stays authoritative: a curated term is never listed here, and where a field term would
cut a curated one in a text, the Segmenter keeps the curated one (Segmenter._cuts_curated).

Checks printed: (1) held-out field terms that come out whole in their records' own sentences: plain
jieba.lcut; `segment` with the shipped lexicons; `segment --corpus` on a corpus built from the same sources
(the held-out records without their keywords), whose build mines its own corpus terms. Over all held-out
terms, and over those labelled by hand as terms of the field (bench/data/heldout_terms_labels.tsv), split
in a half the mining's bars were chosen on and a half to report. (2) Precision of samples (drawn by hash) of the
field lexicon and of that build's corpus terms, labelled by hand (bench/data/field_lexicon_sample.tsv,
corpus_terms_sample.tsv; terms of a new draw not yet labelled are appended there for labelling).
"""
from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import EXTERNAL, NSSF_CSV, need, nssf_projects  # noqa: E402

from pipeline.text.normalize import normalize_text  # noqa: E402
from pipeline.text.wordlists import DEFAULT_LEXICON, FIELD_LEXICON, academic_stopwords, read_lexicon  # noqa: E402

SEED = 0
HOLDOUT = 0.2
CSL_JSONL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
CNKI_EXPORTS = EXTERNAL / "cnki-exports"
SAMPLE = Path(__file__).resolve().parent / "data" / "field_lexicon_sample.tsv"
SAMPLE_SIZE = 100
LABELS = Path(__file__).resolve().parent / "data" / "heldout_terms_labels.tsv"
CORPUS_SAMPLE = Path(__file__).resolve().parent / "data" / "corpus_terms_sample.tsv"
MIN_TEXTS = 3           # a keyword, or a held-out test term, recurs in this many texts
_SHAPE = re.compile(r"^[\u3400-\u9fffA-Za-z·]+$")
_HAN = re.compile(r"[\u3400-\u9fff]")


def keyword_records() -> list:
    """The records with Chinese author keywords: CSL (ids `csl-…`) and the CNKI / Wanfang exports."""
    import json

    from pipeline.ingest.files import ingest_file
    from pipeline.record import Record
    from pipeline.text.normalize import normalize_record

    records = []
    for line in need(CSL_JSONL).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        record = Record(id=f"csl-{row['id']}", title_zh=row["title"], abstract_zh=row["abstract"],
                        keywords_zh=row["keywords"])
        normalize_record(record)
        records.append(record)
    for path in sorted(need(CNKI_EXPORTS).rglob("*")):
        if path.suffix in (".txt", ".net", ".NET"):
            records += [r for r in ingest_file(path).records if r.keywords_zh]
    return records


def split_sources(records: list) -> tuple[list, list]:
    """(kept, held out): a random 20% of the keyword records (seed 0), held out before mining."""
    order = sorted(range(len(records)), key=lambda i: records[i].id)
    random.Random(SEED).shuffle(order)
    cut = round(len(order) * HOLDOUT)
    held = set(order[:cut])
    return [r for i, r in enumerate(records) if i not in held], [r for i, r in enumerate(records) if i in held]


def record_text(record) -> str:
    return "\n".join(filter(None, [record.title_zh, record.abstract_zh]))


def term_shape(term: str) -> bool:
    return bool(_SHAPE.match(term)) and len(_HAN.findall(term)) >= 2


def texts_containing(terms, texts: list[str]) -> Counter:
    """How many texts contain each term (one Aho-Corasick pass per text)."""
    from ahocorasick_rs import AhoCorasick, MatchKind

    terms = sorted(set(terms))
    matcher = AhoCorasick(terms, matchkind=MatchKind.Standard)
    counts = Counter()
    for text in texts:
        counts.update({terms[i] for i, _, _ in matcher.find_matches_as_indexes(text, overlapping=True)})
    return counts


def build_lexicon(kept: list, titles: list[str]) -> dict[str, dict[str, int]]:
    """term → {source: count}. Sources: nssf-titles / csl / cnki (mined occurrences), csl-keywords /
    cnki-keywords (records listing it)."""
    from pipeline.text.phrases import TermRules, mine_terms
    from pipeline.text.segment import Segmenter, rejection_reason

    plain = Segmenter(field_lexicon=None)       # the curated lexicon only
    academic = academic_stopwords()
    texts = {"nssf-titles": titles,
             "csl": [record_text(r) for r in kept if r.id.startswith("csl-")],
             "cnki": [record_text(r) for r in kept if not r.id.startswith("csl-")]}
    all_texts = [t for group in texts.values() for t in group]
    sources: dict[str, dict[str, int]] = defaultdict(dict)
    for candidate in mine_terms([plain.raw_tokens_zh(t) for t in all_texts], plain.stopwords, academic):
        sources[candidate.term]["mined"] = candidate.count
    listed = Counter(k for r in kept for k in set(r.keywords_zh))
    in_texts = texts_containing([k for k in listed if term_shape(k)], all_texts)
    rules = TermRules.from_stopwords(plain.stopwords, academic)
    for keyword, n in listed.items():
        # An author keyword is a term by the author's word, but the same shape rules as mined terms apply
        # (问题研究 and 实证研究 are keywords of some records, not terms to protect everywhere).
        if term_shape(keyword) and (n >= 2 or in_texts[keyword] >= MIN_TEXTS) and rules.admits(tuple(plain.raw_tokens_zh(keyword))):
            sources[keyword]["csl-keywords" if any(r.id.startswith("csl-") and keyword in r.keywords_zh
                                                   for r in kept) else "cnki-keywords"] = n
    curated = {normalize_text(t) for t, _ in read_lexicon(DEFAULT_LEXICON)}
    by_source = {name: texts_containing(sources, group) for name, group in texts.items()}
    lexicon = {}
    for term, found in sources.items():
        if term in curated or rejection_reason(term, plain.stopwords) or len(plain.raw_tokens_zh(term)) < 2:
            continue
        found = dict(found)
        found.update({name: counts[term] for name, counts in by_source.items() if counts[term]})
        lexicon[term] = found
    return lexicon


def write_lexicon(lexicon: dict[str, dict[str, int]], path: Path = FIELD_LEXICON) -> None:
    header = [
        "# Field lexicon: terms of Chinese social science (and of the CSL disciplines) mined from real data",
        "# by bench/field_lexicon.py (`python -m bench field_lexicon`); do not edit by hand: edit the curated",
        "# lexicon (lexicon.txt), which stays authoritative, or rerun the script.",
        "# Each line: the term, then its sources: `mined` = occurrences found by term mining (PMI + branching",
        "# entropy + frequency), `csl-keywords` / `cnki-keywords` = records listing it as an author keyword,",
        "# `nssf-titles` / `csl` / `cnki` = texts containing it. Sources: NSSF project list 1991-2017",
        "# (Tsai1993/Fund), CSL (ydli-ai/CSL, Apache-2.0), CNKI/Wanfang exports (see ../shared README).",
    ]
    lines = [f"{term}  # " + " ".join(f"{name}:{n}" for name, n in sorted(found.items()))
             for term, found in sorted(lexicon.items())]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def heldout_field_terms(kept: list, held: list, titles: list[str]) -> list[str]:
    """Field terms found only in the held-out records' keywords: listed by no kept record, term-shaped,
    and recurring in the field's texts (in 3+ of the NSSF titles and all records' titles/abstracts)."""
    from pipeline.text.segment import rejection_reason
    from pipeline.text.wordlists import load_stopwords

    stopwords = load_stopwords()
    kept_keywords = {k for r in kept for k in r.keywords_zh}
    candidates = {k for r in held for k in r.keywords_zh
                  if k not in kept_keywords and term_shape(k) and not rejection_reason(k, stopwords)}
    counts = texts_containing(candidates, titles + [record_text(r) for r in kept + held])
    return sorted(k for k in candidates if counts[k] >= MIN_TEXTS)


def contexts(terms: list[str], held: list, per_term: int = 3) -> list[tuple[str, str]]:
    """(term, sentence) pairs: the sentences that contain the term in the held-out records that list it
    (where the author says it is a term, not a string inside other words: 性病 in 良性病例), up to 3 a term."""
    pairs = []
    for term in terms:
        sentences = [s.strip() for r in held if term in r.keywords_zh
                     for s in re.split(r"(?<=[。；！？\n])", record_text(r)) if term in s]
        pairs += [(term, s) for s in sentences[:per_term]]
    return pairs


def labelled_terms() -> dict[str, bool]:
    """term → labelled by hand as a term of the field (bench/data/heldout_terms_labels.tsv)."""
    return read_labels(LABELS)


def build_corpus(kept: list, held: list, titles: list[str], raw: Path, out: Path) -> Path:
    """Build the corpus a user of these sources would have: the NSSF titles and every keyword record,
    the held-out records WITHOUT their keywords. The build mines its corpus terms from this text."""
    import json

    from pipeline.build.build import build

    rows = [{"id": f"nssf-{i}", "title_zh": t} for i, t in enumerate(titles)]
    rows += [{"id": r.id, "title_zh": r.title_zh, "abstract_zh": r.abstract_zh, "keywords_zh": list(r.keywords_zh)}
             for r in kept]
    rows += [{"id": r.id, "title_zh": r.title_zh, "abstract_zh": r.abstract_zh} for r in held]
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "records.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    build(raw, out, progress=False)
    return out


def is_whole(term: str, sentence: str, tokens: list[str]) -> bool:
    """True when no token boundary falls inside any occurrence of the term in the sentence (tokens are
    the sentence's raw tokens, in order, covering it)."""
    bounds, pos = set(), 0
    for token in tokens:
        pos = sentence.find(token, pos) + len(token)
        bounds.add(pos)
    start = sentence.find(term)
    while start >= 0:
        if any(start < b < start + len(term) for b in bounds):
            return False
        start = sentence.find(term, start + 1)
    return True


def wholeness(pairs: list[tuple[str, str]], cut) -> tuple[int, int]:
    """(terms whole in every context, terms)."""
    whole = defaultdict(lambda: True)
    for term, sentence in pairs:
        whole[term] &= is_whole(term, sentence, cut(sentence))
    return sum(whole.values()), len(whole)


def read_labels(path: Path) -> dict[str, bool]:
    """term → labelled by hand as a term of the field (a TSV of term, label 1/0, note; `#` comments)."""
    if not path.exists():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")][1:]
    return {term: label == "1" for term, label, *_ in rows if label in ("0", "1")}


def precision(terms: list[str], path: Path, size: int = SAMPLE_SIZE) -> tuple[int, int, list[str]]:
    """(labelled terms, labelled, unlabelled) of a random sample of `terms`, by the labels in `path`: the
    `size` terms with the smallest SHA-256, so that a small change of the list changes the sample little.
    Unlabelled terms of the sample are appended to the file for labelling by hand."""
    import hashlib

    chosen = sorted(terms, key=lambda t: hashlib.sha256(t.encode()).hexdigest())[:size]
    labels = read_labels(path)
    todo = [t for t in chosen if t not in labels]
    if todo:
        text = path.read_text(encoding="utf-8") if path.exists() else "term\tlabel\tnote\n"
        path.write_text(text + "".join(f"{t}\t\t\n" for t in todo), encoding="utf-8")
    return sum(labels.get(t, False) for t in chosen), sum(t in labels for t in chosen), todo


def tune_and_report(terms: list[str]) -> tuple[set[str], set[str]]:
    """The labelled field terms split in two halves (seed 1): the mining's bars were chosen on the first
    (2026-12-02); figures are reported on the second."""
    order = sorted(terms)
    random.Random(1).shuffle(order)
    return set(order[:len(order) // 2]), set(order[len(order) // 2:])


def main() -> None:
    import tempfile

    import jieba

    jieba.setLogLevel(60)
    titles = [normalize_text(t) for t, _ in nssf_projects(need(NSSF_CSV))]
    kept, held = split_sources(keyword_records())
    if "--check" not in sys.argv:
        lexicon = build_lexicon(kept, titles)
        write_lexicon(lexicon)
        counts = Counter(s for found in lexicon.values() for s in found if s in ("mined", "csl-keywords", "cnki-keywords"))
        print(f"wrote {FIELD_LEXICON}: {len(lexicon)} terms ({dict(sorted(counts.items()))}); "
              f"{len(kept)} keyword records kept, {len(held)} held out")
    from pipeline.build.tokens import corpus_segmenter
    from pipeline.text.segment import Segmenter

    terms = heldout_field_terms(kept, held, titles)
    pairs = contexts(terms, held)
    labels = labelled_terms()
    field_terms = sorted({t for t, _ in pairs if labels[t]})
    tune, report = tune_and_report(field_terms)
    with tempfile.TemporaryDirectory() as tmp:
        build = build_corpus(kept, held, titles, Path(tmp) / "raw", Path(tmp) / "build")
        with_corpus = corpus_segmenter(build)
        mined = [line.split("\t")[0] for line in (build / "corpus_terms.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    print(f"## Field terms held out (only in the keywords of {len(held)} held-out records; recurring in "
          f"{MIN_TEXTS}+ texts), tested in their records' own sentences: {len({t for t, _ in pairs})} terms in "
          f"{len(pairs)} sentences; {len(field_terms)} labelled by hand as terms of the field "
          f"({len(tune)} to tune the mining, {len(report)} to report)")
    print(f"| segmentation | all {len({t for t, _ in pairs})} | field terms, tuning half | field terms, reporting half |")
    print("|---|---|---|---|")
    for name, cut in (("plain `jieba.lcut`", jieba.lcut),
                      ("ours: `segment` (curated + field lexicon)", Segmenter().raw_tokens_zh),
                      (f"ours: `segment --corpus` (+ the build's {len(mined)} corpus terms and the kept keywords)",
                       with_corpus.raw_tokens_zh)):
        cells = []
        for chosen in (None, tune, report):
            whole, total = wholeness([(t, s) for t, s in pairs if chosen is None or t in chosen], cut)
            cells.append(f"{whole} / {total} = {100 * whole / total:.1f}%")
        print(f"| {name} | " + " | ".join(cells) + " |")
    for name, chosen, path in (("field lexicon", [t for t, _ in read_lexicon(FIELD_LEXICON)], SAMPLE),
                               ("corpus terms of that build", mined, CORPUS_SAMPLE)):
        good, total, todo = precision(chosen, path)
        print(f"## Precision, {name}: {SAMPLE_SIZE} terms drawn by hash, labelled by hand ({path.name}): "
              f"{good} / {total} = {100 * good / max(1, total):.0f}%" + (f"; {len(todo)} to label" if todo else ""))


if __name__ == "__main__":
    main()
