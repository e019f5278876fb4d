"""fhirconv lint rules: defects seen in other converters' output that R4 itself lets through.

Most are warnings or information (R4 allows them). Errors, as in the HL7 validator: a UCUM code that does
not parse (``lint.invalid-ucum``), a Quantity code that a complete local code system does not define in
that exact case (``terminology.unknown-code``), an Identifier whose system is ``urn:ietf:rfc:3986`` but
whose value is no absolute URI (``identifier.uri-value``), an empty system. Rules read the typed sites the
structure walk recorded, so no second walk is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .issues import Issue, Severity
from .protocols import Context
from .structure import QUANTITY_TYPES, WalkCache
from .terminology import unknown_code_issue

__all__ = ["LintChecker", "ucum_valid"]

UCUM = "http://unitsofmeasure.org"
# A system must be an absolute URI (scheme:...). "SNOMED-CT", "LOINC", "ICD10" are names, not systems.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


@lru_cache(maxsize=4096)
def ucum_valid(code: str) -> bool:
    """Whether ``code`` parses as a UCUM expression (ucumvert's grammar of the UCUM specification)."""
    try:
        _parser().parse(code)
    except Exception:  # lark raises several unrelated classes for "does not parse"
        return False
    return True


@lru_cache(maxsize=1)
def _parser() -> Any:
    from ucumvert import get_ucum_parser  # type: ignore[import-untyped]

    return get_ucum_parser()


@lru_cache(maxsize=4096)
def _uri(system: str) -> bool:
    """``_URI`` matches (memoised: a document names a handful of systems, thousands of times)."""
    return _URI.match(system) is not None


def _issue(sev: Severity, code: str, at: str, msg: str, rule: str) -> Issue:
    return Issue(sev, code, at, msg, f"lint.{rule}")


UCUM_COMMON = "http://hl7.org/fhir/ValueSet/ucum-common"


class LintChecker:
    name = "lint"

    def __init__(self, cache: WalkCache) -> None:
        self.cache = cache
        self._common: frozenset[str] | None = None

    def _ucum_ok(self, code: str, ctx: Context) -> bool:
        """Codes of R4's ucum-common value set are valid without parsing (the parser costs ~0.4 s cold)."""
        if self._common is None:
            expand = getattr(ctx.definitions, "simple_expansion", None)
            codes = expand(UCUM_COMMON) if callable(expand) else None
            self._common = frozenset(codes or ())
        return code in self._common or ucum_valid(code)

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        out: list[Issue] = []
        for site in self.cache.sites.get(location, ()):  # every typed site of the resource: keep it lean
            value = site.value
            if not isinstance(value, dict):
                continue
            stype = site.type
            if stype == "Coding":
                found = self._coding(value, site.location)
            elif stype == "CodeableConcept":
                found = self._concept(value, site.location)
            elif stype in QUANTITY_TYPES:
                found = self._quantity(value, site.location, stype, ctx)
            elif stype == "Identifier":
                found = self._identifier(value, site.location)
            else:
                continue
            if found:
                out.extend(found)
        return out

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []

    @staticmethod
    def _system(value: dict[str, Any], at: str) -> list[Issue]:
        if "system" not in value:
            return []
        system = value.get("system")
        if isinstance(system, str) and system.strip() == "":
            return [_issue(Severity.ERROR, "value", f"{at}.system", "system is empty", "empty-system")]
        if isinstance(system, str) and not _uri(system):
            return [
                _issue(
                    Severity.WARNING,
                    "value",
                    f"{at}.system",
                    f"system '{system}' is not an absolute URI (use e.g. http://snomed.info/sct)",
                    "non-uri-system",
                )
            ]
        return []

    def _coding(self, value: dict[str, Any], at: str) -> list[Issue]:
        out = self._system(value, at)
        if "code" in value and "system" not in value:
            out.append(
                _issue(
                    Severity.WARNING,
                    "value",
                    at,
                    "a code without a system cannot be interpreted",
                    "code-without-system",
                )
            )
        return out

    @staticmethod
    def _identifier(value: dict[str, Any], at: str) -> list[Issue]:
        if value.get("system") == "urn:ietf:rfc:3986" and not _identifier_value_ok(value):
            return [
                Issue(
                    Severity.ERROR,
                    "value",
                    f"{at}.value",
                    f"the system urn:ietf:rfc:3986 says the value is a URI, but '{value.get('value')}' has "
                    "no scheme (write e.g. urn:oid:2.16.840.1.113883.19.5)",
                    "identifier.uri-value",
                )
            ]
        return []

    def _concept(self, value: dict[str, Any], at: str) -> list[Issue]:
        out: list[Issue] = []
        if value.get("coding") and not value.get("text"):
            out.append(
                _issue(
                    Severity.INFORMATION,
                    "informational",
                    at,
                    "coded concept has no text; keep the source words in CodeableConcept.text",
                    "missing-code-text",
                )
            )
        return out

    def _quantity(self, value: dict[str, Any], at: str, qtype: str, ctx: Context) -> list[Issue]:
        out = self._system(value, at)
        if "value" in value and "code" not in value and qtype != "Count":
            what = "only a unit text" if "unit" in value else "neither unit nor code"
            message = f"quantity has a value but {what}; give a UCUM code"
            out.append(_issue(Severity.WARNING, "value", at, message, "quantity-without-unit"))
        code = value.get("code")
        system = value.get("system")
        if system != UCUM and isinstance(system, str):
            issue = unknown_code_issue(ctx.terminology, system, code, f"{at}.code")
            if issue is not None:
                out.append(issue)
        if system == UCUM and isinstance(code, str) and code and not self._ucum_ok(code, ctx):
            out.append(
                _issue(
                    Severity.ERROR,
                    "code-invalid",
                    f"{at}.code",
                    f"'{code}' is not a valid UCUM code",
                    "invalid-ucum",
                )
            )
        return out


def _identifier_value_ok(value: dict[str, Any]) -> bool:
    """A ``urn:ietf:rfc:3986`` identifier's value is a URI with a scheme (``urn:oid:...``, ``http://...``)."""
    v = value.get("value")
    return not isinstance(v, str) or _URI.match(v) is not None
