"""Code membership from the official R4 ValueSets and CodeSystems, expanded locally.

No terminology server: a ValueSet is expanded from its ``compose`` (whole local code systems, concept
lists, ``is-a``/``descendent-of``/``is-not-a``/``=`` filters over a local hierarchy, included value sets,
excludes) or taken from a shipped ``expansion``. Large external systems (SNOMED CT, LOINC, RxNorm, ...) are
not in the package, so codes from them are "cannot tell" (``None``) unless a local fhirconv table lists
the code; the bindings checker says so in its output rather than pretending to have checked them.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue, Severity
from .protocols import DefinitionsProvider

__all__ = [
    "EXTERNAL_SYSTEMS",
    "Expansion",
    "LocalTerminology",
    "code_tables",
    "expansion_tables",
    "unknown_code_issue",
]

# Systems too large to ship; membership is known only for codes a local table lists.
EXTERNAL_SYSTEMS = frozenset(
    {
        "http://snomed.info/sct",
        "http://loinc.org",
        "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://hl7.org/fhir/sid/icd-10",
        "http://hl7.org/fhir/sid/icd-10-cm",
        "http://hl7.org/fhir/sid/icd-9-cm",
        "http://hl7.org/fhir/sid/ndc",
        "http://hl7.org/fhir/sid/cvx",
        "http://unitsofmeasure.org",
        "urn:ietf:bcp:47",
        "urn:ietf:bcp:13",
        "urn:iso:std:iso:3166",
        "urn:iso:std:iso:4217",
        "http://www.ama-assn.org/go/cpt",
        "http://www.whocc.no/atc",
        "http://hl7.org/fhir/sid/us-npi",
    }
)


@dataclass(slots=True)
class Expansion:
    """What a ValueSet contains: enumerated (system, code) pairs, plus systems it only names (open)."""

    codes: set[tuple[str, str]] = field(default_factory=set)
    open_systems: set[str] = field(default_factory=set)  # included but not enumerable here
    complete: bool = True  # False when part of the definition could not be expanded (e.g. unknown VS)

    @property
    def systems(self) -> set[str]:
        return {s for s, _ in self.codes} | self.open_systems


_STR, _TUPLE, _PAIR = frozenset({str}), frozenset({tuple}), frozenset({2})  # a stored expansion's shape
_NOT_YET: Any = object()  # an expansion not computed yet (None: the value set is not local)


def _canonical(url: str) -> str:
    return url.split("|", 1)[0]


class LocalTerminology:
    """TerminologyProvider over a DefinitionsProvider; expansions are computed once and cached."""

    def __init__(
        self,
        definitions: DefinitionsProvider,
        local_codes: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._definitions = definitions
        self._local = {system: frozenset(codes) for system, codes in (local_codes or {}).items()}
        self._expansions: dict[str, Expansion | None] = {}
        self._system_codes: dict[str, dict[str, list[str]] | None] = {}  # code -> parents, per system
        self._props: dict[str, dict[str, dict[str, set[str]]]] = {}
        self._folded: dict[str, dict[str, str]] = {}  # system -> casefolded code -> code
        self._case: dict[str, bool] = {}  # system -> caseSensitive, where read from the stored tables
        self._stored: Mapping[str, bytes] | None = None  # system -> its code table (``code_tables``)
        self._stored_vs: Mapping[str, bytes] | None = None  # value set -> expansion (``expansion_tables``)

    def use_stored(
        self, definitions: object, tables: Mapping[str, bytes], expansions: Mapping[str, bytes] | None = None
    ) -> None:
        """Read each code system's hierarchy and case sensitivity from ``tables`` (what
        :func:`code_tables` made of the same ``definitions``, kept in the validator's cache file) instead
        of unpickling the CodeSystem and walking its concepts: a process's first validation asked for a
        few hundred systems that way. Likewise each value set's expansion from ``expansions``
        (:func:`expansion_tables`): a first validation of the 527 official examples expanded 190 value
        sets, about 5 % of its time. Tables of other definitions are ignored."""
        if definitions is self._definitions:
            self._stored = tables
            self._stored_vs = expansions

    def _from_stored(self, system: str) -> bool:
        """Take ``system``'s table from the stored ones; False when absent or unreadable (computed then)."""
        try:
            blob = self._stored.get(system) if self._stored is not None else None
            if blob is None:
                return False
            hierarchy, case = marshal.loads(blob)
        except (EOFError, ValueError, TypeError, OSError):
            return False
        if not isinstance(case, bool) or not (hierarchy is None or isinstance(hierarchy, dict)):
            return False
        self._system_codes[system] = hierarchy
        self._case[system] = case
        return True

    def _stored_expansion(self, url: str) -> Expansion | None:
        """``url``'s expansion from the stored ones; None when absent or unreadable (computed then)."""
        try:
            blob = self._stored_vs.get(url) if self._stored_vs is not None else None
            if blob is None:
                return None
            codes, open_systems, complete = marshal.loads(blob)
            # the shape checked by C-level maps, not a Python loop over the codes (a third of the read)
            if not (
                isinstance(complete, bool)
                and type(open_systems) is tuple
                and set(map(type, open_systems)) <= _STR
                and type(codes) is tuple
                and set(map(type, codes)) <= _TUPLE
                and set(map(len, codes)) <= _PAIR
            ):
                return None
            return Expansion(set(codes), set(open_systems), complete)
        except (EOFError, ValueError, TypeError, OSError):
            return None

    # -- TerminologyProvider protocol --------------------------------------------------------------

    def validate_code(self, value_set_url: str, system: str | None, code: str) -> bool | None:
        """True/False when the local definitions decide membership; None when they cannot."""
        exp = self.expand(value_set_url)
        if exp is None:
            return None
        if system is not None:
            if (system, code) in exp.codes:
                return True
            if system in exp.open_systems:
                local = self._local.get(system)
                return True if local is not None and code in local else None
            return False if exp.complete else None
        if any(c == code for _, c in exp.codes):
            return True
        return None if exp.open_systems or not exp.complete else False

    def knows_system(self, system: str) -> bool:
        """True when the whole code system is local (so any code of it can be judged)."""
        return self._hierarchy(system) is not None

    def knows_code(self, system: str, code: str) -> bool | None:
        """Is ``code`` defined in ``system``? None when the system is not local.

        Codes compare exactly unless the CodeSystem says ``caseSensitive: false``.
        """
        hierarchy = self._hierarchy(system)
        if hierarchy is not None:
            if code in hierarchy:
                return True
            return not self.case_sensitive(system) and self.case_match(system, code) is not None
        local = self._local.get(system)
        if local is not None and code in local:
            return True
        return None

    def case_sensitive(self, system: str) -> bool:
        """R4 CodeSystem.caseSensitive; absent counts as case-sensitive (as the HL7 validator reads it)."""
        case = self._case.get(system)
        if case is not None:
            return case
        cs = self._definitions.code_system(system) or {}
        return cs.get("caseSensitive") is not False

    def case_match(self, system: str, code: str) -> str | None:
        """The code of ``system`` that equals ``code`` but for letter case (``TAB`` for ``Tab``), or None."""
        hierarchy = self._hierarchy(system)
        if hierarchy is None:
            return None
        folded = code.casefold()
        if system not in self._folded:
            self._folded[system] = {c.casefold(): c for c in hierarchy}
        found = self._folded[system].get(folded)
        return found if found != code else None

    # -- expansion -------------------------------------------------------------------------------

    def expand(self, value_set_url: str) -> Expansion | None:
        """What the value set contains, or None when it is not local or cannot be expanded.

        The result does not depend on which value sets were expanded before (so it can be stored, see
        :func:`expansion_tables`). A value set that includes itself through others (A includes B
        includes A) has no well-founded expansion: it is one that cannot be expanded (None, like an
        unknown value set), from every entry point; a value set naming it gets that part as incomplete.
        Before, a guard made the first of the cycle to be asked the one expanded, in part.
        """
        url = _canonical(value_set_url)
        done = self._expansions.get(url, _NOT_YET)
        if done is not _NOT_YET:
            return done  # type: ignore[no-any-return]
        exp = self._stored_expansion(url)
        if exp is None:
            vs = self._definitions.value_set(url)
            exp = self._expand(vs) if vs is not None and not self._on_cycle(url) else None
        self._expansions[url] = exp
        return exp

    def _on_cycle(self, url: str) -> bool:
        """Does ``url`` include or exclude itself through the value sets its definition names?"""
        seen: set[str] = set()
        stack = self._named(url)
        while stack:
            ref = stack.pop()
            if ref == url:
                return True
            if ref not in seen:
                seen.add(ref)
                stack.extend(self._named(ref))
        return False

    def _named(self, url: str) -> list[str]:
        """The value sets ``url``'s compose names (as ``_part`` follows them), or none."""
        vs = self._definitions.value_set(url)
        compose = vs.get("compose") if vs is not None else None
        if not isinstance(compose, dict):
            return []
        parts = [*(compose.get("include") or []), *(compose.get("exclude") or [])]
        return [
            _canonical(ref) for part in parts for ref in part.get("valueSet") or [] if isinstance(ref, str)
        ]

    def _expand(self, vs: dict[str, Any]) -> Expansion:
        compose = vs.get("compose")
        if not isinstance(compose, dict):
            exp = Expansion()
            contains = (vs.get("expansion") or {}).get("contains")
            if contains:
                exp.codes.update(_flatten_contains(contains))
            else:
                exp.complete = False
            return exp
        exp = Expansion()
        for inc in compose.get("include") or []:
            part = self._part(inc)
            exp.codes |= part.codes
            exp.open_systems |= part.open_systems
            exp.complete &= part.complete
        for exc in compose.get("exclude") or []:
            part = self._part(exc)
            exp.codes -= part.codes
        return exp

    def _part(self, inc: dict[str, Any]) -> Expansion:
        """One include/exclude: a system selection intersected with any value sets it names."""
        part: Expansion | None = None
        system = inc.get("system")
        if isinstance(system, str):
            part = self._select(system, inc.get("concept"), inc.get("filter"))
        for ref in inc.get("valueSet") or []:
            other = self.expand(ref) if isinstance(ref, str) else None
            if other is None:
                other = Expansion(complete=False)
            if part is None:
                part = Expansion(set(other.codes), set(other.open_systems), other.complete)
            else:
                part = Expansion(
                    part.codes & other.codes
                    | {c for c in part.codes if c[0] in other.open_systems}
                    | {c for c in other.codes if c[0] in part.open_systems},
                    part.open_systems & other.open_systems,
                    part.complete and other.complete,
                )
        return part or Expansion(complete=False)

    def _select(self, system: str, concepts: Any, filters: Any) -> Expansion:
        if concepts:
            codes = {(system, str(c["code"])) for c in concepts if isinstance(c, dict) and c.get("code")}
            return Expansion(codes=codes)
        hierarchy = self._hierarchy(system)
        if hierarchy is None:
            return Expansion(open_systems={system})
        selected = set(hierarchy)
        for flt in filters or []:
            props = self._properties(system) if isinstance(flt, dict) and flt.get("op") == "=" else {}
            chosen = _apply_filter(hierarchy, flt, props) if isinstance(flt, dict) else None
            if chosen is None:
                return Expansion(open_systems={system})  # a filter we cannot apply: say "cannot tell"
            selected &= chosen
        return Expansion(codes={(system, c) for c in selected})

    def _hierarchy(self, system: str) -> dict[str, list[str]] | None:
        """code -> parent codes for a complete local CodeSystem; None when not local or partial."""
        if system not in self._system_codes and not self._from_stored(system):
            cs = None if system in EXTERNAL_SYSTEMS else self._definitions.code_system(system)
            if cs is None or cs.get("content") not in (None, "complete") or not cs.get("concept"):
                self._system_codes[system] = None
            else:
                parents: dict[str, list[str]] = {}
                for code, parent, concept in _walk_concepts(cs.get("concept") or [], None):
                    parents.setdefault(code, [])
                    if parent:
                        parents[code].append(parent)
                    for prop in concept.get("property") or []:
                        if prop.get("code") in ("parent", "subsumedBy") and prop.get("valueCode"):
                            parents[code].append(str(prop["valueCode"]))
                self._system_codes[system] = parents
        return self._system_codes[system]

    def _properties(self, system: str) -> dict[str, dict[str, set[str]]]:
        """code -> property code -> values, for '=' filters (computed once per system)."""
        if system in self._props:
            return self._props[system]
        cs = self._definitions.code_system(system) or {}
        out: dict[str, dict[str, set[str]]] = self._props.setdefault(system, {})
        for code, _parent, concept in _walk_concepts(cs.get("concept") or [], None):
            props = out.setdefault(code, {})
            for prop in concept.get("property") or []:
                for key, val in prop.items():
                    if key.startswith("value") and prop.get("code"):
                        props.setdefault(str(prop["code"]), set()).add(str(val).lower())
        return out


def code_tables(definitions: DefinitionsProvider, systems: Iterable[str]) -> dict[str, bytes]:
    """Each of ``systems``' code table as :meth:`LocalTerminology.use_stored` reads it: the marshalled
    (code -> parent codes or None, caseSensitive), computed by LocalTerminology itself."""
    term = LocalTerminology(definitions)
    return {s: marshal.dumps((term._hierarchy(s), term.case_sensitive(s))) for s in systems}


def expansion_tables(definitions: DefinitionsProvider, value_sets: Iterable[str]) -> dict[str, bytes]:
    """Each of ``value_sets``' expansion as :meth:`LocalTerminology.use_stored` reads it: the marshalled
    (sorted (system, code) pairs, sorted open systems, complete), computed by LocalTerminology itself
    (its expansions do not depend on the order they are asked in); value sets that are not local are
    left out."""
    term = LocalTerminology(definitions)
    out: dict[str, bytes] = {}
    for url in value_sets:
        exp = term.expand(url)
        if exp is not None:
            out[url] = marshal.dumps(
                (tuple(sorted(exp.codes)), tuple(sorted(exp.open_systems)), exp.complete)
            )
    return out


def unknown_code_issue(terminology: Any, system: Any, code: Any, loc: str, what: str = "") -> Issue | None:
    """An error when ``code`` is not in ``system`` and that system is complete locally (else None).

    As in the HL7 validator, a code of a case-sensitive system must match in its exact case: ``Tab`` is
    not ``TAB``; the message names the code meant.
    """
    knows_code = getattr(terminology, "knows_code", None)
    if knows_code is None or not isinstance(system, str) or not isinstance(code, str):
        return None
    if knows_code(system, code) is not False:
        return None
    case_match = getattr(terminology, "case_match", None)
    meant = case_match(system, code) if case_match is not None else None
    hint = f" (the system is case-sensitive: did you mean '{meant}'?)" if meant else ""
    return Issue(
        Severity.ERROR,
        "code-invalid",
        loc,
        f"unknown code '{code}' in code system {system}{what}{hint}",
        "terminology.unknown-code",
    )


def _walk_concepts(
    concepts: list[dict[str, Any]], parent: str | None
) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    for concept in concepts:
        if not isinstance(concept, dict) or not concept.get("code"):
            continue
        code = str(concept["code"])
        yield code, parent, concept
        yield from _walk_concepts(concept.get("concept") or [], code)


def _flatten_contains(contains: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for item in contains:
        if item.get("system") and item.get("code"):
            yield str(item["system"]), str(item["code"])
        yield from _flatten_contains(item.get("contains") or [])


def _descendants(hierarchy: dict[str, list[str]], root: str) -> set[str]:
    children: dict[str, set[str]] = {}
    for code, parents in hierarchy.items():
        for p in parents:
            children.setdefault(p, set()).add(code)
    out: set[str] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def _apply_filter(
    hierarchy: dict[str, list[str]], flt: dict[str, Any], props: dict[str, dict[str, set[str]]]
) -> set[str] | None:
    prop, op, value = flt.get("property"), flt.get("op"), flt.get("value")
    if not isinstance(value, str):
        return None
    if prop == "concept" and op == "is-a":
        return _descendants(hierarchy, value) | ({value} if value in hierarchy else set())
    if prop == "concept" and op == "descendent-of":
        return _descendants(hierarchy, value)
    if prop == "concept" and op == "is-not-a":
        return set(hierarchy) - _descendants(hierarchy, value) - {value}
    if prop == "concept" and op == "in":
        return {v for v in value.split(",") if v in hierarchy}
    if op == "=" and isinstance(prop, str):
        return {code for code, p in props.items() if value.lower() in p.get(prop, set())}
    return None
