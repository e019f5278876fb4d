"""The on-disk cache of the code dataclasses compiles (fhirconv.codecache): every dataclass the package's
commands define gets exactly the methods it gets without the cache, whether compiled afresh or read
back; a damaged or foreign file is ignored; nothing is hooked outside the block."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import types
from pathlib import Path

from fhirconv.codecache import CodeCache, cache_file

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: import what the commands import, then print a fingerprint of every method of
# every dataclass of the package (code compared field by field, nested code too; annotations; defaults).
_FINGERPRINT = textwrap.dedent(
    """
    import dataclasses, hashlib, importlib, sys, types
    from pathlib import Path
    mode, path = sys.argv[1], Path(sys.argv[2])
    from fhirconv.codecache import CodeCache
    cache = CodeCache(path)
    MODULES = ["fhirconv.cli.app", "fhirconv.pipeline", "fhirconv.validate", "fhirconv.validate.compiled",
               "fhirconv.validate.profiles", "fhirconv.api", "fhirconv.fhir", "fhirconv.definitions"]
    if mode == "plain":
        for m in MODULES:
            importlib.import_module(m)
    else:
        with cache.hooked(dataclasses):
            for m in MODULES:
                importlib.import_module(m)
        assert "exec" not in vars(dataclasses)
        print("fresh", len(cache.fresh), "loaded", cache.loaded, file=sys.stderr)
        cache.save()

    def code(c):
        parts = [c.co_code, c.co_linetable, c.co_exceptiontable, c.co_names, c.co_varnames,
                 c.co_freevars, c.co_cellvars, c.co_flags, c.co_argcount, c.co_posonlyargcount,
                 c.co_kwonlyargcount, c.co_filename, c.co_qualname, c.co_firstlineno, c.co_stacksize]
        parts.append(tuple(code(k) if isinstance(k, types.CodeType) else repr(k) for k in c.co_consts))
        return repr(parts)

    rows = []
    for name, mod in sorted(sys.modules.items()):
        if not name.startswith("fhirconv"):
            continue
        for obj in list(vars(mod).values()):
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == name:
                for attr, fn in sorted(vars(obj).items()):
                    if isinstance(fn, types.FunctionType) and fn.__code__.co_filename == "<string>":
                        rows.append(repr((name, obj.__qualname__, attr, code(fn.__code__),
                                          repr(fn.__annotations__), repr(fn.__defaults__),
                                          repr(fn.__kwdefaults__), fn.__qualname__)))
    print(len(rows))
    print(hashlib.sha256("\\n".join(sorted(rows)).encode()).hexdigest())
    """
)


def _fingerprint(mode: str, path: Path) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _FINGERPRINT, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "random"},
    )
    count, digest = done.stdout.split()
    return int(count), digest, done.stderr


def test_package_dataclasses_get_the_same_methods(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    plain = _fingerprint("plain", path)
    assert plain[0] > 200  # the package's dataclasses were found
    compiled = _fingerprint("hooked", path)  # no file yet: every text compiled, then written
    assert "loaded 0" in compiled[2] and path.is_file()
    served = _fingerprint("hooked", path)  # every text read back from the file
    assert "fresh 0" in served[2] and "loaded 0" not in served[2]
    assert plain[:2] == compiled[:2] == served[:2]


def _define(cache: CodeCache | None) -> type:
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: list[int] = dataclasses.field(default_factory=list)
        label: str = "p"

    if cache is None:
        return Point
    with cache.hooked(dataclasses):
        return dataclasses.dataclass(frozen=True, order=True)(
            type(
                "Point",
                (),
                {
                    "__annotations__": dict(Point.__annotations__),
                    "label": "p",
                    "y": dataclasses.field(default_factory=list),
                    "__qualname__": Point.__qualname__,
                    "__module__": __name__,
                },
            )
        )


def test_cached_code_is_the_compiled_code(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    first = CodeCache(path)
    a = _define(first)
    assert first.fresh and first.save()
    again = CodeCache(path)
    b = _define(again)
    assert again.loaded and not again.fresh and not again.save()
    plain = _define(None)
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__setattr__", "__delattr__", "__hash__"):
        fp, fa, fb = vars(plain)[name], vars(a)[name], vars(b)[name]
        assert fp.__code__ == fa.__code__ == fb.__code__, name
        assert fp.__annotations__ == fa.__annotations__ == fb.__annotations__, name
    assert repr(b(1, [2])) == repr(plain(1, [2])).replace("plain", "b")
    assert b(1) < b(2) and b(1) == b(1, [])


def test_damaged_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    cache = CodeCache(path)
    _define(cache)
    cache.save()
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF  # the checksum no longer holds: nothing is unmarshalled
    path.write_bytes(bytes(blob))
    damaged = CodeCache(path)
    _define(damaged)
    assert damaged.loaded == 0 and damaged.fresh
    path.write_bytes(b"not a cache")
    assert CodeCache(path)._read() == {}
    assert CodeCache(tmp_path / "absent")._read() == {}
    blocker = tmp_path / "file"
    blocker.write_text("x")
    unwritable = CodeCache(blocker / "sub" / "code.marshal")
    _define(unwritable)
    assert unwritable.save() is False and not list(tmp_path.glob("**/*.tmp"))


def test_hook_keeps_exec_semantics() -> None:
    """Strings and code both run; without namespaces, the caller's (as the builtin); a module with its
    own ``exec`` or ``__future__`` imports is not hooked; the hook is gone after the block."""
    mod = types.ModuleType("hooked_for_test")
    exec(
        "def run(src, g=None):\n"
        "    here = 5\n"
        "    if g is None:\n"
        "        ns = {}\n"
        "        exec(src)\n"
        "        return locals().get('out')\n"
        "    exec(src, g)\n"
        "    return g['out']\n",
        vars(mod),
    )
    cache = CodeCache(Path("/nonexistent/never-written"))
    cache.codes = {}
    plain = mod.run("out = here * 3")  # the builtin, with its caller's namespaces
    with cache.hooked(mod):
        assert "exec" in vars(mod)
        assert mod.run("out = here * 2", {"here": 4}) == 8
        assert mod.run("out = here * 3") == plain == 15  # the caller's namespaces, as the builtin
        assert mod.run(compile("out = 7", "<t>", "exec"), {}) == 7
    assert "exec" not in vars(mod)
    assert set(cache.fresh) == {"out = here * 2", "out = here * 3"}
    future = types.ModuleType("future_for_test")
    exec("from __future__ import annotations", vars(future))
    with cache.hooked(future):
        assert "exec" not in vars(future)


def test_cache_file_names_the_interpreter(tmp_path: Path) -> None:
    name = cache_file(tmp_path).name
    assert name.startswith(sys.implementation.cache_tag) and cache_file(tmp_path).parent == tmp_path


def test_a_purpose_has_a_file_of_its_own(tmp_path: Path) -> None:
    own = cache_file(tmp_path, purpose="validate")
    assert own.parent == tmp_path and own.name == cache_file(tmp_path).name.replace(
        ".marshal", "-validate.marshal"
    )


def test_a_plain_convert_and_a_plain_validate_have_files_of_their_own() -> None:
    from fhirconv.cli import _direct
    from fhirconv.cli.app import code_purpose

    convert = _direct.parse(["convert", "a.txt", "-o", "b.json"]) is not None
    validate = _direct.parse_validate(["validate", "b.json"]) is not None
    assert code_purpose(convert, False) == "convert" and code_purpose(False, validate) == "validate"
    assert code_purpose(False, False) == ""  # every other command line: the general file
    names = {cache_file(Path("/c"), purpose=p).name for p in ("convert", "validate", "")}
    assert len(names) == 3
