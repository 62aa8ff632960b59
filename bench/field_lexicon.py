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

Checks printed: (1) held-out field terms that come out whole, ours against plain jieba.lcut; (2) the
precision of a random sample of the lexicon labelled by hand (bench/data/field_lexicon_sample.tsv).
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
from pipeline.text.wordlists import DEFAULT_LEXICON, FIELD_LEXICON, STOPWORDS_DIR, read_lexicon, read_word_list  # noqa: E402

SEED = 0
HOLDOUT = 0.2
CSL_JSONL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
CNKI_EXPORTS = EXTERNAL / "cnki-exports"
SAMPLE = Path(__file__).resolve().parent / "data" / "field_lexicon_sample.tsv"
SAMPLE_SIZE = 100
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
    from pipeline.text.phrases import bad_edges, mine_terms, term_edges
    from pipeline.text.segment import Segmenter, rejection_reason

    plain = Segmenter(field_lexicon=None)       # the curated lexicon only
    academic = frozenset(read_word_list(STOPWORDS_DIR / "academic.txt"))
    texts = {"nssf-titles": titles,
             "csl": [record_text(r) for r in kept if r.id.startswith("csl-")],
             "cnki": [record_text(r) for r in kept if not r.id.startswith("csl-")]}
    all_texts = [t for group in texts.values() for t in group]
    sources: dict[str, dict[str, int]] = defaultdict(dict)
    for candidate in mine_terms([plain.raw_tokens_zh(t) for t in all_texts], plain.stopwords, academic):
        sources[candidate.term]["mined"] = candidate.count
    listed = Counter(k for r in kept for k in set(r.keywords_zh))
    in_texts = texts_containing([k for k in listed if term_shape(k)], all_texts)
    edges = frozenset(w for w in plain.stopwords if len(w) > 1) | academic | term_edges()
    for keyword, n in listed.items():
        # An author keyword is a term by the author's word, but the same shape rules as mined terms apply
        # (问题研究 and 实证研究 are keywords of some records, not terms to protect everywhere).
        tokens = tuple(plain.raw_tokens_zh(keyword))
        if (term_shape(keyword) and (n >= 2 or in_texts[keyword] >= MIN_TEXTS) and not bad_edges(tokens, edges)
                and not any(len(t) == 1 and t in plain.stopwords for t in tokens)):
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
    """(term, sentence) pairs: the held-out records' sentences that contain the term, up to 3 a term."""
    sentences = [s for r in held for s in re.split(r"(?<=[。；！？\n])", record_text(r)) if s.strip()]
    pairs = []
    for term in terms:
        pairs += [(term, s.strip()) for s in [s for s in sentences if term in s][:per_term]]
    return pairs


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


def labelled_precision(lexicon: set[str]) -> tuple[int, int]:
    """(terms labelled as terms, labelled terms) among the sample's terms that are in the lexicon."""
    rows = [line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    labelled = [(term, label) for term, label, *_ in rows if term in lexicon]
    return sum(label == "1" for _, label in labelled), len(labelled)


def main() -> None:
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
        if not SAMPLE.exists():
            chosen = random.Random(SEED).sample(sorted(lexicon), SAMPLE_SIZE)
            SAMPLE.parent.mkdir(exist_ok=True)
            SAMPLE.write_text("term\tlabel\tnote\n" + "".join(f"{t}\t\t\n" for t in chosen), encoding="utf-8")
            print(f"wrote {SAMPLE}: label it by hand (1 = a term of the field, 0 = not)")
    from pipeline.text.segment import Segmenter

    ours = Segmenter()
    terms = heldout_field_terms(kept, held, titles)
    pairs = contexts(terms, held)
    print(f"## Field terms held out (only in the keywords of {len(held)} held-out records; recurring in "
          f"{MIN_TEXTS}+ texts): {len({t for t, _ in pairs})} terms in {len(pairs)} held-out sentences")
    for name, cut in (("ours (curated + field lexicon, no record keywords)", ours.raw_tokens_zh),
                      ("plain jieba.lcut", jieba.lcut)):
        whole, total = wholeness(pairs, cut)
        print(f"- {name:52s} {whole} / {total} = {100 * whole / total:.1f}% whole")
    lexicon_terms = {t for t, _ in read_lexicon(FIELD_LEXICON)}
    good, total = labelled_precision(lexicon_terms)
    if total:
        print(f"## Precision of a random sample labelled by hand: {good} / {total} = {100 * good / total:.0f}%")


if __name__ == "__main__":
    main()
