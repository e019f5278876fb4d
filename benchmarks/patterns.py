#!/usr/bin/env python3
"""Time spent inside each extraction pattern's search, finditer and findall, as the code calls them.

Every pattern the extractor's set-up compiles (``re.compile`` called from ``fhirconv/extract/``) is handed
out wrapped in a proxy that times those calls (CPU time, time.process_time), then every dev text of both
corpora is extracted once after a warm-up. Prints the total and the costliest patterns, with where each
was compiled and whether the regex engine has a prefix to jump by ("lit", "set") or tries it at every
character ("-"): the list that showed which word-start patterns to rewrite (fhirconv/wordstart.py).
Figures, not pass/fail; the proxy adds a constant per call, the same before and after a change.

usage: python benchmarks/patterns.py [--top 40] [corpus dir ...]
"""

from __future__ import annotations

import argparse
import collections
import importlib
import re
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "corpora"

_parser: Any = importlib.import_module("re._parser")
_compiler: Any = importlib.import_module("re._compiler")
_clock = time.process_time
_stats: dict[tuple[str, int], list[float]] = collections.defaultdict(lambda: [0.0, 0, 0])
_sites: dict[tuple[str, int], str] = {}
_compile = re.compile


class _Timed:
    """A compiled pattern whose searches are timed; everything else is the pattern's own."""

    __slots__ = ("_key", "_p")

    def __init__(self, p: re.Pattern[str], key: tuple[str, int]) -> None:
        self._p, self._key = p, key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._p, name)

    def search(self, *a: Any) -> re.Match[str] | None:
        t = _clock()
        m = self._p.search(*a)
        s = _stats[self._key]
        s[0] += _clock() - t
        s[1] += 1
        s[2] += m is not None
        return m

    def findall(self, *a: Any) -> list[Any]:
        t = _clock()
        got = self._p.findall(*a)
        s = _stats[self._key]
        s[0] += _clock() - t
        s[1] += 1
        s[2] += len(got)
        return got

    def finditer(self, *a: Any) -> Iterator[re.Match[str]]:
        it = self._p.finditer(*a)
        s = _stats[self._key]
        s[1] += 1
        while True:
            t = _clock()
            m = next(it, None)
            s[0] += _clock() - t
            if m is None:
                return
            s[2] += 1
            yield m


def _timed_compile(pattern: Any, flags: int = 0) -> Any:
    if isinstance(pattern, _Timed):
        return pattern
    compiled = _compile(pattern, flags)
    if not isinstance(pattern, str):
        return compiled
    for frame in reversed(traceback.extract_stack()[:-1]):
        if "/fhirconv/" in frame.filename and not frame.filename.endswith(
            ("/fhirconv/text.py", "/fhirconv/wordstart.py")
        ):
            site = f"{frame.filename.split('/fhirconv/')[1]}:{frame.lineno}"
            break
    else:
        return compiled
    if not site.startswith("extract/"):
        return compiled
    key = (pattern, int(flags))
    _sites[key] = site
    return _Timed(compiled, key)


def _prefix(src: str, flags: int) -> str:
    parsed = _parser.parse(src, flags)
    if _compiler._get_literal_prefix(parsed, flags)[0]:
        return "lit"
    return "set" if _compiler._get_charset_prefix(parsed, flags) else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("corpora", nargs="*", type=Path)
    args = ap.parse_args()
    dirs = args.corpora or [SHARED / "maccrobat2020" / "dev", SHARED / "e3c-en-layer1" / "dev"]
    files = [f for d in dirs for f in sorted(d.glob("*.txt"))]
    if not files:
        sys.exit(f"no .txt files in {', '.join(map(str, dirs))}")
    re.compile = _timed_compile  # type: ignore[assignment]
    from fhirconv.pipeline import Converter, ConvertOptions
    from fhirconv.readers import read_path

    conv = Converter(ConvertOptions())
    docs = [read_path(f) for f in files]
    for d in docs[:5]:
        conv.extractor.extract(d)
    _stats.clear()
    for d in docs:
        conv.extractor.extract(d)
    re.compile = _compile
    rows = sorted(((v, k) for k, v in _stats.items()), key=lambda r: -r[0][0])
    total = sum(v[0] for v, _ in rows)
    print(f"{len(files)} texts; time in extraction searches {total * 1000:.0f} ms CPU")
    print("     ms   calls  found prefix  compiled at                       pattern")
    for (dt, calls, found), key in rows[: args.top]:
        head = f"{dt * 1000:7.1f} {int(calls):7d} {int(found):6d} {_prefix(*key):6s}"
        print(f"{head}  {_sites[key]:32s}  {key[0][:70]!r}")


if __name__ == "__main__":
    main()
