import json
import logging

import pytest

from pipeline.record import JSONLinesError, Record, make_id, read_json_lines


def test_record_round_trips_through_json():
    rec = Record(id="x", title_zh="标题", authors=["甲"], year=2024, cleaning={"spam_blocks": 1})
    again = Record.from_dict(json.loads(rec.to_json()))
    assert again == rec


def test_from_dict_coerces_shapes():
    rec = Record.from_dict({"title_zh": "t", "year": "2021年", "keywords_zh": "单个", "issue": 6, "bogus": 1})
    assert rec.year == 2021 and rec.keywords_zh == ["单个"] and rec.issue == "6"


def test_make_id_is_stable_and_index_sensitive():
    # Pinned values: the same input gives the same id on every machine and every version.
    assert (make_id(b"abc"), make_id(b"abc", 1)) == ("ba7816bf8f01cfea", "14f64f8b9c152353")
    assert len(make_id(b"abc")) == 16


def test_notebook_api_names_resolve():
    import pipeline
    import pipeline.build.build  # noqa: F401  (a submodule import must not shadow the API names)

    assert pipeline.build_corpus.__name__ == "build"
    assert pipeline.segment_texts(["党建引领下的社区治理"]) == [["党建引领", "社区治理"]]
    for name in ("ingest_paths", "fetch_urls", "read_export_file", "write_export", "merge_duplicates", "load_corpus"):
        assert callable(getattr(pipeline, name)), name


def test_json_lines_skip_each_bad_line_by_number_and_keep_the_rest():
    text = "\ufeff" + "\n".join(['{"a": 1}', "{oops", "", "[1, 2]", "[" * 100_000, '{"b": "乙"}', "   "])
    problems = []
    assert read_json_lines(text, "x.jsonl", problems) == [(1, {"a": 1}), (6, {"b": "乙"})]
    assert problems == ["line 2: not JSON (Expecting property name enclosed in double quotes)",
                        "line 4: not a JSON object", "line 5: not JSON (nested too deeply)"]


def test_json_lines_without_a_problem_list_log_the_file_and_line(caplog):
    with caplog.at_level(logging.WARNING, logger="pipeline.record"):
        assert read_json_lines('{"a": 1}\n"text"\n', "data/new.jsonl") == [(1, {"a": 1})]
    assert caplog.messages == ["data/new.jsonl: line 2: not a JSON object"]


def test_json_lines_with_no_object_at_all_are_a_bad_file():
    with pytest.raises(JSONLinesError, match=r"^no line holds a JSON object \(line 1: not JSON .*; line 2: not a JSON"):
        read_json_lines("not json\n42\n", "x.jsonl", [])
    assert read_json_lines("\n  \n", "empty.jsonl", []) == []  # nothing bad either: the caller says "empty"
