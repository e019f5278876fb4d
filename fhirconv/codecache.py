"""An on-disk cache of the code ``dataclasses`` compiles, for the command line's cold start.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__setattr__`` ... as source
text and compiles it with ``exec``: importing what one conversion needs defines some 80 dataclasses, some
450 small compiles, a sixth of a cold ``fhirconv convert`` of one file on a slow host (~0.07-0.1 s CPU).
The code compiled from a text depends only on that text and the interpreter, so it can be kept between
runs: while :meth:`CodeCache.hooked` is open, the ``exec`` that ``dataclasses`` calls (a module global
shadowing the builtin) looks the text up here and runs the code compiled from exactly that text, or
compiles it as ``exec`` would and notes it; :meth:`CodeCache.save` writes what was new.

Exactly the same functions: a text is served only under its exact self (a changed class writes another
text, which is simply not found), compiled the way ``exec`` compiles a string from ``dataclasses`` (file
name ``<string>``, no inherited ``__future__`` flags: ``dataclasses`` has none), run with the same globals
and locals (when none are given, the caller's, as the builtin takes them). Any call that is not a
string goes to the builtin as it came.

One file per interpreter build (its cache tag, version and bytecode magic are in the name), a SHA-256 of
the contents checked before anything is unmarshalled, written to a temporary file and renamed; an absent,
damaged or foreign file, or a read-only cache folder, only means the code is compiled as usual. The file
is read at the first compile asked for, so a command that defines no class (``--help``) never reads it.
Only code texts reach the file (class definitions of the package and its libraries), never user input.
"""

from __future__ import annotations

import builtins
import contextlib
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

__all__ = ["CodeCache", "cache_file"]

_MAGIC = b"fhirconv-code-cache 1\n"
_MAX_ENTRIES = 4000  # a file gathering the classes of many versions starts over past this


def cache_file(folder: Path | None = None, *, purpose: str = "") -> Path:
    """This interpreter's cache file (``folder`` defaults to ``<user cache>/code``). ``purpose`` names a
    file of its own for one command's classes: the whole file is read and unmarshalled at the first
    class, so a command defining 80 classes (``validate``) should not read the 800 of every command."""
    if folder is None:
        from .cachedir import user_cache_dir

        folder = user_cache_dir() / "code"
    from importlib.util import MAGIC_NUMBER

    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{MAGIC_NUMBER.hex()}"
    return folder / (f"{tag}-{purpose}.marshal" if purpose else f"{tag}.marshal")


class CodeCache:
    """Code compiled from source texts, by exact text; see the module docstring."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.codes: dict[str, CodeType] | None = None  # read at the first compile asked for
        self.loaded = 0  # entries read from the file
        self.fresh: dict[str, CodeType] = {}  # compiled in this process, not in the file

    def _file(self) -> Path:
        return self.path if self.path is not None else cache_file()

    def _read(self) -> dict[str, CodeType]:
        """The file's entries; empty when there is no usable file. Never raises."""
        codes: dict[str, CodeType] = {}
        with contextlib.suppress(Exception):  # absent, damaged, foreign: compiled as usual
            import hashlib

            blob = self._file().read_bytes()
            head = len(_MAGIC)
            if blob[:head] == _MAGIC and hashlib.sha256(blob[head + 32 :]).digest() == blob[head : head + 32]:
                rows = marshal.loads(blob[head + 32 :])
                if isinstance(rows, dict):
                    codes = {k: v for k, v in rows.items() if type(k) is str and type(v) is CodeType}
        self.loaded = len(codes)
        return codes

    def compiled(self, source: str) -> CodeType:
        """The code ``exec(source)`` runs when called from a module without ``__future__`` flags."""
        codes = self.codes
        if codes is None:
            codes = self.codes = self._read()
        code = codes.get(source)
        if code is None:
            code = codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.fresh[source] = code
        return code

    @contextlib.contextmanager
    def hooked(self, module: ModuleType) -> Iterator[CodeCache]:
        """Inside the block, ``module``'s calls of ``exec`` on a string run cached code. A module that
        defines ``exec`` itself, or imports from ``__future__`` (its ``exec`` would compile with those
        flags), is left as it is."""
        import __future__

        namespace = vars(module)
        if "exec" in namespace or any(isinstance(v, __future__._Feature) for v in namespace.values()):
            yield self
            return

        def exec_(source: Any, globals: Any = None, locals: Any = None, /) -> None:
            if type(source) is str:
                source = self.compiled(source)
            if globals is None:  # the builtin's defaults are its caller's namespaces, not this frame's
                caller = sys._getframe(1)
                globals = caller.f_globals
                locals = caller.f_locals if locals is None else locals
            builtins.exec(source, globals, locals)

        module.exec = exec_  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            if namespace.get("exec") is exec_:
                del namespace["exec"]

    def save(self) -> bool:
        """Write the file when code was compiled that it lacked; True when written. Never raises."""
        if not self.fresh:
            return False
        tmp: Path | None = None
        try:
            import hashlib

            path = self._file()
            codes = self.codes or {}
            rows = codes if len(codes) <= _MAX_ENTRIES else self.fresh
            payload = marshal.dumps(dict(sorted(rows.items())))
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
            self.fresh = {}
            return True
        except Exception:  # a cache that cannot be written only costs the next start its compiles
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
            return False
