"""fhirconv lint rules: defects seen in other converters' output that R4 itself lets through.

Most are warnings or information (R4 allows them). Errors, as in the HL7 validator: a UCUM code that does
not parse (``lint.invalid-ucum``), a Quantity code that a complete local code system does not define in
that exact case (``terminology.unknown-code``), an Identifier whose system is ``urn:ietf:rfc:3986`` but
whose value is no absolute URI (``identifier.uri-value``), an empty system. Rules read the typed sites the
structure walk recorded, so no second walk is needed.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from .issues import Issue, Severity
from .protocols import Context
from .structure import QUANTITY_TYPES, Site, WalkCache
from .terminology import unknown_code_issue

__all__ = ["LintChecker", "ucum_valid"]

UCUM = "http://unitsofmeasure.org"
# A system must be an absolute URI (scheme:...). "SNOMED-CT", "LOINC", "ICD10" are names, not systems.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


@lru_cache(maxsize=4096)
def ucum_valid(code: str) -> bool:
    """Whether ``code`` parses as a UCUM expression (ucumvert's grammar of the UCUM specification).

    Building the parser costs ~0.3 s (pint and the grammar), more than validating a hundred bundles, and
    a handful of codes outside R4's ucum-common set recur run after run: the verdicts are kept on disk
    (:class:`_Verdicts`), so a process builds the parser only for a code no earlier run has seen."""
    found = _VERDICTS.get(code)
    if found is None:
        found = _parses(code)
        _VERDICTS.put(code, found)
    return found


def _parses(code: str) -> bool:
    try:
        _parser().parse(code)
    except Exception:  # lark raises several unrelated classes for "does not parse"
        return False
    return True


class _Verdicts:
    """ucumvert's verdicts on UCUM codes, per ucumvert version, in the user's private cache folder
    (``<cache>/validator/ucum/<version>.json``; read only when it and its folders are the user's own and
    nobody else can write to them, as the compiled validator's code cache). At most ``LIMIT`` codes are
    kept; the file is rewritten after 1, 2, 4, 8 ... new verdicts, so an input of thousands of distinct
    codes costs a logarithmic number of writes."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._known: dict[str, bool] | None = None
        self._path: Path | None = None
        self._new = 0
        self._next_write = 1
        self._lock = threading.Lock()

    def _load(self) -> dict[str, bool]:
        from .compiled import _cache_root, _ours, _private_dir

        known: dict[str, bool] = {}
        version = _ucumvert_version()
        folder = _cache_root() / "ucum"
        if _private_dir(folder):
            self._path = folder / f"{''.join(c if c.isalnum() or c in '.-' else '_' for c in version)}.json"
            try:
                if _ours(self._path.lstat()) and not self._path.is_symlink():
                    data = json.loads(self._path.read_text(encoding="utf-8"))
                    if isinstance(data, dict):
                        known = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, bool)}
            except (OSError, ValueError):
                pass  # absent or unreadable: verdicts are parsed again
        return known

    def get(self, code: str) -> bool | None:
        with self._lock:
            if self._known is None:
                self._known = self._load()
            return self._known.get(code)

    def put(self, code: str, verdict: bool) -> None:
        with self._lock:
            known = self._known if self._known is not None else {}
            if code in known or len(known) >= self.LIMIT:
                return
            known[code] = verdict
            self._new += 1
            if self._new < self._next_write or self._path is None:
                return
            self._next_write *= 2
            try:
                with tempfile.NamedTemporaryFile(
                    "w", dir=self._path.parent, delete=False, suffix=".tmp", encoding="utf-8"
                ) as fh:
                    json.dump(known, fh, sort_keys=True)
                Path(fh.name).replace(self._path)
            except OSError:
                pass  # an unwritable cache costs a later run the parser's set-up only


_VERDICTS = _Verdicts()


def _ucumvert_version() -> str:
    """``importlib.metadata.version("ucumvert")`` ("unknown" when it is not installed), read from the
    first ``sys.path`` folder that has its metadata, as importlib.metadata looks: its first import costs
    ~20 ms (the email package's parser and more), paid at the first unusual UCUM code of a run. Only the
    plain case is read here (one ``ucumvert-<version>.dist-info`` folder with a ``Version:`` line); any
    other (an egg-info, a zip, two candidates in a folder) asks importlib.metadata itself.
    tests/validate/test_speed_caches.py compares the two."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            if os.path.isfile(entry or "."):
                return _ucumvert_version_slow()  # (a zip file, which importlib.metadata reads too)
            continue
        found = [n for n in names if _UCUMVERT_META.fullmatch(n)]
        if not found:
            continue
        if len(found) > 1 or not found[0].endswith(".dist-info"):
            break
        try:
            with open(os.path.join(entry or ".", found[0], "METADATA"), encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("Version:"):
                        return line[len("Version:") :].strip()
                    if not line.strip():
                        break  # the end of the headers
        except OSError:
            pass
        break
    return _ucumvert_version_slow()


# a folder importlib.metadata takes for ucumvert's (its name normalised: case, '-', '_' and '.' runs)
_UCUMVERT_META = re.compile(r"(?i)ucumvert(?:-[^/\\]*)?\.(?:dist-info|egg-info)")


def _ucumvert_version_slow() -> str:
    from importlib import metadata

    try:
        return metadata.version("ucumvert")
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def _parser() -> Any:
    from ucumvert import get_ucum_parser  # type: ignore[import-untyped]

    return get_ucum_parser()


# Systems found good (not blank, an absolute URI): a document names a handful, thousands of times
_GOOD_SYSTEMS: set[str] = set()


# When this checker can say anything of a site of these types, as a test of the site's value ``y`` (a
# dict) that the compiled walk (validate/compiled.py) makes before it records the site: it does not
# record one that fails the test. Each is the negation of a case ``LintChecker._sites`` passes over
# without a word (a Coding whose system was found good, a CodeableConcept with text or without
# codings, an Identifier of another system), so a report is the same with or without the sites left
# out: tests/validate/test_chain_fastpaths.py compares lint on every site with lint on those recorded.
# Some 60 % of a converted bundle's sites were such Codings, CodeableConcepts and Identifiers. An
# Identifier of urn:ietf:rfc:3986 is left out too when its value plainly is a URI that ``_URI`` matches:
# 'urn:' and then only printable ASCII without a space (what every converted resource's urn:uuid
# identifier is; about 15 % of a converted bundle's recorded sites, read by lint and the reference loop).
SITE_GUARDS = {
    "Coding": "type(_g := y.get('system')) is not str or _g not in _LINT_GOOD",
    "CodeableConcept": "y.get('coding') and not y.get('text')",
    "Identifier": (
        "y.get('system') == 'urn:ietf:rfc:3986' and isinstance(_iv := y.get('value'), str)"
        " and not (len(_iv) > 4 and _iv.startswith('urn:') and _iv.isascii() and _iv.isprintable()"
        " and ' ' not in _iv)"
    ),
}


@lru_cache(maxsize=4096)
def _uri(system: str) -> bool:
    """``_URI`` matches (memoised: a document names a handful of systems, thousands of times)."""
    return _URI.match(system) is not None


_SITE_TYPE = itemgetter(2)  # a Site's type, read in C


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
        return self._sites(self.cache.sites.get(location, ()), ctx)

    def check_each(
        self, resources: list[tuple[dict[str, Any], str]], ctx: Context
    ) -> list[tuple[int, list[Issue]]]:
        """``check_resource`` of every resource, by index, those with issues only (the chain's one call
        per input)."""
        out: list[tuple[int, list[Issue]]] = []
        sites_of = self.cache.sites
        for i, (_resource, location) in enumerate(resources):
            sites = sites_of.get(location)
            if sites:
                if list(map(_SITE_TYPE, sites)).count("Reference") == len(sites):
                    continue  # References only (most resources' sites): _sites passes over each
                found = self._sites(sites, ctx)
                if found:
                    out.append((i, found))
        return out

    def _sites(self, sites: Iterable[Site], ctx: Context) -> list[Issue]:
        out: list[Issue] = []
        good = _GOOD_SYSTEMS
        uri_match = _URI.match
        for at, value, stype, _el in sites:  # every typed site: keep it lean
            if stype == "Reference" or not isinstance(value, dict):
                continue
            if stype == "Coding":
                # the commonest site, inline: a Coding whose system was found good says nothing
                system = value.get("system")
                if type(system) is str and system in good:
                    continue
                found = self._coding(value, at)
            elif stype == "CodeableConcept":
                if value.get("coding") and not value.get("text"):
                    found = self._concept(value, at)
                else:
                    continue
            elif stype == "Identifier":
                if value.get("system") != "urn:ietf:rfc:3986":
                    continue  # the only identifier rule
                v = value.get("value")
                if not isinstance(v, str) or uri_match(v) is not None:
                    continue  # _identifier_value_ok, inline: a URI with a scheme (the converter's urn:uuid)
                found = self._identifier(value, at)
            elif stype in QUANTITY_TYPES:
                found = self._quantity(value, at, stype, ctx)
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
        if type(system) is str and system in _GOOD_SYSTEMS:
            return []
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
        if type(system) is str and len(_GOOD_SYSTEMS) < 4096:
            _GOOD_SYSTEMS.add(system)
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
