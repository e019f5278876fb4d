"""Terminology bindings of the R4 base definitions, checked against locally expanded value sets.

HL7 semantics: a code outside a ``required`` value set is an error, outside an ``extensible`` one a
warning, outside a ``preferred`` one information; ``example`` bindings are not checked. A code that the
local definitions cannot judge (SNOMED CT, LOINC, RxNorm, BCP-13 ...) is never called valid or invalid:
bound primitive codes get an information issue where they stand, and the codings of external systems are
summed up in one information issue per input. A coding whose system is a complete local CodeSystem but
which that system does not define is an error whatever the binding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from .invariants import PlanCache, _Node
from .issues import Issue, Severity
from .protocols import Context, DefinitionsProvider, TerminologyProvider
from .terminology import LocalTerminology, unknown_code_issue

__all__ = ["BindingChecker"]

_CODED = frozenset({"code", "Coding", "CodeableConcept", "string", "uri"})
_SEVERITY = {"required": Severity.ERROR, "extensible": Severity.WARNING, "preferred": Severity.INFORMATION}


class BindingChecker:
    """Checker: codes against the value sets their elements are bound to (``rule`` = ``binding``)."""

    name = "bindings"

    def __init__(
        self,
        definitions: DefinitionsProvider | None = None,
        terminology: TerminologyProvider | None = None,
        plans: PlanCache | None = None,
    ) -> None:
        self._definitions = definitions
        self._terminology = terminology
        self.plans = plans or PlanCache()
        self._vouched: dict[tuple[str, str], bool] = {}  # (system, code) -> known (unchecked_issues)
        self._memo_terminology: Any = None  # the terminology those verdicts came from

    def _providers(self, ctx: Context) -> tuple[DefinitionsProvider, TerminologyProvider]:
        definitions = self._definitions or ctx.definitions
        terminology = self._terminology or ctx.terminology
        if terminology is None:
            terminology = self._terminology = LocalTerminology(definitions)
        return definitions, terminology

    # -- Checker protocol ------------------------------------------------------------------------

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        definitions, terminology = self._providers(ctx)
        rtype = resource.get("resourceType")
        plan = self.plans.plan(rtype, definitions) if isinstance(rtype, str) else None
        if plan is None:
            return []
        issues: list[Issue] = []
        self._walk(resource, plan, location, definitions, terminology, issues)
        return issues

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        """One information issue naming the external systems whose codes went unchecked."""
        return self.unchecked_issues(_codings(root), root, ctx)

    def unchecked_issues(
        self, pairs: Iterable[tuple[str, str]], root: dict[str, Any], ctx: Context
    ) -> list[Issue]:
        """``check_root`` on the (system, code) pairs of the input's Coding-shaped objects, found by
        ``_codings`` or by a walk that visits the same objects (the compiled validator's)."""
        _definitions, terminology = self._providers(ctx)
        counts = Counter(pairs)
        if not counts:
            return []  # no codings at all (many small inputs)
        unchecked: dict[str, int] = {}
        knows_code = getattr(terminology, "knows_code", None)
        # the verdict on a pair depends on the terminology alone: remembered across inputs (bounded)
        memo = self._vouched if terminology is self._memo_terminology else None
        if memo is None:
            memo = self._vouched = {}
            self._memo_terminology = terminology
        known = memo.get
        for pair, n in counts.items():  # each distinct pair asked about once
            vouched = known(pair)
            if vouched is None:
                system, code = pair
                # the system is known, or a local fhirconv table vouches for the code
                vouched = terminology.knows_system(system) or (
                    knows_code is not None and bool(knows_code(system, code))
                )
                if len(memo) >= 65536:
                    memo.clear()
                memo[pair] = vouched
            if not vouched:
                unchecked[pair[0]] = unchecked.get(pair[0], 0) + n
        if not unchecked:
            return []
        listed = ", ".join(f"{system} ({n})" for system, n in sorted(unchecked.items()))
        rtype = root.get("resourceType") if isinstance(root.get("resourceType"), str) else "$root"
        return [
            Issue(
                Severity.INFORMATION,
                "informational",
                str(rtype),
                "codes of these systems were not checked against their code system, which is not "
                f"available locally (only codes a fhirconv table lists are known): {listed}",
                "terminology.unchecked",
            )
        ]

    # -- walk ------------------------------------------------------------------------------------

    def _walk(
        self,
        value: dict[str, Any],
        node: _Node,
        loc: str,
        definitions: DefinitionsProvider,
        terminology: TerminologyProvider,
        issues: list[Issue],
    ) -> None:
        for key, raw in value.items():
            if key.startswith("_"):
                continue
            child = node.children.get(key)
            if child is None or child.kind == "skip":
                continue
            bound = child.binding is not None and child.type_name in _CODED and child.binding[0] in _SEVERITY
            if child.kind == "primitive":
                if bound:
                    for where, item in _items(raw, f"{loc}.{key}"):
                        if isinstance(item, str):
                            self._check(
                                item_codes=[(None, item)],
                                child_binding=child.binding,
                                loc=where,
                                terminology=terminology,
                                issues=issues,
                            )
                continue
            _constraints, _base, sub = self.plans.resolve_child(child, definitions)
            for where, item in _items(raw, f"{loc}.{key}"):
                if not isinstance(item, dict):
                    continue
                if child.type_name in ("Coding", "CodeableConcept"):
                    codings = [item] if child.type_name == "Coding" else _list(item.get("coding"))
                    if child.type_name == "Coding":  # each coding of a CodeableConcept is walked as one
                        self._unknown_codes(codings, where, terminology, issues)
                    if bound:
                        pairs = [
                            (c.get("system") if isinstance(c.get("system"), str) else None, c["code"])
                            for c in codings
                            if isinstance(c, dict) and isinstance(c.get("code"), str)
                        ]
                        self._check(
                            pairs, child.binding, where, terminology, issues, has_text=bool(item.get("text"))
                        )
                if sub is not None:
                    self._walk(item, sub, where, definitions, terminology, issues)

    def _unknown_codes(
        self,
        codings: list[Any],
        loc: str,
        terminology: TerminologyProvider,
        issues: list[Issue],
    ) -> None:
        for coding in codings:
            if isinstance(coding, dict):
                issue = unknown_code_issue(terminology, coding.get("system"), coding.get("code"), loc)
                if issue is not None:
                    issues.append(issue)

    def _check(
        self,
        item_codes: list[tuple[str | None, str]],
        child_binding: tuple[str, str] | None,
        loc: str,
        terminology: TerminologyProvider,
        issues: list[Issue],
        has_text: bool = False,
    ) -> None:
        assert child_binding is not None
        strength, value_set = child_binding
        severity = _SEVERITY[strength]
        vs = value_set.split("|", 1)[0]
        if not item_codes:
            # Only required bindings demand a code; extensible ones allow text alone (R4 terminologies 4.1).
            if strength == "required":
                what = "only text given" if has_text else "no code given"
                issues.append(
                    Issue(
                        severity,
                        "code-invalid",
                        loc,
                        f"{what}; a code from {vs} is required (required)",
                        "binding",
                    )
                )
            return
        verdicts = [terminology.validate_code(vs, system, code) for system, code in item_codes]
        if any(v is True for v in verdicts):
            return
        if any(v is None for v in verdicts):
            if len(item_codes) == 1 and item_codes[0][0] is None:
                issues.append(
                    Issue(
                        Severity.INFORMATION,
                        "informational",
                        loc,
                        f"code '{item_codes[0][1]}' not checked: value set {vs} ({strength}) cannot be "
                        "expanded locally",
                        "binding.unchecked",
                    )
                )
            return  # codings of external systems: summed up by check_root
        shown = ", ".join(f"{s}|{c}" if s else f"'{c}'" for s, c in item_codes)
        rule_text = {
            "required": "must come from",
            "extensible": "should come from",
            "preferred": "is preferred from",
        }[strength]
        issues.append(
            Issue(
                severity,
                "code-invalid",
                loc,
                f"{shown} is not in value set {vs}; a code {rule_text} it ({strength} binding)",
                "binding",
            )
        )


def _items(raw: Any, loc: str) -> Iterable[tuple[str, Any]]:
    if isinstance(raw, list):
        return [(f"{loc}[{i}]", v) for i, v in enumerate(raw)]
    return [(loc, raw)]


def _list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else []


def _codings(root: Any) -> Iterable[tuple[str, str]]:
    """Every (system, code) pair of a Coding-shaped object in the input."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "code" in node and "value" not in node:
                system, code = node.get("system"), node["code"]
                if isinstance(system, str) and isinstance(code, str):
                    yield system, code
            stack.extend(node.values())  # scalars are popped and passed over
        elif isinstance(node, list):
            stack.extend(node)
