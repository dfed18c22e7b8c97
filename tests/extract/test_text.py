"""Paragraph text: normalisation, CMS artefacts, datelines, initials, bylines, titles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines.extract.text import (
    byline_names,
    collapse_apostrophes,
    dateline_day,
    initials_names,
    is_camera_junk,
    is_digest,
    is_initials,
    normalise,
    recover_case,
    split_dateline,
    split_paragraphs,
    strip_caption,
    strip_suffix,
    unslash,
)


def test_normalise_whitespace_nbsp_and_invisible_characters() -> None:
    raw = "  Damascus,\u00a0SANA\u200b –\n\tthe\u2060 army\ufeff "
    assert normalise(raw) == "Damascus, SANA – the army"
    assert normalise("ال\u200cقصير") == "ال\u200cقصير"  # ZWNJ changes joining: kept


def test_unslash_php_addslashes() -> None:
    assert unslash("Russia\\'s commitment would be \\\"not helpful\\\".") == \
        'Russia\'s commitment would be "not helpful".'
    assert unslash("DCIM\\105MEDIA") == "DCIM\\105MEDIA"  # other backslashes stay


def test_collapse_doubled_apostrophes() -> None:
    assert collapse_apostrophes("Mexico''s Foreign Secretary and Workers'' Party") == \
        "Mexico's Foreign Secretary and Workers' Party"


@pytest.mark.parametrize(("paragraph", "dateline", "rest"), [
    ("DAMASCUS, (SANA)- Our armed forces", "DAMASCUS, (SANA)-", "Our armed forces"),
    ("HOMS,(SANA) – A few days ago", "HOMS,(SANA) –", "A few days ago"),
    ("Occupied Jerusalem, (SANA) – Israeli", "Occupied Jerusalem, (SANA) –", "Israeli"),
    ("Damascus, SANA – The cabinet", "Damascus, SANA –", "The cabinet"),
    ("Aleppo, SANA_ Work continued", "Aleppo, SANA_", "Work continued"),
    ("Damascus, SANA-", "Damascus, SANA-", ""),
    ("حمص-سانا", "حمص-سانا", ""),
    ("دمشق-سانا أعلنت القيادة", "دمشق-سانا", "أعلنت القيادة"),
    ("Damascus, Jun 6 (Prensa Latina) The", "Damascus, Jun 6 (Prensa Latina)", "The"),
    ("Moscow, 31 mar (Prensa Latina): Russia", "Moscow, 31 mar (Prensa Latina):", "Russia"),
    ("Havana, (Prensa Latina) Cuba", "Havana, (Prensa Latina)", "Cuba"),
    ("Bridgetown, Jun 16 (Prensa Laltina): The", "Bridgetown, Jun 16 (Prensa Laltina):", "The"),
    ("Damasco, 6 jun (Prensa Latina) La victoria", "Damasco, 6 jun (Prensa Latina)", "La victoria"),
    ("Damascus - Arabstoday", "Damascus - Arabstoday", ""),
    ("The army said Damascus, SANA reported", None, "The army said Damascus, SANA reported"),
    ("Syrian troops and Hezbollah allies Friday pressed", None,
     "Syrian troops and Hezbollah allies Friday pressed"),
])
def test_datelines(paragraph: str, dateline: str | None, rest: str) -> None:
    assert split_dateline(paragraph) == (dateline, rest)


def test_dateline_day() -> None:
    assert dateline_day("Damascus, Jun 6 (Prensa Latina)") == (6, "Jun")
    assert dateline_day("Moscow, 31 mar (Prensa Latina):") == (31, "mar")
    assert dateline_day("Havana, (Prensa Latina)") is None


@pytest.mark.parametrize("text", ["H. Said", "H. Sabbagh", "B. Mousa / Mazen",
                                  "M. Nassr/ M. Ismael", "Gh.A.Hassoun", "H. Said/M. Ismael",
                                  "jg/oda/mks"])
def test_initials(text: str) -> None:
    assert is_initials(text)


@pytest.mark.parametrize("text", ["Syria", "Mazen", "The army won.", "Comments are closed.",
                                  "He added that Moscow shares Damascus concerns."])
def test_not_initials(text: str) -> None:
    assert not is_initials(text)


def test_initials_names() -> None:
    assert initials_names("B. Mousa / Mazen") == ["B. Mousa", "Mazen"]
    assert initials_names("jg/oda/mks") == []  # editor codes name nobody


def test_bylines() -> None:
    assert byline_names("By: Sergio Ferrari*") == ["Sergio Ferrari"]
    assert byline_names("Por Luis Manuel Arce") == ["Luis Manuel Arce"]
    assert byline_names("بقلم - سالم الكعبي") == ["سالم الكعبي"]
    assert byline_names("By the end of the year the army had won") is None


def test_split_paragraphs_finds_byline_dateline_and_initials() -> None:
    split = split_paragraphs(["Por Luis Manuel Arce", "Havana, Nov 1 (Prensa Latina) Cuba said.",
                              "More text.", "jg/oda/mks"])
    # the inline dateline stays in the paragraph as printed; byline and sign-off leave
    assert split.body == ["Havana, Nov 1 (Prensa Latina) Cuba said.", "More text."]
    assert (split.dateline, split.initials, split.bylines) == (
        "Havana, Nov 1 (Prensa Latina)", "jg/oda/mks", ["Luis Manuel Arce"])


def test_dateline_only_paragraphs_leave_the_body() -> None:
    split = split_paragraphs(["حمص-سانا", "أعلنت القيادة", "H. Said"])
    assert split.body == ["أعلنت القيادة"]
    assert (split.dateline, split.initials) == ("حمص-سانا", "H. Said")
    split = split_paragraphs(["Damascus - Arabstoday", "Text."], dateline="Damascus - Arabstoday")
    assert (split.body, split.dateline) == (["Text."], "Damascus - Arabstoday")


def test_caption_glued_to_the_first_paragraph() -> None:
    caption = "Syrian President Bashar al-Assad"
    assert strip_caption(f"{caption} Syrian troops and Hezbollah allies", caption) == \
        "Syrian troops and Hezbollah allies"
    assert strip_caption(f"{caption} said on Thursday", caption) == f"{caption} said on Thursday"


def test_title_case_recovery() -> None:
    assert recover_case("syrian troops push ahead with offensive on qusayr", [
        "Emiratesvoice", "Syrian troops push ahead with offensive on Qusayr"]) == \
        "Syrian troops push ahead with offensive on Qusayr"
    assert recover_case("Already Cased", ["already cased"]) == "Already Cased"
    assert recover_case("حين غنى العالم دبي", ["x"]) == "حين غنى العالم دبي"


def test_title_case_candidates_are_read_only_for_a_lower_cased_title() -> None:
    read: list[str] = []

    def candidates() -> Iterator[str]:
        read.append("h1")
        yield "Syrian Troops"

    assert recover_case("Syrian troops", candidates()) == "Syrian troops"
    assert read == []
    assert recover_case("syrian troops", candidates()) == "Syrian Troops"
    assert read == ["h1"]


def test_title_suffix() -> None:
    pattern = r"\s+[-|–]\s+(?:S A N A|SANA)\b.*$"
    assert strip_suffix("Title here - S A N A – Syrian Arab News Agency", pattern) == "Title here"
    assert strip_suffix("Title here | SANA", pattern) == "Title here"


def test_digest_and_camera_captions() -> None:
    assert is_digest(["Second list of the main topics of the day from Prensa Latina."])
    assert is_digest(["Havana, Nov 1 (Prensa Latina) a", "Caracas, Nov 1 (Prensa Latina) b",
                      "Lima, Nov 1 (Prensa Latina) c"])
    assert not is_digest(["Havana, Nov 1 (Prensa Latina) a", "b", "c"])
    assert is_camera_junk("DCIM\\105MEDIA\\DJI_0504.JPG") and is_camera_junk("IMG_2034.jpg")
    assert not is_camera_junk("The main square of al-Qseir")
