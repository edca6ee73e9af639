"""Schemathesis against the dashboard's OpenAPI spec: every generated request gets a response
that matches the spec (status codes, content types, bodies), and never a server error.

Driven through Hypothesis directly (one test per operation): schemathesis' pytest fixture
loader does not work with this pytest version.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

OPERATIONS = ("/api/models", "/api/model", "/api/model/history", "/api/metrics", "/api/health")


@pytest.fixture(scope="module")
def api_schema(web_store: tuple[Any, str]) -> Any:
    from openness.observatory.web.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(web_store[0]))


@pytest.mark.parametrize("path", OPERATIONS)
def test_api_conforms_to_its_spec(api_schema: Any, path: str) -> None:
    operation = api_schema[path]["GET"]
    calls: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call_and_validate()
        calls.append(response.status_code)

    check()
    assert calls and all(code < 500 for code in calls)


def test_the_spec_lists_the_read_only_api(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == set(OPERATIONS)
    methods = {m for ops in spec["paths"].values() for m in ops}
    assert methods == {"get"}
