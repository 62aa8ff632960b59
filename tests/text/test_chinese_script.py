"""Traditional → simplified only where the text is traditional (issue 14, item 2)."""
from pipeline.record import Record
from pipeline.text.chinese_script import (SIMPLIFIED, SIMPLIFIED_FILE, TRADITIONAL, TRADITIONAL_FILE,
                                          derive_sets, evidence, read_char_set, script_of)
from pipeline.text.normalize import (name_before_conversion, normalize_record, normalize_text, simplify_characters,
                                     to_simplified)


def test_character_sets_are_what_the_installed_opencc_gives():
    traditional, simplified = derive_sets()
    assert read_char_set(TRADITIONAL_FILE) == traditional and read_char_set(SIMPLIFIED_FILE) == simplified
    # the characters t2s wrongly changed in simplified text are in neither set: they are both scripts'
    assert not set("沈乾於昇升干于") & (traditional | simplified)
    assert {"國", "這", "學", "蕭"} <= traditional and {"国", "这", "学", "萧"} <= simplified


def test_script_is_judged_by_characters_of_one_script_only():
    assert script_of("黨建引領韌性社區建設") == TRADITIONAL
    assert script_of("党建引领韧性社区建设") == SIMPLIFIED
    assert script_of("王保乾") is None and script_of("康雍乾盛世") is None and script_of("康雍乾时期") == SIMPLIFIED


def test_simplified_text_is_left_alone_even_where_t2s_would_rewrite_it():
    # each of these was changed by plain OpenCC t2s (issue 14: 沈思→沉思, 王保乾→王保干, 康雍乾→康雍干 …)
    for text in ("沈思", "王保乾", "康雍乾盛世的财政", "於嘉", "昇腾处理器", "篠原一男的住宅设计研究"):
        assert to_simplified(text) == text and normalize_text(text) == text


def test_traditional_text_is_converted_with_phrase_rules():
    assert to_simplified("於是他們乾脆不去了，這個問題") == "于是他们干脆不去了，这个问题"
    assert normalize_text("協作型共治下的超大社區") == "协作型共治下的超大社区"


def test_a_traditional_passage_in_simplified_text_is_converted_alone():
    text = "本文讨论社区治理的经验。\n原文如下：臺灣地區的鄉鎮與縣市選舉\n这说明了问题。"
    assert to_simplified(text) == "本文讨论社区治理的经验。\n原文如下：台湾地区的乡镇与县市选举\n这说明了问题。"
    # two traditional-only characters inside simplified text are a name or a term, kept as written
    assert to_simplified("本文讨论社区治理。\n《唐韻》研究的价值") == "本文讨论社区治理。\n《唐韻》研究的价值"


def test_record_fields_are_judged_in_the_records_context_and_named():
    rec = Record(title_zh="宁夏佑啟堂藏西夏文献研究", authors=["李穎", "王保乾"], keywords_zh=["噁唑衍生物", "文献"],
                 affiliations=["闽江学院"])
    assert normalize_record(rec) == []
    assert rec.title_zh == "宁夏佑啟堂藏西夏文献研究" and rec.authors == ["李穎", "王保乾"]
    assert rec.keywords_zh == ["噁唑衍生物", "文献"]
    rec = Record(title_zh="鄉村振興與基層治理", authors=["蕭乾", "王保乾", "沈思"], abstract_zh="本文於是討論了鄉村。",
                 keywords_zh=["鄉村振興", "治理"])
    assert normalize_record(rec) == ["title_zh", "authors", "abstract_zh", "keywords_zh"]
    assert rec.title_zh == "乡村振兴与基层治理" and rec.abstract_zh == "本文于是讨论了乡村。"
    # names: traditional-only characters one by one, never phrase rules (t2s gives 王保干, 沉思)
    assert rec.authors == ["萧乾", "王保乾", "沈思"]
    assert simplify_characters("閻鶴昇") == "阎鹤昇"


def test_characters_map_one_to_one_so_positions_hold():
    from pipeline.text.normalize import _character_map

    assert all(len(simplified) == 1 for simplified in _character_map().values())


def test_a_name_on_a_converted_page_is_taken_from_the_original_line():
    passages = {"作者：王保干 沉思": "作者：王保乾 沈思"}  # what t2s made of a traditional page's line
    assert name_before_conversion("王保干", passages) == "王保乾"
    assert name_before_conversion("沉思", passages) == "沈思"
    assert name_before_conversion("李四", passages) == "李四"


def test_evidence_counts_what_the_character_sets_match_on_real_text():
    """evidence counts by marking characters (str.translate); on real simplified text, the same text in
    traditional characters (OpenCC s2t) and texts holding the marks themselves it gives the counts of a
    search for each set."""
    import json
    import re

    import opencc

    from conftest import EXTERNAL, need, nssf_titles

    def searched(text):
        return tuple(len(re.findall("[" + "".join(sorted(read_char_set(path))) + "]", text))
                     for path in (TRADITIONAL_FILE, SIMPLIFIED_FILE))

    csl = [json.loads(line) for line in open(need(EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"),
                                             encoding="utf-8")][:300]
    simplified = [r["abstract"] for r in csl] + list(nssf_titles()["title"][:3000])
    s2t = opencc.OpenCC("s2t")
    texts = simplified + [s2t.convert(t) for t in simplified[:300]] + ["這\x01是简\x02体", "\x02", ""]
    counts = [evidence(t) for t in texts]
    assert counts == [searched(t) for t in texts]
    assert sum(t > s for t, s in counts[len(simplified):-3]) > 250  # the converted abstracts do read as traditional
