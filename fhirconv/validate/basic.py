"""Well-formedness (resourceType known) and JSON Schema per resource type.

The schema is the R4 JSON Schema generated from the installed StructureDefinitions; each resource is
checked against its own type's definition (a validator compiled once per type), not through the
schema's top-level ``oneOf``, which is slow and reports one useless root error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .issues import Issue, Severity
from .protocols import Context

__all__ = ["SchemaChecker", "WellFormedChecker"]


class WellFormedChecker:
    name = "well-formed"

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str):
            return [
                Issue(Severity.ERROR, "structure", location, "resource has no resourceType", "resource-type")
            ]
        if rtype not in ctx.definitions.resource_types():
            return [
                Issue(
                    Severity.ERROR,
                    "structure",
                    f"{location}.resourceType",
                    f"unknown resource type '{rtype}' (not an R4 resource)",
                    "resource-type",
                )
            ]
        return []

    def check_each(
        self, resources: list[tuple[dict[str, Any], str]], ctx: Context
    ) -> list[tuple[int, list[Issue]]]:
        """``check_resource`` of every resource, by index, those with issues only (the chain's one call
        per input): a resource of a known type, nearly every one, costs a look-up."""
        known = ctx.definitions.resource_types()
        out: list[tuple[int, list[Issue]]] = []
        for i, (resource, location) in enumerate(resources):
            rtype = resource.get("resourceType")
            if type(rtype) is str and rtype in known:
                continue
            found = list(self.check_resource(resource, location, ctx))
            if found:
                out.append((i, found))
        return out

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []


def _json_path(location: str, path: Iterable[Any]) -> str:
    out = location
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class SchemaChecker:
    """JSON Schema (Draft 6) of the resource's own type; nested resources are checked on their own."""

    name = "schema"

    def __init__(
        self,
        schema: dict[str, Any] | Callable[[], dict[str, Any]],
        fast: Mapping[str, Any] | Callable[[], Mapping[str, Any] | None] | None = None,
    ) -> None:
        # Either may be given as a function that loads it: behind the compiled validator this checker
        # runs only on resources with errors, so a process that meets none never unpickles the schema.
        self._schema = schema
        self._fast = fast
        self._validators: dict[str, Any] = {}

    @property
    def schema(self) -> dict[str, Any]:
        if callable(self._schema):
            self._schema = self._schema()
        return self._schema

    @property
    def fast(self) -> Mapping[str, Any] | None:
        """fastjsonschema functions by name (see fhirconv.definitions.compiled)."""
        if callable(self._fast):
            self._fast = self._fast()
        return self._fast

    def _validator(self, rtype: str) -> Any:
        validator = self._validators.get(rtype)
        if validator is None:
            import jsonschema

            sub = {
                "$schema": self.schema.get("$schema"),
                "definitions": self._definitions_without_nested(),
                "$ref": f"#/definitions/{rtype}",
            }
            validator = jsonschema.Draft6Validator(sub)
            self._validators[rtype] = validator
        return validator

    def _definitions_without_nested(self) -> dict[str, Any]:
        # Nested resources (contained, entry.resource) get their own pass with their own location, so
        # here ResourceList only asks for an object.
        cached = getattr(self, "_defs", None)
        if cached is None:
            cached = dict(self.schema["definitions"])
            cached["ResourceList"] = {"type": "object"}
            self._defs = cached
        return cached

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str):
            return []
        # The fastjsonschema function first: when it passes, the answer is no issue whether or not the
        # type is one of the schema's definitions (one that is not has none either), so the schema
        # itself (a 16 ms unpickle at a process's first handed-over resource) is loaded only for a
        # resource with a schema error, or without a fast function.
        if self.fast is not None:
            func = self.fast.get(f"validate___definitions_{rtype.lower()}")
            if func is not None:
                try:
                    func(resource)
                    return []
                except Exception:  # JsonSchemaValueException: let jsonschema list every finding
                    pass
        if rtype not in self.schema["definitions"]:
            return []
        out: list[Issue] = []
        for error in self._validator(rtype).iter_errors(resource):
            if error.instance is None and error.absolute_path and isinstance(error.absolute_path[-1], int):
                # ``"given": ["Ann", null], "_given": [null, {...}]`` is R4 JSON the published schema
                # cannot express; the structure checker decides whether the null has its '_' partner
                continue
            where = _json_path(location, error.absolute_path)
            out.append(
                Issue(Severity.ERROR, "structure", where, f"JSON Schema: {error.message[:300]}", "schema")
            )
        return out

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []
