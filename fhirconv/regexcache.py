"""An on-disk cache of compiled regular expressions, for the command line's cold start.

Building a converter compiles some 400 regular expressions (the rules' cue lists, the trie alternations
of the phrase lists, the readers' section patterns); Python's ``re`` parses and compiles each one in pure
Python, about a tenth of a second of every ``fhirconv convert`` of one file. The compiled form of a
pattern depends only on its text, its flags and the interpreter, so it can be kept between runs: this
module writes, for each pattern the set-up compiled, the ``_sre`` program ``re`` built for it, and on the
next start hands those programs back to ``re`` (through ``_sre.compile``, which checks each program) and
puts the patterns into ``re``'s own cache, so the set-up's ``re.compile`` calls find them there.

The cache is an optimisation, never a source of truth: one file per interpreter build (its version and
``_sre``'s magic number and code size are in the name, with the file format's version), a SHA-256 of
the contents checked on every read, written to a temporary file and renamed (concurrent writers each
write a whole file; the last rename wins), and any failure -- absent, corrupt, another layout of ``re``
internals, a read-only home -- only means the patterns are compiled as usual. A pattern is served from
the cache only under its exact text and flags, so a stale entry can never change a match: it is simply
not asked for. Only patterns compiled while the caller records (code and mapping files, never document
text) are written; see :class:`Recorder`. Used by the command line only: a library user builds one
converter per process and pays the compile once.

The same file's neighbour ``<interpreter>.texts`` keeps the pattern *texts* the set-up builds from
phrase lists (:func:`fhirconv.text.trie_alternation`: ~0.015 s of a cold start), through
:func:`remembered`: each by its exact inputs, under a digest of ``fhirconv/text.py`` and
``fhirconv/wordstart.py`` (the code that writes them), recorded only inside the same blocks as the
patterns.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .diskcache import mark_used, prune

__all__ = ["Recorder", "cache_file", "remembered", "warm"]

_MAGIC = b"fhirconv-regex-cache 2\n"
_FORMAT = 2  # in the file's name too: checkouts with the older format share the user cache
_DEBUG = 128  # re.DEBUG: such a pattern prints when compiled, and re never caches it
_MAX_ENTRIES = 2000  # a file gathering patterns of many mapping overlays starts over past this


def _sre() -> Any:
    import importlib

    return importlib.import_module("_sre")  # the C engine of ``re``; no type stubs


def cache_file(folder: Path | None = None, *, purpose: str = "") -> Path:
    """This interpreter's cache file (``folder`` defaults to ``<user cache>/regex``). ``purpose`` names
    a file of its own for one command's patterns: loading the cache compiles every pattern in the file,
    so a command that needs 40 patterns (``validate``) should not load the 1,000 of ``convert``."""
    if folder is None:
        from .cachedir import user_cache_dir

        folder = user_cache_dir() / "regex"
    sre = _sre()
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{sre.MAGIC}-{sre.CODESIZE}-f{_FORMAT}"
    return folder / (f"{tag}-{purpose}.bin" if purpose else f"{tag}.bin")


def _code_type() -> str:
    """The ``array`` type code of ``_sre``'s code words. A program is kept as those words' bytes: a list
    of ints unmarshals one int object at a time (the file's 550 programs: 6-7 ms of every cold start),
    bytes in one copy, turned back into the list ``_sre.compile`` takes by ``array.tolist``. ValueError
    when no type code has the code words' size (then nothing is cached)."""
    size = _sre().CODESIZE
    for code in "IL":
        if array(code).itemsize == size:
            return code
    raise ValueError(f"no array type for code words of {size} bytes")


def _re_cache() -> dict[Any, Any] | None:
    """``re``'s compiled-pattern cache, keyed ``(type(pattern), pattern, flags)`` from Python 3.7 to
    3.13; None when this interpreter's ``re`` keeps it otherwise (then nothing is cached)."""
    cache = getattr(re, "_cache", None)
    return cache if isinstance(cache, dict) else None


def _read(path: Path, magic: bytes = _MAGIC) -> list[tuple[Any, ...]] | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(magic)
    if blob[:head] != magic or hashlib.sha256(blob[head + 32 :]).digest() != blob[head : head + 32]:
        return None  # another format, or damaged
    try:
        rows = marshal.loads(blob[head + 32 :])
    except (ValueError, EOFError, TypeError):
        return None
    return rows if isinstance(rows, list) else None


def _write(path: Path, magic: bytes, rows: list[tuple[Any, ...]]) -> None:
    payload = marshal.dumps(rows)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(magic + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ pattern texts built by the set-up
_TEXTS: dict[Any, str] = {}  # loaded by Recorder.warm: exact inputs -> the text built from them
_FRESH: dict[Any, str] | None = None  # while a Recorder block is open: texts built in it


def remembered(key: tuple[Any, ...], make: Callable[[], str]) -> str:
    """``make()``, or the text a recorded set-up built from the same ``key`` (all of ``make``'s inputs,
    compared exactly) with the same code."""
    got = _TEXTS.get(key)
    if got is None:
        got = make()
        if _FRESH is not None:
            _FRESH[key] = got
    return got


def _texts_magic() -> bytes | None:
    """The texts file's header: its format and a digest of the code that builds the texts (None when
    that code cannot be read, e.g. from a zip: then no texts are cached)."""
    try:
        from . import text, wordstart

        code = Path(text.__file__).read_bytes() + Path(wordstart.__file__).read_bytes()
    except (OSError, TypeError, AttributeError):
        return None
    return b"fhirconv-texts 1 " + hashlib.sha256(code).hexdigest().encode() + b"\n"


_TEXTS_KEEP = 8  # texts files kept: one per version of the code that writes them (see _texts_file)


def _texts_file(patterns: Path | None, magic: bytes) -> Path:
    """The texts file of the code ``magic`` names. One file per version of that code: checkouts of
    several versions sharing one user cache (branches, an editable install beside a release) each find
    their own, instead of each rewriting one shared file the others then cannot use."""
    digest = magic.split()[-1][:16].decode("ascii", "replace")
    base = patterns or cache_file()
    return base.with_name(f"{base.stem}-{digest}.texts")


def warm(path: Path | None = None) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Put the cached patterns into ``re``'s cache; returns their file rows by cache key (empty when
    there is no usable cache). Never raises."""
    cache = _re_cache()
    if cache is None:
        return {}
    try:
        rows = _read(path or cache_file())
        if not rows:
            return {}
        compile_ = _sre().compile
        words = _code_type()
        loaded: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for row in rows[:_MAX_ENTRIES]:
            pattern, flags, final_flags, code, groups, groupindex, indexgroup = row
            key = (type(pattern), pattern, flags)  # (str or bytes: marshal keeps the type)
            if key in cache:
                continue
            # _sre.compile validates the program (RuntimeError on a malformed one)
            program = array(words, code).tolist()  # (TypeError unless bytes of whole words)
            compiled = compile_(pattern, final_flags, program, groups, groupindex, indexgroup)
            if compiled.pattern != pattern or compiled.groups != groups:
                continue
            cache[key] = compiled
            loaded[key] = tuple(row)
        # re drops its oldest entry when the cache is full (512 patterns): grown by what was put in,
        # the cached patterns stay until asked for and the rest of the process keeps its usual room
        size = getattr(re, "_MAXCACHE", None)
        if isinstance(size, int):
            re._MAXCACHE = size + len(loaded)  # type: ignore[attr-defined]
        return loaded
    except Exception:  # a cache in an unexpected shape only costs speed
        return {}


def _program(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` for ``pattern``."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (
        pattern,
        flags,
        flags | parsed.state.flags,
        code,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


class Recorder:
    """Notes the patterns compiled inside ``with recorder:`` blocks (several blocks add up), and writes
    them, with the still-cached ones loaded by :func:`warm`, when some were compiled afresh.

    The caller opens a block only around work that compiles patterns from code and mapping files --
    imports, building the converter -- never around reading a document, so no text of a document (or
    any other user input, such as a glob of file names) ever reaches the cache file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.loaded: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.compiled: set[tuple[Any, ...]] = set()
        self._before: set[Any] | None = None
        self.texts: dict[Any, str] = {}  # built inside the blocks (see ``remembered``)
        self.loaded_texts = 0

    def warm(self, *, texts: bool = True) -> Recorder:
        """Load the cached patterns and, with ``texts``, the cached pattern texts (see
        :func:`remembered`; ``fhirconv validate`` builds none)."""
        self.loaded = warm(self.path)
        if not texts:
            return self
        try:
            with self:  # (the modules it imports compile their patterns: recorded like the set-up's)
                magic = _texts_magic()
            if magic is not None:
                path = _texts_file(self.path, magic)
                rows = _read(path, magic)
                for row in (rows or [])[:_MAX_ENTRIES]:
                    key, text = row
                    if isinstance(key, tuple) and isinstance(text, str):
                        _TEXTS.setdefault(key, text)
                        self.loaded_texts += 1
                if rows:
                    mark_used(path)  # what prune keeps by
        except Exception:  # a file in an unexpected shape only costs speed
            pass
        return self

    def __enter__(self) -> Recorder:
        global _FRESH
        cache = _re_cache()
        self._before = set(cache) if cache is not None else None
        _FRESH = self.texts
        return self

    def __exit__(self, *exc: object) -> None:
        global _FRESH
        _FRESH = None
        cache = _re_cache()
        if cache is not None and self._before is not None:
            self.compiled.update(k for k in cache if k not in self._before)
        self._before = None

    def _save_texts(self) -> None:
        """Write the texts file when the blocks built texts it lacks (with those it had)."""
        if not self.texts:
            return
        magic = _texts_magic()
        if magic is None:
            return
        with contextlib.suppress(Exception):  # whatever fails, the texts are built as usual
            rows = (
                [(k, v) for k, v in _TEXTS.items()]
                if self.loaded_texts + len(self.texts) <= _MAX_ENTRIES
                else []
            )
            rows += [(k, v) for k, v in self.texts.items() if k not in _TEXTS]
            path = _texts_file(self.path, magic)
            _write(path, magic, sorted(rows, key=repr))
            prune(path.parent, ".texts", _TEXTS_KEEP)

    def save(self) -> bool:
        """Write the file when the recorded blocks compiled patterns it lacks; True when written. Never
        raises (a cache that cannot be written only costs speed)."""
        self._save_texts()
        fresh = [
            k
            for k in self.compiled
            if len(k) == 3 and k[0] in (str, bytes) and isinstance(k[2], int) and not k[2] & _DEBUG
        ]
        if not fresh:
            return False
        # the patterns loaded at the start stay (which of them were asked for is not known), unless the
        # file has grown past its bound: then it starts over with this run's patterns
        rows = list(self.loaded.values()) if len(self.loaded) + len(fresh) <= _MAX_ENTRIES else []
        tmp: Path | None = None
        try:
            path = self.path or cache_file()
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            words = _code_type()
            for _, pattern, flags in fresh:
                row = _program(pattern, flags)
                # the program must be the one re itself built (patterns compare by their code)
                if _sre().compile(row[0], *row[2:]) == re.compile(pattern, flags):
                    rows.append((*row[:3], array(words, row[3]).tobytes(), *row[4:]))
            rows.sort(key=lambda r: (isinstance(r[0], bytes), r[0], r[1]))  # str, then bytes
            payload = marshal.dumps(rows)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
            return True
        except Exception:  # see the docstring: whatever fails, the patterns are compiled as usual
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
            return False
