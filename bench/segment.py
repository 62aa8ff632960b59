"""bench/segment: MB/s of the segmentation stage against plain `jieba.lcut`, same CSL text, same run;
and how many author keywords come out as single tokens.

The stage is `Segmenter.segment_record` as the build runs it: lexicon guarantee (curated lexicon + all
corpus keywords, author keywords first), jieba's algorithm (rjieba), stopwords and filtering, English.
Text: the 2,000 CSL records (title, abstract, keywords), normalized as the build would.
"""
from __future__ import annotations

import json
import statistics
import time

from common import EXTERNAL, ROOT, machine, median_seconds, need

from pipeline.text.normalize import normalize_text
from pipeline.record import Record
from pipeline.text.segment import Segmenter, record_text_zh

ROUNDS = 5


def load_records() -> list[Record]:
    path = need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [Record(id=row["id"] if "id" in row else str(i), title_zh=normalize_text(row["title"]),
                   abstract_zh=normalize_text(row["abstract"]), keywords_zh=[normalize_text(k) for k in row["keywords"]])
            for i, row in enumerate(rows)]


def interleaved_medians(runs: dict, rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds of each run, the runs taken in turn round after round, so that the load of a
    shared machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def english_text() -> str:
    """The English titles and abstracts of the seed pages (CSL has no English), repeated to ~1 MB."""
    from pipeline.ingest.files import ingest_file

    records = [r for path in sorted((ROOT / "corpus" / "raw").glob("*.txt")) for r in ingest_file(path).records]
    text = "\n".join(filter(None, (f"{r.title_en or ''}\n{r.abstract_en or ''}" for r in records)))
    return (text + "\n") * (1_000_000 // len(text.encode()) + 1)


def keyword_wholeness(records: list[Record], tokenize) -> tuple[int, int]:
    """(keywords found verbatim in their abstract, of which single tokens of the abstract)."""
    total = whole = 0
    for record in records:
        tokens = set(tokenize(record))
        for keyword in set(record.keywords_zh):
            if keyword in record.abstract_zh:
                total += 1
                whole += keyword in tokens
    return total, whole


def main() -> None:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    records = load_records()
    texts = [record_text_zh(r) for r in records]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    keywords = sorted({k for r in records for k in r.keywords_zh})

    start = time.perf_counter()
    stage = Segmenter(extra_terms=keywords)
    setup = time.perf_counter() - start
    stage_python = Segmenter(extra_terms=keywords, engine="jieba")

    timings = interleaved_medians({
        "stage (rjieba engine, default)": lambda: [stage.segment_record(r) for r in records],
        "stage (pure-Python jieba engine)": lambda: [stage_python.segment_record(r) for r in records],
        "plain jieba.lcut (HMM on)": lambda: [jieba.lcut(t) for t in texts],
        "plain jieba.lcut(HMM=False)": lambda: [jieba.lcut(t, HMM=False) for t in texts],
    })
    baseline = timings["plain jieba.lcut (HMM on)"]
    print(f"## Segmentation speed ({machine()})")
    print(f"{len(records)} CSL records, {megabytes:.2f} MB of Chinese text (title, abstract, keywords); "
          f"medians of {ROUNDS} interleaved rounds")
    for name, seconds in timings.items():
        print(f"- {name:34s} {megabytes / seconds:6.2f} MB/s   ({baseline / seconds:5.2f}x plain jieba.lcut)")
    print(f"- stage set-up (lexicon of {len(stage.terms)} terms; dictionary already loaded): {setup:.2f} s")
    english = english_text()
    en_seconds = median_seconds(lambda: stage.tokens_en(english))
    print(f"- English tokens (tokens_en, {len(english.encode()) / 1e6:.2f} MB of the seeds' English abstracts, "
          f"repeated): {len(english.encode()) / 1e6 / en_seconds:.2f} MB/s")

    with_words = jieba.Tokenizer()
    for keyword in keywords:
        with_words.add_word(keyword)
    variants = {
        "stage": lambda r: stage.raw_tokens_zh(r.abstract_zh, own_terms=r.keywords_zh),
        "stage, without author-keyword priority": lambda r: stage.raw_tokens_zh(r.abstract_zh),
        "jieba.lcut after add_word(every keyword)": lambda r: with_words.lcut(r.abstract_zh),
        "plain jieba.lcut": lambda r: jieba.lcut(r.abstract_zh),
    }
    print("\n## Author keywords that come out as single tokens (CSL abstracts)")
    for name, tokenize in variants.items():
        total, whole = keyword_wholeness(records, tokenize)
        print(f"- {name:42s} {whole:5d} / {total} = {100 * whole / total:5.1f}%")
    rejected = {k for k in keywords if k in stage.rejected}
    print(f"({len(rejected)} keywords are rejected as too generic: single characters, stopwords, with spaces)")


if __name__ == "__main__":
    main()
