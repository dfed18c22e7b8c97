"""Charset decisions: header, BOM, <meta>, detection when they are missing or wrong."""

from __future__ import annotations

import pytest

from pipelines.extract.decode import codec_name, decode_html

ARABIC = ("أعلنت القيادة العامة للجيش والقوات المسلحة في بيان اليوم أن قواتنا المسلحة أعادت "
          "الأمن والاستقرار إلى مدينة القصير بعد سلسلة من العمليات الناجحة")


def html(meta: str = "") -> str:
    return f"<html><head>{meta}<title>سانا</title></head><body><p>{ARABIC}</p></body></html>"


def test_windows_1256_with_charset_only_in_the_header() -> None:
    decoded = decode_html(html().encode("cp1256"), "text/html; charset=windows-1256")
    assert (decoded.encoding, decoded.source) == ("cp1256", "header")
    assert ARABIC in decoded.text


def test_header_wins_over_a_conflicting_meta() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    body = html(meta).encode("cp1256")
    decoded = decode_html(body, "text/html; charset=windows-1256")
    assert (decoded.encoding, decoded.source) == ("cp1256", "header")


def test_windows_1256_served_as_utf8_is_detected() -> None:
    body = html('<meta charset="utf-8">').encode("cp1256")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert (decoded.encoding, decoded.source) == ("cp1256", "detected")
    assert ARABIC in decoded.text


def test_meta_is_used_when_the_header_is_wrong() -> None:
    body = html('<meta charset="windows-1256">').encode("cp1256")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert (decoded.encoding, decoded.source) == ("cp1256", "meta")


def test_latin1_label_on_arabic_bytes_is_not_believed() -> None:
    decoded = decode_html(html().encode("cp1256"), "text/html; charset=iso-8859-1")
    assert decoded.encoding == "cp1256" and ARABIC in decoded.text


def test_missing_charset_is_detected() -> None:
    decoded = decode_html(html().encode("cp1256"), "text/html")
    assert (decoded.encoding, decoded.source) == ("cp1256", "detected")


def test_utf8_under_a_legacy_label_is_utf8() -> None:
    decoded = decode_html(html().encode("utf-8"), "text/html; charset=windows-1256")
    assert (decoded.encoding, decoded.source) == ("utf-8", "detected")


def test_bom_wins() -> None:
    decoded = decode_html(b"\xef\xbb\xbf" + html().encode("utf-8"), "text/html; charset=cp1256")
    assert (decoded.encoding, decoded.source) == ("utf-8", "bom")
    assert not decoded.text.startswith("\ufeff")


def test_plain_utf8_with_header() -> None:
    decoded = decode_html("<p>Díaz-Canel</p>".encode(), "text/html; charset=UTF-8")
    assert (decoded.encoding, decoded.source) == ("utf-8", "header")
    assert decoded.text == "<p>Díaz-Canel</p>"


@pytest.mark.parametrize(("label", "name"), [("ISO-8859-1", "cp1252"), ("windows-1256", "cp1256"),
                                             ("UTF8", "utf-8"), ("bogus", None)])
def test_codec_names(label: str, name: str | None) -> None:
    assert codec_name(label) == name
