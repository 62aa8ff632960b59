"""English words: simple plural folding (`communities` → `community`; `politics`, `analysis` stay)."""
from __future__ import annotations


# Words that end in -s but are not plurals, beyond what the rules in _fold_one already keep
# (-ss, -us, -is, -ous, words of up to three letters).
_NOT_PLURAL = frozenset("""
politics economics ethics statistics dynamics physics mathematics logistics mechanics linguistics
semantics genetics informatics geopolitics demographics electronics aesthetics athletics econometrics
news series species means lens always perhaps towards afterwards whereas does yes
""".split())
_IRREGULAR = {
    "analyses": "analysis", "bases": "basis", "crises": "crisis", "theses": "thesis",
    "hypotheses": "hypothesis", "syntheses": "synthesis", "diagnoses": "diagnosis",
    "women": "woman", "men": "man", "children": "child", "criteria": "criterion", "phenomena": "phenomenon",
}


def fold_plural(word: str) -> str:
    """communities → community, approaches → approach, governances → governance; politics, analysis,
    status stay. For hyphenated terms the last part is folded (co-governances → co-governance)."""
    head, sep, last = word.rpartition("-")
    return head + sep + _fold_one(last)


def _fold_one(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word in _NOT_PLURAL or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1]
