"""Profiles: ``meta.profile`` of each resource and ``--profile`` URLs, checked against their snapshots.

A profile's snapshot (generated from its differential when the package ships none, see
:func:`generate_snapshot`) is read as a tree of element definitions with their slices. A resource is
checked along that tree where the profile says more than R4 core (core rules are the other checkers'):
cardinality tightened (``profile.cardinality``), types restricted (``profile.type``), fixed and pattern
values (``profile.fixed``, ``profile.pattern``), bindings to the profile's value sets expanded locally
(``profile.binding``), constraints the profile adds (their own keys), type profiles (the element checked
against that profile), ``targetProfile`` of references that resolve inside the input (``profile.target``),
and slicing: each repetition is matched to slices by the ``value``/``pattern``/``type``/``profile``/
``exists`` discriminators, slice cardinality (``profile.slice``), closed slicing (``profile.slice-closed``)
and ordered slicing (``profile.slice-order``). A claimed profile that is not installed is a warning naming
the package to install (``profile.unknown``): the claim cannot be checked, which is no defect of the
instance (the HL7 validator's default); a profile of another FHIR release (``http://hl7.org/fhir/5.0/...``)
is noted and not judged (``profile.version``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import compress, repeat
from operator import is_not, itemgetter
from pathlib import Path
from typing import Any

from ..definitions.snapshot import generate_snapshot
from . import profile_rules
from .issues import Issue, Severity
from .protocols import Context, DefinitionsProvider

__all__ = ["ProfileChecker", "generate_snapshot", "suggest_package"]

_CORE_SD = "http://hl7.org/fhir/StructureDefinition/"
# The vital-signs profiles' vs-1 on effective[x] (a dateTime at least to the day), decided natively when
# the value plainly is one (no fhirpathpy evaluation, nor its import, on every vital sign); any other
# value goes to the engine.
_DAY_PRECISION = "($this as dateTime).toString().length() >= 8"
_TO_THE_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:T|$)", re.ASCII)
# Where well-known canonical URLs live when no installed package claims them.
_KNOWN_PACKAGES = (
    ("http://hl7.org/fhir/uv/ips/", "hl7.fhir.uv.ips#2.0.0"),
    ("http://hl7.org/fhir/uv/ipa/", "hl7.fhir.uv.ipa#1.1.0"),
    ("http://hl7.org/fhir/us/core/", "hl7.fhir.us.core"),
    ("http://hl7.org/fhir/uv/sdc/", "hl7.fhir.uv.sdc"),
    ("http://hl7.org/fhir/us/sdc/", "hl7.fhir.uv.sdc"),
    ("http://hl7.org/fhir/StructureDefinition/", "hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1"),
    ("http://terminology.hl7.org/", "hl7.terminology.r4#7.0.1"),
)


def suggest_package(url: str, cache_root: Path | None = None) -> str:
    """The package that defines ``url``, by the ``canonical`` of installed packages or a known prefix."""
    from ..definitions.registry import package_cache_root

    root = cache_root or package_cache_root()
    best: tuple[int, str] | None = None
    try:
        manifests = list(root.glob("*/package/package.json"))
    except OSError:
        manifests = []
    for manifest in manifests:
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        canonical = meta.get("canonical") if isinstance(meta, dict) else None
        if not isinstance(meta, dict) or meta.get("name") in ("hl7.fhir.r4.core", "hl7.fhir.r4.examples"):
            continue  # core's canonical (http://hl7.org/fhir) prefixes every HL7 URL
        claims = isinstance(canonical, str) and canonical and url.startswith(canonical.rstrip("/") + "/")
        if claims and (best is None or len(str(canonical)) > best[0]):
            best = (len(str(canonical)), f"{meta.get('name')}#{meta.get('version')}")
    if best is not None:
        return best[1]
    for prefix, spec in _KNOWN_PACKAGES:
        if url.startswith(prefix):
            return spec
    return "NAME#VERSION"


# -- the profile tree ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _PNode:
    el: dict[str, Any]
    name: str  # last path segment (choice stem + "[x]" kept)
    children: list[_PNode] = field(default_factory=list)
    slices: list[_PNode] = field(default_factory=list)

    @property
    def slicing(self) -> dict[str, Any] | None:
        s = self.el.get("slicing")
        return s if isinstance(s, dict) else None

    def child(self, name: str) -> _PNode | None:
        for c in self.children:
            if c.name == name or (c.name.endswith("[x]") and name.startswith(c.name[:-3])):
                return c
        return None


def _tree(elements: list[dict[str, Any]]) -> _PNode:
    nodes: dict[str, _PNode] = {}
    root: _PNode | None = None
    for el in elements:
        eid = str(el.get("id") or el["path"])
        parent_id, _, last = eid.rpartition(".")
        name = last.split(":", 1)[0]
        node = _PNode(el, name)
        nodes[eid] = node
        if root is None:
            root = node
            continue
        if ":" in last and "/" not in last.split(":", 1)[1]:
            sliced = nodes.get(f"{parent_id}.{name}")
            if sliced is not None:
                sliced.slices.append(node)
            continue
        parent = nodes.get(parent_id)
        if parent is not None:
            parent.children.append(node)
    if root is None:
        raise ValueError("a profile without elements")
    return root


_PROFILE_ELEMENT = "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element"


def _profile_element(el: dict[str, Any]) -> tuple[str, str] | None:
    """(profile, element id) when the element's type profile names one element of that profile."""
    for t in el.get("type") or []:
        if not isinstance(t, dict):
            continue
        profiles, extras = t.get("profile") or [], t.get("_profile") or []
        for prof, extra in zip(profiles, extras, strict=False):
            exts = extra.get("extension") if isinstance(extra, dict) else None
            for e in exts if isinstance(exts, list) else []:
                if (
                    isinstance(e, dict)
                    and e.get("url") == _PROFILE_ELEMENT
                    and isinstance(e.get("valueString"), str)
                ):
                    return str(prof), e["valueString"]
    return None


def _find_node(node: _PNode, eid: str, depth: int = 0) -> _PNode | None:
    if node.el.get("id") == eid:
        return node
    if depth > 40:
        return None
    for child in [*node.children, *node.slices]:
        found = _find_node(child, eid, depth + 1)
        if found is not None:
            return found
    return None


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fixed(el: dict[str, Any]) -> tuple[str, str, Any] | None:
    for key, value in el.items():
        if key.startswith("fixed") and key[5:6].isupper():
            return "fixed", key, value
        if key.startswith("pattern") and key[7:8].isupper():
            return "pattern", key, value
    return None


def _matches_pattern(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            k in value and _matches_pattern(v, value[k]) for k, v in pattern.items()
        )
    if isinstance(pattern, list):
        values = value if isinstance(value, list) else [value]
        return all(any(_matches_pattern(p, v) for v in values) for p in pattern)
    return bool(pattern == value)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [] if v is None else [v]


_UNPLANNED = object()  # a discriminator the walk works out item by item (malformed definitions)


def _step(matters: Any, *args: Any) -> bool:
    """Whether a walk step can find anything; True when that cannot be told (the step then runs)."""
    try:
        return bool(matters(*args))
    except Exception:
        return True


def _binding_matters(el: dict[str, Any], core: dict[str, Any] | None) -> bool:
    """``_Walk.binding``'s checks that do not depend on the item: a required or extensible binding to
    another value set than core's (or with another strength)."""
    b = el.get("binding")
    if not isinstance(b, dict) or b.get("strength") not in ("required", "extensible"):
        return False
    vs = b.get("valueSet")
    cb = (core or {}).get("binding") or {}
    return isinstance(vs, str) and not (cb.get("valueSet") == vs and cb.get("strength") == b.get("strength"))


def _constraints_matter(el: dict[str, Any], core: dict[str, Any] | None) -> bool:
    """Whether the profile adds a constraint of its own (what ``_Walk.constraints`` evaluates)."""
    own = {c.get("key") for c in (core or {}).get("constraint") or []}
    for c in el.get("constraint") or []:
        key, expr = c.get("key"), c.get("expression")
        if key in own or not isinstance(expr, str):
            continue
        if str(c.get("source", "")).startswith(_CORE_SD):
            continue
        return True
    return False


def _type_profiles_matter(types: list[dict[str, Any]]) -> bool:
    """Whether a type names a profile (``_Walk.type_profiles`` has candidates to weigh)."""
    return any(str(t.get("code")) != "Extension" and (t.get("profile") or []) for t in types)


def _max(el: dict[str, Any]) -> int | None:
    mx = el.get("max", "*")
    return None if mx == "*" else int(mx)


class ProfileChecker:
    """Checker: resources against the profiles they claim (``meta.profile``) or are asked for."""

    name = "profiles"

    def __init__(
        self,
        definitions: DefinitionsProvider,
        profiles: Iterable[str] = (),
        *,
        unknown_claims: Severity = Severity.WARNING,
    ) -> None:
        self.defs = definitions
        self.asked = tuple(profiles)
        # A meta.profile claim no loaded package defines: the HL7 validator's default severity
        # (warning), or an error for a CI job that must not pass a bundle whose claims went unchecked.
        self.unknown_claims = unknown_claims
        self._trees: dict[str, _PNode | str] = {}
        self._invalid: set[str] = set()
        self._terminology: Any = None
        self._code_verdicts: dict[tuple[str, str | None, str], bool | None] = {}  # code_verdict
        self._core: dict[str, dict[str, dict[str, Any]]] = {}
        self._verdict_root: Any = None  # the input the remembered verdicts belong to
        self._verdicts: dict[tuple[int, str], bool] = {}
        self._today: date | None = None
        # (expression, element path) -> compiled predicate of an existence-only constraint, or None
        self._existence: dict[tuple[str, str], Any] = {}
        # What an element definition says, worked out once per (element, core element) pair: the
        # definitions live as long as the checker (its trees and core index keep them), and each entry
        # keeps its element objects so an id is never taken for another object's.
        self._el_memo: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._inert: dict[int, tuple[_PNode, bool]] = {}
        # The walk's plans, worked out once per node of a tree (kept as long as the trees; each entry
        # keeps its node, and its core element, so an id is never taken for another object's): the
        # children that are not inert, the element's cardinality checks, the item checks that can say
        # anything for a JSON key, a slice's effective node and a node's effective slices.
        self._live: dict[int, tuple[_PNode, list[_PNode]]] = {}
        self._child_plans: dict[int, tuple[_PNode, list[tuple[_PNode, str | None, str]]]] = {}
        self._el_plans: dict[int, tuple[Any, ...]] = {}
        self._item_plans: dict[tuple[int, str, int], tuple[Any, ...]] = {}
        self._effective: dict[int, tuple[_PNode, _PNode]] = {}
        self._slices: dict[int, tuple[_PNode, list[_PNode]]] = {}
        self._fixed: dict[int, tuple[dict[str, Any], tuple[str, str, Any] | None]] = {}
        self._value_plans: dict[tuple[int, str], tuple[_PNode, Any]] = {}
        self._slice_plans: dict[int, tuple[_PNode, Any]] = {}
        # Whether what the walk says of an item depends on the item alone, per (node, JSON key, core
        # element) (``item_is_pure``), and what it said of items seen before (``_Walk.item``): bounded.
        self._pure: dict[tuple[int, str, int], tuple[_PNode, Any, bool]] = {}
        self.said: dict[tuple[int, str, int, str, str], tuple[_PNode, Any, tuple[Any, ...]]] = {}

    def item_is_pure(self, node: _PNode, key: str, core: dict[str, Any] | None) -> bool:
        """True when :meth:`_Walk.item` of an item (not None) of ``node`` under JSON key ``key`` says what
        the item's value alone decides, wherever and in whatever input it is: no step reads the resource
        around it or the input (narrative controls, constraints with %resource, type and target profiles,
        ``resolve()`` and ``profile`` discriminators), down through every child and slice it can visit,
        under every key they can have. Then the same item value gets the same issues, with locations
        under the item's own. Once per (node, key, core element); a cycle counts as not pure."""
        k = (id(node), key, id(core))
        found = self._pure.get(k)
        if found is not None and found[0] is node and found[1] is core:
            return found[2]
        self._pure[k] = (node, core, False)  # (while it is worked out: a cycle is not pure)
        try:
            verdict = self._item_is_pure(node, key, core)
        except Exception:  # a malformed definition: the walk takes the long way and fails as it did
            verdict = False
        self._pure[k] = (node, core, verdict)
        return verdict

    def _item_is_pure(self, node: _PNode, key: str, core: dict[str, Any] | None) -> bool:
        plan = self.item_plan(node, key, core)
        if plan[2] is not None:
            return True  # a choice key of a type the element does not allow: that message alone
        _controls, _more_bindings, _bound, _limited, constrained, typed = plan[5:11]
        if _controls or constrained or typed or plan[11]:
            return False
        for child in self.live_children(node):
            _child, child_core, _least, _most, sliced = self.element_plan(child)
            keys = self._keys(child)
            if keys is None or not all(self.item_is_pure(child, k, child_core) for k in keys):
                return False
            if not sliced:
                continue
            slicing = self.slice_plan(child)
            if slicing is _UNPLANNED:
                return False
            for d in slicing[2]:
                path = _discriminator_path(str(d.get("path", "$this")))
                if d.get("type") not in ("value", "pattern", "exists", "type") or path.endswith("resolve()"):
                    return False
                if d.get("type") in ("value", "pattern") and any(
                    self.value_plan(x, path) is _UNPLANNED for x in slicing[1]
                ):
                    return False
            if not all(self.item_is_pure(x, k, None) for x in slicing[1] for k in keys):
                return False
        return True

    @staticmethod
    def _keys(node: _PNode) -> list[str] | None:
        """The JSON keys an item of ``node`` can have that the walk plans differently (a choice key of no
        type the element allows gets the wrong-type message, whatever it is); None when they cannot be
        told (a choice without types)."""
        if not node.name.endswith("[x]"):
            return [node.name]
        types = [t for t in node.el.get("type") or [] if isinstance(t, dict)]
        if not types:
            return None
        return [node.name[:-3] + _cap(str(t.get("code"))) for t in types]

    def inert(self, node: _PNode) -> bool:
        """True when the profile's element says nothing the R4 base definition does not (same
        cardinality, no fixed value, pattern, binding, limit, constraint, type or target profile, slicing
        or controls), nor does any element below it: walking it can find nothing, whatever the data, so
        the walk skips it (a profile on Observation repeats the forty-odd elements it leaves alone).
        Memoised per node (the trees live as long as the checker; the entry keeps its node)."""
        found = self._inert.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        try:
            verdict = self._is_inert(node)
        except Exception:  # a malformed element: walked, so the walk reports it as before
            verdict = False
        self._inert[id(node)] = (node, verdict)
        return verdict

    def _is_inert(self, node: _PNode) -> bool:
        el = node.el
        if node.slicing is not None or node.slices or "extension" in el:
            return False
        core = self.core_element(str(el.get("path")))
        _el, _core, bmin, bmax, mn, mx, fixed, longest, shortest, bounds = self.element_facts(el, core)
        if mn > bmin or (mx is not None and (bmax == "*" or int(bmax) > mx)):
            return False
        if fixed is not None or longest is not None or shortest is not None or bounds:
            return False
        types = [t for t in el.get("type") or [] if isinstance(t, dict)]
        if node.name.endswith("[x]") and types:
            return False
        for t in types:
            if t.get("profile") and str(t.get("code")) != "Extension":
                return False
            if any(not _is_core_type(str(p)) for p in t.get("targetProfile") or []):
                return False
        b = el.get("binding")
        if isinstance(b, dict):
            if "extension" in b:
                return False
            if b.get("strength") in ("required", "extensible"):
                vs = b.get("valueSet")
                cb = (core or {}).get("binding") or {}
                if isinstance(vs, str) and not (
                    cb.get("valueSet") == vs and cb.get("strength") == b.get("strength")
                ):
                    return False
        own = {c.get("key") for c in (core or {}).get("constraint") or []}
        for c in el.get("constraint") or []:
            if c.get("key") in own or not isinstance(c.get("expression"), str):
                continue
            if str(c.get("source", "")).startswith(_CORE_SD):
                continue
            return False
        return all(self.inert(child) for child in node.children)

    def live_children(self, node: _PNode) -> list[_PNode]:
        """``node``'s children that are not :meth:`inert`, in order (what the walk visits)."""
        found = self._live.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        live = [child for child in node.children if not self.inert(child)]
        self._live[id(node)] = (node, live)
        return live

    def child_plans(self, node: _PNode) -> list[tuple[_PNode, str | None, str]]:
        """(child, its JSON key or None, '_' + key) of ``node``'s :meth:`live_children`, once per node. The
        key is given only for a child the walk has nothing to say of when the key and its '_' partner are
        both absent (not a choice, no least count the profile adds, not sliced: :meth:`_Walk.element`
        with no items says nothing), so the walk passes over such a child without a call."""
        found = self._child_plans.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        plans: list[tuple[_PNode, str | None, str]] = []
        for child in self.live_children(node):
            _child, _core, least, _most, sliced = self.element_plan(child)
            quiet = not child.name.endswith("[x]") and not least and not sliced
            plans.append((child, child.name if quiet else None, "_" + child.name))
        self._child_plans[id(node)] = (node, plans)
        return plans

    def element_plan(self, node: _PNode) -> tuple[Any, ...]:
        """(node, core element, the least count the profile adds or 0, the most count the profile adds
        or None, whether the element is sliced): what :meth:`_Walk.element` checks whatever the data."""
        found = self._el_plans.get(id(node))
        if found is not None and found[0] is node:
            return found
        el = node.el
        core = self.core_element(str(el.get("path")))
        _el, _core, bmin, bmax, mn, mx, *_rest = self.element_facts(el, core)
        plan = (
            node,
            core,
            mn if mn > bmin else 0,
            mx if mx is not None and (bmax == "*" or int(bmax) > mx) else None,
            node.slicing is not None or bool(node.slices),
        )
        self._el_plans[id(node)] = plan
        return plan

    def item_plan(self, node: _PNode, key: str, core: dict[str, Any] | None) -> tuple[Any, ...]:
        """What :meth:`_Walk.item` asks of an item under JSON key ``key`` that does not depend on the
        item: (node, core, the wrong-type message for a choice key or None, the types, the element facts,
        then whether each step can say anything: extension controls, additional bindings, the binding,
        limits, constraints, type profiles; and the Reference types' non-core target profiles). A step
        whose answer cannot be worked out here (a malformed element) is kept, so it fails as before."""
        found = self._item_plans.get((id(node), key, id(core)))
        if found is not None and found[0] is node and found[1] is core:
            return found
        el = node.el
        types = [t for t in el.get("type") or [] if isinstance(t, dict)]
        wrong = None
        if node.name.endswith("[x]") and types:
            vtype = key[len(node.name) - 3 :]
            allowed = [_cap(str(t.get("code"))) for t in types]
            if vtype not in allowed:
                wrong = f"{el.get('path')} allows {', '.join(allowed)} here, not {vtype}"
            types = [t for t in types if _cap(str(t.get("code"))) == vtype]
        facts = self.element_facts(el, core)
        b = el.get("binding")
        flags = [
            "extension" in el,
            isinstance(b, dict) and "extension" in b,
            _step(_binding_matters, el, core),
            facts[7] is not None or facts[8] is not None or bool(facts[9]),
            _step(_constraints_matter, el, core),
            _step(_type_profiles_matter, types),
        ]
        targets: list[list[str]] = []
        for t in types:
            found_targets = [str(p) for p in t.get("targetProfile") or [] if not _is_core_type(str(p))]
            if found_targets and t.get("code") == "Reference":
                targets.append(found_targets)
        plan = (node, core, wrong, types, facts, *flags, targets)
        self._item_plans[(id(node), key, id(core))] = plan
        return plan

    def effective_slices(self, node: _PNode) -> list[_PNode]:
        """``[effective(s) for s in node.slices]``, once per node."""
        found = self._slices.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        out = [self.effective(x) for x in node.slices]
        self._slices[id(node)] = (node, out)
        return out

    def slice_plan(self, node: _PNode) -> Any:
        """(node, effective slices, discriminators, ((slice, min, max, name), ...), closed, openAtEnd,
        ordered) of a sliced element, once per node; ``_UNPLANNED`` when its definition is too malformed
        to read (the walk then takes the long way, which fails as it always did)."""
        found = self._slice_plans.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        try:
            eff = self.effective_slices(node)
            slicing = node.slicing or {}
            discriminators = [d for d in slicing.get("discriminator") or [] if isinstance(d, dict)]
            bounds = [(s, int(s.el.get("min", 0)), _max(s.el), s.el.get("sliceName")) for s in eff]
            plan = (
                node,
                eff,
                discriminators,
                bounds,
                slicing.get("rules") == "closed",
                slicing.get("rules") == "openAtEnd",
                slicing.get("ordered") is True,
            )
        except Exception:
            return _UNPLANNED
        self._slice_plans[id(node)] = (node, plan)
        return plan

    def fixed_of(self, el: dict[str, Any]) -> tuple[str, str, Any] | None:
        """``_fixed(el)`` once per element definition of a tree."""
        found = self._fixed.get(id(el))
        if found is not None and found[0] is el:
            return found[1]
        fixed = _fixed(el)
        self._fixed[id(el)] = (el, fixed)
        return fixed

    def value_plan(self, s: _PNode, path: str) -> Any:
        """What a ``value``/``pattern`` discriminator at ``path`` wants of an item of slice ``s``, worked
        out once per (slice, path) as :meth:`_Walk.discriminate` did on every item: ``("profile", url)``
        (the item's values must equal the slice's type profile), ``("wants", [(kind, key, expected),
        ...])``, None (no verdict), or ``_UNPLANNED`` when the definitions are too malformed to tell (the
        walk then takes the long way, which fails as it always did)."""
        found = self._value_plans.get((id(s), path))
        if found is not None and found[0] is s:
            return found[1]
        try:
            plan = self._value_plan(s, path)
        except Exception:
            return _UNPLANNED
        self._value_plans[(id(s), path)] = (s, plan)
        return plan

    def _value_plan(self, s: _PNode, path: str) -> Any:
        target = _node_at(s, path)
        if path == "url" and s.el.get("type") and target is None:
            profiles = (s.el["type"][0] or {}).get("profile") or []
            if profiles:
                return ("profile", profiles[0])
        fixed_of = self.fixed_of
        wants = [w for t in _nodes_at(s, path) if (w := fixed_of(t.el)) is not None]
        own = fixed_of(s.el)
        if not wants and own is not None and path not in ("$this", ""):
            wants = [(own[0], "", v) for v in _values_at(own[2], path)]
        if not wants and target is not None:
            derived = _derived_pattern(target)
            if derived is not None:
                wants = [("pattern", "", derived)]
        if not wants:
            if path == "url" and s.el.get("type"):
                profiles = (s.el["type"][0] or {}).get("profile") or []
                if profiles:
                    return ("profile", profiles[0])
            return None
        return ("wants", wants)

    def element_facts(self, el: dict[str, Any], core: dict[str, Any] | None) -> tuple[Any, ...]:
        """(el, core, base min, base max, min, max, fixed/pattern the profile adds or None, maxLength,
        minLength, ((minValue/maxValue key, bound, kind), ...)) of an element definition."""
        key = (id(el), id(core))
        found = self._el_memo.get(key)
        if found is not None and found[0] is el and found[1] is core:
            return found
        base = el.get("base") if isinstance(el.get("base"), dict) else {}
        bmin = int(base.get("min", 0)) if base else int((core or {}).get("min", 0))
        bmax = base.get("max", (core or {}).get("max", "*")) if base else (core or {}).get("max", "*")
        fixed = _fixed(el)
        if fixed is not None and fixed == (_fixed(core) if core else None):
            fixed = None
        shortest = next(
            (
                e.get("valueInteger")
                for e in _as_list(el.get("extension"))
                if isinstance(e, dict) and e.get("url") == _MIN_LENGTH
            ),
            None,
        )
        bounds = tuple(
            (k, bound, "min" if k.startswith("minValue") else "max")
            for k, bound in el.items()
            if k.startswith(("minValue", "maxValue"))
        )
        found = (
            el,
            core,
            bmin,
            bmax,
            int(el.get("min", 0)),
            _max(el),
            fixed,
            el.get("maxLength"),
            shortest,
            bounds,
        )
        self._el_memo[key] = found
        return found

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        meta = resource.get("meta")
        if not self.asked and (not isinstance(meta, dict) or meta.get("profile") is None):
            return []  # no profile claimed nor asked for (most resources)
        urls: list[tuple[str, str]] = []
        if isinstance(meta, dict):
            for i, url in enumerate(_as_list(meta.get("profile"))):
                if isinstance(url, str):
                    urls.append((url, f"{location}.meta.profile[{i}]"))
        for url in self.asked:
            sd = self.defs.structure_definition(url)
            wanted = sd.get("type") if sd else None
            is_root = "." not in location
            if (is_root and (sd is None or wanted == resource.get("resourceType"))) or (
                not is_root and wanted == resource.get("resourceType") and wanted != "Bundle"
            ):
                urls.append((url, location))
        out: list[Issue] = []
        for url, at in urls:
            out.extend(self.conform(resource, url, location, at, ctx, set()))
        return out

    def check_each(
        self, resources: list[tuple[dict[str, Any], str]], ctx: Context
    ) -> list[tuple[int, list[Issue]]]:
        """``check_resource`` of every resource, by index, those with issues only (the chain's one call
        per input): with no profile asked for, only the resources that claim one are looked at."""
        out: list[tuple[int, list[Issue]]] = []
        indices: Any = range(len(resources))
        if not self.asked:  # check_resource's first test, for every resource in a few passes of C calls
            try:  # (the resources are objects: the chain's list; TypeError on anything else)
                metas: list[Any] = list(map(dict.get, map(_RESOURCE, resources), repeat("meta")))
            except TypeError:
                metas = [r.get("meta") for r, _location in resources]
            # the indices of the resources whose meta is an object, then of those that claim a profile
            with_meta = list(compress(range(len(metas)), map(isinstance, metas, repeat(dict))))
            claims = map(dict.get, map(metas.__getitem__, with_meta), repeat("profile"))
            indices = list(compress(with_meta, map(is_not, claims, repeat(None))))
        for i in indices:
            resource, location = resources[i]
            found = list(self.check_resource(resource, location, ctx))
            if found:
                out.append((i, found))
        return out

    # -- one profile ---------------------------------------------------------------------------------

    def tree(self, url: str) -> _PNode | str:
        """The profile's tree, or why there is none (a message). ``url|version`` finds that version when
        a loaded package has it (several versions of one profile may be loaded), else the profile."""
        found = self._trees.get(url)
        if found is not None:
            return found
        key = url.split("|")[0]
        sd = self.defs.structure_definition(url if "|" in url else key)
        tree: _PNode | str
        if sd is None:
            tree = (
                f"profile {key} is not installed: install the package that defines it "
                f"(`fhirconv definitions install {suggest_package(key)}`) and validate with "
                f"--ig {suggest_package(key)}"
            )
        else:
            try:
                tree = _tree(generate_snapshot(sd, self.defs))
            except (ValueError, KeyError, TypeError) as exc:
                tree = f"profile {key} cannot be used: {exc}"
                self._invalid.add(key)
        self._trees[url] = tree
        return tree

    def conform(
        self,
        value: dict[str, Any],
        url: str,
        location: str,
        claim_at: str,
        ctx: Context,
        active: set[tuple[int, str]],
    ) -> list[Issue]:
        other = _other_fhir_version(url)
        if other is not None:
            return [
                Issue(
                    Severity.INFORMATION,
                    "informational",
                    claim_at,
                    f"profile {url} is for FHIR {other}, not R4: not checked",
                    "profile.version",
                )
            ]
        tree = self.tree(url)
        if isinstance(tree, str):
            if url.split("|")[0] in self._invalid:  # cannot be used: nothing to say about the instance
                return [Issue(Severity.WARNING, "not-supported", claim_at, tree, "profile.invalid")]
            # A meta.profile claim the validator cannot check says nothing about the instance (the HL7
            # validator's default is a warning too); a profile asked for (--profile, which the CLI refuses
            # with exit 2, a slice or target profile) that is missing cannot be met: an error.
            claim = ".meta.profile[" in claim_at
            sev = self.unknown_claims if claim else Severity.ERROR
            return [Issue(sev, "not-found", claim_at, tree, "profile.unknown")]
        key = (id(value), url)
        if key in active:
            return []
        active.add(key)
        try:
            walk = _Walk(self, ctx, url, active)
            if isinstance(value, dict) and "resourceType" in value:
                from .invariants import _container

                walk.resource = value
                walk.root_resource = _container(ctx.root, location) or value
            rtype = str(tree.el.get("path"))
            if isinstance(value, dict) and "resourceType" in value and value.get("resourceType") != rtype:
                return [
                    Issue(
                        Severity.ERROR,
                        "structure",
                        location,
                        f"profile {url} is for {rtype}, not {value.get('resourceType')}",
                        "profile.type",
                    )
                ]
            walk.element_children(value, tree, location)
            return walk.issues
        finally:
            active.discard(key)

    def conforms(self, value: Any, url: str, ctx: Context, active: set[tuple[int, str]]) -> bool:
        """Whether ``value`` meets profile ``url`` with no error (a slice discriminator, a target profile).
        Remembered per input: a section entry is asked about once per slice, then as a target."""
        if self._verdict_root is not ctx.root:
            self._verdict_root, self._verdicts = ctx.root, {}
        key = (id(value), url)
        if key not in self._verdicts:
            if (id(value), url) in active:
                return True  # a cycle: the check under way decides
            found = self.conform(value, url, "$", "$", ctx, active)
            self._verdicts[key] = not [i for i in found if i.is_error]
        return self._verdicts[key]

    def today(self) -> date:
        """The day of validation (UTC), for limits given as durations relative to now; fixed once per
        checker so a run judges every resource against the same day."""
        if self._today is None:
            self._today = datetime.now(UTC).date()
        return self._today

    def effective(self, s: _PNode) -> _PNode:
        """A slice whose type profile names one element of another profile (the
        ``elementdefinition-profile-element`` extension) is that element, with the slice's name and
        cardinality: its children and fixed values are what the items are matched and checked against.
        Once per slice (the trees are kept, so the answer stays the same): the walk's plans are kept per
        node, so the node must be the same object every time."""
        found = self._effective.get(id(s))
        if found is not None and found[0] is s:
            return found[1]
        node = self._effective_node(s)
        self._effective[id(s)] = (s, node)
        return node

    def _effective_node(self, s: _PNode) -> _PNode:
        ref = _profile_element(s.el)
        if ref is None:
            return s
        tree = self.tree(ref[0])
        target = _find_node(tree, ref[1]) if not isinstance(tree, str) else None
        if target is None:
            return s
        own: dict[str, Any] = {k: s.el[k] for k in ("id", "path", "sliceName", "min", "max") if k in s.el}
        el: dict[str, Any] = {**target.el, **own}
        return _PNode(el, s.name, target.children, target.slices)

    def primitive_conforms(self, value: Any, url: str) -> bool:
        """Whether a primitive value meets a profile on its type (``fixed[x]``/``pattern[x]`` of the
        profile's root element: a profile discriminator on a primitive element)."""
        tree = self.tree(url)
        if isinstance(tree, str):
            return False
        fixed = _fixed(tree.el)
        return fixed is None or value == fixed[2]

    def core_element(self, path: str) -> dict[str, Any] | None:
        """The R4 base definition of an element path (for what the profile adds)."""
        head = path.split(".", 1)[0]
        if head not in self._core:
            sd = self.defs.structure_definition(head)
            self._core[head] = {
                str(e["path"]): e
                for e in (sd or {}).get("snapshot", {}).get("element", [])
                if not e.get("sliceName")
            }
        return self._core[head].get(path)

    def existence_verdict(self, expression: str, path: str, item: dict[str, Any]) -> bool | None:
        """Whether an existence-only constraint holds on ``item`` (an element at ``path``), decided by
        its compiled predicate (``invariants.existence_predicate``, memoised here); None when the
        engine must decide (another expression, or a shape the predicate leaves to it)."""
        key = (expression, path)
        try:
            fn = self._existence[key]
        except KeyError:
            from .invariants import existence_predicate

            fn = existence_predicate(expression, path, self.defs)
            if len(self._existence) < 1024:
                self._existence[key] = fn
        if fn is None:
            return None
        from .fpcompile import Fallback

        try:
            return fn(item) is True  # empty fails, as the engine's verdict (invariants._truthy)
        except Fallback:
            return None

    def code_verdict(self, value_set: str, system: str | None, code: str) -> bool | None:
        """``terminology().validate_code``, remembered (bounded): the answer depends on the definitions
        alone, and a profile's bindings see the same few codes in every resource that claims it."""
        key = (value_set, system, code)
        found: Any = self._code_verdicts.get(key, _UNPLANNED)
        if found is _UNPLANNED:
            found = self.terminology().validate_code(value_set, system, code)
            if len(self._code_verdicts) >= 65536:
                self._code_verdicts.clear()
            self._code_verdicts[key] = found
        return found  # type: ignore[no-any-return]

    def terminology(self) -> Any:
        if self._terminology is None:
            from .terminology import LocalTerminology

            self._terminology = LocalTerminology(self.defs)
        return self._terminology


_RESOURCE = itemgetter(0)  # (resource, location) -> resource


class _Walk:
    def __init__(self, checker: ProfileChecker, ctx: Context, url: str, active: set[tuple[int, str]]) -> None:
        self.checker = checker
        self.ctx = ctx
        self.url = url
        self.active = active
        self.issues: list[Issue] = []
        self.resource: Any = ctx.root  # %resource and %rootResource of the profile's constraints
        self.root_resource: Any = ctx.root

    def err(
        self, at: str, message: str, rule: str, sev: Severity = Severity.ERROR, code: str = "structure"
    ) -> None:
        self.issues.append(Issue(sev, code, at, f"{message} (profile {self.url})", rule))

    # -- navigation ----------------------------------------------------------------------------------

    @staticmethod
    def items(value: Any, node: _PNode, loc: str) -> list[tuple[Any, str, str]]:
        """(item, location, JSON key) of ``node``'s element in ``value``."""
        if not isinstance(value, dict):
            return []
        name = node.name
        if not name.endswith("[x]"):  # (the commonest: one key, and its '_' partner when it is absent)
            if name in value:
                raw = value[name]
                if isinstance(raw, list):
                    return [(v, f"{loc}.{name}[{i}]", name) for i, v in enumerate(raw)]
                return [] if raw is None else [(raw, f"{loc}.{name}", name)]
            ext = value.get("_" + name)
            if isinstance(ext, dict | list):
                # a primitive given by its extensions only (``_active``) is present
                entries = ext if isinstance(ext, list) else [ext]
                return [(None, f"{loc}._{name}", "_" + name) for e in entries if e is not None]
            return []
        keys = (
            [k for k in value if k.startswith(name[:-3]) and k[len(name) - 3 : len(name) - 2].isupper()]
            if name.endswith("[x]")
            else [name]
            if name in value
            else []
        )
        out: list[tuple[Any, str, str]] = []
        for key in keys:
            raw = value[key]
            if isinstance(raw, list):
                out.extend((v, f"{loc}.{key}[{i}]", key) for i, v in enumerate(raw))
            elif raw is not None:
                out.append((raw, f"{loc}.{key}", key))
        if not keys and not name.endswith("[x]") and isinstance(value.get("_" + name), dict | list):
            # a primitive given by its extensions only (``_active``) is present
            ext = value["_" + name]
            entries = ext if isinstance(ext, list) else [ext]
            out.extend((None, f"{loc}._{name}", "_" + name) for e in entries if e is not None)
        return out

    def element_children(self, value: Any, node: _PNode, loc: str) -> None:
        present = isinstance(value, dict)
        for child, key, partner in self.checker.child_plans(node):
            if key is not None and (not present or (key not in value and partner not in value)):
                continue  # absent, where absence says nothing (``child_plans``)
            self.element(child, self.items(value, child, loc), value, loc)

    # -- one element ---------------------------------------------------------------------------------

    def element(self, node: _PNode, items: list[tuple[Any, str, str]], parent: Any, loc: str) -> None:
        el = node.el
        _node, core, mn, mx, sliced = self.checker.element_plan(node)
        if len(items) < mn:
            self.err(
                f"{loc}.{node.name}",
                f"{el.get('path')} needs at least {mn}, found {len(items)}",
                "profile.cardinality",
                code="required",
            )
        if mx is not None and len(items) > mx:
            self.err(
                f"{loc}.{node.name}",
                f"{el.get('path')} allows at most {mx}, found {len(items)}",
                "profile.cardinality",
            )
        for item, where, key in items:
            self.item(node, item, where, key, core, parent)
        if sliced:
            self.slices(node, items, f"{loc}.{node.name}")

    def item(
        self, node: _PNode, item: Any, at: str, key: str, core: dict[str, Any] | None, parent: Any
    ) -> None:
        el = node.el
        if item is None:  # a primitive present by its extensions only: no value to compare
            if "extension" in el:
                self.rules(profile_rules.value_controls(el, _partner_extensions(parent, key)), at)
            return
        checker = self.checker
        if checker.item_is_pure(node, key, core) and (shown := _shown(item)) is not None:
            # What the walk said of an equal item value before, under this item's location (the value's
            # repr tells str from Decimal, True from 1, and keeps key order, which orders the issues)
            said = checker.said
            memo_key = (id(node), key, id(core), self.url, shown)
            found = said.get(memo_key)
            if found is not None and found[0] is node and found[1] is core:
                for sev, code, rest, message, rule in found[2]:
                    self.issues.append(Issue(sev, code, at + rest, message, rule))
                return
            mark = len(self.issues)
            self._item(node, item, at, key, core, el)
            new = self.issues[mark:]
            if all(i.location.startswith(at) for i in new):
                if len(said) >= 4096:
                    said.clear()
                n = len(at)
                said[memo_key] = (
                    node,
                    core,
                    tuple((i.severity, i.code, i.location[n:], i.message, i.rule) for i in new),
                )
            return
        self._item(node, item, at, key, core, el)

    def _item(
        self, node: _PNode, item: Any, at: str, key: str, core: dict[str, Any] | None, el: dict[str, Any]
    ) -> None:
        (
            _node,
            _core,
            wrong,
            types,
            facts,
            controls,
            more_bindings,
            bound,
            limited,
            constrained,
            typed,
            targets,
        ) = self.checker.item_plan(node, key, core)
        if wrong is not None:
            self.err(at, wrong, "profile.type")
            return
        fixed = facts[6]
        if fixed is not None:
            kind, _fkey, want = fixed
            ok = item == want if kind == "fixed" else _matches_pattern(want, item)
            if not ok:
                shown = json.dumps(want, ensure_ascii=False)[:160]
                self.err(
                    at,
                    f"{el.get('path')} must be {'exactly ' if kind == 'fixed' else 'like '}{shown}",
                    f"profile.{kind}",
                    code="value",
                )
        # each step only where the plan says it can find something (the same calls otherwise)
        if bound:
            self.binding(el, core, item, at)
        if controls:
            self.rules(profile_rules.narrative_controls(el, item, self.resource), at)
        if more_bindings:
            term = self.checker.terminology()
            member = lambda vs, system, code: term.validate_code(vs.split("|")[0], system, code)  # noqa: E731
            self.rules(profile_rules.additional_bindings(el, item, member), at)
        if limited:
            self.limits(el, item, at, facts)
        if constrained:
            self.constraints(el, core, item, at, types)
        if typed:
            self.type_profiles(types, item, at)
        if targets and isinstance(item, dict):
            for wanted in targets:
                self.target(item, wanted, at)
        if node.children and isinstance(item, dict):
            # below a resource inside the resource (contained, a Bundle entry), %resource is that one
            outer = self.resource
            if isinstance(item.get("resourceType"), str):
                self.resource = item
            try:
                self.element_children(item, node, at)
            finally:
                self.resource = outer

    def rules(self, found: list[tuple[Severity, str, str]], at: str) -> None:
        for sev, message, rule in found:
            self.err(at, message, rule, sev, "invariant" if sev == Severity.ERROR else "informational")

    def type_profiles(self, types: list[dict[str, Any]], item: Any, at: str) -> None:
        """The item must conform to one of the type profiles (any of them, as ElementDefinition.type says)."""
        if not isinstance(item, dict):
            return
        candidates: list[str] = []
        for t in types:
            if str(t.get("code")) == "Extension":
                continue  # extension slices: the structure checker reads the extension's definition
            for prof in t.get("profile") or []:
                prof = str(prof)
                if prof.startswith(_CORE_SD) and prof[len(_CORE_SD) :] in (
                    t.get("code"),
                    item.get("resourceType"),
                ):
                    return  # the plain core type: nothing the profile adds
                if isinstance(self.checker.tree(prof), str):
                    return  # a type profile the profile's own package lacks: not the instance's defect
                candidates.append(prof)
        if not candidates:
            return
        outcomes = [self.checker.conform(item, prof, at, at, self.ctx, self.active) for prof in candidates]
        if any(not [i for i in found if i.is_error] for found in outcomes):
            return
        if len(outcomes) == 1:
            self.issues.extend(outcomes[0])
            return
        self.err(at, f"conforms to none of {', '.join(candidates)}", "profile.type")

    def limits(self, el: dict[str, Any], item: Any, at: str, facts: tuple[Any, ...]) -> None:
        """minValue[x]/maxValue[x]: numbers, Quantities of the same unit, dates of the same precision.

        Durations (``minValueDuration`` on a date) are relative to the day of validation (UTC), as the
        profile means them. Also the length of a string value: ``maxLength`` and the ``minLength``
        extension."""
        longest, shortest, bounds = facts[7:10]
        if isinstance(item, str):
            if isinstance(longest, int) and not isinstance(longest, bool) and len(item) > longest:
                self.err(at, f"{el.get('path')}: value is longer than maxLength {longest}", "profile.length")
            if isinstance(shortest, int) and not isinstance(shortest, bool) and len(item) < shortest:
                self.err(
                    at, f"{el.get('path')}: value is shorter than minLength {shortest}", "profile.length"
                )
        for key, bound, kind in bounds:
            if key.endswith("Duration"):
                broken = profile_rules.duration_limit(item, bound, kind, self.checker.today())
                if broken:
                    self.err(at, f"{el.get('path')}: {item!r} {broken}", "profile.value", code="value")
                continue
            value, limit = _comparable(item, bound)
            if value is None or limit is None:
                continue
            if (kind == "min" and value < limit) or (kind == "max" and value > limit):
                word = "less" if kind == "min" else "greater"
                self.err(
                    at,
                    f"{el.get('path')}: {item!r} is {word} than the {key} {bound!r}",
                    "profile.value",
                    code="value",
                )

    def binding(self, el: dict[str, Any], core: dict[str, Any] | None, item: Any, at: str) -> None:
        b = el.get("binding")
        if not isinstance(b, dict) or b.get("strength") not in ("required", "extensible"):
            return
        vs = b.get("valueSet")
        cb = (core or {}).get("binding") or {}
        if not isinstance(vs, str) or (cb.get("valueSet") == vs and cb.get("strength") == b.get("strength")):
            return
        pairs: list[tuple[str | None, str]] = []
        if isinstance(item, str):
            pairs = [(None, item)]
        elif isinstance(item, dict):
            codings = item.get("coding") if "coding" in item else [item] if "code" in item else []
            pairs = [
                (c.get("system") if isinstance(c.get("system"), str) else None, c["code"])
                for c in _as_list(codings)
                if isinstance(c, dict) and isinstance(c.get("code"), str)
            ]
        if not pairs:
            return
        verdicts = [self.checker.code_verdict(vs.split("|")[0], s, c) for s, c in pairs]
        if any(v is True for v in verdicts) or any(v is None for v in verdicts):
            return
        shown = ", ".join(f"{s}|{c}" if s else c for s, c in pairs)
        sev = Severity.ERROR if b.get("strength") == "required" else Severity.WARNING
        self.err(
            at,
            f"{shown} is not in value set {vs} ({b.get('strength')})",
            "profile.binding",
            sev,
            "code-invalid",
        )

    def constraints(
        self, el: dict[str, Any], core: dict[str, Any] | None, item: Any, at: str, types: list[dict[str, Any]]
    ) -> None:
        own = {c.get("key") for c in (core or {}).get("constraint") or []}
        primitive = None
        if not isinstance(item, dict):
            # a primitive is typed by its own type (a choice narrowed by its JSON key): vs-1's
            # ``$this as dateTime`` needs to know it is one
            kinds = {str(t.get("code")) for t in types}
            if len(kinds) != 1:
                return
            primitive = kinds.pop()
        for c in el.get("constraint") or []:
            key, expr = c.get("key"), c.get("expression")
            if key in own or not isinstance(expr, str) or isinstance(item, list) or item is None:
                continue
            if str(c.get("source", "")).startswith(_CORE_SD):
                continue  # inherited from R4: the invariant checker's
            if primitive == "dateTime" and expr == _DAY_PRECISION and _TO_THE_DAY.match(str(item)):
                continue  # holds: a dateTime written to the day has ten characters or more
            if core is not None and primitive is None and not isinstance(item.get("resourceType"), str):
                # an existence-only constraint (vs-3) decided by its compiled predicate, without the
                # engine (nor its import at a process's first validation); Fallback: the engine
                verdict = self.checker.existence_verdict(expr, str(el.get("path")), item)
                if verdict is not None:
                    if verdict is False:
                        sev = Severity.ERROR if c.get("severity") == "error" else Severity.WARNING
                        self.err(at, f"{key}: {c.get('human', expr)}", str(key), sev, "invariant")
                    continue
            from .invariants import _compile, _truthy

            compiled = _compile(expr)
            if compiled.fn is None:
                self.err(
                    at,
                    f"{key} not checked: {compiled.problem}",
                    str(key),
                    Severity.INFORMATION,
                    "informational",
                )
                continue
            from fhirpathpy.engine.nodes import ResourceNode

            path = str(el.get("path"))
            codes = [str(t.get("code")) for t in el.get("type") or []]
            base = path if core is not None else codes[0] if len(codes) == 1 else ""
            if primitive is not None:
                base = primitive
            elif isinstance(item.get("resourceType"), str):
                base = item["resourceType"]  # a resource in a resource: %context.type() is its type
            elif len(codes) == 1 and codes[0][:1].isupper() and codes[0] not in _UNNAMED_TYPES:
                base = codes[0]  # a complex type: FHIRPath's type() names it (Reference, HumanName)
            create_node: Any = ResourceNode.create_node  # untyped in fhirpathpy
            from .invariants import TERMINOLOGY

            token = TERMINOLOGY.set(self.checker.terminology())
            try:
                focus = create_node(item, base) if base else item
                result = compiled.fn(
                    focus, {"resource": _typed(self.resource), "rootResource": _typed(self.root_resource)}
                )
            except Exception as exc:  # the engine raises bare Exceptions
                self.err(at, f"{key} not checked: {exc}", str(key), Severity.INFORMATION, "informational")
                continue
            finally:
                TERMINOLOGY.reset(token)
            if not _truthy(result):
                sev = Severity.ERROR if c.get("severity") == "error" else Severity.WARNING
                self.err(at, f"{key}: {c.get('human', expr)}", str(key), sev, "invariant")

    def target(self, ref: dict[str, Any], profiles: list[str], at: str) -> None:
        value = ref.get("reference")
        if not isinstance(value, str):
            return
        resolved = _resolve(self.ctx.root, value)
        if resolved is None:
            return  # outside the input: cannot be checked here
        for prof in profiles:
            if self.checker.conforms(resolved, prof, self.ctx, self.active):  # warnings still conform
                return
            tree = self.checker.tree(prof)
            if isinstance(tree, str):
                return  # an unknown target profile is not this element's defect
        self.err(
            f"{at}.reference",
            f"the target {value} conforms to none of {', '.join(profiles)}",
            "profile.target",
        )

    # -- slicing -------------------------------------------------------------------------------------

    def slices(self, node: _PNode, items: list[tuple[Any, str, str]], at: str) -> None:
        """Match the items to the slices (``_slices_long``, with what the slicing says worked out once
        per node by :meth:`ProfileChecker.slice_plan`)."""
        plan = self.checker.slice_plan(node)
        if plan is _UNPLANNED:
            self._slices_long(node, items, at)
            return
        _node, eff, discriminators, bounds, closed, open_at_end, ordered = plan
        matched: list[list[tuple[Any, str, str]]] = [[] for _s in eff]
        order: list[int] = []
        maybe: set[int] = set()  # slices an undetermined item might belong to
        in_slice = self.in_slice
        for item in items:
            row = [in_slice(item[0], item[2], s, discriminators) for s in eff]
            hit = next((i for i, v in enumerate(row) if v), None)
            if hit is None and any(v is None for v in row):
                maybe.update(i for i, v in enumerate(row) if v is None)
                continue  # a discriminator fhirconv cannot evaluate: no verdict on this item
            if hit is None:
                if closed:
                    self.err(
                        item[1],
                        f"matches no slice of {node.el.get('path')} (closed slicing)",
                        "profile.slice-closed",
                    )
                order.append(len(eff) if open_at_end else -1)
                continue
            matched[hit].append(item)
            order.append(hit)
        if ordered:
            seen = [o for o in order if o >= 0]
            if seen != sorted(seen):
                self.err(at, f"the slices of {node.el.get('path')} are out of order", "profile.slice-order")
        for i, (s, mn, mx, name) in enumerate(bounds):
            mine = matched[i]
            if len(mine) < mn and i not in maybe:
                self.err(
                    at,
                    f"slice '{name}' needs at least {mn}, found {len(mine)}",
                    "profile.slice",
                    code="required",
                )
            if mx is not None and len(mine) > mx:
                self.err(at, f"slice '{name}' allows at most {mx}, found {len(mine)}", "profile.slice")
            for item, where, key in mine:
                self.item(s, item, where, key, None, None)

    def _slices_long(self, node: _PNode, items: list[tuple[Any, str, str]], at: str) -> None:
        node = _PNode(node.el, node.name, node.children, self.checker.effective_slices(node))
        slicing = node.slicing or {}
        discriminators = [d for d in slicing.get("discriminator") or [] if isinstance(d, dict)]
        matched: dict[int, list[tuple[Any, str, str]]] = {i: [] for i in range(len(node.slices))}
        order: list[int] = []
        verdicts = [
            [self.in_slice(item[0], item[2], s, discriminators) for s in node.slices] for item in items
        ]
        maybe: set[int] = set()  # slices an undetermined item might belong to
        for item, row in zip(items, verdicts, strict=True):
            hit = next((i for i, v in enumerate(row) if v), None)
            if hit is None and any(v is None for v in row):
                maybe.update(i for i, v in enumerate(row) if v is None)
                continue  # a discriminator fhirconv cannot evaluate: no verdict on this item
            if hit is None:
                if slicing.get("rules") == "closed":
                    self.err(
                        item[1],
                        f"matches no slice of {node.el.get('path')} (closed slicing)",
                        "profile.slice-closed",
                    )
                order.append(len(node.slices) if slicing.get("rules") == "openAtEnd" else -1)
                continue
            matched[hit].append(item)
            order.append(hit)
        if slicing.get("ordered") is True:
            seen = [o for o in order if o >= 0]
            if seen != sorted(seen):
                self.err(at, f"the slices of {node.el.get('path')} are out of order", "profile.slice-order")
        for i, s in enumerate(node.slices):
            mine = matched[i]
            mn, mx = int(s.el.get("min", 0)), _max(s.el)
            name = s.el.get("sliceName")
            if len(mine) < mn and i not in maybe:
                self.err(
                    at,
                    f"slice '{name}' needs at least {mn}, found {len(mine)}",
                    "profile.slice",
                    code="required",
                )
            if mx is not None and len(mine) > mx:
                self.err(at, f"slice '{name}' allows at most {mx}, found {len(mine)}", "profile.slice")
            for item, where, key in mine:
                self.item(s, item, where, key, None, None)

    def in_slice(self, item: Any, key: str, s: _PNode, discriminators: list[dict[str, Any]]) -> bool | None:
        """Whether the item belongs to slice ``s``; None when a discriminator cannot be evaluated."""
        if not discriminators:
            return None
        undecided = False
        for d in discriminators:
            kind, path = d.get("type"), str(d.get("path", "$this"))
            verdict = self.discriminate(item, key, s, str(kind), path)
            if verdict is False:
                return False
            undecided = undecided or verdict is None
        return None if undecided else True

    def discriminate(self, item: Any, key: str, s: _PNode, kind: str, path: str) -> bool | None:
        path = _discriminator_path(path)
        if path.endswith("resolve()"):
            return self.discriminate_resolved(item, s, kind, path)
        if kind in ("value", "pattern"):
            plan = self.checker.value_plan(s, path)
            if plan is not _UNPLANNED:
                return None if plan is None else _plan_verdict(plan, _values_at(item, path))
        target = _node_at(s, path)
        values = _values_at(item, path)
        if kind in ("value", "pattern"):
            # definitions too malformed to plan: worked out again here, so the walk fails where it did
            plan = self.checker._value_plan(s, path)
            return None if plan is None else _plan_verdict(plan, values)
        if kind == "exists":
            if target is None:
                return None
            if int(target.el.get("min", 0)) >= 1:
                return bool(values)
            if target.el.get("max") == "0":
                return not values
            return None
        if kind == "type":
            el = target.el if target is not None else s.el
            codes = [str(t.get("code")) for t in el.get("type") or []]
            if not codes:
                return None
            if path == "$this" and key and key != s.name and s.name.endswith("[x]"):
                return key[len(s.name) - 3 :] in [_cap(c) for c in codes]
            got = [v.get("resourceType") for v in values if isinstance(v, dict) and "resourceType" in v]
            if got:
                return any(g in codes for g in got)
            suffixes = _choice_suffixes(item, path)
            if suffixes:
                return any(x in [_cap(c) for c in codes] for x in suffixes)
            return None
        if kind == "profile":
            el = target.el if target is not None else s.el
            profiles = [
                str(p)
                for t in el.get("type") or []
                for p in (t.get("profile") or t.get("targetProfile") or [])
            ]
            if not profiles:
                return None
            for v in values:
                if isinstance(v, dict) and any(
                    self.checker.conforms(v, p, self.ctx, self.active) for p in profiles
                ):
                    return True
                if not isinstance(v, dict | list) and any(
                    self.checker.primitive_conforms(v, p) for p in profiles
                ):
                    return True
            return False
        return None

    def discriminate_resolved(self, item: Any, s: _PNode, kind: str, path: str) -> bool | None:
        """A ``type`` or ``profile`` discriminator on ``resolve()``: the resource a Reference points at, in
        this Bundle (or among the contained resources). None when it does not resolve here."""
        head = path[: -len("resolve()")].rstrip(".")
        if "resolve()" in head or kind not in ("type", "profile"):
            return None
        el = (_node_at(s, head) if head else s) or s
        targets = [str(p) for t in el.el.get("type") or [] for p in t.get("targetProfile") or []]
        if not targets:
            return None
        resolved = []
        for ref in _values_at(item, head) if head else [item]:
            r = ref.get("reference") if isinstance(ref, dict) else None
            res = self.resolve_reference(r) if isinstance(r, str) else None
            if res is None:
                return None
            resolved.append(res)
        if not resolved:
            return None
        if kind == "type":
            types = set()
            for url in targets:
                sd = self.checker.defs.structure_definition(url)
                if sd is None:
                    return None
                types.add(sd.get("type"))
            return any(res.get("resourceType") in types for res in resolved)
        return any(self.checker.conforms(res, p, self.ctx, self.active) for res in resolved for p in targets)

    def resolve_reference(self, ref: str) -> dict[str, Any] | None:
        if ref.startswith("#"):
            container = self.resource if isinstance(self.resource, dict) else {}
            return next(
                (
                    c
                    for c in _as_list(container.get("contained"))
                    if isinstance(c, dict) and c.get("id") == ref[1:]
                ),
                None,
            )
        return _resolve(self.ctx.root, ref)


_MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
_UNNAMED_TYPES = frozenset({"BackboneElement", "Element"})


_VERSIONED_CORE = re.compile(r"http://hl7\.org/fhir/(\d+\.\d+)/StructureDefinition/")


def _other_fhir_version(url: str) -> str | None:
    """The FHIR version of a version-specific core canonical (``http://hl7.org/fhir/5.0/...``) other
    than R4: such a profile belongs to another release and is not judged against R4 content."""
    m = _VERSIONED_CORE.match(url)
    if m is None or m.group(1) == "4.0":
        return None
    return m.group(1)


def _partner_extensions(parent: Any, key: str) -> list[Any]:
    """The extensions of the ``_x`` partner ``key`` (of all its entries, for a repeating primitive)."""
    raw = parent.get(key) if isinstance(parent, dict) else None
    out: list[Any] = []
    for entry in raw if isinstance(raw, list) else [raw]:
        exts = entry.get("extension") if isinstance(entry, dict) else None
        out.extend(exts if isinstance(exts, list) else [])
    return out


def _typed(resource: Any) -> Any:
    """A resource as a FHIRPath node of its type, so ``%resource.type()`` names it."""
    if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
        from fhirpathpy.engine.nodes import ResourceNode

        create_node: Any = ResourceNode.create_node  # untyped in fhirpathpy
        return create_node(resource, resource["resourceType"])
    return resource


def _plan_verdict(plan: Any, values: list[Any]) -> bool:
    """Whether an item's ``values`` at a discriminator's path meet a slice's value plan
    (:meth:`ProfileChecker.value_plan`): equal to its type profile, or to a fixed value / pattern."""
    if plan[0] == "profile":
        return any(v == plan[1] for v in values)
    return any(
        (v == expected) if kind == "fixed" else _matches_pattern(expected, v)
        for kind, _key, expected in plan[1]
        for v in values
    )


def _shown(item: Any) -> str | None:
    """``repr(item)``, the key of what the walk said of an item value, or None (nothing remembered) when
    it is long (a big narrative, kept out of the bounded memo) or too deep to write."""
    try:
        shown = repr(item)
    except RecursionError:
        return None
    return shown if len(shown) <= 2048 else None


def _discriminator_path(path: str) -> str:
    """``$this.resource`` is ``resource``: FHIRPath's ``$this`` is the sliced element itself."""
    while path.startswith("$this."):
        path = path[len("$this.") :]
    return path


def _derived_pattern(node: _PNode, depth: int = 0) -> Any | None:
    """What an element must look like from the fixed/pattern values below it (the HL7 validator reads a
    ``pattern`` discriminator on ``code`` through ``code.coding:slice.system``/``.code`` fixed values)."""
    fixed = _fixed(node.el)
    if fixed is not None:
        return fixed[2]
    if depth > 8:
        return None
    out: dict[str, Any] = {}
    for child in node.children:
        if child.name.endswith("[x]"):
            continue
        many = _max(child.el) != 1
        part = _derived_pattern(child, depth + 1)
        items: list[Any] = [part] if part is not None else []
        for sl in child.slices:
            if int(sl.el.get("min", 0)) >= 1:
                sp = _derived_pattern(sl, depth + 1)
                if sp is not None:
                    items.append(sp)
        if items:
            out[child.name] = items if many else items[0]
    return out or None


def _comparable(item: Any, bound: Any) -> tuple[Any, Any]:
    """(value, limit) in one comparable form, or (None, None) when they do not compare."""
    from decimal import Decimal, InvalidOperation

    def number(v: Any) -> Decimal | None:
        if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
            return None
        try:
            return Decimal(str(v))
        except InvalidOperation:
            return None

    if isinstance(item, dict) and isinstance(bound, dict):
        same_unit = item.get("code") == bound.get("code") and item.get("system") == bound.get("system")
        value, limit = number(item.get("value")), number(bound.get("value"))
        if same_unit or value is None or limit is None:
            return (value, limit) if same_unit else (None, None)
        return _ucum_comparable(item, value, bound, limit)
    if isinstance(item, str) and isinstance(bound, str):
        return (item, bound) if len(item) == len(bound) and item[:1].isdigit() else (None, None)
    return number(item), number(bound)


def _ucum_comparable(item: dict[str, Any], value: Any, bound: dict[str, Any], limit: Any) -> tuple[Any, Any]:
    """Quantities in two UCUM units of one dimension (-1 g against 0 kg): the value converted to the
    bound's unit, as the HL7 validator compares them; (None, None) when they do not convert."""
    ucum = "http://unitsofmeasure.org"
    if item.get("system") != ucum or bound.get("system") != ucum:
        return None, None
    codes = (item.get("code"), bound.get("code"))
    if not all(isinstance(c, str) and c for c in codes):
        return None, None
    try:
        registry = _ucum_registry()
        factor = (1 * registry.from_ucum(codes[0])).to(registry.from_ucum(codes[1])).magnitude
    except Exception:  # unknown or incompatible units: pint and ucumvert raise their own kinds
        return None, None
    from decimal import Decimal

    return value * Decimal(str(factor)), limit


@lru_cache(maxsize=1)
def _ucum_registry() -> Any:
    """ucumvert's pint registry (built once, only when two UCUM units must be compared)."""
    from ucumvert import PintUcumRegistry  # type: ignore[import-untyped]

    return PintUcumRegistry()


def _choice_suffixes(item: Any, path: str) -> list[str]:
    """The type suffixes of a choice element at ``path`` (``content`` -> ``String`` for contentString)."""
    head, _, last = path.rpartition(".")
    stem = last[:-3] if last.endswith("[x]") else last
    owners = _values_at(item, head) if head else [item]
    return [
        k[len(stem) :]
        for o in owners
        if isinstance(o, dict)
        for k in o
        if k.startswith(stem) and k[len(stem) : len(stem) + 1].isupper()
    ]


def _is_core_type(url: str) -> bool:
    return url.startswith(_CORE_SD) and "/" not in url[len(_CORE_SD) :] and url[len(_CORE_SD) :][:1].isupper()


def _nodes_at(s: _PNode, path: str) -> list[_PNode]:
    """The elements at ``path`` below a slice, through the slices of the elements on the way."""
    current = [s]
    if path in ("$this", ""):
        return current
    for part in path.split("."):
        if part.startswith("extension(") or part == "resolve()":
            return []
        nxt: list[_PNode] = []
        for n in current:
            c = n.child(part)
            if c is not None:
                nxt.append(c)
                nxt.extend(c.slices)
        current = nxt
    return current


def _node_at(s: _PNode, path: str) -> _PNode | None:
    node: _PNode | None = s
    if path in ("$this", ""):
        return node
    for part in path.split("."):
        if node is None:
            return None
        if part.startswith("extension(") or part == "resolve()":
            return None
        node = node.child(part)
    return node


def _values_at(item: Any, path: str) -> list[Any]:
    """The values at a discriminator path below ``item`` (``_values_at_long`` with the path parsed once:
    the slices ask this for every item and slice)."""
    if path in ("$this", ""):
        return [item]
    steps = _path_steps(path)
    if steps is None:
        return []  # the path goes through resolve(): nothing to read here
    current = [item]
    for url, part in steps:
        nxt: list[Any] = []
        if url is not None:
            for c in current:
                if isinstance(c, dict):
                    nxt.extend(
                        e for e in _as_list(c.get("extension")) if isinstance(e, dict) and e.get("url") == url
                    )
            current = nxt
            continue
        for c in current:
            if not isinstance(c, dict):
                continue
            if part in c:
                found = c[part]
                if isinstance(found, list):
                    nxt.extend(found)
                elif found is not None:  # _as_list
                    nxt.append(found)
            else:
                nxt.extend(
                    v
                    for k, vs in c.items()
                    if k.startswith(part) and k[len(part) : len(part) + 1].isupper()
                    for v in _as_list(vs)
                )
        current = nxt
    return current


@lru_cache(maxsize=1024)
def _path_steps(path: str) -> tuple[tuple[str | None, str], ...] | None:
    """A discriminator path's steps, (extension url, "") or (None, element name without ``[x]``); None
    when a step is ``resolve()`` (``_values_at_long`` returns [] on reaching it, and no step before it
    has an effect)."""
    steps: list[tuple[str | None, str]] = []
    for part in path.split("."):
        if part.startswith("extension(") and part.endswith(")"):
            steps.append((part[len("extension(") : -1].strip("'\""), ""))
        elif part == "resolve()":
            return None
        else:
            steps.append((None, part[:-3] if part.endswith("[x]") else part))
    return tuple(steps)


def _values_at_long(item: Any, path: str) -> list[Any]:
    """:func:`_values_at` parsing the path on every call (the reference its tests compare with)."""
    current = [item]
    if path in ("$this", ""):
        return current
    for part in path.split("."):
        nxt: list[Any] = []
        if part.startswith("extension(") and part.endswith(")"):
            url = part[len("extension(") : -1].strip("'\"")
            for c in current:
                if isinstance(c, dict):
                    nxt.extend(
                        e for e in _as_list(c.get("extension")) if isinstance(e, dict) and e.get("url") == url
                    )
            current = nxt
            continue
        if part == "resolve()":
            return []
        part = part[:-3] if part.endswith("[x]") else part
        for c in current:
            if not isinstance(c, dict):
                continue
            if part in c:
                nxt.extend(_as_list(c[part]))
            else:
                nxt.extend(
                    v
                    for k, vs in c.items()
                    if k.startswith(part) and k[len(part) : len(part) + 1].isupper()
                    for v in _as_list(vs)
                )
        current = nxt
    return current


def _resolve(root: Any, ref: str) -> dict[str, Any] | None:
    if not isinstance(root, dict) or root.get("resourceType") != "Bundle":
        return None
    for entry in _as_list(root.get("entry")):
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        res = entry["resource"]
        full = entry.get("fullUrl")
        if ref == full or (isinstance(full, str) and full.endswith("/" + ref)):
            return res  # type: ignore[no-any-return]
        if ref == f"{res.get('resourceType')}/{res.get('id')}":
            return res  # type: ignore[no-any-return]
    return None


def iter_profile_urls(defs: DefinitionsProvider) -> Iterator[str]:
    profiles = getattr(defs, "profiles", None)
    if callable(profiles):
        yield from profiles()
