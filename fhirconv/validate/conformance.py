"""Rules for definitional resources that tie them to the official definitions they cite.

A SearchParameter ``derivedFrom`` an official one keeps its type and bases; a composite one has components;
a CapabilityStatement's ``searchParam.type`` matches the SearchParameter its ``definition`` names; a
ConceptMap's source and target codes exist in its groups' systems when those are complete locally. The HL7
validator applies the same rules; they need the official SearchParameters, which the compiled definitions
carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .issues import Issue, Severity
from .protocols import Context
from .terminology import unknown_code_issue

__all__ = ["ConformanceChecker"]


def _search_parameter(ctx: Context, url: Any) -> dict[str, Any] | None:
    lookup = getattr(ctx.definitions, "search_parameter", None)
    if not isinstance(url, str) or not callable(lookup):
        return None
    found: dict[str, Any] | None = lookup(url)
    return found


def _err(at: str, message: str, rule: str) -> Issue:
    return Issue(Severity.ERROR, "business-rule", at, message, rule)


class ConformanceChecker:
    name = "conformance"
    # the types check_resource looks at (the chain asks it about no other)
    resource_types = frozenset(
        {"SearchParameter", "CapabilityStatement", "ConceptMap", "StructureDefinition"}
    )

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        rtype = resource.get("resourceType")
        if rtype == "SearchParameter":
            return self._search_parameter(resource, location, ctx)
        if rtype == "CapabilityStatement":
            return self._capability_statement(resource, location, ctx)
        if rtype == "ConceptMap":
            return self._concept_map(resource, location, ctx)
        if rtype == "StructureDefinition":
            from .sd_rules import structure_definition_issues

            return structure_definition_issues(resource, location, ctx)
        return []

    @staticmethod
    def _concept_map(cm: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
        """Source and target codes must exist in the group's source/target system when it is local."""
        out: list[Issue] = []
        for g, group in enumerate(cm.get("group") or []):
            if not isinstance(group, dict):
                continue
            source, target = group.get("source"), group.get("target")
            gat = f"{at}.group[{g}]"
            for e, element in enumerate(group.get("element") or []):
                if not isinstance(element, dict):
                    continue
                eat = f"{gat}.element[{e}]"
                issue = unknown_code_issue(ctx.terminology, source, element.get("code"), f"{eat}.code")
                if issue is not None:
                    out.append(issue)
                for t, tgt in enumerate(element.get("target") or []):
                    if isinstance(tgt, dict):
                        where = f"{eat}.target[{t}].code"
                        issue = unknown_code_issue(ctx.terminology, target, tgt.get("code"), where)
                        if issue is not None:
                            out.append(issue)
        return out

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []

    @staticmethod
    def _search_parameter(sp: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
        out: list[Issue] = []
        components = sp.get("component")
        if sp.get("type") == "composite" and (not isinstance(components, list) or len(components) < 2):
            out.append(
                _err(
                    at,
                    "a composite SearchParameter must define two or more components",
                    "searchparameter.composite",
                )
            )
        parent = _search_parameter(ctx, sp.get("derivedFrom"))
        if parent is not None:
            if isinstance(sp.get("type"), str) and sp["type"] != parent.get("type"):
                out.append(
                    _err(
                        f"{at}.type",
                        f"type {sp['type']} differs from type {parent.get('type')} of the "
                        f"SearchParameter it derives from ({parent['url']})",
                        "searchparameter.derived",
                    )
                )
            for i, base in enumerate(sp.get("base", []) or []):
                if (
                    isinstance(base, str)
                    and base not in (parent.get("base") or [])
                    and "Resource" not in (parent.get("base") or [])
                ):
                    out.append(
                        _err(
                            f"{at}.base[{i}]",
                            f"{base} is not a base of the SearchParameter it derives from ({parent['url']})",
                            "searchparameter.derived",
                        )
                    )
        return out

    @staticmethod
    def _capability_statement(cs: dict[str, Any], at: str, ctx: Context) -> list[Issue]:
        out: list[Issue] = []
        for r, rest in enumerate(cs.get("rest", []) or []):
            if not isinstance(rest, dict):
                continue
            for j, res in enumerate(rest.get("resource", []) or []):
                if not isinstance(res, dict):
                    continue
                for k, param in enumerate(res.get("searchParam", []) or []):
                    if not isinstance(param, dict):
                        continue
                    official = _search_parameter(ctx, param.get("definition"))
                    if official is not None and param.get("type") not in (None, official.get("type")):
                        out.append(
                            _err(
                                f"{at}.rest[{r}].resource[{j}].searchParam[{k}].type",
                                f"type {param.get('type')} differs from type {official.get('type')} of "
                                f"{official['url']}",
                                "capabilitystatement.searchparam-type",
                            )
                        )
        return out
