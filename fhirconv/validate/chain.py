"""The validation chain: walk an input's resources and ask every checker about each.

Resources are the root, every ``Bundle.entry[i].resource`` (and ``response.outcome``), every
``contained[i]`` and every ``Parameters.parameter[i].resource``, recursively, each with its FHIRPath
location. Checkers run in a fixed order so reports are deterministic; a checker that raises is turned
into a ``processing`` issue instead of hiding the rest of the report. A checker may also offer
``check_each(resources, ctx)``: ``(index, issues)`` of the resources it has issues for, what its
``check_resource`` says of each; the chain then asks it once per input instead of once per resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from .issues import Issue, Report, Severity
from .protocols import Checker, Context, DefinitionsProvider, TerminologyProvider

if TYPE_CHECKING:
    from .references import OtherEntries

__all__ = ["ValidationChain", "iter_resources", "resource_list"]


def iter_resources(resource: dict[str, Any], location: str) -> Iterator[tuple[dict[str, Any], str]]:
    """``(resource, location)`` for a resource and every resource nested in it, depth first."""
    yield resource, location
    contained = resource.get("contained")
    if isinstance(contained, list):
        for i, item in enumerate(contained):
            if isinstance(item, dict):
                yield from iter_resources(item, f"{location}.contained[{i}]")
    rtype = resource.get("resourceType")
    if rtype == "Bundle" and isinstance(resource.get("entry"), list):
        for i, entry in enumerate(resource["entry"]):
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("resource"), dict):
                yield from iter_resources(entry["resource"], f"{location}.entry[{i}].resource")
            response = entry.get("response")
            if isinstance(response, dict) and isinstance(response.get("outcome"), dict):
                yield from iter_resources(response["outcome"], f"{location}.entry[{i}].response.outcome")
    elif rtype == "Parameters" and isinstance(resource.get("parameter"), list):
        yield from _parameters(resource["parameter"], f"{location}.parameter")


def resource_list(resource: dict[str, Any], location: str) -> list[tuple[dict[str, Any], str]]:
    """``list(iter_resources(resource, location))``, built without a generator per nesting level: the
    chain walks every input once with it and shares the list with the checkers (``Context.resources``).
    A Bundle entry's resource with nothing nested in it (no ``contained``, not a Bundle or Parameters),
    the common case, is appended without a call."""
    out: list[tuple[dict[str, Any], str]] = []
    _collect(resource, location, out)
    return out


def _collect(resource: dict[str, Any], location: str, out: list[tuple[dict[str, Any], str]]) -> None:
    out.append((resource, location))
    contained = resource.get("contained")
    if isinstance(contained, list):
        for i, item in enumerate(contained):
            if isinstance(item, dict):
                _collect(item, f"{location}.contained[{i}]", out)
    rtype = resource.get("resourceType")
    if rtype == "Bundle":
        entries = resource.get("entry")
        if not isinstance(entries, list):
            return
        plain = _plain_entries(entries)
        if plain is not None:
            out.extend(zip(plain, _entry_locations(location, len(plain)), strict=True))
            return
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            nested = entry.get("resource")
            if isinstance(nested, dict):
                at = f"{location}.entry[{i}].resource"
                if "contained" in nested or nested.get("resourceType") in _NESTING:
                    _collect(nested, at, out)
                else:
                    out.append((nested, at))
            response = entry.get("response")
            if isinstance(response, dict) and isinstance(response.get("outcome"), dict):
                _collect(response["outcome"], f"{location}.entry[{i}].response.outcome", out)
    elif rtype == "Parameters" and isinstance(resource.get("parameter"), list):
        _collect_parameters(resource["parameter"], f"{location}.parameter", out)


def _collect_parameters(params: list[Any], location: str, out: list[tuple[dict[str, Any], str]]) -> None:
    for i, param in enumerate(params):
        if not isinstance(param, dict):
            continue
        if isinstance(param.get("resource"), dict):
            _collect(param["resource"], f"{location}[{i}].resource", out)
        if isinstance(param.get("part"), list):
            _collect_parameters(param["part"], f"{location}[{i}].part", out)


# the resource types whose instances hold other resources outside ``contained``
_NESTING = ("Bundle", "Parameters")


def _plain_entries(entries: list[Any]) -> list[dict[str, Any]] | None:
    """The entries' resources when every entry is an object with a resource object and no ``response``,
    and no resource holds another (no ``contained``, not a Bundle or Parameters): the converter's
    bundles. Those are then the bundle's resources, in order, each ``<bundle>.entry[i].resource``, told
    by C calls instead of the entry loop's. None for any other bundle (the entry loop's)."""
    try:  # (dict.get raises TypeError on what is no object; a set, on a resourceType that is a list)
        resources: list[Any] = list(map(dict.get, entries, repeat("resource")))
        if not all(map(isinstance, resources, repeat(dict))):
            return None
        if any(map(dict.get, entries, repeat("response"))):
            return None
        if any(map(dict.__contains__, resources, repeat("contained"))):
            return None
        if not set(map(dict.get, resources, repeat("resourceType"))).isdisjoint(_NESTING):
            return None
    except TypeError:
        return None
    return resources


def _entry_locations(location: str, n: int) -> Sequence[str]:
    """``<location>.entry[i].resource`` for i < n. The strings of a bundle of up to 4,096 entries come
    from a memo (a pure function of the location and a power-of-two block): not formatted again for
    every input, and each string's hash, which the checkers' site tables ask for, computed once."""
    if n > _MEMO_ENTRIES:
        return [f"{location}.entry[{i}].resource" for i in range(n)]
    return _location_block(location, 1 << (n - 1).bit_length())[:n]


_MEMO_ENTRIES = 4096


@lru_cache(maxsize=16)
def _location_block(location: str, size: int) -> tuple[str, ...]:
    return tuple(f"{location}.entry[{i}].resource" for i in range(size))


def _parameters(params: list[Any], location: str) -> Iterator[tuple[dict[str, Any], str]]:
    for i, param in enumerate(params):
        if not isinstance(param, dict):
            continue
        if isinstance(param.get("resource"), dict):
            yield from iter_resources(param["resource"], f"{location}[{i}].resource")
        if isinstance(param.get("part"), list):
            yield from _parameters(param["part"], f"{location}[{i}].part")


class ValidationChain:
    """Checkers × providers. Build once (checkers compile their knowledge lazily) and reuse."""

    def __init__(
        self,
        definitions: DefinitionsProvider,
        terminology: TerminologyProvider,
        checkers: Sequence[Checker],
        *,
        before_input: Sequence[Any] = (),
    ) -> None:
        self.definitions = definitions
        self.terminology = terminology
        self.checkers = list(checkers)
        self._before_input = list(before_input)  # objects with .clear(), reset per input
        # per checker: its resource types (None: every type's) and its check_each (or None), read once
        # for the checkers listed when it was made (``_dispatch``)
        self._plan: list[tuple[Checker, Any, Any]] = []
        self._planned: list[Checker] = []

    def _dispatch(self) -> list[tuple[Checker, Any, Any]]:
        """(checker, its ``resource_types`` or None, its ``check_each`` or None) of every checker in order,
        read once while the checker list stays the same (a test may put another checker in it)."""
        if self._planned != self.checkers:
            # (a check_each only for a checker of every type: the others are asked per resource)
            self._plan = [
                (
                    c,
                    getattr(c, "resource_types", None),
                    getattr(c, "check_each", None) if getattr(c, "resource_types", None) is None else None,
                )
                for c in self.checkers
            ]
            self._planned = list(self.checkers)
        return self._plan

    def validate(self, data: Any, source: str = "<input>", *, others: OtherEntries | None = None) -> Report:
        report = Report(source=source)
        if not isinstance(data, dict):
            report.issues.append(
                Issue(
                    Severity.FATAL,
                    "structure",
                    "$",
                    "the input must be a JSON object (a FHIR resource)",
                    "json",
                )
            )
            return report
        if not isinstance(data.get("resourceType"), str):
            report.issues.append(
                Issue(
                    Severity.FATAL, "structure", "$", "the JSON object has no resourceType", "resource-type"
                )
            )
            return report
        for state in self._before_input:
            state.clear()
        resources = resource_list(data, str(data["resourceType"]))
        ctx = Context(self.definitions, self.terminology, data, source, resources, others)
        report.resource_count = len(resources)
        issues = report.issues
        if len(resources) == 1:  # most inputs that are no Bundle: each checker of its type asked directly
            self._one(resources[0], ctx, issues)
        else:
            self._each(resources, ctx, issues)
        for checker in self.checkers:
            # the body of _safe(checker, "check_root", data, None, ctx), inline: most checkers' check_root
            # says nothing, and this runs for every input (a small file's whole validation is ~0.2 ms)
            try:
                found = checker.check_root(data, ctx)
                if type(found) is not list:
                    found = list(found)
            except RecursionError:
                found = [_too_deep("$")]
            except Exception as exc:  # a checker bug must not hide the other findings
                found = [_processing(checker, str(data.get("resourceType", "$")), exc)]
            if found:
                issues.extend(found)
        if len(issues) > 1:  # nothing to drop from one issue or none
            report.issues = _dedupe(issues)
        return report

    def _one(self, item: tuple[dict[str, Any], str], ctx: Context, issues: list[Issue]) -> None:
        """The checkers' issues about an input that is one resource (its type a str), in chain order."""
        resource, location = item
        rtype = resource["resourceType"]
        for checker, types, _each in self._dispatch():
            if types is not None and rtype not in types:
                continue
            issues.extend(self._safe(checker, "check_resource", resource, location, ctx))

    def _each(self, resources: list[tuple[dict[str, Any], str]], ctx: Context, issues: list[Issue]) -> None:
        """The checkers' issues about the resources of an input, resource by resource in input order."""
        # Checker by checker (the order the chain lists them), each over every resource of its types in
        # input order; a resource's issues are gathered in ``found_at`` so the report lists them as a
        # resource-by-resource loop does (resources in input order, a resource's issues in checker
        # order). A checker with ``check_each`` (every type's) is asked once for all resources: the
        # well-formed, lint and profile checkers say nothing about most resources, and a call per
        # resource was much of their cost. It must give what ``check_resource`` gives, per resource; if
        # it raises, or the instance's ``check_resource`` was replaced (a benchmark's timer), the checker
        # is asked resource by resource, so a failure is reported on the resource where it happens.
        # (a list a checker gave is kept as it is, never extended: a resource's second list makes a new
        # one, so no checker's own list is changed)
        found_at: dict[int, Sequence[Issue]] = {}
        by_type: dict[str, list[int]] | None = None  # resourceType (a str) -> its resources' indices
        present: Any = None  # the resourceTypes of the resources (False: one is unhashable)
        for checker, types, each in self._dispatch():
            if each is not None and "check_resource" not in getattr(checker, "__dict__", ()):
                try:
                    batch = each(resources, ctx)
                except Exception:  # asked again resource by resource: the failure is reported where it is
                    batch = None
                if batch is not None:
                    for i, found in batch:
                        have = found_at.get(i)
                        if have is None:
                            found_at[i] = found if type(found) is list else list(found)
                        else:
                            found_at[i] = [*have, *found]
                    continue
            if types is None:
                indices: Any = range(len(resources))
            elif not types:
                continue  # (a checker that judges everything in check_root)
            else:
                if present is None:
                    present = _types_present(resources)
                if present is not False and present.isdisjoint(types):
                    continue  # no resource of the checker's types (nearly every input, for most)
                if by_type is None:
                    by_type = _indices_by_type(resources)
                if len(by_type) == 1:  # (one type: most inputs that are no Bundle)
                    ((rtype, indices),) = by_type.items()
                    if rtype not in types:
                        continue
                else:  # the resources of the checker's types (of the few an input has), in input order
                    indices = sorted(i for rtype, at in by_type.items() if rtype in types for i in at)
            check = checker.check_resource
            for i in indices:
                resource, location = resources[i]
                # the body of _safe, inline: this loop runs (resources x checkers) times per input
                try:
                    found = check(resource, location, ctx)
                    if type(found) is not list:
                        found = list(found)
                except RecursionError:
                    found = [_too_deep(location)]
                except Exception as exc:  # a checker bug must not hide the other findings
                    found = [_processing(checker, location, exc)]
                if found:
                    have = found_at.get(i)
                    found_at[i] = found if have is None else [*have, *found]
        if found_at:
            for i in sorted(found_at):
                issues.extend(found_at[i])

    @staticmethod
    def _safe(
        checker: Checker, method: str, resource: dict[str, Any], location: str | None, ctx: Context
    ) -> list[Issue]:
        try:
            if method == "check_resource" and location is not None:
                return list(checker.check_resource(resource, location, ctx))
            return list(checker.check_root(resource, ctx))
        except RecursionError:
            return [_too_deep(location or "$")]
        except Exception as exc:  # a checker bug must not hide the other findings
            return [_processing(checker, location or str(resource.get("resourceType", "$")), exc)]


def _types_present(resources: list[tuple[dict[str, Any], str]]) -> Any:
    """The set of the resources' ``resourceType`` values (False when one cannot be in a set: a list):
    a checker of none of them is asked about none, with no type -> indices table made."""
    try:  # (C calls: the chain's resources are objects)
        return set(map(dict.get, map(_RESOURCE, resources), repeat("resourceType")))
    except TypeError:
        return False


def _indices_by_type(resources: list[tuple[dict[str, Any], str]]) -> dict[str, list[int]]:
    """resourceType -> the indices of the resources of that type (a resourceType that is no str, an
    unhashable list among them, is no type's)."""
    out: dict[str, list[int]] = {}
    for i, (resource, _location) in enumerate(resources):
        rtype = resource.get("resourceType")
        if isinstance(rtype, str):
            at = out.get(rtype)
            if at is None:
                out[rtype] = [i]
            else:
                at.append(i)
    return out


def _too_deep(location: str) -> Issue:
    return Issue(Severity.ERROR, "too-costly", location, "input nested too deeply", "chain")


def _processing(checker: Checker, location: str, exc: BaseException) -> Issue:
    return Issue(
        Severity.INFORMATION,
        "processing",
        location,
        f"checker '{checker.name}' failed: {type(exc).__name__}: {exc}",
        "chain",
    )


# an issue's identity for _dedupe, read in C (one call per issue, no tuple built in Python)
_KEY = attrgetter("severity", "location", "message", "rule")
_LOCATION = attrgetter("location")
_RESOURCE = itemgetter(0)  # (resource, location) -> resource


def _dedupe(issues: list[Issue]) -> list[Issue]:
    # Issues at distinct locations are distinct issues: told first, one str hash per issue (no tuple
    # built, no Severity hashed: an enum member's hash is a Python call); nearly every report stops here
    if len(set(map(_LOCATION, issues))) == len(issues):
        return issues  # no repeat: the list as it is
    # keyed by the Severity member itself: one member per value, and no enum ``.value`` lookup per issue
    keys = list(map(_KEY, issues))
    if len(set(keys)) == len(keys):
        return issues  # no repeat (issues at one location say different things): the list as it is
    seen: set[tuple[Severity, str, str, str | None]] = set()
    add = seen.add
    out: list[Issue] = []
    for key, issue in zip(keys, issues, strict=True):
        if key not in seen:
            add(key)
            out.append(issue)
    return out
