"""Responses are gzip-compressed for clients that accept it; the API pages by keyset too."""

from __future__ import annotations

from typing import Any


def test_pages_and_api_are_gzipped_when_accepted(client: Any) -> None:
    for path in ("/", "/ecosystem", "/api/models", "/api/metrics"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == packed.status_code == 200
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.content == plain.content  # the client decoded it: the same body
        assert packed.headers["content-security-policy"] == plain.headers["content-security-policy"]


def test_gzip_shrinks_the_list_page(client: Any) -> None:
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert int(packed.headers["content-length"]) < int(plain.headers["content-length"]) / 3


def test_api_next_after_walks_every_model_once(client: Any) -> None:
    first = client.get("/api/models", params={"per_page": 2}).json()
    seen = [item["model"] for item in first["items"]]
    cursor = first["next_after"]
    while cursor is not None:
        page = client.get("/api/models", params={"per_page": 2, "after": cursor}).json()
        seen += [item["model"] for item in page["items"]]
        cursor = page["next_after"]
    everything = client.get("/api/models", params={"per_page": 200}).json()
    assert seen == [item["model"] for item in everything["items"]]
    assert len(seen) == first["total"] > 2
