"""bench/topics: topic models on the 2,000 CSL abstracts (13 categories).

Quality: NMI between each document's main topic and its category, K=13, our `topics fit` (LDA and NMF)
against plain gensim LdaModel with default settings on plain jieba.lcut tokens (the issue's baseline).
Speed: `topics fit --k 13` (in-process, all outputs written) against raw gensim on the same bag of words
with the same settings (Dictionary + filter_extremes + LdaModel + doc-topic inference + writing topics and
doc topics), alternating, same run. Then `--k-range 5:15 --passes 10` twice on the whole corpus
(skip with --skip-k-range).
Tokens come from tests/csl_corpus.py (the corpus build's segmentation step).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from common import ROOT, machine, need

sys.path.insert(0, str(ROOT / "tests"))
from csl_corpus import CSL, csl_text, read_csl, write_csl_corpus  # noqa: E402

from pipeline import cli  # noqa: E402
from pipeline.analysis.topics.options import Options  # noqa: E402

SEEDS = [0, 1, 2]


def nmi(out_dir: Path, categories: dict[str, str]) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    doc_topics = pd.read_parquet(out_dir / "doc_topics.parquet").dropna(subset=["main_topic"])
    return normalized_mutual_info_score([categories[i] for i in doc_topics["id"]], doc_topics["main_topic"])


def baseline_nmi(rows: list[dict], seed: int) -> float:
    """Plain gensim LdaModel, default settings, on plain jieba.lcut tokens."""
    import jieba
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel
    from sklearn.metrics import normalized_mutual_info_score

    tokens = [jieba.lcut(csl_text(r)) for r in rows]
    dictionary = Dictionary(tokens)
    bows = [dictionary.doc2bow(t) for t in tokens]
    model = LdaModel(bows, num_topics=13, id2word=dictionary, random_state=seed)
    main = [max(model.get_document_topics(b, minimum_probability=0), key=lambda x: x[1])[0] for b in bows]
    return normalized_mutual_info_score([r["category"] for r in rows], main)


def raw_gensim(corpus_dir: Path, out: Path, k: int, seed: int) -> None:
    """What a user writes by hand: same tokens, pruning and training settings; topics and doc topics saved."""
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    o = Options()
    tokens = [list(t) for t in pd.read_parquet(corpus_dir / "tokens.parquet")["tokens_zh"]]
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=o.min_docs, no_above=o.max_share, keep_n=o.keep)
    bows = [dictionary.doc2bow(t) for t in tokens]
    chunksize = min(2000, max(100, len(bows) // 20))   # LdaTopics' default
    model = LdaModel(bows, num_topics=k, id2word=dictionary, random_state=seed, passes=o.passes,
                     iterations=o.iterations, chunksize=chunksize, eval_every=None)
    gamma, _ = model.inference(bows)
    out.mkdir(parents=True, exist_ok=True)
    theta = gamma / gamma.sum(axis=1, keepdims=True)
    pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)]).to_parquet(out / "doc_topics.parquet")
    pd.DataFrame([(t, w, p) for t in range(k) for w, p in model.show_topic(t, 20)]).to_csv(out / "topics.csv")
    np.save(out / "topics.npy", model.get_topics())


def fit(corpus: Path, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    cli.main(["topics", "fit", "--corpus", str(corpus), "--out", str(out), "--quiet", *extra])
    return time.perf_counter() - start


def main() -> None:
    need(CSL)
    rows = read_csl()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        categories = write_csl_corpus(tmp / "corpus")
        base = [baseline_nmi(rows, s) for s in SEEDS]
        ours, ours_nmf, t_ours, t_raw = [], [], [], []
        for s in SEEDS:
            t_ours.append(fit(tmp / "corpus", tmp / f"lda{s}", "--k", "13", "--seed", str(s)))
            start = time.perf_counter()
            raw_gensim(tmp / "corpus", tmp / f"raw{s}", 13, s)
            t_raw.append(time.perf_counter() - start)
            ours.append(nmi(tmp / f"lda{s}", categories))
            fit(tmp / "corpus", tmp / f"nmf{s}", "--k", "13", "--seed", str(s), "--method", "nmf")
            ours_nmf.append(nmi(tmp / f"nmf{s}", categories))

        def fmt(xs):
            return f"median {statistics.median(xs):.3f} (seeds 0-2: {', '.join(f'{x:.3f}' for x in xs)})"

        print(f"## Topic models ({machine()})")
        print("NMI of main topic vs category, K=13, 2,000 CSL abstracts:")
        print(f"- baseline: gensim LdaModel defaults on jieba.lcut tokens: {fmt(base)}")
        print(f"- `topics fit --method lda` (defaults):                {fmt(ours)}")
        print(f"- `topics fit --method nmf`:                           {fmt(ours_nmf)}")
        ratio = statistics.median(t_ours) / statistics.median(t_raw)
        print(f"Fit time K=13: ours {statistics.median(t_ours):.2f} s, raw gensim {statistics.median(t_raw):.2f} s "
              f"(medians of 3, alternating): ratio {ratio:.2f}x")
        if "--skip-k-range" not in sys.argv:   # twice: the chosen K and the whole table must repeat
            seconds = [fit(tmp / "corpus", tmp / f"krange{i}", "--k-range", "5:15", "--passes", "10") for i in (1, 2)]
            tables = [(tmp / f"krange{i}" / "k_selection.csv").read_bytes() for i in (1, 2)]
            same = tables[0] == tables[1]
            print(f"`--k-range 5:15 --passes 10` (2 seeds per K): {seconds[0]:.0f} s and {seconds[1]:.0f} s; "
                  f"identical tables: {same}; NMI at the chosen K {nmi(tmp / 'krange1', categories):.3f}")

if __name__ == "__main__":
    main()
