"""``fhirconv --help`` from the help cache (fhirconv.cli.helpcache): the same bytes as the app prints,
without importing Typer; never served when what rendered it changed, for another width or other
arguments, or from a damaged file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fhirconv.cli import helpcache
from fhirconv.mapping import user_cache_dir

ROOT = Path(__file__).resolve().parents[2]

# run main() as the program does; report on stderr whether Typer was imported
_PROG = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('TYPER=%s\\n' % ('typer' in sys.modules)))\n"
    "sys.argv[0] = 'fhirconv'\n"
    "from fhirconv.cli.app import main\n"
    "main()\n"
)


def _help(cache: Path, *args: str, columns: str = "100") -> tuple[str, bool, int]:
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "HOME": str(cache),
        "FHIRCONV_CACHE_DIR": str(cache),
        "COLUMNS": columns,
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROG, *(args or ("--help",))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return done.stdout, "TYPER=True" in done.stderr, done.returncode


def test_cached_help_is_the_apps_help(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    plain, typer_loaded, code = _help(blocked / "no-cache")  # the cache cannot be written: the app
    assert code == 0 and typer_loaded and "Usage: fhirconv [OPTIONS] COMMAND" in plain
    first, typer_loaded, code = _help(tmp_path)  # rendered by the app, then kept
    assert code == 0 and typer_loaded and first == plain
    assert (tmp_path / "help.marshal").is_file()
    again, typer_loaded, code = _help(tmp_path)  # from the cache
    assert code == 0 and not typer_loaded and again == plain
    # another terminal width: rendered afresh, and the same as the app renders it
    narrow, typer_loaded, _ = _help(tmp_path, columns="60")
    narrow_plain, _, _ = _help(blocked / "no-cache", columns="60")
    assert typer_loaded and narrow == narrow_plain != plain
    assert _help(tmp_path, columns="60")[:2] == (narrow_plain, False)
    # other arguments never use it
    sub, typer_loaded, _ = _help(tmp_path, "convert", "--help")
    assert typer_loaded and "Usage: fhirconv convert" in sub


def test_changed_file_or_damage_means_no_text(tmp_path: Path) -> None:
    watched = tmp_path / "module.py"
    watched.write_text("x = 1\n")
    request = helpcache.HelpRequest("key", tmp_path / "help.marshal")
    stamp = helpcache._stamp(str(watched))
    assert stamp is not None
    import marshal
    import zlib

    def write(rows: Any) -> None:
        payload = marshal.dumps(rows)
        (tmp_path / "help.marshal").write_bytes(
            helpcache._MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload
        )

    write({"key": ((stamp,), "Usage: x\n")})
    assert request.cached() == "Usage: x\n"
    assert helpcache.HelpRequest("other key", tmp_path / "help.marshal").cached() is None
    os.utime(watched, ns=(stamp[1] + 1, stamp[1] + 1))  # same size, another modification time
    assert request.cached() is None
    write({"key": ((stamp,), "Usage: x\n")})
    watched.write_text("x = 22\n")
    assert request.cached() is None
    watched.unlink()
    assert request.cached() is None
    write({"key": ((), "Usage: x\n")})  # nothing to check it against: never served
    assert request.cached() is None
    blob = bytearray((tmp_path / "help.marshal").read_bytes())
    blob[-3] ^= 0xFF
    (tmp_path / "help.marshal").write_bytes(bytes(blob))
    assert helpcache._read(tmp_path / "help.marshal") == {}


def test_only_a_plain_help_request(monkeypatch: pytest.MonkeyPatch) -> None:
    assert helpcache.HelpRequest.of_this_process(["fhirconv"]) is None
    assert helpcache.HelpRequest.of_this_process(["fhirconv", "convert", "--help"]) is None
    assert helpcache.HelpRequest.of_this_process(["fhirconv", "--help", "--version"]) is None
    request = helpcache.HelpRequest.of_this_process(["fhirconv", "--help"])
    assert request is not None and request.path.parent == user_cache_dir()
    # another module search path (another checkout first, say): another key
    monkeypatch.setattr(sys, "path", ["/elsewhere/checkout", *sys.path])
    other = helpcache.HelpRequest.of_this_process(["fhirconv", "--help"])
    assert other is not None and other.key != request.key
