"""Retry logic of FhirClient with a fault-injecting mock transport (no server needed).

Real uploads are tested against HAPI in tests/integration; this only drives the failure paths that a
real server will not produce on demand: 429 with Retry-After, 503 bursts, dropped connections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from fhirconv.errors import AuthError, ServerRejectedError, TransportError
from fhirconv.upload import FhirClient, RetryPolicy
from fhirconv.upload.client import parse_retry_after, redact_url

OK = {"resourceType": "Bundle", "type": "transaction-response", "entry": []}
TX = {"resourceType": "Bundle", "type": "transaction", "entry": []}


def _client(
    answers: list[Callable[[httpx.Request], httpx.Response]], retries: int = 3, **kwargs: object
) -> tuple[FhirClient, list[float], list[httpx.Request]]:
    sleeps: list[float] = []
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen) - 1, len(answers) - 1)](request)

    client = FhirClient(
        "http://fhir.test/fhir",
        retry=RetryPolicy(retries=retries, backoff=0.5, max_backoff=4.0),
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        **kwargs,  # type: ignore[arg-type]
    )
    return client, sleeps, seen


def status(
    code: int, headers: dict[str, str] | None = None, body: object = None
) -> Callable[..., httpx.Response]:
    return lambda request: httpx.Response(code, headers=headers, json=body if body is not None else {})


def drop(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_retry_after_seconds_is_honoured() -> None:
    client, sleeps, seen = _client([status(429, {"Retry-After": "7"}), status(200, body=OK)])
    assert client.transaction(TX) == OK
    assert sleeps == [7.0]
    assert len(seen) == 2


def test_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_capped() -> None:
    client, sleeps, _ = _client([status(503, {"Retry-After": "100000"}), status(200, body=OK)])
    client.transaction(TX)
    assert sleeps == [RetryPolicy().max_retry_after]


def test_exponential_backoff_on_5xx_then_success() -> None:
    client, sleeps, seen = _client([status(502), status(503), status(504), status(200, body=OK)])
    assert client.transaction(TX) == OK
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(seen) == 4


def test_connection_errors_are_retried_then_reported() -> None:
    client, sleeps, seen = _client([drop], retries=2)
    with pytest.raises(TransportError) as info:
        client.transaction(TX)
    assert len(seen) == 3
    assert sleeps == [0.5, 1.0]
    assert "3 tries" in str(info.value)


def test_gives_up_after_retries_with_server_outcome() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "exception", "diagnostics": "HAPI-0000: overloaded"}],
    }
    client, sleeps, seen = _client([status(503, body=outcome)], retries=1)
    with pytest.raises(ServerRejectedError) as info:
        client.transaction(TX)
    assert len(seen) == 2 and len(sleeps) == 1
    assert info.value.status == 503
    assert "HAPI-0000: overloaded" in str(info.value)


def test_client_errors_are_not_retried() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "processing", "diagnostics": "HAPI-1094: not found"}],
    }
    client, sleeps, seen = _client([status(400, body=outcome)])
    with pytest.raises(ServerRejectedError) as info:
        client.transaction(TX)
    assert len(seen) == 1 and sleeps == []
    assert info.value.outcome == outcome
    assert "HAPI-1094" in str(info.value)


def test_auth_failure_never_echoes_the_token() -> None:
    client, _, seen = _client([status(401)], token="s3cret-token")
    with pytest.raises(AuthError) as info:
        client.transaction(TX)
    assert seen[0].headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in str(info.value)


def test_basic_auth_header_and_url_credentials_redacted() -> None:
    client, _, seen = _client([status(200, body=OK)], basic=("alice", "pw"))
    client.transaction(TX)
    assert seen[0].headers["Authorization"].startswith("Basic ")
    assert redact_url("https://bob:hunter2@fhir.example/fhir") == "https://fhir.example/fhir"


def test_one_connection_pool_for_many_requests() -> None:
    client, _, seen = _client([status(200, body=OK)])
    for _ in range(3):
        client.transaction(TX)
    assert len(seen) == 3
    assert all(r.url == httpx.URL("http://fhir.test/fhir/") for r in seen)
    assert all(r.method == "POST" and r.headers["Content-Type"] == "application/fhir+json" for r in seen)
