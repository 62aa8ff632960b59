"""Scores for extracted text against hand-made text, shared by the tests and the benchmarks."""
from collections import Counter


def char_f1(predicted: str, expected: str) -> float:
    """F1 of the bags of non-whitespace characters (the usual score for Chinese main-text extraction)."""
    pred = Counter(ch for ch in predicted if not ch.isspace())
    gold = Counter(ch for ch in expected if not ch.isspace())
    common = sum((pred & gold).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)
