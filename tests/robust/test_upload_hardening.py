"""Issue 11: upload against misbehaving servers (a local server on 127.0.0.1 per test) and secrets.

Each server here answers in one bad way: malformed bodies, an answer trickled a byte at a time, an error
body echoing the Authorization header. Exit codes and messages are checked through the CLI."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from guards import finishes
from typer.testing import CliRunner

from fhirconv.cli.app import app

Answer = Callable[[BaseHTTPRequestHandler, bytes], None]

BUNDLE = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": "urn:uuid:5b0b51b8-3f3e-4f3c-8f52-9b0f5a1c2d3e",
            "resource": {
                "resourceType": "Patient",
                "identifier": [
                    {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:5b0b51b8-3f3e-4f3c-8f52-9b0f5a1c2d3e"}
                ],
            },
            "request": {
                "method": "POST",
                "url": "Patient",
                "ifNoneExist": "identifier=urn:ietf:rfc:3986|urn:uuid:5b0b51b8-3f3e-4f3c-8f52-9b0f5a1c2d3e",
            },
        }
    ],
}


@contextmanager
def server(answer: Answer) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.server.seen.append(dict(self.headers))  # type: ignore[attr-defined]
            with suppress(BrokenPipeError, ConnectionResetError):
                answer(self, body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/fhir"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "application/fhir+json") -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _upload(tmp_path: Path, url: str, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    src = tmp_path / "b.json"
    src.write_text(json.dumps(BUNDLE))
    r = CliRunner().invoke(
        app,
        ["upload", str(src), "--server", url, "--retries", "0", *extra],
        env={"COLUMNS": "1000", **(env or {})},
    )
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r.exit_code, r.output


MALFORMED = [
    b"<html>not json</html>",
    b"[1, 2, 3]",
    b'{"resourceType":"Bundle","type":"transaction-response","entry":[1]}',
    b'{"resourceType":"Bundle","type":"transaction-response","entry":[{"response":"x"}]}',
    b'{"resourceType":"Bundle","type":"transaction-response","entry":[{"response":{"status":NaN}}]}',
    b"[" * 5000 + b"]" * 5000,
]


def test_malformed_server_answers_exit_4(tmp_path: Path) -> None:
    for body in MALFORMED:
        with server(lambda h, _b, body=body: _send(h, 200, body)) as url:
            code, out = _upload(tmp_path, url)
        assert code == 4, (body[:60], out)


def test_timeout_bounds_a_trickling_answer(tmp_path: Path) -> None:
    def trickle(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/fhir+json")
        h.end_headers()
        for _ in range(600):  # 5 minutes if nobody stops reading
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.5)

    with server(trickle) as url:
        code, out = finishes(lambda: _upload(tmp_path, url, "--timeout", "2"), seconds=60)
    assert code == 4, out
    assert "within 2 s" in out


def test_token_with_trailing_cr_is_stripped_and_never_printed(tmp_path: Path) -> None:
    secret = "s3cr3t-T0KEN-value"
    seen: list[str] = []

    def reject(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        auth = h.headers.get("Authorization", "")
        seen.append(auth)
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": "invalid", "diagnostics": f"bad request; you sent {auth}"}
            ],
        }
        _send(h, 400, json.dumps(outcome).encode())

    with server(reject) as url:
        code, out = _upload(tmp_path, url, env={"FHIRCONV_TOKEN": secret + "\r\n"})
    assert code == 4, out
    assert seen == [f"Bearer {secret}"]
    assert secret not in out and "***" in out


def test_basic_password_echoed_in_a_plain_body_is_redacted(tmp_path: Path) -> None:
    def echo(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        _send(h, 500, f"oops: {h.headers.get('Authorization')}".encode(), "text/plain")

    with server(echo) as url:
        code, out = _upload(tmp_path, url, "--basic", "ann:pa55word-xyz")
    assert code == 4, out
    assert "pa55word-xyz" not in out
    assert "YW5uOnBhNTV3b3JkLXh5eg" not in out  # base64 of ann:pa55word-xyz


def test_token_with_a_control_character_inside_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _upload(tmp_path, "http://127.0.0.1:9/fhir", "--token", "abc\x07def")
    assert code == 2, out
    assert "abc" not in out
