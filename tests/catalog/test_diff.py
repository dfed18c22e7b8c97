from catalog.diff import diff_versions, render, word_diff


def test_paragraph_and_word_diff() -> None:
    old = {"version": 1, "title": "Army enters Qusayr",
           "body": "One.\n\nThe army said 800 deserted.\n\nThree."}
    new = {"version": 2, "title": "Army enters al-Qusayr",
           "body": "One.\n\nThe army said 900 deserted.\n\nThree.\n\nAdded at the end."}
    diff = diff_versions(old, new)
    assert diff["changed"] and diff["title"]["changed"]
    ops = [b["op"] for b in diff["paragraphs"]]
    assert ops == ["equal", "replace", "equal", "insert"]
    replaced = diff["paragraphs"][1]
    assert {"op": "delete", "text": "800"} in replaced["words"][0]
    assert {"op": "insert", "text": "900"} in replaced["words"][0]
    text = render(diff)
    assert "[-800-]{+900+}" in text and "+ §4: Added at the end." in text


def test_identical_versions() -> None:
    same = {"version": 1, "title": "T", "body": "a\n\nb"}
    diff = diff_versions(same, same)
    assert not diff["changed"] and "no change" in render(diff)


def test_word_diff_keeps_whitespace_and_arabic() -> None:
    ops = word_diff("دخل الجيش مدينة القصير", "دخل الجيش مدينة القصير اليوم")
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == \
        "دخل الجيش مدينة القصير اليوم"
