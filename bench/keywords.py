"""Keyword extraction against the authors' own keywords: F1@5 of each document's top 5 terms, ours beside
jieba.analyse.extract_tags and jieba.analyse.textrank in the same run (issue 14).

Documents: the CNKI/Wanfang exports in ../shared/data/external/cnki-exports that have author keywords
(read by our ingest) and the 2,000 CSL records (title, abstract, keywords). Every method sees the title
and abstract only. The answers stay hidden from ours: records are segmented with the shipped lexicon
alone (no corpus keywords in it) and their own keywords are not protected. A keyword matches when equal
after NFKC and lower case (the corpus's normalization).

    python bench/keywords.py                      # the F1@5 table (for BENCHMARKS.md)
    python bench/keywords.py --write-background   # rebuild pipeline/analysis/data/background.tsv.gz
    python bench/keywords.py --stopword-evidence  # candidates for stopwords/academic.txt, with figures
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import EXTERNAL, NSSF_CSV, machine, need, nssf_projects  # noqa: E402

CNKI_EXPORTS = EXTERNAL / "cnki-exports"
CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
CSL_TRAIN_TITLES = EXTERNAL / "csl" / "benchmark" / "cls_ctg" / "train.tsv"
FEWCLUE = EXTERNAL / "fewclue"
TOP = 5
OURS = ("tfidf", "textrank")


def _key(term: str) -> str:
    return unicodedata.normalize("NFKC", term).strip().lower()


def evaluation_records(csl_limit: int | None = None) -> dict[str, list]:
    """{"cnki": records, "csl": records}: normalized Records with a title or abstract and author keywords."""
    from pipeline.ingest.files import ingest_paths
    from pipeline.record import Record
    from pipeline.text.normalize import normalize_record

    cnki = [r for result in ingest_paths([need(CNKI_EXPORTS)]) for r in result.records
            if r.keywords_zh and (r.title_zh or r.abstract_zh)]
    csl = []
    with open(need(CSL), encoding="utf-8") as fh:
        for line in list(fh)[:csl_limit]:
            row = json.loads(line)
            record = Record.from_dict({"id": row["id"], "source": str(CSL), "source_kind": "export",
                                       "title_zh": row["title"], "abstract_zh": row["abstract"],
                                       "keywords_zh": row["keywords"]})
            normalize_record(record)
            csl.append(record)
    return {"cnki": cnki, "csl": csl}


def f1_at(predicted: list[str], gold: list[str], k: int = TOP) -> float:
    predicted = list(dict.fromkeys(_key(p) for p in predicted))[:k]
    gold = {_key(g) for g in gold}
    hits = len(set(predicted) & gold)
    if not hits:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(gold)
    return 2 * precision * recall / (precision + recall)


def _corpus_of(records: list, folder: Path):
    from pipeline.analysis.corpus import load_corpus

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(record.to_json() + "\n")
    return load_corpus(folder)


def ours(records: list, method: str, folder: Path) -> dict[str, list[str]]:
    """id → top 5 terms of our `method`, with the answers held out (see the module docstring)."""
    from pipeline.text.segment import get_segmenter

    corpus = _corpus_of(records, folder)
    table = corpus.keywords(method=method, by="id", top=TOP, fields=("title", "abstract"),
                            segmenter=get_segmenter(), protect_keywords=False)
    predicted = defaultdict(list)
    for period, term in zip(table["period"], table["term"]):
        predicted[period].append(term)
    return predicted


def jieba_baselines(records: list) -> dict[str, dict[str, list[str]]]:
    """jieba.analyse.extract_tags and .textrank (their defaults) on the same title + abstract text."""
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    texts = {r.id: "\n".join(p for p in (r.title_zh, r.abstract_zh) if p) for r in records}
    return {"jieba extract_tags": {i: jieba.analyse.extract_tags(t, topK=TOP) for i, t in texts.items()},
            "jieba textrank": {i: jieba.analyse.textrank(t, topK=TOP) for i, t in texts.items()}}


def evaluate(csl_limit: int | None = None) -> dict[str, dict[str, float]]:
    """{source: {method: mean F1@5}} for ours (tfidf, textrank) and the two jieba baselines."""
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source, records in evaluation_records(csl_limit).items():
            predictions = {f"ours {m}": ours(records, m, Path(tmp) / f"{source}-{m}") for m in OURS}
            predictions.update(jieba_baselines(records))
            scores[source] = {name: sum(f1_at(found.get(r.id, []), r.keywords_zh) for r in records) / len(records)
                              for name, found in predictions.items()}
            scores[source]["documents"] = len(records)
    return scores


def write_background(path: Path) -> None:
    """The shipped background: candidate-term document frequencies over NSSF and CSL training titles."""
    from pipeline.analysis.background import Background, candidate_terms, token_runs
    from pipeline.text.normalize import normalize_text
    from pipeline.text.segment import get_segmenter

    segmenter = get_segmenter()
    titles = [title for title, _ in nssf_projects(need(NSSF_CSV))]
    with open(need(CSL_TRAIN_TITLES), encoding="utf-8") as fh:
        titles += [line.rstrip("\n").split("\t")[1] for line in fh if line.strip()]
    background = Background.count(candidate_terms(token_runs(segmenter, unicodedata.normalize("NFKC", normalize_text(t)).lower()))
                                  for t in titles)  # normalized as the corpus text index normalizes
    background.write(path, provenance=(
        "Document frequencies of candidate terms (pipeline/analysis/background.py) in academic titles,\n"
        "terms in at least 2 titles. Made by bench/keywords.py --write-background from:\n"
        "62,501 National Social Science Fund project titles 1991-2017 (Tsai1993/Fund, social-2017-09-26.csv,\n"
        "commit 174f43ac3311d2fdf20e69141f0467b00b4c5fdd; public database fz.people.com.cn/skygb/sk) and\n"
        "8,000 CSL cls_ctg training titles (ydli-ai/CSL, commit 0f1ac0626d584cd3c72f8be26d329eb4f967cfd0,\n"
        "Apache-2.0). Counts only; no title text."))
    print(f"wrote {path}: {background.documents} titles, {len(background.frequency)} terms")


def stopword_evidence(min_share: float = 0.01, min_disciplines: float = 0.5) -> list[tuple[str, float, float]]:
    """Tokens of FewCLUE abstracts (CSL benchmark records left out) in >= min_share of the abstracts and
    >= min_disciplines of the CSLDCP disciplines, never an author keyword of a real FewCLUE keyword list:
    (token, share of abstracts, share of disciplines), most frequent first."""
    from pipeline.text.normalize import normalize_text
    from pipeline.text.segment import get_segmenter

    with open(need(CSL), encoding="utf-8") as fh:
        held_out = {json.loads(line)["abstract"][:40] for line in fh}
    abstracts, disciplines, keyword_uses = {}, {}, Counter()
    for split in ("test_public", "train_few_all", "dev_few_all"):
        for line in open(need(FEWCLUE / "csldcp" / f"{split}.json"), encoding="utf-8"):
            row = json.loads(line)
            if row["content"][:40] not in held_out:
                abstracts.setdefault(row["content"][:40], row["content"])
                disciplines[row["content"][:40]] = row["label"]
        for line in open(need(FEWCLUE / "csl" / f"{split}.json"), encoding="utf-8"):
            row = json.loads(line)
            if row["abst"][:40] not in held_out and row["label"] == "1":
                keyword_uses.update({normalize_text(k).lower() for k in row["keyword"]})
                abstracts.setdefault(row["abst"][:40], row["abst"])
    segmenter = get_segmenter(keep_stopwords=True)
    share, spread = Counter(), defaultdict(set)
    for key, text in abstracts.items():
        tokens = {t for t in segmenter.tokens_zh(normalize_text(text)) if len(t) > 1}
        share.update(tokens)
        if key in disciplines:
            for t in tokens:
                spread[t].add(disciplines[key])
    n, n_disciplines = len(abstracts), len(set(disciplines.values()))
    return [(t, c / n, len(spread[t]) / n_disciplines) for t, c in share.most_common()
            if c / n >= min_share and len(spread[t]) / n_disciplines >= min_disciplines and not keyword_uses[t]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-background", action="store_true")
    parser.add_argument("--stopword-evidence", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the lexicon's "too generic" notes
    if args.write_background:
        from pipeline.analysis.background import BACKGROUND_FILE

        write_background(BACKGROUND_FILE)
        return
    if args.stopword_evidence:
        from pipeline.text.wordlists import load_stopwords

        stop = load_stopwords()
        for token, share, spread in stopword_evidence():
            print(f"{token}\t{share:.1%}\t{spread:.0%}\t{'in academic.txt' if token in stop else ''}")
        return
    print(f"Keyword F1@{TOP} against author keywords; {machine()}")
    for source, scores in evaluate().items():
        print(f"\n{source}: {scores.pop('documents')} documents")
        for name, score in scores.items():
            print(f"  {name:20s} {score:.3f}")


if __name__ == "__main__":
    main()
