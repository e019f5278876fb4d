"""The ``fhirconv validate`` input path's shortcuts decide as the long way does.

- ``strictjson._fast``: orjson's value is returned only when it is exactly (types and float bits included)
  what the hooked ``json.loads`` gives, and every input it refuses or cannot decide gets today's error;
  a text that is orjson's own indented dump of its value (plus trailing whitespace) is decided by that
  comparison alone;
- ``strictjson``: a text that cannot hold a lone surrogate is checked for depth only
  (``_check_depth``); on any JSON text, the error (or none) is the one the full walk gives;
- ``_looks_ndjson`` reads the first three non-blank lines instead of splitting the whole file, and stops
  at the first that is not an object;
- ``_real_key`` resolves each folder once, and a symlinked file on its own, like ``Path.resolve``;
  ``_expand`` stats a file named directly once (``lstat``: not a folder, not a symlink) and names,
  dedupes and orders its inputs as the ``Path`` way did;
- ``validate_paths`` names, sniffs and stats its inputs with strings instead of ``Path`` objects:
  ``_path_name``, ``_suffix``, ``_is_dir``, ``_first_byte`` and ``_sniff`` decide as the Path and
  ``lstrip`` ways did; a text whose first line is ``{`` alone is sniffed by its suffix only;
- ``_read`` gives what ``open(path, "rb", buffering=0).read()`` gives (bytes, or an ``OSError`` of the
  same kind and message).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import shared_json_files

from fhirconv import strictjson
from fhirconv.errors import MalformedInputError
from fhirconv.validate import (
    _expand,
    _first_byte,
    _is_dir,
    _looks_ndjson,
    _path_name,
    _read,
    _real_key,
    _sniff,
    _suffix,
)


def _outcome(text: str | bytes) -> str | None:
    try:
        strictjson.loads(text, "t")
    except MalformedInputError as exc:
        return exc.message
    return None


def _long_way(text: str | bytes) -> str | None:
    """strictjson.loads with the full walk on every value (as before the shortcut)."""
    saved, saved_fast = strictjson._surrogates_possible, strictjson._fast
    strictjson._surrogates_possible = lambda _text: True
    strictjson._fast = lambda _text: strictjson._UNDECIDED
    try:
        return _outcome(text)
    finally:
        strictjson._surrogates_possible, strictjson._fast = saved, saved_fast


def _short_way(text: str | bytes) -> str | None:
    return _outcome(text)


_PIECES = st.sampled_from(
    [
        '"a"',
        '"\\ud800"',
        '"\\uD83D\\uDE00"',
        '"\\\\ud800"',
        '"\\udc00x"',
        "1",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"k"',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_surrogate_and_depth_verdicts_agree(pieces: list[str]) -> None:
    text = "".join(pieces)
    for form in (text, text.encode("utf-8", "surrogatepass")):
        assert _short_way(form) == _long_way(form), form


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('{"a": "\\ud800"}', True),
        ('{"\\udfff": 1}', True),
        (b'{"a": "\xed\xa0\x80"}', True),
        ('{"a": "\ud800"}', True),
        ("[" * 101 + "]" * 101, True),
        ('{"a": ' + "[" * 100 + "]" * 100 + "}", True),
        ("[" * 100 + "]" * 100, False),
        ('"plain"', False),
        ("5", False),
        ('{"a": "\\ud83d\\ude00"}', False),
        ('{"a": "\\\\ud800"}', False),
    ],
)
def test_written_cases_agree(text: str | bytes, refused: bool) -> None:
    forms: list[str | bytes] = [text]
    if isinstance(text, str) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        forms.append(text.encode("utf-8"))
    for form in forms:
        assert _short_way(form) == _long_way(form), form
        assert (_short_way(form) is not None) == refused, form


def _ndjson_long_way(data: bytes) -> bool:
    lines = [ln for ln in data.strip().splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    return all(ln.lstrip().startswith(b"{") and ln.rstrip().endswith(b"}") for ln in lines[:3])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"{", b"}", b"x", b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x0b", b"\x0c"]), max_size=25
    )
)
def test_ndjson_sniffing_agrees(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert _looks_ndjson(data) == _ndjson_long_way(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{}\n{}\nx", False),
        (b"{}\n{}\n{}\nx", True),
        (b"{}\nx\n{}", False),
        (b"{}", False),
        (b" {} \r\n\x0b\r{}", True),
        (b"\n\n{a}\r\r{b}\n\t\n{c} \n", True),
        (b"{\n}\n", False),
        (b"\n" * 100_000 + b"{}\r{}", True),
        (b" \t\x0b" * 50_000 + b"{}\n{}", True),
        (b"{" + b"x" * 100_000 + b"}\r\n {} \n", True),
        (b"{" + b"x" * 100_000 + b"}\r", False),
        (b"{}\x0b{}\n{}", True),
        (b"{}\n{}\r{\r}", False),
        (b"{}\n{\r}", False),
    ],
)
def test_ndjson_written_cases(data: bytes, expected: bool) -> None:
    assert _looks_ndjson(data) == _ndjson_long_way(data) == expected


def test_real_key_is_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.json").write_text("{}")
    (real / "b.json").write_text("{}")
    os.symlink(real, tmp_path / "linked")
    os.symlink(real / "a.json", real / "alias.json")
    monkeypatch.chdir(real)
    paths = [
        str(real / "a.json"),
        str(tmp_path / "linked" / "a.json"),
        str(real / "alias.json"),
        str(tmp_path / "linked" / "alias.json"),
        str(real / "missing.json"),
        str(tmp_path / "linked" / ".." / "real" / "b.json"),
        str(real / "."),
        "relative.json",
        "a.json",
        "/",
        "/etc",
        "//etc/hostname",
        "..",
        "../real/b.json",
    ]
    folders: dict[str, str] = {}
    for p in paths:
        name = _path_name(p)
        assert _real_key(name, folders) == str(Path(p).resolve()), p
    assert len({_real_key(p, folders) for p in paths[:4]}) == 1  # the same file four ways


def _expand_long_way(items: list[str]) -> list[tuple[str, str | None, str]]:
    """What ``_expand`` gave with ``Path`` objects: ``is_dir``, ``rglob``/``glob``, ``resolve`` per file."""
    import glob

    out: list[tuple[str, str | None, str]] = []
    seen: set[str] = set()
    for item in items:
        if item == "-":
            out.append(("<stdin>", None, ""))
            continue
        path = Path(item)
        if path.is_dir():
            found = [
                str(q)
                for q in sorted(
                    q
                    for q in path.rglob("*")
                    if q.is_file() and q.suffix.lower() in (".json", ".ndjson", ".xml")
                )
            ]
        elif any(ch in item for ch in "*?["):
            found = [
                str(q) for q in sorted(Path(g) for g in glob.glob(item, recursive=True) if Path(g).is_file())
            ]
        else:
            found = [str(path)]
        for file in found:
            key = str(Path(file).resolve())
            if key not in seen:
                seen.add(key)
                out.append((file, file, Path(file).suffix.lower()))
    return out


def test_expand_is_the_path_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    for name in ("a.json", "b.JSON", "c.ndjson", "d.xml", "e.txt", "sub/f.json"):
        (real / name).write_text("{}")
    os.symlink(real, tmp_path / "linked")
    os.symlink(real / "a.json", real / "alias.json")
    os.symlink(real / "missing.json", real / "dangling.json")
    os.symlink(real / "sub", real / "sublink")
    monkeypatch.chdir(real)
    items = [
        "a.json",
        "./a.json",
        "alias.json",
        str(tmp_path / "linked" / "a.json"),
        str(tmp_path / "linked" / "alias.json"),
        "b.JSON",
        "dangling.json",
        "missing.json",
        "e.txt",
        "sub/f.json",
        "sublink/f.json",
        "sublink",
        "sub/",
        "*.json",
        "-",
        str(real),
        str(tmp_path / "linked") + "//c.ndjson",
        "../real/d.xml",
    ]
    for chosen in (items, items[::-1], items[5:] + items[:5]):
        assert list(_expand(chosen)) == _expand_long_way(chosen), chosen
    assert (
        len(_expand_long_way(items)) == 8
    )  # a.json named five ways, dangling.json and missing.json: one each


_PATH_PARTS = st.sampled_from(["a", "b.json", ".", "..", "/", "//", "x.NDJSON", ".xml", "c.", "..xml", " "])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PATH_PARTS, max_size=8))
def test_path_name_and_suffix_are_paths(parts: list[str]) -> None:
    item = "".join(parts)
    name = _path_name(item)
    assert name == str(Path(item)), item
    assert _suffix(name) == Path(name).suffix.lower(), name


def test_is_dir_is_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "f.json").write_text("{}")
    (tmp_path / "d").mkdir()
    os.symlink(tmp_path / "d", tmp_path / "dlink")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    monkeypatch.chdir(tmp_path)
    items = ["f.json", "d", "d/", "dlink", "loop", "missing", "f.json/x", ".", "", "a\x00b", str(tmp_path)]
    verdicts = [_is_dir(_path_name(i)) for i in items]
    assert verdicts == [Path(i).is_dir() for i in items]
    assert verdicts.count(True) == 6  # d, d/, dlink, ".", "" (Path makes it ".") and the folder itself


_BYTES = st.sampled_from(
    [b"{", b"}", b"<", b"x", b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x0b", b"\x0c", b"\xef\xbb\xbf", b"\xef"]
)


def _sniff_long_way(data: bytes, suffix: str) -> tuple[bytes, bool, bool]:
    """What validate_paths decided before: the whole-file strips and the old ``_looks_ndjson``."""
    ndjson = suffix == ".ndjson" or _ndjson_long_way(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    xml = suffix == ".xml" or data.lstrip()[:1] == b"<"
    return data, ndjson and not xml, xml


@settings(max_examples=1500, deadline=None)
@given(st.lists(_BYTES, max_size=25), st.sampled_from(["", ".json", ".ndjson", ".xml"]))
def test_sniffing_agrees(parts: list[bytes], suffix: str) -> None:
    data = b"".join(parts)
    assert _first_byte(data) == data.lstrip()[:1]
    assert _sniff(data, suffix) == _sniff_long_way(data, suffix), (data, suffix)


@pytest.mark.parametrize("suffix", ["", ".json", ".ndjson", ".xml", ".txt"])
@pytest.mark.parametrize(
    "data",
    [
        b"{\n}",
        b"{\r\n}",
        b"{\r}",
        b'{\n  "a": 1\n}\n{"b": 2}\n{"c": 3}\n',
        b'{\n}\n{"a": 1}\n{"b": 2}',
        b"{\n<x/>",
        b"{\n\xef\xbb\xbf{}",
        b"{\n",
        b"{\r\n{}\r\n{}",
    ],
)
def test_sniffing_of_an_opening_line_agrees(data: bytes, suffix: str) -> None:
    """The shortcut for a first line ``{`` alone (every indented JSON file) against the long way."""
    assert _sniff(data, suffix) == _sniff_long_way(data, suffix)


def _read_long_way(path: str) -> bytes | tuple[type, int | None, str | None]:
    try:
        with open(path, "rb", buffering=0) as fh:
            return fh.read()
    except OSError as exc:
        return type(exc), exc.errno, exc.strerror


def _read_short_way(path: str) -> bytes | tuple[type, int | None, str | None]:
    try:
        return _read(path)
    except OSError as exc:
        return type(exc), exc.errno, exc.strerror


def test_read_is_the_file_objects_read(tmp_path: Path) -> None:
    """Every shared JSON file, an empty file, a large one, a FIFO (its size is 0 to ``fstat``: read to
    its end), a folder, a missing file and an unreadable one read as the file object reads them."""
    paths = [str(p) for p in shared_json_files()]
    assert paths
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "big.json").write_bytes(b'{"a": "' + b"x" * (3 << 20) + b'"}')
    locked = tmp_path / "locked.json"
    locked.write_bytes(b"{}")
    locked.chmod(0)
    paths += [str(tmp_path / n) for n in ("empty.json", "big.json", "missing.json", "locked.json")]
    paths.append(str(tmp_path))
    for path in paths:
        assert _read_short_way(path) == _read_long_way(path), path
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    body = b'{"resourceType": "Patient"}' * 50_000  # longer than a pipe's buffer: several reads
    for reader in (_read, _read_long_way):
        pid = os.fork()
        if pid == 0:  # the writer
            try:
                with open(fifo, "wb") as fh:
                    fh.write(body)
            finally:
                os._exit(0)
        assert reader(str(fifo)) == body
        os.waitpid(pid, 0)


def _typed(value: Any) -> Any:
    """A form equal only for values equal in structure, key order, types and float bits."""
    if isinstance(value, dict):
        return ("d", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("l", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _slow(text: str | bytes) -> Any:
    """(typed value, None) or (None, error message) from the hooked json.loads alone."""
    saved = strictjson._fast
    strictjson._fast = lambda _text: strictjson._UNDECIDED
    try:
        return _typed(strictjson.loads(text, "t")), None
    except MalformedInputError as exc:
        return None, exc.message
    finally:
        strictjson._fast = saved


def _both(text: str | bytes) -> Any:
    try:
        return _typed(strictjson.loads(text, "t")), None
    except MalformedInputError as exc:
        return None, exc.message


_JSON_PIECES = st.sampled_from(
    [
        *('"a"', '"b"', '"a:b"', '":"', '"\\u003a"', '"\\u003A"', '"x\\"', '"\\\\"', '"\\"a"'),
        *('"\\ud800"', '"\\uD83D\\uDE00"', '"\\udc00\\ud800"', '"\\n"', '"\t"', '"\u00e9"'),
        *("0", "-0", "-0.0", "1", "01", "1.", ".5", "1.5", "1e5", "1E+2", "-1e-400", "1e309", "-1e309"),
        *("2.2250738585072011e-308", "4.9e-324", "9007199254740993", "0.1", "1.7976931348623157e308"),
        *("9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616"),
        *(
            "1" * 19,
            "1" * 30,
            "1" * 31,
            "1." + "1" * 40,
            "1.00000000000000011102230246251565404236316680908203125",
        ),
        *("NaN", "Infinity", "-Infinity", "true", "false", "null", "nul"),
        *("[", "]", "{", "}", ",", ":", " ", "\n", "\ufeff", "\x00", "\x0c"),
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_JSON_PIECES, max_size=40))
def test_fast_path_equals_hooked_parser_on_pieces(pieces: list[str]) -> None:
    text = "".join(pieces)
    for form in (text, text.encode("utf-8", "surrogatepass")):
        assert _both(form) == _slow(form), form


_KEYS = st.sampled_from(["a", "b", "a:b", ":", "\u00e9", ""])
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
)


@st.composite
def _objects_text(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON text of an object or array, with duplicate keys and nesting drawn, escapes in strings."""
    if depth > 4 or draw(st.booleans()):
        leaf = draw(_LEAVES)
        if isinstance(leaf, str):
            return json.dumps(leaf, ensure_ascii=draw(st.booleans()))
        return json.dumps(leaf)
    children = draw(st.lists(_objects_text(depth + 1), max_size=4))
    if draw(st.booleans()):
        return "[" + ",".join(children) + "]"
    keys = draw(st.lists(_KEYS, min_size=len(children), max_size=len(children)))
    return "{" + ",".join(f"{json.dumps(k)}:{c}" for k, c in zip(keys, children, strict=True)) + "}"


@settings(max_examples=1500, deadline=None)
@given(_objects_text(), st.integers(min_value=0, max_value=110))
def test_fast_path_equals_hooked_parser_on_documents(text: str, wrap: int) -> None:
    for form in (text, "[" * wrap + text + "]" * wrap, '{"k":' * wrap + text + "}" * wrap):
        assert _both(form) == _slow(form), form[:200]
        assert _both(form.encode("utf-8")) == _slow(form.encode("utf-8")), form[:200]


def test_fast_path_equals_hooked_parser_on_shared_json() -> None:
    files = shared_json_files()
    decided = 0
    for p in files:
        data = p.read_bytes()
        assert _both(data) == _slow(data), p
        decided += strictjson._fast(data) is not strictjson._UNDECIDED
    assert decided > len(files) // 2  # the fast path is taken, not only its fallback


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 1}',
        '{"a:b": 1, "a:b": 2}',
        '{"x": {"a": [1], "a": [1]}}',
        '{"a": "\\u003a", "a": 1}',
        '{"a": 1, "a": "\\u003a"}',
        '{"a": 1, "a": {"\\u003A": 2}}',
        '{"\\u003a": 1, "\\u003a": 2, ":": 3}',
        "[" + "1" * 19 + "]",
        "[" + "1" * 31 + "]",
        "[1e400]",
        "[NaN]",
        '["\\ud800"]',
        "[" * 101 + "]" * 101,
        "[" * 300 + "]" * 300,
        "[" * 100 + "]" * 100,
        '{"a": 1}',
    ],
)
def test_fast_path_written_cases(text: str) -> None:
    assert _both(text) == _slow(text)
    assert _both(text.encode()) == _slow(text.encode())


_DUMPED = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.sampled_from([10**18, -(10**18), 2**63, 2**64 - 1, -(2**63), 1.8446744073709552e19, 1e300, -0.0])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(["a:b", ":", "\u003a", '"', "\\", "\n\t\x00\x1f", "\U0001f600", "</x>"]),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=3), kids, max_size=4),
    max_leaves=30,
)


@settings(max_examples=1500, deadline=None)
@given(_DUMPED, st.sampled_from([b"", b"\n", b"\r\n", b" \n\t ", b"\n\n"]), st.integers(0, 110))
def test_orjson_indented_text_agrees_with_hooked_parser(value: Any, tail: bytes, wrap: int) -> None:
    """The memcmp shortcut: a text that is orjson's indented dump of its own value, at any depth."""
    for v in (value, [value], {"k": value}):
        for _ in range(wrap):
            v = [v]
        data = orjson.dumps(v, option=orjson.OPT_INDENT_2) + tail
        assert _both(data) == _slow(data), data[:200]
        assert _both(data.decode("utf-8")) == _slow(data.decode("utf-8")), data[:200]


def test_orjson_indented_text_is_decided_by_the_comparison() -> None:
    """Texts the three checks leave undecided (19-digit runs, a ``\\u003a`` in the value written as
    ``:``) are decided when the text is the dump; one edit away from the dump, they are not."""
    value = {"a": 10**18, "b": [1.8446744073709552e19, "x:y"], "c": {"d": "1" * 25}}
    data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    for text in (data, data + b"\n", data.decode("utf-8")):
        assert strictjson._fast(text) == value
        assert _both(text) == _slow(text)
    for text in (data.replace(b"  ", b"   "), data.replace(b'"a": ', b'"a":'), b" " + data):
        assert strictjson._fast(text) is strictjson._UNDECIDED
        assert _both(text) == _slow(text)


@pytest.mark.parametrize(
    "text",
    [
        b'{\n  "a": 1,\n  "a": 1\n}',
        b'{\n  "a": 1,\n  "a": 2\n}',
        b'{\n  "a": 1\n}\n{\n  "a": 1\n}',
        b'{\n  "a": 1\n}\n,',
        b'{\n  "a": 1\n}x',
        b'{\n  "a": 1\n}\x00',
        b'{\n  "a": 1\n}\x0c',
        b'{\n  "a": 18446744073709551616\n}',
        b'{\n  "a": ' + b"1" * 31 + b"\n}",
        b'{\n  "a": 1e400\n}',
        b'{\n  "a": NaN\n}',
        b'{\n  "a": "\\ud800"\n}',
        b'{\n  "a": "\xed\xa0\x80"\n}',
        b'\xef\xbb\xbf{\n  "a": 1\n}',
        b'{\n  "a": "\xff"\n}',
        b"[\n  1.0\n]",
        b"[\n  1.50\n]",
    ],
)
def test_indented_hostile_cases_agree(text: bytes) -> None:
    assert _both(text) == _slow(text), text
