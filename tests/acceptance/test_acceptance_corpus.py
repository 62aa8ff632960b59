"""Acceptance on real data (issue 14): what the build makes of the real files (tests/acceptance_corpus.py builds
them once per session). Each check compares with the input files read independently."""
import datetime
import re
from collections import Counter

from pipeline.text.chinese_script import evidence

NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def han(value) -> str:
    return NOT_HAN.sub("", "".join(value) if isinstance(value, list) else value or "")


def han_changes(before, after) -> int:
    a, b = han(before), han(after)
    return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))


def test_every_real_input_is_read_and_a_failure_says_why(real_corpus):
    summary = real_corpus.summary
    assert summary.records >= 4000
    # the one page that fails is a script-loaded page without text (GNE's other/1.html), and says so
    assert len(summary.failures) <= 2, summary.report()
    assert all(reason for _, reason in summary.failures)
    kinds = Counter(doc["source_kind"] for doc in real_corpus.documents())
    assert kinds["export"] >= 3400 and kinds["jsonl"] == 1000 and kinds["generic"] >= 50


def test_simplified_real_text_keeps_every_han_character(real_corpus):
    """Issue 14 item 2: plain t2s changed 沈思→沉思, 王保乾→王保干 … in NSSF and CSL; nothing may change."""
    docs = real_corpus.documents()
    by_id = {doc["id"]: doc for doc in docs}
    merged_into = {old: doc for doc in docs for old in doc["cleaning"].get("merged_ids", [])}
    changed = checked = 0
    for row in real_corpus.csl_rows:
        doc = by_id.get(row["id"]) or merged_into[row["id"]]
        changed += han_changes(row["title"], doc["title_zh"]) + han_changes(row["abstract"], doc["abstract_zh"])
        changed += han_changes(sorted(set(row["keywords"])), sorted(doc["keywords_zh"]))
        checked += 1
    by_project = {doc["project_id"]: doc for doc in docs if doc["project_id"]}
    for row in real_corpus.nssf_rows:
        doc = by_project.get(row["项目批准号"].strip())
        if doc is None or han(doc["title_zh"]) != han(row["项目名称"]) and doc["cleaning"].get("merged_ids"):
            continue  # merged with a twin listed under the same number
        changed += han_changes(row["项目名称"], doc["title_zh"]) + han_changes(row["项目负责人"], doc["authors"])
        checked += 1
    assert checked >= 1000 + 2900
    assert changed == 0
    assert not any(doc["cleaning"].get("converted_t2s") for doc in docs if doc["source_kind"] in ("export", "jsonl"))


def test_traditional_pages_are_converted_and_name_the_fields(real_corpus):
    docs = {doc["source"].rsplit("/", 1)[-1]: doc for doc in real_corpus.documents()}
    for name in ("003_9b1384a9c2849d8b.txt", "pixnet.html"):
        doc = docs[name]
        assert doc["cleaning"]["converted_t2s"] is True and {"title_zh", "body"} <= set(doc["cleaning"]["t2s_fields"]), name
        assert evidence(doc["title_zh"] + doc["body"])[0] == 0, name  # no traditional-only character left
    assert real_corpus.summary.converted_t2s == 2


def test_an_implausible_year_becomes_null_with_a_warning(real_corpus):
    """Issue 14 item 3: the record with {Year}: 2989 in LotsOfEnglish.net stretched trend tables to 2989."""
    docs = real_corpus.documents()
    flagged = [doc for doc in docs if any("implausible year 2989" in w for w in doc["cleaning"].get("warnings", []))]
    assert [doc["source"].rsplit("/", 1)[-1] for doc in flagged] == ["LotsOfEnglish.net"]
    assert flagged[0]["year"] is None
    years = [doc["year"] for doc in docs if doc["year"] is not None]
    assert 1900 <= min(years) and max(years) <= datetime.date.today().year + 1


def test_nssf_discipline_category_and_number_are_kept(real_corpus):
    """Issue 14 item 12: 学科分类, 项目类别, 批准号 were dropped. (A number can stand on two rows, the
    project and its output: each row must have its record, unless the build merged the two.)"""
    by_project, merged = {}, set()
    for doc in real_corpus.documents():
        by_project.setdefault(doc["project_id"], []).append((doc["classification"], doc["category"]))
        if doc["cleaning"].get("merged_ids"):
            merged.add(doc["project_id"])
    checked = 0
    for row in real_corpus.nssf_rows:
        if row["项目批准号"].strip() in merged:
            continue
        checked += 1
        discipline = row["学科分类"].strip(" 、，,；;")  # one class, `、` inside it; a trailing `、` goes
        kept = ([discipline] if discipline else [], row["项目类别"].strip() or None)
        assert kept in by_project[row["项目批准号"].strip() or None], row
    assert checked >= 3000
