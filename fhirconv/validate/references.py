"""References: resolution inside the bundle, allowed target types, fullUrl uniqueness, transaction requests.

Resolution follows the R4 rules (http://hl7.org/fhir/R4/bundle.html#references): ``urn:uuid:``/``urn:oid:``
references must match an entry's fullUrl (they resolve nowhere else); relative ``Type/id`` references
resolve against the referring entry's base, and may point outside the bundle (then only the type in the
URL is checked); ``#id`` must name a contained resource (or ``#`` the container). Target types come from
the element's ``targetProfile`` in the definitions (the structure walk records them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from types import MappingProxyType
from typing import Any

from .chain import resource_list
from .issues import Issue, Severity
from .protocols import Context
from .structure import Site, WalkCache

__all__ = ["NO_URNS", "OtherEntries", "ReferenceChecker", "reference_guard", "urn_table"]

_CONTAINED = re.compile(r"^(.*)\.contained\[\d+\]$")
_ENTRY = re.compile(r"^Bundle\.entry\[\d+\]\.resource(\.contained\[\d+\])*$")
_RELATIVE = re.compile(r"^([A-Z][A-Za-z]+)/([A-Za-z0-9\-\.]{1,64})(/_history/[A-Za-z0-9\-\.]{1,64})?$")
_ABSOLUTE = re.compile(
    r"^(https?://.*?)/?([A-Z][A-Za-z]+)/([A-Za-z0-9\-\.]{1,64})(/_history/[A-Za-z0-9\-\.]{1,64})?$"
)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _relative_canonicals(site: Site) -> list[Issue]:
    """A canonical is an absolute URL or a ``#fragment`` (R4 canonical datatype; the HL7 validator's rule)."""
    values = site.value if isinstance(site.value, list) else [site.value]
    out: list[Issue] = []
    for i, v in enumerate(values):
        if not isinstance(v, str) or v.startswith("#") or _SCHEME.match(v):
            continue
        at = f"{site.location}[{i}]" if isinstance(site.value, list) else site.location
        out.append(
            Issue(
                Severity.ERROR,
                "invalid",
                at,
                f"canonical '{v}' is relative; canonical URLs must be absolute unless they are '#' "
                "fragment references",
                "reference.canonical-relative",
            )
        )
    return out


def _needs_full_url(btype: Any, entry: dict[str, Any]) -> bool:
    """R4 Bundle.entry.fullUrl "SHALL have a value except that fullUrl can be empty on a POST ... and
    results from operations might involve resources that are not identified": transactions, batches and
    their responses are exempt, as are a search's OperationOutcome entries."""
    if btype not in ("document", "message", "collection", "history", "searchset"):
        return False
    search = entry.get("search")
    return not (btype == "searchset" and isinstance(search, dict) and search.get("mode") == "outcome")


def _target_ok(rtype: str, targets: tuple[str, ...]) -> bool:
    return not targets or "Resource" in targets or rtype in targets


@dataclass
class OtherEntries:
    """The rest of a bundle that is validated in parts (a streamed bundle's windows, ``fhirconv.streaming``).

    A part alone would report every ``urn:`` reference to an entry of another part as unresolved and
    could not check its target type. Given this, the checker resolves such a reference through ``types``
    (fullUrl -> resourceType of the entries in the parts validated before) and judges it exactly as in
    the whole bundle; a reference to none of them (a forward reference) is recorded in ``forward``
    instead of reported, and :meth:`check_forward` judges those once every part has been seen. Only
    ``urn:`` references (which resolve by fullUrl alone) use it."""

    types: dict[str, str] = field(default_factory=dict)
    #: (reference, location in its part, allowed target types, Reference.type, strict) per forward reference
    forward: list[tuple[str, str, tuple[str, ...], Any, bool]] = field(default_factory=list)
    known: frozenset[str] = frozenset()  # the R4 resource types (from the definitions used)

    def check_forward(self) -> list[Issue]:
        """The issues the whole bundle gives the forward references, with ``types`` now holding every entry
        (locations are those recorded, in their part)."""
        out: list[Issue] = []
        for value, where, targets, declared, strict in self.forward:
            rtype = self.types.get(value)
            if rtype is None:
                out.append(_unresolved(value, where, strict))
            else:
                at = where[: -len(".reference")]
                out.extend(_typed(rtype, value, declared, targets, where, at, self.known))
        return out


def _not_unique(i: int, full_url: str, first: int) -> Issue:
    return Issue(
        Severity.ERROR,
        "invariant",
        f"Bundle.entry[{i}].fullUrl",
        f"fullUrl '{full_url}' is already used by Bundle.entry[{first}] (bdl-7)",
        "bundle.fullurl-unique",
    )


def _unresolved(value: str, where: str, strict: bool) -> Issue:
    """A URN resolves nowhere else: fatal to a transaction/document/message, a warning elsewhere."""
    return Issue(
        Severity.ERROR if strict else Severity.WARNING,
        "not-found",
        where,
        f"'{value}' matches no entry fullUrl in this bundle",
        "reference.resolve",
    )


def _typed(
    target_type: str,
    value: str,
    declared: Any,
    targets: tuple[str, ...],
    where: str,
    at: str,
    known: frozenset[str],
) -> list[Issue]:
    """What a reference to a resource of ``target_type`` breaks: an unknown type, a type the element does
    not allow, a Reference.type that says otherwise."""
    out: list[Issue] = []
    if target_type not in known:
        out.append(
            Issue(
                Severity.ERROR,
                "structure",
                where,
                f"'{target_type}' in '{value}' is not an R4 resource type",
                "reference.type",
            )
        )
    elif not _target_ok(target_type, targets):
        out.append(ReferenceChecker._wrong_type(where, target_type, targets))
    if isinstance(declared, str) and declared != target_type:
        out.append(
            Issue(
                Severity.ERROR,
                "invalid",
                at + ".type",
                f"Reference.type '{declared}' but the target is a {target_type}",
                "reference.type",
            )
        )
    return out


_STARTSWITH: Any = str.startswith  # (unbound: TypeError on what is no str)


def _urn_entries(
    entries: list[Any],
    needs_request: bool,
    known: frozenset[str],
    by_url: dict[str, dict[str, Any]],
    urn_types: dict[str, str],
) -> bool:
    """The bundle pass of the commonest bundle (every converted one) in a few passes of C calls instead of
    the entry loop: every entry an object with a ``urn:uuid:`` fullUrl that no other entry has and, in a
    transaction or batch, a ``request`` object. The entry loop finds nothing to report about such entries
    (no missing fullUrl or request, no duplicate: the fullUrls alone are distinct, so (fullUrl, versionId)
    keys are too; a urn: fullUrl gets no RESTful checks) and only fills ``by_url`` (fullUrl -> the entry's
    resource, when an object) and ``urn_types`` (fullUrl -> the resource's type, when an R4 type): filled
    here the same. False, with nothing filled, for any other bundle (the entry loop's)."""
    try:  # (dict.get and str.startswith raise TypeError on what is no object, no string)
        urls: list[Any] = list(map(dict.get, entries, repeat("fullUrl")))
        if not all(map(_STARTSWITH, urls, repeat("urn:uuid:"))) or len(set(urls)) != len(urls):
            return False  # (a duplicate, bdl-7: the entry loop reports it where it is)
        requests = map(dict.get, entries, repeat("request"))
        if needs_request and not all(map(isinstance, requests, repeat(dict))):
            return False
    except TypeError:
        return False
    resources: list[Any] = list(map(dict.get, entries, repeat("resource")))
    if all(map(isinstance, resources, repeat(dict))):
        found: dict[str, dict[str, Any]] = dict(zip(urls, resources, strict=True))
    else:
        found = {u: r for u, r in zip(urls, resources, strict=True) if isinstance(r, dict)}
    by_url.update(found)
    rtypes: list[Any] = list(map(dict.get, found.values(), repeat("resourceType")))  # (objects, all)
    try:
        every = known.issuperset(rtypes)  # (known holds str only)
    except TypeError:  # a resourceType no set can hold (a list)
        every = False
    if every:
        urn_types.update(zip(found, rtypes, strict=True))
    else:
        urn_types.update({u: t for u, t in zip(found, rtypes, strict=True) if type(t) is str and t in known})
    return True


NO_URNS: Mapping[str, str] = MappingProxyType({})  # (no table: every Reference site is recorded)


def urn_table(ctx: Context, cache: WalkCache | None) -> Mapping[str, str]:
    """The input's urn:uuid fullUrl -> R4 resource type table, made once per input (by the compiled walk,
    at its first resource) so that the walk can leave out the sites of the commonest reference, one
    :meth:`ReferenceChecker.check_root` passes over without a word: a Reference without ``type`` whose
    ``reference`` is a key of the table and whose type the element allows (``reference_guard``).

    The table is exactly the one ``check_root`` makes of the same input (``_urn_entries``, the bundle pass
    of a bundle of distinct urn:uuid fullUrls: every converted bundle); it is kept on the walk cache with
    the by-fullUrl index, and ``check_root`` takes both from there instead of making them again. Any
    other input (no Bundle, other fullUrls, a duplicate, a missing request) gets no table: every site is
    recorded and judged as before."""
    root = ctx.root
    if cache is None:
        return NO_URNS
    cache.urns = None
    if type(root) is not dict or root.get("resourceType") != "Bundle":
        return NO_URNS
    entries = root.get("entry")
    if not isinstance(entries, list):
        return NO_URNS
    known = ctx.definitions.resource_types()
    by_url: dict[str, dict[str, Any]] = {}
    urn_types: dict[str, str] = {}
    if not _urn_entries(entries, root.get("type") in ("transaction", "batch"), known, by_url, urn_types):
        return NO_URNS
    cache.urns = (root, known, urn_types, by_url)
    return urn_types


def reference_guard(targets: tuple[str, ...]) -> str:
    """The compiled walk's test (Python source over the Reference object ``y`` and the walk's table
    ``X.urn``, a :func:`urn_table`) under which it records a Reference site: all but the commonest
    reference, which ``check_root``'s first test passes over (no ``type``, a ``reference`` naming an entry
    of the table whose R4 type ``targets``, the element's target types, allow: ``_target_ok``)."""
    if not targets or "Resource" in targets:
        allowed = "_rv not in X.urn"  # (every type of the table is an R4 type)
    else:
        allowed = "X.urn.get(_rv) not in {" + ", ".join(map(repr, sorted(set(targets)))) + "}"
    return f"type(_rv := y.get('reference')) is not str or 'type' in y or {allowed}"


class ReferenceChecker:
    name = "references"
    resource_types: frozenset[str] = frozenset()  # everything is judged once per input (check_root)

    def __init__(self, cache: WalkCache) -> None:
        self.cache = cache
        self._bundle_type: Any = None
        # type/id -> the entries' resources and fullUrls (with a fullUrl), made from the input's
        # entries when a relative reference first asks (most inputs have none)
        self._entries: list[Any] = []
        self._by_type_id: dict[str, list[dict[str, Any]]] | None = None
        self._urls_by_type_id: dict[str, list[Any]] = {}

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        return []

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        issues: list[Issue] = []
        known = ctx.definitions.resource_types()
        by_url: dict[str, dict[str, Any]] = {}
        entry_base: dict[str, str] = {}  # resource location -> base of its fullUrl
        self._bundle_type = root.get("type") if root.get("resourceType") == "Bundle" else None
        self._entries = []
        self._by_type_id = None
        self._urls_by_type_id = {}
        # by_url's urn:uuid fullUrls whose resource has an R4 resource type: what most references name
        urn_types: dict[str, str] = {}
        made, self.cache.urns = self.cache.urns, None  # (urn_table's, when the walk made it of this input)
        if made is not None and (made[0] is not root or made[1] is not known):
            made = None
        if root.get("resourceType") == "Bundle":
            issues.extend(self._bundle(root, by_url, entry_base, known, urn_types, made))
        other = ctx.others
        if other is not None:
            other.known = known
        others = other.types if other is not None else {}
        resources = ctx.resources
        if resources is None:
            resources = resource_list(root, str(root.get("resourceType")))
        # location -> resource, made when a contained resource needs its container
        located: dict[str, dict[str, Any]] | None = None
        sites_of = self.cache.sites
        standalone = not by_url and other is None and self._bundle_type != "document"
        urn_get = urn_types.get
        for resource, location in resources:
            sites = sites_of.get(location)
            if not sites:
                continue
            container = resource
            if ".contained[" in location:
                m = _CONTAINED.match(location)
                if m:
                    if located is None:
                        located = {loc: res for res, loc in resources}
                    container = located.get(m.group(1), resource)
            for site in sites:
                at, ref, stype, info = site
                if stype == "Reference":
                    # The commonest reference first, in the fewest calls that tell it (nearly every site of
                    # a converted bundle): an object without 'type' whose reference is a urn:uuid fullUrl
                    # of an entry of an R4 type (urn_types: str keys, so a hit is a str equal to one) that
                    # the element allows. Anything else, a value that is no object among them, is asked
                    # below exactly as before.
                    try:
                        rtype = urn_get(ref.get("reference")) if "type" not in ref else None
                    except (AttributeError, TypeError):  # no object, or a reference no key can be
                        rtype = None
                    if rtype is not None:
                        targets = info.targets
                        if not targets or rtype in targets or "Resource" in targets:
                            continue  # _target_ok, inline (the element's own type first: the commonest)
                    if not isinstance(ref, dict):
                        continue
                    # The commonest reference, inline: a urn:uuid naming an entry of the bundle, with no
                    # Reference.type, whose resource type is an R4 type the element allows. _check_ref
                    # finds nothing to say about it (and is asked about everything else).
                    value = ref.get("reference")
                    if type(value) is str and ref.get("type") is None:
                        rtype = urn_types.get(value)  # an entry's urn:uuid: its R4 resource type
                        if rtype is None:
                            if value.startswith("urn:uuid:"):
                                resolved = by_url.get(value)
                                if resolved is not None:
                                    rtype = resolved.get("resourceType")
                                else:  # an entry of an earlier window of a streamed bundle, or nothing
                                    rtype = others.get(value)
                            elif standalone and (m := _RELATIVE.match(value)) is not None:
                                # "Patient/example" where nothing can resolve it (no fullUrl in the input,
                                # not a document): _check_ref checks only the type named in the URL
                                rtype = m.group(1)
                            if type(rtype) is not str or rtype not in known:
                                rtype = None
                        if rtype is not None:
                            targets = info.targets
                            if not targets or rtype in targets or "Resource" in targets:
                                continue  # _target_ok, inline
                    issues.extend(
                        self._check_ref(ref, at, site, container, by_url, entry_base, location, known, other)
                    )
                elif stype == "canonical":
                    issues.extend(_relative_canonicals(site))
        return issues

    @staticmethod
    def _refs(site: Site) -> list[tuple[dict[str, Any], str]]:
        if isinstance(site.value, dict):
            return [(site.value, site.location)]
        return []

    def _bundle(
        self,
        bundle: dict[str, Any],
        by_url: dict[str, dict[str, Any]],
        entry_base: dict[str, str],
        known: frozenset[str] = frozenset(),
        urn_types: dict[str, str] | None = None,
        made: tuple[Any, Any, dict[str, str], dict[str, dict[str, Any]]] | None = None,
    ) -> list[Issue]:
        issues: list[Issue] = []
        btype = bundle.get("type")
        if urn_types is None:
            urn_types = {}
        links = bundle.get("link")
        if isinstance(links, list):
            relations = [ln.get("relation") for ln in links if isinstance(ln, dict)]
            for i, rel in enumerate(relations):
                if rel in ("self", "first", "previous", "next", "last") and rel in relations[:i]:
                    issues.append(
                        Issue(
                            Severity.ERROR,
                            "invalid",
                            f"Bundle.link[{i}]",
                            f"the link relation '{rel}' can only occur once",
                            "bundle.link",
                        )
                    )
        entries = bundle.get("entry")
        if not isinstance(entries, list):
            return issues
        self._entries = entries  # read again (type/id -> entries) only if a relative reference needs it
        needs_request = btype in ("transaction", "batch")
        if made is not None and not by_url:  # _urn_entries of these entries, made by urn_table
            by_url.update(made[3])
            urn_types.update(made[2])
            return issues
        if not by_url and _urn_entries(entries, needs_request, known, by_url, urn_types):
            return issues
        # (fullUrl, meta.versionId) -> the first entry with them; keyed by the fullUrl alone when there is
        # no versionId (a str key never equals a tuple one: the same pairs collide as before)
        seen: dict[Any, int] = {}
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            resource = entry.get("resource")
            full_url = entry.get("fullUrl")
            if needs_request and not isinstance(entry.get("request"), dict):
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "required",
                        f"Bundle.entry[{i}].request",
                        f"entries of a {btype} bundle must carry 'request' (bdl-3)",
                        "bundle.request",
                    )
                )
            if not isinstance(full_url, str):
                if isinstance(resource, dict) and _needs_full_url(btype, entry):
                    issues.append(
                        Issue(
                            Severity.ERROR,
                            "required",
                            f"Bundle.entry[{i}]",
                            f"an entry of a {btype} bundle must have a fullUrl, the identity of its resource "
                            "(R4 Bundle.entry.fullUrl: only POSTs and operation results may go without)",
                            "bundle.fullurl-missing",
                        )
                    )
                continue
            own: dict[str, Any] | None = resource if isinstance(resource, dict) else None
            version = None
            if own is not None:
                meta = own.get("meta")
                if isinstance(meta, dict):
                    v = meta.get("versionId")
                    version = v if isinstance(v, str) else None
            key = full_url if version is None else (full_url, version)
            if full_url.startswith("urn:"):
                # a urn: fullUrl (the converter's urn:uuid) is absolute and no RESTful URL: the fullUrl
                # checks and the RESTful aliases have nothing to do for it
                if key in seen:
                    issues.append(_not_unique(i, full_url, seen[key]))
                else:
                    seen[key] = i
                if own is not None and full_url not in by_url:
                    by_url[full_url] = own
                    rtype = own.get("resourceType")
                    if type(rtype) is str and rtype in known and full_url.startswith("urn:uuid:"):
                        urn_types[full_url] = rtype
                continue
            issues.extend(self._full_url(full_url, resource, f"Bundle.entry[{i}].fullUrl", known))
            request = entry.get("request")
            posted = isinstance(request, dict) and request.get("method") == "POST"
            m_rest = _ABSOLUTE.match(full_url)
            if (
                m_rest
                and not posted
                and own is not None
                and "id" not in own
                and m_rest.group(2) == own.get("resourceType")
            ):
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "value",
                        f"Bundle.entry[{i}].fullUrl",
                        f"fullUrl '{full_url}' looks like a RESTful server URL, but the resource has no id "
                        "(R4: a fullUrl that is not a urn:uuid is consistent with Resource.id)",
                        "bundle.fullurl-match",
                    )
                )
            if key in seen:
                issues.append(_not_unique(i, full_url, seen[key]))
            else:
                seen[key] = i
            if own is not None:
                by_url.setdefault(full_url, own)
                if m_rest:
                    entry_base[f"Bundle.entry[{i}].resource"] = m_rest.group(1).rstrip("/")
                    by_url.setdefault(f"{m_rest.group(2)}/{m_rest.group(3)}", own)
                rtype, rid = own.get("resourceType"), own.get("id")
                if isinstance(rtype, str) and isinstance(rid, str):
                    by_url.setdefault(f"{rtype}/{rid}", own)
        return issues

    @staticmethod
    def _full_url(full_url: str, resource: Any, at: str, known: frozenset[str] = frozenset()) -> list[Issue]:
        """fullUrl must be absolute; a RESTful one must end with the entry's type and id (R4 bundle rules)."""
        if not _SCHEME.match(full_url):
            return [
                Issue(
                    Severity.ERROR,
                    "value",
                    at,
                    f"fullUrl must be an absolute URL (not '{full_url}')",
                    "bundle.fullurl-absolute",
                )
            ]
        m = _ABSOLUTE.match(full_url)
        if m and isinstance(resource, dict) and (not known or m.group(2) in known):
            rtype, rid = resource.get("resourceType"), resource.get("id")
            if isinstance(rtype, str) and isinstance(rid, str) and (m.group(2), m.group(3)) != (rtype, rid):
                return [
                    Issue(
                        Severity.ERROR,
                        "value",
                        at,
                        f"fullUrl '{full_url}' looks RESTful, so it must end with /{rtype}/{rid}",
                        "bundle.fullurl-match",
                    )
                ]
        return []

    def _check_ref(
        self,
        ref: dict[str, Any],
        at: str,
        site: Site,
        container: dict[str, Any],
        by_url: dict[str, dict[str, Any]],
        entry_base: dict[str, str],
        location: str,
        known: frozenset[str],
        other: OtherEntries | None = None,
    ) -> list[Issue]:
        value = ref.get("reference")
        declared = ref.get("type")
        targets = site.element.targets
        out: list[Issue] = []
        if not isinstance(value, str):
            if isinstance(declared, str) and not _target_ok(declared, targets):
                out.append(self._wrong_type(at + ".type", declared, targets))
            return out
        where = at + ".reference"
        target_type: str | None = None
        resolved: dict[str, Any] | None = None
        if value.startswith("#"):
            if value == "#":
                resolved = container
            else:
                for c in container.get("contained", []) or []:
                    if isinstance(c, dict) and c.get("id") == value[1:]:
                        resolved = c
                        break
                if resolved is None:
                    out.append(
                        Issue(
                            Severity.ERROR,
                            "not-found",
                            where,
                            f"'{value}' names no contained resource",
                            "reference.resolve",
                        )
                    )
                    return out
        elif value.startswith(("urn:uuid:", "urn:oid:")):
            resolved = by_url.get(value)
            if resolved is None and other is not None and value in other.types:
                resolved = {"resourceType": other.types[value]}  # an entry of a part validated before
            if resolved is None and _ENTRY.match(location):
                # A URN resolves nowhere else: fatal to a transaction/document/message, a warning elsewhere
                strict = self._bundle_type in ("transaction", "batch", "document", "message")
                if other is not None:  # perhaps an entry of a later part: judged by other.check_forward
                    other.forward.append((value, where, targets, declared, strict))
                    return out
                out.append(_unresolved(value, where, strict))
                return out
        else:
            m = _RELATIVE.match(value)
            if m:
                target_type = m.group(1)
                base = entry_base.get(location.split(".contained[")[0])
                key = f"{m.group(1)}/{m.group(2)}"
                problem = self._versions(key, m.group(3), value, where, location, base)
                if problem is not None:
                    return [problem]
                resolved = (by_url.get(f"{base}/{m.group(1)}/{m.group(2)}") if base else None) or by_url.get(
                    f"{m.group(1)}/{m.group(2)}"
                )
                if resolved is None and self._bundle_type == "document" and _ENTRY.match(location):
                    # a document is self-contained (R4 documents.html): its references resolve inside it
                    return [
                        Issue(
                            Severity.ERROR,
                            "not-found",
                            where,
                            f"'{value}' matches no entry of this document bundle (relative references "
                            "resolve against the entry's fullUrl base)",
                            "reference.resolve",
                        )
                    ]
            else:
                m2 = _ABSOLUTE.match(value)
                resolved = by_url.get(value)
                if m2:
                    target_type = m2.group(2)
        if resolved is not None and isinstance(resolved.get("resourceType"), str):
            target_type = str(resolved["resourceType"])
        if target_type is not None:
            out.extend(_typed(target_type, value, declared, targets, where, at, known))
        elif isinstance(declared, str) and not _target_ok(declared, targets):
            out.append(self._wrong_type(at + ".type", declared, targets))
        return out

    def _type_ids(self) -> dict[str, list[dict[str, Any]]]:
        """type/id -> the resources of the entries (with a fullUrl) that have it (and ``_urls_by_type_id``
        their fullUrls), in entry order."""
        if self._by_type_id is None:
            by_id: dict[str, list[dict[str, Any]]] = {}
            urls: dict[str, list[Any]] = {}
            for entry in self._entries:
                if not isinstance(entry, dict):
                    continue
                resource, full_url = entry.get("resource"), entry.get("fullUrl")
                if isinstance(full_url, str) and isinstance(resource, dict):
                    rt, ri = resource.get("resourceType"), resource.get("id")
                    if isinstance(rt, str) and isinstance(ri, str):
                        by_id.setdefault(f"{rt}/{ri}", []).append(resource)
                        urls.setdefault(f"{rt}/{ri}", []).append(full_url)
            self._by_type_id, self._urls_by_type_id = by_id, urls
        return self._by_type_id

    def _versions(
        self, key: str, history: str | None, value: str, where: str, location: str, base: str | None = None
    ) -> Issue | None:
        """Same type/id in several entries (versions): a plain reference is ambiguous, a versioned one
        must name a version that is there. From an entry with a RESTful fullUrl, R4 resolves a relative
        reference against that base: entries of the same type/id under other bases are not candidates,
        and when none is under it the reference resolves to nothing here (a warning: it names several
        entries by type and id, none by the bundle's rules)."""
        matches = self._type_ids().get(key, [])
        if len(matches) < 2 and history is None:
            return None
        if not _ENTRY.match(location) or not matches:
            return None
        if history is None and base is not None:
            same = [u for u in self._urls_by_type_id.get(key, []) if u == f"{base}/{key}"]
            if len(same) == 1:
                return None
            if not same:
                return Issue(
                    Severity.WARNING,
                    "not-found",
                    where,
                    f"'{value}' resolves to {base}/{key}, which no entry has, though {len(matches)} "
                    "entries under other bases have that type and id",
                    "reference.ambiguous",
                )
        if history is None:
            return Issue(
                Severity.ERROR,
                "invalid",
                where,
                f"'{value}' matches {len(matches)} entries of this bundle",
                "reference.ambiguous",
            )
        version = history.rsplit("/", 1)[1]
        if not any((r.get("meta") or {}).get("versionId") == version for r in matches):
            return Issue(
                Severity.ERROR,
                "not-found",
                where,
                f"'{value}': the bundle holds {key} but not version {version}",
                "reference.resolve",
            )
        return None

    @staticmethod
    def _wrong_type(where: str, rtype: str, targets: tuple[str, ...]) -> Issue:
        return Issue(
            Severity.ERROR,
            "structure",
            where,
            f"a {rtype} is not allowed here (allowed: {', '.join(targets)})",
            "reference.target-type",
        )
