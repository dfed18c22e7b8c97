"""The Article document: its dict form is dataclasses.asdict's, made faster."""

from __future__ import annotations

import dataclasses

from pipelines.extract.model import Article, Image


def test_to_dict_is_asdict_with_fresh_containers() -> None:
    article = Article("https://x.example/a", "https://x.example/a", "x", "en", "en",
                      title="T", authors=["A"], published="2026-11-01T10:00:00+03:00",
                      tags=["t"], body=["one", "two"], images=[Image("i.jpg", "cap")],
                      methods={"title": "outlet:X"}, parser="x.V1", flags=["short"])
    data = article.to_dict()
    assert data == dataclasses.asdict(article)
    assert list(data) == list(dataclasses.asdict(article))  # same key order, same JSON
    data["body"].append("three")
    data["methods"]["body"] = "jsonld"
    data["images"][0]["alt"] = "changed"
    assert article.body == ["one", "two"] and "body" not in article.methods
    assert article.images[0].alt is None
    assert Article.from_dict(article.to_dict()) == article
