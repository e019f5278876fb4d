"""Load the rule and code-table data in ``mappings/`` and check it against its JSON Schema.

Every mapping file is JSON with ``schema`` (the name of a file in ``mappings/schemas/``), ``version``,
``description``, ``source`` and ``licence``. Files ship inside the wheel (``fhirconv/mappings`` links
to the top-level ``mappings/``) and are read with ``importlib.resources``; ``--mappings DIR`` overlays a
user directory whose files replace the shipped ones of the same relative path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ..cachedir import user_cache_dir
from ..errors import MappingError

__all__ = [
    "MappingStore",
    "codes_from_mapping_tables",
    "default_store",
    "iter_mapping_files",
    "shipped_root",
    "user_cache_dir",
]


def shipped_root() -> Traversable:
    return resources.files("fhirconv") / "mappings"


def _read_json(node: Traversable | Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads(node.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MappingError(f"mapping file not found: {name}") from exc
    except (OSError, ValueError) as exc:
        raise MappingError(f"mapping file {name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"mapping file {name} must hold a JSON object")
    return data


@cache
def _validator(schema_name: str) -> Any:
    import jsonschema

    node = shipped_root() / "schemas" / f"{schema_name}.schema.json"
    schema = _read_json(node, f"schemas/{schema_name}.schema.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def check(data: dict[str, Any], name: str) -> None:
    """Raise MappingError unless ``data`` satisfies the schema it names."""
    schema_name = data.get("schema")
    if not isinstance(schema_name, str):
        raise MappingError(f"mapping file {name} does not name its schema")
    errors = sorted(_validator(schema_name).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise MappingError(f"mapping file {name} breaks schema {schema_name} at {where}: {first.message}")


class MappingStore:
    """Reads mapping files by relative name (``"lexicons/conditions"``), checked and cached."""

    def __init__(
        self, override_dir: Path | None = None, *, validate: bool = True, validate_shipped: bool = False
    ) -> None:
        self.override_dir = override_dir
        self.validate = validate
        self.validate_shipped = validate_shipped
        self._cache: dict[str, dict[str, Any]] = {}

    def _node(self, rel: str) -> tuple[Traversable | Path, bool]:
        """The file for ``rel`` and whether it comes from the user's override folder."""
        if self.override_dir is not None:
            candidate = self.override_dir / rel
            if candidate.is_file():
                return candidate, True
        node: Traversable = shipped_root()
        for part in rel.split("/"):
            node = node / part
        return node, False

    def names(self, folder: str) -> list[str]:
        """Mapping names in ``folder`` ("lexicons" -> ["lexicons/conditions", ...]), shipped and overlaid."""
        found: set[str] = set()
        node: Traversable = shipped_root() / folder
        if node.is_dir():
            found.update(n.name[:-5] for n in node.iterdir() if n.name.endswith(".json"))
        if self.override_dir is not None and (self.override_dir / folder).is_dir():
            found.update(p.stem for p in (self.override_dir / folder).glob("*.json"))
        return [f"{folder}/{n}" for n in sorted(found)]

    def source(self, name: str) -> Traversable | Path:
        """The file a mapping name reads (the override's, else the shipped one): for cache keys that
        stand for its bytes (diskcache.stamped_digest reads it only when its stamp changed)."""
        return self._node(f"{name}.json")[0]

    def raw(self, name: str) -> bytes:
        """The file's bytes, for content hashes (caches keyed by what the mappings say)."""
        node = self.source(name)
        try:
            return node.read_bytes()
        except OSError as exc:
            raise MappingError(f"mapping file not found: {name}.json") from exc

    def blob(self, rel: str) -> bytes:
        """A binary data file (a learned model), overlaid like the JSON files."""
        node, _ = self._node(rel)
        try:
            return node.read_bytes()
        except OSError as exc:
            raise MappingError(f"mapping file not found: {rel}") from exc

    def load(self, name: str) -> dict[str, Any]:
        if name not in self._cache:
            rel = f"{name}.json"
            node, overridden = self._node(rel)
            data = _read_json(node, rel)
            # Shipped files are checked against their schemas by the test suite (tests/data); checking
            # the multi-megabyte lexicons again on every start would cost seconds. User overlays are
            # checked here, since nothing else has seen them.
            if self.validate and (overridden or self.validate_shipped):
                check(data, rel)
            self._cache[name] = data
        return self._cache[name]


@lru_cache(maxsize=1)
def default_store() -> MappingStore:
    return MappingStore()


def iter_mapping_files(
    root: Traversable | None = None, prefix: str = ""
) -> Iterator[tuple[str, Traversable]]:
    """Every mapping JSON file (schemas excluded), as (relative name, node)."""
    root = root or shipped_root()
    for node in sorted(root.iterdir(), key=lambda n: n.name):
        rel = f"{prefix}{node.name}"
        if node.is_dir():
            if node.name != "schemas":
                yield from iter_mapping_files(node, rel + "/")
        elif node.name.endswith(".json"):
            yield rel, node


def codes_from_mapping_tables() -> dict[str, set[str]]:
    """(system -> codes) that fhirconv's own code tables and lexicons list, to vouch for external codes."""
    out: dict[str, set[str]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            system, code = node.get("system"), node.get("code")
            if isinstance(system, str) and isinstance(code, str):
                out.setdefault(system, set()).add(code)
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    for _name, node in iter_mapping_files():
        try:
            visit(json.loads(node.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a broken mapping file is the mapping loader's finding, not terminology's
    return out
