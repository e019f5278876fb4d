"""The HTTP side of uploads: one httpx client, retries with backoff, HTTP status -> typed errors.

One ``httpx.Client`` per upload run keeps the connection alive across bundles and chunks. Retrying a
transaction POST is safe only because the bundles are idempotent (conditional creates on stable
identifiers, see ``docs/upload.md``): a request whose answer was lost may already be committed.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from .. import strictjson
from ..errors import AuthError, MalformedInputError, ServerRejectedError, TransportError
from ..fhir.serialize import dumps_json

__all__ = [
    "RETRY_STATUSES",
    "FhirClient",
    "RetryPolicy",
    "clean_secret",
    "outcome_message",
    "parse_retry_after",
    "redact_url",
]

#: Statuses worth another try: rate limiting and server/gateway trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

FHIR_JSON = "application/fhir+json"
#: Largest answer read from a server (a transaction-response for the largest chunk is far below it).
MAX_ANSWER_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry. ``retries`` counts the tries after the first."""

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1``; a server's Retry-After wins over our backoff."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return float(min(self.backoff * (2**attempt), self.max_backoff))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)


def redact_url(url: str) -> str:
    """The URL without user:password, so that messages and logs never carry credentials."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def clean_secret(value: str, what: str) -> str:
    """A credential without the line break a file read left around it; ValueError (never showing the
    value) when control characters remain inside, as an HTTP header cannot carry them."""
    stripped = value.strip(" \t\r\n")
    if not stripped or any(ord(c) < 0x20 or ord(c) == 0x7F for c in stripped):
        raise ValueError(f"the {what} contains control characters or is empty")
    return stripped


def _secret_forms(token: str | None, basic: tuple[str, str] | None) -> tuple[str, ...]:
    """Every spelling of the credentials a server could echo back: raw, and as the header value."""
    import base64

    forms: list[str] = []
    if token:
        forms.append(token)
    if basic:
        pair = f"{basic[0]}:{basic[1]}"
        forms += [base64.b64encode(pair.encode()).decode("ascii"), pair]
        if len(basic[1]) >= 4:
            forms.append(basic[1])
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def redact_url_text(url: str) -> str:
    """:func:`redact_url` for text that may not even parse as a URL."""
    try:
        return redact_url(url)
    except ValueError:
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def server_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a FHIR base URL (a bad port, an unclosed IPv6 bracket...), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number in range
        parsed = httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must be an http(s) URL"
    if not parsed.host:
        return "has no host"
    return None


def outcome_message(outcome: Mapping[str, Any] | None, fallback: str) -> str:
    """The error/fatal diagnostics of an OperationOutcome joined into one line (HAPI codes included)."""
    if not outcome or outcome.get("resourceType") != "OperationOutcome":
        return fallback
    texts: list[str] = []
    for issue in outcome.get("issue", []):
        if issue.get("severity") not in ("error", "fatal"):
            continue
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
        if text:
            texts.append(str(text))
    return "; ".join(texts) or fallback


class FhirClient:
    """A FHIR REST client for uploads: base URL, auth, TLS, timeouts and retries in one place.

    ``transport`` and ``sleep`` are injectable so that retry logic can be tested without a server.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        basic: tuple[str, str] | None = None,
        timeout: float = 60.0,
        verify: bool | str = True,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[int, str, float], None] | None = None,
    ) -> None:
        if token and basic:
            raise ValueError("use either a bearer token or basic auth, not both")
        token = clean_secret(token, "token") if token else None
        if basic:
            basic = (clean_secret(basic[0], "user name"), clean_secret(basic[1], "password"))
        self._secrets = _secret_forms(token, basic)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.display_url = redact_url(self.base_url)
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._on_retry = on_retry
        headers = {"Accept": FHIR_JSON, "User-Agent": "fhirconv-upload"}
        auth: httpx.Auth | None = httpx.BasicAuth(*basic) if basic else None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers=headers,
            auth=auth,
            timeout=timeout,
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> FhirClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- requests -------------------------------------------------------------------------------------

    def transaction(self, bundle: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
        """POST a transaction (or batch) Bundle to the base URL; the response Bundle."""
        return self.request_json("POST", "", json=bundle, source=source)

    def request_json(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        source: str | None = None,
    ) -> dict[str, Any]:
        """One FHIR interaction with retries; the JSON body of a 2xx answer, or a typed error."""
        response = self._send(method, path, json=json, params=params, source=source)
        try:
            body = strictjson.loads(response.content, source or "server answer")
        except MalformedInputError as exc:
            raise ServerRejectedError(
                f"server answered {response.status_code} with a body that is not FHIR JSON: {exc.message}",
                status=response.status_code,
                source=source,
            ) from exc
        if not isinstance(body, dict):
            raise ServerRejectedError(
                "server answered with JSON that is not a resource", status=response.status_code, source=source
            )
        return body

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        params: Mapping[str, str] | None,
        source: str | None,
    ) -> httpx.Response:
        headers = {"Content-Type": FHIR_JSON} if json is not None else None
        if method == "GET":  # searches must see the current state, not HAPI's cached result of a minute ago
            headers = {"Cache-Control": "no-cache"}
        attempt = 0
        while True:
            try:
                response = self._exchange(method, path, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                # Connection refused/reset, TLS failure, timeout: the answer may be lost, so try again.
                reason = self.redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
                if attempt >= self.retry.retries or isinstance(exc, httpx.UnsupportedProtocol):
                    raise TransportError(
                        f"{method} {self._where(path)} failed after {attempt + 1} "
                        f"tries: {redact_url(reason)}",
                        source=source,
                    ) from exc
                self._wait(attempt, reason, None)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retry.retries:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                response.close()
                self._wait(attempt, f"HTTP {response.status_code}", retry_after)
                attempt += 1
                continue
            if response.is_success:
                return response
            self._raise_for(response, method, path, source)

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        params: Mapping[str, str] | None,
        headers: dict[str, str] | None,
    ) -> httpx.Response:
        """One request whose whole exchange (connect, send, every byte of the answer) fits in
        ``timeout`` seconds: httpx's timeouts bound each socket operation, so a server trickling its
        answer a byte at a time would otherwise hold a request open indefinitely."""
        deadline = time.monotonic() + self.timeout
        # FHIR decimals travel as Decimal and are sent with their digits ("2.40", not 2.4)
        content = dumps_json(json, indent=None).encode("utf-8") if json is not None else None
        with self._client.stream(
            method, path.lstrip("/"), content=content, params=params, headers=headers
        ) as response:
            if response.is_stream_consumed:  # answered from memory (a mock transport): nothing to wait for
                return response
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():  # still encoded: the new Response decodes it
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(
                        f"no complete answer within {self.timeout:g} s", request=response.request
                    )
                if size > MAX_ANSWER_BYTES:
                    raise ServerRejectedError(
                        f"server answer larger than {MAX_ANSWER_BYTES} bytes",
                        status=response.status_code,
                    )
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(
                    f"no complete answer within {self.timeout:g} s", request=response.request
                )
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=b"".join(chunks),
                request=response.request,
                extensions={"reason_phrase": response.reason_phrase.encode("ascii", "replace")},
            )

    def redact(self, text: str) -> str:
        """``text`` with every spelling of the credentials replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _redact_tree(self, node: Any) -> Any:
        if isinstance(node, str):
            return self.redact(node)
        if isinstance(node, dict):
            return {k: self._redact_tree(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._redact_tree(v) for v in node]
        return node

    def _where(self, path: str) -> str:
        return f"{self.display_url}/{path.lstrip('/')}".rstrip("/")

    def _wait(self, attempt: int, reason: str, retry_after: float | None) -> None:
        delay = self.retry.delay(attempt, retry_after)
        if self._on_retry is not None:
            self._on_retry(attempt + 1, reason, delay)
        self._sleep(delay)

    def _raise_for(self, response: httpx.Response, method: str, path: str, source: str | None) -> None:
        outcome: dict[str, Any] | None = None
        try:
            body = strictjson.loads(response.content, "server answer")
            if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
                outcome = self._redact_tree(body)  # a server may echo the Authorization header back
        except MalformedInputError:
            pass
        status = response.status_code
        reason = response.reason_phrase or httpx.codes.get_reason_phrase(status)
        where = f"{method} {self._where(path)}"
        if status in (401, 403):
            raise AuthError(
                f"{where}: HTTP {status} {reason} (check --token/--basic)",
                source=source,
                detail=outcome,
            )
        text = self.redact(outcome_message(outcome, (response.text or "").strip()[:500] or reason))
        raise ServerRejectedError(
            f"{where}: HTTP {status} {reason}: {text}",
            status=status,
            outcome=outcome,
            source=source,
        )
