"""Interfaces of the validation chain (after HAPI's ValidationSupportChain).

Checkers ask knowledge providers; a provider that cannot answer returns ``None`` and the next one in
the chain is asked. The chain (``chain.py``) walks the input: it calls every checker's
``check_resource`` once per resource (the root, each Bundle entry resource, each contained resource)
with that resource's FHIRPath location, and ``check_root`` once per input for cross-resource rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .issues import Issue

if TYPE_CHECKING:
    from .references import OtherEntries

__all__ = ["Checker", "Context", "DefinitionsProvider", "TerminologyProvider"]


class DefinitionsProvider(Protocol):
    """Official R4 conformance resources (from the FHIR package cache, compiled)."""

    def structure_definition(self, url_or_type: str) -> dict[str, Any] | None: ...

    def value_set(self, url: str) -> dict[str, Any] | None: ...

    def code_system(self, url: str) -> dict[str, Any] | None: ...

    def resource_types(self) -> frozenset[str]: ...


class TerminologyProvider(Protocol):
    """Answers code membership. ``None`` means "cannot tell" (e.g. SNOMED with no local table)."""

    def validate_code(self, value_set_url: str, system: str | None, code: str) -> bool | None: ...

    def knows_system(self, system: str) -> bool: ...


@dataclass(slots=True)
class Context:
    definitions: DefinitionsProvider
    terminology: TerminologyProvider
    root: Any  # the whole parsed input (dict for JSON)
    source: str = "<input>"
    # ``(resource, location)`` of every resource of the input in the chain's order (``resource_list``),
    # set by the chain so a root check need not walk the input again; None: walk it yourself
    resources: list[tuple[dict[str, Any], str]] | None = None
    # the entries of the other parts of a bundle validated in parts (a streamed bundle's windows):
    # the reference checker resolves ``urn:`` references through them too; None: the input is whole
    others: OtherEntries | None = None


class Checker(Protocol):
    name: str

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]: ...

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]: ...
