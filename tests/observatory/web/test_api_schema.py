"""Schemathesis against the dashboard's OpenAPI spec: every generated request gets a response
that matches the spec (status codes, content types, bodies), and never a server error.

Driven through Hypothesis directly (one test per operation): schemathesis' pytest fixture
loader does not work with this pytest version. The job endpoints exist only when the server has
a token: they are checked on such an app, with the token sent as a header (Hub targets off and an
empty allowed folder, so no generated request can start real work).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

OPERATIONS = ("/api/models", "/api/model", "/api/model/history", "/api/metrics", "/api/health")
JOB_OPERATIONS = (("/api/assessments", "POST"), ("/api/jobs/{id}", "GET"))
TOKEN = "schema-test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def api_schema(web_store: tuple[Any, str]) -> Any:
    from openness.observatory.web.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(web_store[0]))


@pytest.fixture(scope="module")
def jobs_schema(web_store: tuple[Any, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from openness.observatory.web.app import create_app
    from openness.observatory.web.job_targets import TargetPolicy
    from openness.observatory.web.jobs import JobsConfig

    empty: Path = tmp_path_factory.mktemp("allowed-but-empty")
    config = JobsConfig(TOKEN, TargetPolicy.of([str(empty)], hub=False))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(web_store[0], config))


def conforms(operation: Any, headers: dict[str, str] | None = None, **options: Any) -> list[int]:
    """Status codes of generated calls, each validated against the spec."""
    calls: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=headers, **options)
        calls.append(response.status_code)

    check()
    return calls


@pytest.mark.parametrize("path", OPERATIONS)
def test_api_conforms_to_its_spec(api_schema: Any, path: str) -> None:
    calls = conforms(api_schema[path]["GET"])
    assert calls and all(code < 500 for code in calls)


@pytest.mark.parametrize("path, method", JOB_OPERATIONS)
def test_the_job_api_conforms_to_its_spec(jobs_schema: Any, path: str, method: str) -> None:
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    # which targets are allowed is the server's configuration, not the schema's: a well-formed
    # body naming a path outside the allowed folders is rightly a 400
    calls = conforms(
        jobs_schema[path][method],
        {"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[positive_data_acceptance],
    )
    assert calls and all(code < 500 for code in calls)
    assert 401 not in calls  # the token got through: the calls reached the endpoint itself


def test_the_spec_lists_the_read_only_api(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == set(OPERATIONS)
    methods = {m for ops in spec["paths"].values() for m in ops}
    assert methods == {"get"}
