"""MeasureReport against its Measure, and a Measure's CQL stratifier criteria against its libraries.

A MeasureReport only means something relative to the Measure it reports on: its groups, populations and
stratifiers are the Measure's, named by their codes, and the Measure's scoring decides what score there
is. The Measure is found by ``MeasureReport.measure``: a contained one (``#id``), one in the same Bundle
(by ``url``), or one a loaded package ships. Without it nothing is said. Rules, as the HL7 validator
applies them (``measure.*``):

- groups: with one group on each side the report's group may be anonymous, but a code it gives must be
  usable (system and code) and match the Measure's; otherwise every group names a group of the Measure
  by code, once, and every group of the Measure is reported (unless the report is a ``data-collection``);
- populations: each names a population of its group by code, once; every population of the group but
  ``measure-observation`` is reported; ``subjectResults`` only in a ``subject-list`` report;
- stratifiers: each names a stratifier of its group by code (or the same text when neither has
  codings), once; every stratifier of the group is reported;
- score: none in a ``data-collection`` report or for ``cohort`` scoring; required for ``proportion``,
  ``ratio`` and ``continuous-variable``, a proportion between 0 and 1 with no unit.

A Measure's stratifier criteria in ``text/cql`` name a definition ``Library.definition``; when the
library is loaded and carries its ELM (``application/elm+xml``), the definition must be one of the ELM's
``statements/def`` (``measure.criteria``). Libraries that cannot be found locally are not judged.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from .issues import Issue, Severity
from .protocols import Context

__all__ = ["MeasureChecker"]

_POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
_ELM_NS = "urn:hl7-org:elm:r1"


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _codings(cc: Any) -> set[tuple[Any, Any]]:
    if not isinstance(cc, dict):
        return set()
    return {(c.get("system"), c.get("code")) for c in _list(cc.get("coding")) if isinstance(c, dict)}


def _usable(cc: Any) -> bool:
    return any(isinstance(s, str) and isinstance(c, str) for s, c in _codings(cc))


def _show(cc: Any) -> str:
    codes = sorted(f"{s}#{c}" for s, c in _codings(cc) if isinstance(c, str))
    text = cc.get("text") if isinstance(cc, dict) else None
    return ", ".join(codes) or (text if isinstance(text, str) else "")


def _match(cc: Any, candidates: list[Any], by_text: bool = False) -> Any | None:
    """The first candidate (a group, population or stratifier of the Measure) whose code shares a
    coding with ``cc`` (system and code); for stratifiers also the same text when neither has codings."""
    mine = {(s, c) for s, c in _codings(cc) if isinstance(c, str)}
    for cand in candidates:
        code = cand.get("code") if isinstance(cand, dict) else None
        if not isinstance(code, dict):
            continue
        if mine & _codings(code):
            return cand
        if by_text and not mine and not _codings(code):
            text = code.get("text")
            if isinstance(text, str) and isinstance(cc, dict) and cc.get("text") == text:
                return cand
    return None


class MeasureChecker:
    name = "measures"
    resource_types = frozenset({"Measure", "MeasureReport"})  # what check_resource reads

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        rtype = resource.get("resourceType")
        if rtype == "MeasureReport":
            return _Report(resource, location, ctx).run()
        if rtype == "Measure":
            return list(_criteria(resource, location, ctx))
        return []


def _find(rtype: str, canonical: str, resource: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    url = canonical.split("|")[0]
    if url.startswith("#"):
        for c in _list(resource.get("contained")):
            if isinstance(c, dict) and c.get("resourceType") == rtype and c.get("id") == url[1:]:
                return c
        return None
    root = ctx.root
    if isinstance(root, dict) and root.get("resourceType") == "Bundle":
        for e in _list(root.get("entry")):
            r = e.get("resource") if isinstance(e, dict) else None
            if isinstance(r, dict) and r.get("resourceType") == rtype and r.get("url") == url:
                return r
    lookup = getattr(ctx.definitions, "artifact", None)
    found = lookup(rtype, url) if callable(lookup) else None
    return found if isinstance(found, dict) else None


class _Report:
    def __init__(self, report: dict[str, Any], location: str, ctx: Context) -> None:
        self.report = report
        self.location = location
        self.ctx = ctx
        self.issues: list[Issue] = []

    def err(self, at: str, message: str) -> None:
        self.issues.append(Issue(Severity.ERROR, "business-rule", at, message, "measure.report"))

    def run(self) -> list[Issue]:
        canonical = self.report.get("measure")
        if not isinstance(canonical, str):
            return []
        measure = _find("Measure", canonical, self.report, self.ctx)
        if measure is None:
            return []
        self.scoring = next(
            (c for _s, c in sorted(_codings(measure.get("scoring")), key=str) if isinstance(c, str)), None
        )
        self.kind = self.report.get("type")
        self.groups(_list(measure.get("group")), _list(self.report.get("group")))
        return self.issues

    def groups(self, defined: list[Any], reported: list[Any]) -> None:
        if not defined:
            return
        loc = f"{self.location}.group"
        if len(defined) == 1 and len(reported) == 1:
            mrg, mg = reported[0], defined[0]
            if isinstance(mrg, dict) and isinstance(mg, dict) and "code" in mg and "code" in mrg:
                if not _usable(mrg["code"]):
                    self.err(f"{loc}[0]", "the group's code has no coding with a system and a code")
                elif _match(mrg["code"], [mg]) is None:
                    self.err(
                        f"{loc}[0]",
                        f"the group's code ({_show(mrg['code'])}) is not the Measure's ({_show(mg['code'])})",
                    )
            if isinstance(mrg, dict) and isinstance(mg, dict):
                self.group(mg, mrg, f"{loc}[0]")
            return
        seen: list[int] = []
        for i, mrg in enumerate(reported):
            if not isinstance(mrg, dict):
                continue
            at = f"{loc}[{i}]"
            if "code" not in mrg:
                self.err(at, "the Measure has several groups: each group of the report needs a code")
                continue
            mg = _match(mrg["code"], defined)
            if mg is None:
                self.err(at, f"no group of the Measure has the code {_show(mrg['code'])}")
            elif id(mg) in seen:
                self.err(at, f"the group {_show(mrg['code'])} is reported twice")
            else:
                seen.append(id(mg))
                self.group(mg, mrg, at)
        if self.kind != "data-collection":
            for mg in defined:
                if isinstance(mg, dict) and id(mg) not in seen:
                    self.err(
                        self.location,
                        f"the report has no group for the Measure's group {_show(mg.get('code'))!r}",
                    )

    def group(self, mg: dict[str, Any], mrg: dict[str, Any], at: str) -> None:
        self.populations(_list(mg.get("population")), _list(mrg.get("population")), at)
        self.score(mrg, at)
        self.stratifiers(_list(mg.get("stratifier")), _list(mrg.get("stratifier")), at)

    def populations(self, defined: list[Any], reported: list[Any], at: str) -> None:
        seen: list[int] = []
        for i, pop in enumerate(reported):
            if not isinstance(pop, dict):
                continue
            here = f"{at}.population[{i}]"
            if "code" not in pop:
                self.err(here, "a population of the report needs a code")
                continue
            mp = _match(pop["code"], defined)
            if mp is None:
                self.err(here, f"no population of the Measure's group has the code {_show(pop['code'])}")
                continue
            if id(mp) in seen:
                self.err(here, f"the population {_show(pop['code'])} is reported twice")
                continue
            seen.append(id(mp))
            if self.kind != "subject-list" and "subjectResults" in pop:
                self.err(
                    here, "only a subject-list report lists the subjects of a population (subjectResults)"
                )
        for mp in defined:
            if not isinstance(mp, dict) or id(mp) in seen:
                continue
            if (_POPULATION, "measure-observation") in _codings(mp.get("code")):
                continue
            self.err(
                at, f"the report has no population for the Measure's population {_show(mp.get('code'))!r}"
            )

    def score(self, mrg: dict[str, Any], at: str) -> None:
        ms = mrg.get("measureScore")
        here = f"{at}.measureScore"
        if self.kind == "data-collection" or self.scoring == "cohort":
            if ms is not None:
                why = "a data-collection report" if self.kind == "data-collection" else "cohort scoring"
                self.err(here, f"there is no measure score for {why}")
            return
        if self.scoring not in ("proportion", "ratio", "continuous-variable"):
            return
        if not isinstance(ms, dict):
            self.err(at, f"a measure score is required for {self.scoring} scoring")
            return
        if "value" not in ms:
            self.err(here, f"the measure score of {self.scoring} scoring needs a value")
            return
        if self.scoring == "proportion":
            for key in ("unit", "system", "code"):
                if key in ms:
                    self.err(f"{here}.{key}", "a proportion is a unitless number")
            try:
                value = Decimal(str(ms["value"]))
            except (InvalidOperation, ValueError):
                return  # a value that is no number is the structure checker's finding
            if not Decimal(0) <= value <= Decimal(1):
                self.err(f"{here}.value", "a proportion is between 0 and 1")

    def stratifiers(self, defined: list[Any], reported: list[Any], at: str) -> None:
        seen: list[int] = []
        for i, st in enumerate(reported):
            if not isinstance(st, dict):
                continue
            here = f"{at}.stratifier[{i}]"
            codes = _list(st.get("code"))
            if not codes:
                self.err(here, "a stratifier of the report needs a code")
                continue
            ms = next((m for m in (_match(c, defined, by_text=True) for c in codes) if m is not None), None)
            if ms is None:
                self.err(here, f"no stratifier of the Measure's group has the code {_show(codes[0])}")
            elif id(ms) in seen:
                self.err(here, f"the stratifier {_show(codes[0])} is reported twice")
            else:
                seen.append(id(ms))
        for ms in defined:
            if isinstance(ms, dict) and id(ms) not in seen:
                shown = _show(ms.get("code")) or str(ms.get("id", ""))
                self.err(at, f"the report has no stratifier for the Measure's stratifier {shown!r}")


# -- Measure: CQL criteria of stratifiers ------------------------------------------------------------------


def _criteria(measure: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
    refs = [r for r in _list(measure.get("library")) if isinstance(r, str)]
    libraries = [lib for lib in (_find("Library", r, measure, ctx) for r in refs) if lib is not None]
    if not libraries or len(libraries) != len(refs):
        return  # a library that cannot be found here: its definitions cannot be judged
    for g, group in enumerate(_list(measure.get("group"))):
        if not isinstance(group, dict):
            continue
        for s, strat in enumerate(_list(group.get("stratifier"))):
            if not isinstance(strat, dict):
                continue
            at = f"{location}.group[{g}].stratifier[{s}]"
            sites = [(strat.get("criteria"), f"{at}.criteria")]
            sites += [
                (c.get("criteria"), f"{at}.component[{k}].criteria")
                for k, c in enumerate(_list(strat.get("component")))
                if isinstance(c, dict)
            ]
            for crit, here in sites:
                found = _check_cql(crit, libraries)
                if found:
                    yield Issue(Severity.ERROR, "invalid", here, found, "measure.criteria")


def _check_cql(crit: Any, libraries: list[dict[str, Any]]) -> str | None:
    if not isinstance(crit, dict) or crit.get("language") not in ("text/cql", "text/cql.identifier"):
        return None
    ref = crit.get("expression")
    if not isinstance(ref, str) or not ref:
        return None
    if "." in ref:
        name, ref = ref.split(".", 1)
        named = [lib for lib in libraries if lib.get("name") == name]
        if not named:
            return f"no library of the Measure is named {name!r}"
        if len(named) > 1:
            return f"several libraries of the Measure are named {name!r}"
        lib = named[0]
    elif len(libraries) == 1:
        lib = libraries[0]
    else:
        return "the Measure has several libraries: the expression must name one (Library.definition)"
    names = _elm_definitions(lib)
    if names is None or ref in names:
        return None
    return f"the library {lib.get('url')} defines no {ref!r}"


def _elm_definitions(library: dict[str, Any]) -> set[str] | None:
    """The names of the ELM's ``statements/def``; None when the library carries no readable ELM."""
    from ..errors import FhirconvError
    from ..readers._xml import parse_xml

    for content in _list(library.get("content")):
        if not isinstance(content, dict) or content.get("contentType") != "application/elm+xml":
            continue
        try:
            data = base64.b64decode(str(content.get("data", "")), validate=False)
            root = parse_xml(data, "elm")
        except (binascii.Error, ValueError, FhirconvError):  # unreadable ELM: not judged
            return None
        if root.tag != f"{{{_ELM_NS}}}library":
            return None
        return {
            str(d.get("name"))
            for stmts in root.findall(f"{{{_ELM_NS}}}statements")
            for d in stmts.findall(f"{{{_ELM_NS}}}def")
        }
    return None
