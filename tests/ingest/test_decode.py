import codecs

import pytest

from pipeline.ingest.decode import DecodeError, decode_bytes
from pipeline.text.normalize import normalize_text, normalize_whitespace


def page(charset_tag, body):
    return f"<html><head>{charset_tag}</head><body><p>{body}</p></body></html>"


def test_gb2312_label_decodes_as_gb18030_with_characters_outside_gb2312():
    text = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "王喆与陈堃——社区治理")
    decoded, encoding = decode_bytes(text.encode("gb18030"))
    assert encoding == "gb18030" and "王喆与陈堃——社区治理" in decoded


def test_meta_charset_and_http_header():
    raw = page('<meta charset="gbk">', "党建引领").encode("gbk")
    assert decode_bytes(raw) == (page('<meta charset="gbk">', "党建引领"), "gb18030")
    bare = page("", "党建引领基层治理").encode("gbk")
    assert decode_bytes(bare, http_charset="GBK")[1] == "gb18030"


def test_boms_and_line_endings():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + "社区\r\n治理\r".encode())
    assert (text, encoding) == ("社区\n治理\n", "utf-8")
    text, encoding = decode_bytes(codecs.BOM_UTF16_LE + "韧性社区".encode("utf-16-le"))
    assert (text, encoding) == ("韧性社区", "utf-16-le")


def test_utf8_page_that_declares_gb2312_is_read_as_utf8():
    raw = page('<meta charset="gb2312">', "协作型共治").encode("utf-8")
    assert decode_bytes(raw)[1] == "utf-8"


def test_undeclared_gbk_is_sniffed():
    raw = ("<html><body>" + "城市社区治理的内在机理与实践策略，" * 30 + "</body></html>").encode("gbk")
    text, encoding = decode_bytes(raw)
    assert encoding == "gb18030" and "内在机理" in text


def test_binary_and_empty_are_errors():
    with pytest.raises(DecodeError, match="empty"):
        decode_bytes(b"")
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(b"\x00\x01\x02\x03GIF89a" * 100)


def test_odd_whitespace():
    assert normalize_whitespace("摘\u3000要\u00a0 内容\u200b  \n\n  第二行 ") == "摘 要 内容\n第二行"


def test_canonical_punctuation():
    assert normalize_text('在城市化进程中,"村改居"社区(LT社区)面临困境;研究发现:') == "在城市化进程中，“村改居”社区（LT社区）面临困境；研究发现："
    assert normalize_text("刊名. 2023,39(04)") == "刊名. 2023,39(04)"
    assert normalize_text("resilient communities, co-governance (2020)") == "resilient communities, co-governance (2020)"
    assert normalize_text("協作型共治下的超大社區") == "协作型共治下的超大社区"
