"""FHIRPath invariants of the R4 StructureDefinitions, evaluated where they apply.

Each resource is walked along its StructureDefinition snapshot (inline backbone elements, datatypes by
their own definitions and type profiles, choice types by suffix, content references); at every element
present in the instance that element's constraints run, so a constraint on an absent element never does.
Nested resources (contained, Bundle entries) are not entered: the chain hands each to the checker itself.

Expressions are parsed once per distinct text (or taken parsed from the compiled definitions) and evaluated
with fhirpathpy's R4 model, as the HL7 validator evaluates them: a constraint holds only when its result is
true (empty fails), published R4 expressions it corrects are evaluated corrected (``_FIXES``), and
date/time elements compare by FHIRPath's precision rules, not as strings. Results are
reused where the expression provably cannot tell two elements apart: when every member it names is
absent, when those members hold the same primitive values, or, for expressions that only ask
``x.exists()``/``x.empty()``, when the same members are present. The most frequent constraints (``ele-1``,
``ext-1``, ``ref-1``, ``dom-2``/``4``/``5``/``6``) and those fhirpathpy 2.2.4 gets wrong or lacks (``dom-3``:
``as()`` on a collection; ``rng-2``: Quantity ordering; ``txt-1``/``txt-2``: ``htmlChecks()``) are Python;
``per-1``, ``bdl-3``/``4``/``7``/``11``/``12``, ``obs-7``, ``que-2``, ``csd-1`` and ``ras-1`` are decided in
Python for their plain shapes (``_SHORTCUTS``).
``hasValue()``, ``resolve()`` (within the input) and a silent ``trace()`` are added to the engine;
``memberOf()`` asks the local terminology set in ``TERMINOLOGY`` (profile constraints set it). An
expression the engine still cannot evaluate (``conformsTo()``, a ``memberOf()`` that cannot be decided
locally, a parse error, a runtime failure) is an ``information`` issue naming the constraint, never a
silent pass.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from .fpcompile import RUNTIME, Fallback, compile_partial
from .issues import Issue, Severity
from .protocols import Context, DefinitionsProvider

__all__ = ["InvariantChecker", "PlanCache", "html_checks"]

_SD_BASE = "http://hl7.org/fhir/StructureDefinition/"
# Evaluated in Python: ele-1/ext-1 run on nearly every element; txt-1/txt-2 need htmlChecks(); dom-3 and
# rng-2 use as() on collections and Quantity ordering, which fhirpathpy 2.2.4 rejects; ref-1 (every
# Reference) and dom-2/4/5/6 (every resource with contained ones) are the most frequent after ele-1, and
# plain to state in Python.
_NATIVE = frozenset(
    {"ele-1", "ext-1", "txt-1", "txt-2", "dom-2", "dom-3", "dom-4", "dom-5", "dom-6", "rng-2", "ref-1"}
)
_SKIP_TYPES = frozenset({"Resource", "DomainResource"})
_NO_CONTENT = frozenset({"id", "fhir_comments"})  # keys that do not make an element non-empty (ele-1)
_ID_ONLY = frozenset({"id"})
_BACKBONE = frozenset({"BackboneElement", "Element"})
# Functions outside fhirpathpy 2.2.4 that R4 or common profiles use; hasValue/resolve/trace are added
# below, the rest are reported as not evaluable.
_ADDED_FUNCTIONS = frozenset({"hasValue", "resolve", "trace", "htmlChecks", "memberOf"})

# (the input, the container of the resource being checked) for resolve(); fhirpathpy does not hand user
# functions its context.
_CURRENT_ROOT: contextvars.ContextVar[Any] = contextvars.ContextVar("fhirconv_invariant_root", default=None)


# Published R4 expressions that contradict their own human text or fail on absent elements, and the
# corrections the HL7 Java validator evaluates instead (org.hl7.fhir.validation ... FHIRPathExpressionFixer;
# R4B and R5 publish que-12 corrected). Keyed by the exact published text.
_FIXES = {
    # que-12: "more than one enableWhen", published as > 2
    "enableWhen.count() > 2 implies enableBehavior.exists()": (
        "enableWhen.count() >= 2 implies enableBehavior.exists()"
    ),
    # ref-1 (run in Python; the engine needs the correction when asked): no reference, or "#", passes
    "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id"
    ".trace('ids'))": (
        "reference.exists() implies (reference = '#' or (reference.startsWith('#').not() or "
        "(reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))))"
    ),
    # que-7: a FHIR boolean answer is a Boolean to the HL7 validator; fhirpathpy reads the unqualified name
    # as System.Boolean only and so rejected every valid 'exists' condition
    "operator = 'exists' implies (answer is Boolean)": "operator = 'exists' implies (answer is boolean)",
    # bdl-8: empty (no fullUrl) must pass
    "fullUrl.contains('/_history/').not()": "fullUrl.exists() implies fullUrl.contains('/_history/').not()",
    # ras-2
    "probability is decimal implies (probability as decimal) <= 100": (
        "(probability.exists() and (probability is decimal)) implies ((probability as decimal) <= 100)"
    ),
    "probability is decimal implies probability.as(decimal) <= 100": (
        "probability.empty() or (probability is decimal implies probability.as(decimal) <= 100)"
    ),
    # the *-0 name checks (vsd-0, nsd-0, mea-0 ...): an absent name passes, the whole name must match
    "name.matches('[A-Z]([A-Za-z0-9_]){0,254}')": (
        "name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')"
    ),
    # checks that use a collection as a boolean (ElementDefinition, Observation, StructureDefinition)
    "isModifier implies isModifierReason.exists()": (
        "(isModifier.exists() and isModifier) implies isModifierReason.exists()"
    ),
    "(component.empty() and hasMember.empty()) implies (dataAbsentReason or value)": (
        "(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())"
    ),
    "differential.element.all(id) and differential.element.id.trace('ids').isDistinct()": (
        "differential.element.all(id.exists()) and differential.element.id.trace('ids').isDistinct()"
    ),
    "snapshot.element.all(id) and snapshot.element.id.trace('ids').isDistinct()": (
        "snapshot.element.all(id.exists()) and snapshot.element.id.trace('ids').isDistinct()"
    ),
}


@dataclass(frozen=True, slots=True)
class _Constraint:
    key: str
    severity: Severity
    human: str
    expression: str
    source: str  # StructureDefinition the constraint comes from, for messages


@dataclass(slots=True)
class _Compiled:
    fn: Callable[..., Any] | None
    problem: str | None
    names: frozenset[str]  # every member name the expression navigates
    focus_free: bool  # True when absent names alone decide the result (no root-level calls, no %vars)
    empty_result: dict[str, bool] = field(default_factory=dict)  # base path -> result on an empty element
    memo: dict[tuple[Any, ...], bool] = field(default_factory=dict)  # (base, primitive members) -> result
    existence_only: bool = False  # members only tested with exists()/empty(): presence decides
    prefixes: tuple[str, ...] = ()  # names as a str.startswith() tuple (choice members: value -> valueX)


@dataclass(slots=True)
class _Child:
    key: str
    kind: str  # "primitive" | "inline" (backbone, or a content reference) | "type" (datatype) | "skip"
    type_name: str | None = None
    node: _Node | None = None
    ref_path: str | None = None
    profile: str | None = None
    own: tuple[_Constraint, ...] = ()  # constraints the parent definition puts on this element
    ele1: bool = False
    binding: tuple[str, str] | None = None  # (strength, value set canonical) from the definition
    merged: tuple[tuple[_Constraint, ...], str, _Node | None] | None = None  # resolved lazily


@dataclass(slots=True)
class _Node:
    path: str  # fhirpathpy type path of this element
    constraints: tuple[_Constraint, ...] = ()
    children: dict[str, _Child] = field(default_factory=dict)
    ele1: bool = False
    ext1: bool = False


def _severity(raw: str | None) -> Severity:
    return Severity.ERROR if raw == "error" else Severity.WARNING


def _is_primitive(code: str) -> bool:
    return code.startswith("http://hl7.org/fhirpath/System.") or code[:1].islower()


# ---------------------------------------------------------------------------------------------------
# FHIRPath engine glue


def _has_value(inputs: list[Any]) -> list[bool]:
    return [len(inputs) == 1 and isinstance(inputs[0], str | bool | int | float | Decimal)]


def _trace(inputs: list[Any], *_args: Any) -> list[Any]:
    return inputs


# The terminology memberOf() asks (set by the checker that evaluates, e.g. profile constraints).
TERMINOLOGY: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "fhirconv_invariant_terminology", default=None
)


def _member_of(inputs: list[Any], value_set: Any) -> list[bool]:
    """memberOf(): whether the code, Coding or CodeableConcept is in the value set (local expansion).
    Raises when no terminology is at hand or it cannot tell, so the constraint is reported as not
    checked rather than failed."""
    term = TERMINOLOGY.get()
    if term is None or not isinstance(value_set, str):
        raise RuntimeError("memberOf() needs a value set the local terminology can expand")
    verdicts: list[bool | None] = []
    for item in inputs:
        data = getattr(item, "data", item)
        if isinstance(data, str):
            pairs: list[tuple[Any, Any]] = [(None, data)]
        elif isinstance(data, dict):
            codings = data.get("coding") if "coding" in data else [data]
            pairs = [(c.get("system"), c.get("code")) for c in codings or [] if isinstance(c, dict)]
        else:
            continue
        found = [term.validate_code(value_set.split("|")[0], s, c) for s, c in pairs if isinstance(c, str)]
        verdicts.append(True if True in found else None if None in found or not found else False)
    if not verdicts:
        return []
    if True in verdicts:
        return [True]
    if None in verdicts:
        raise RuntimeError(f"memberOf('{value_set}') cannot be decided locally")
    return [False]


def _resolve(inputs: list[Any]) -> list[Any]:
    from fhirpathpy.engine.nodes import ResourceNode

    create_node: Any = ResourceNode.create_node  # untyped in fhirpathpy
    root, container = _CURRENT_ROOT.get() or (None, None)
    out: list[Any] = []
    for item in inputs:
        ref = item.get("reference") if isinstance(item, dict) else item if isinstance(item, str) else None
        if isinstance(ref, str):
            found = _find_reference(container if ref.startswith("#") else root, ref)
            if found is not None and isinstance(found.get("resourceType"), str):
                out.append(create_node(found, found["resourceType"]))
    return out


def _find_reference(root: Any, ref: str) -> dict[str, Any] | None:
    if not isinstance(root, dict):
        return None
    if ref.startswith("#"):
        for res in root.get("contained") or []:
            if isinstance(res, dict) and res.get("id") == ref[1:]:
                return res
        return None
    if root.get("resourceType") != "Bundle":
        return None
    for entry in root.get("entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        res = entry["resource"]
        full = entry.get("fullUrl")
        if full == ref or (isinstance(full, str) and full.endswith("/" + ref)):
            return res  # type: ignore[no-any-return]
        if f"{res.get('resourceType')}/{res.get('id')}" == ref:
            return res  # type: ignore[no-any-return]
    return None


_TEMPORAL_TYPES = frozenset({"date", "dateTime", "instant"})


def _temporal(operand: list[Any]) -> list[Any]:
    """Typed date/dateTime/instant/time elements as fhirpathpy's temporal values: fhirpathpy 2.2.4 compares
    them as plain strings (``'2023-06-21' <= '2023-06-21T06:20:00Z'`` is true), where FHIRPath compares
    them field by field and gives empty when the precisions differ."""
    from fhirpathpy.engine.nodes import FP_DateTime, FP_Time, ResourceNode

    date_time: Any = FP_DateTime  # untyped in fhirpathpy
    time: Any = FP_Time
    out: list[Any] = []
    for item in operand:
        if isinstance(item, ResourceNode) and isinstance(item.data, str):
            value: Any = None
            if item.path in _TEMPORAL_TYPES:
                value = date_time(item.data)
                if not getattr(value, "_dateTimeMatchData", None):
                    value = None
            elif item.path == "time":
                value = time(item.data)
                if not getattr(value, "_timeMatchData", None):
                    value = None
            out.append(value if value is not None else item)
        else:
            out.append(item)
    return out


def _comparison(name: str) -> Callable[..., Any]:
    from fhirpathpy.engine.invocations import equality

    original: Callable[..., Any] = getattr(equality, name)

    def compare(ctx: Any, left: list[Any], right: list[Any]) -> Any:
        return original(ctx, _temporal(left), _temporal(right))

    return compare


def _user_table() -> dict[str, Any]:
    return {
        "hasValue": {"fn": _has_value},
        "resolve": {"fn": _resolve},
        "trace": {"fn": _trace, "arity": {0: [], 1: ["String"], 2: ["String", "AnyAtRoot"]}},
        "memberOf": {"fn": _member_of, "arity": {1: ["String"]}},
    }


def _comparisons() -> dict[str, Any]:
    """Operator entries for the engine's table as is (fhirpathpy's user-table processing would strip the
    element types the comparison needs)."""
    return {
        op: {"fn": _comparison(name), "arity": {2: ["Any", "Any"]}, "nullable": True}
        for op, name in (("<", "lt"), (">", "gt"), ("<=", "lte"), (">=", "gte"))
    }


def _walk_ast(node: Any, in_params: bool, names: set[str], calls: set[str], flags: list[bool]) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    children = node.get("children") or []
    if kind == "MemberInvocation":
        for c in children:
            if isinstance(c, dict) and c.get("type") == "Identifier" and c.get("text"):
                names.add(str(c["text"]).strip("`"))
    elif kind == "Functn":
        for c in children:
            if isinstance(c, dict) and c.get("type") == "Identifier" and c.get("text"):
                calls.add(str(c["text"]))
    elif kind == "ExternalConstantTerm":
        flags[0] = False
    elif (
        kind == "InvocationTerm"
        and not in_params
        and any(isinstance(c, dict) and c.get("type") != "MemberInvocation" for c in children)
    ):
        # A bare call or $this on the focus itself: the focus, not just its members, decides the result.
        flags[0] = False
    for c in children:
        _walk_ast(c, in_params or kind == "ParamList", names, calls, flags)


def _existence_only(node: Any, parent: Any = None) -> bool:
    """True when every member the expression names is only tested with a bare ``.exists()``/``.empty()``
    (``resource.exists() or request.exists()``): then which members are present decides the result."""
    if not isinstance(node, dict):
        return True
    kind = node.get("type")
    children = node.get("children") or []
    if kind == "ParamList":
        return False
    if kind == "MemberInvocation" and not (
        isinstance(parent, dict) and parent.get("type") == "InvocationTerm"
    ):
        return False  # a member reached through another member (a.b)
    if kind == "TermExpression" and any(
        isinstance(c, dict) and c.get("type") == "InvocationTerm" for c in children
    ):
        grand = parent if isinstance(parent, dict) else {}
        siblings = grand.get("children") or []
        if grand.get("type") != "InvocationExpression" or len(siblings) != 2 or siblings[0] is not node:
            return False
        fn = siblings[1]
        ident = [
            c.get("text")
            for f in (fn.get("children") or [])
            if isinstance(f, dict) and f.get("type") == "Functn"
            for c in (f.get("children") or [])
            if isinstance(c, dict)
        ]
        if fn.get("type") != "FunctionInvocation" or ident not in (["exists"], ["empty"]):
            return False
    return all(_existence_only(c, node) for c in children)


# Where parse trees come from before the (slow, ~10 ms per expression) parser is asked: the compiled
# definitions keep one per constraint of the package. A tree depends only on the text, so one list serves
# every checker of the process.
_TREE_SOURCES: list[Callable[[str], Any]] = []


def _add_tree_source(definitions: Any) -> None:
    source = getattr(definitions, "fhirpath_tree", None)
    if callable(source) and source not in _TREE_SOURCES:
        _TREE_SOURCES.append(source)


def cached_tree(expression: str) -> Any:
    """The parse tree of ``expression`` from the compiled definitions, or None (never the parser)."""
    for source in _TREE_SOURCES:
        try:
            tree = source(expression)
        except Exception:  # an unreadable cache part
            tree = None
        if tree is not None:
            return tree
    return None


def existence_predicate(
    expression: str, base: str, definitions: DefinitionsProvider
) -> Callable[[dict[str, Any]], bool | None] | None:
    """The compiled predicate of a constraint that only asks ``exists()``/``empty()`` of members of its
    focus, joined by and/or/implies (``value.exists() or dataAbsentReason.exists()``), on an element of
    type path ``base``; None for any other expression, one whose parse tree the compiled definitions do
    not keep, or a base the definitions do not index. fhirpathpy cannot fail on such an expression, so
    whether it evaluates a side the compiled code skips changes nothing: the compiled verdict (or its
    Fallback) is the engine's."""
    tree = cached_tree(expression)
    if tree is None or not _existence_only(tree):
        return None
    return compiled_predicate(tree, base, definitions)


def compiled_predicate(
    tree: Any, base: str, definitions: Any
) -> Callable[[dict[str, Any]], bool | None] | None:
    """The FHIRPath compiler's predicate for the parse tree ``tree`` of a constraint on an element of
    type path ``base`` (it raises Fallback where only the engine can decide), or None when the compiler
    does not take the expression whole or the definitions do not index ``base``."""
    try:
        src, partial = compile_partial(tree, definitions, base, base.split(".", 1)[0])
    except Exception:  # Unsupported, or a base the definitions do not index
        return None
    if partial:
        return None
    fn: Callable[[dict[str, Any]], bool | None] = eval(
        compile(src, "<fhirconv-predicate>", "eval"), dict(RUNTIME)
    )
    return fn


def _parse(expression: str) -> Any:
    for source in _TREE_SOURCES:
        try:
            tree = source(expression)
        except Exception:  # an unreadable cache part: parse instead
            tree = None
        if tree is not None:
            return tree
    from fhirpathpy.parser import parse as _fhirpath_parse

    parse: Any = _fhirpath_parse  # untyped in fhirpathpy
    return parse(expression)


@cache
def _compile(expression: str) -> _Compiled:
    """Parse once per distinct expression text; never raises."""
    from fhirpathpy.engine.invocations import invocation_registry

    try:
        ast = _parse(expression)
    except Exception as exc:  # the parser raises bare Exceptions
        return _Compiled(None, f"cannot parse: {exc}", frozenset(), False)
    names: set[str] = set()
    calls: set[str] = set()
    flags = [True]
    _walk_ast(ast, False, names, calls, flags)
    unknown = sorted(c for c in calls if c not in invocation_registry and c not in _ADDED_FUNCTIONS)
    if unknown:
        fns = ", ".join(f"{c}()" for c in unknown)
        return _Compiled(None, f"the FHIRPath engine does not implement {fns}", frozenset(names), False)
    if "htmlChecks" in calls:
        return _Compiled(None, "htmlChecks() is only evaluated natively for txt-1/txt-2", frozenset(), False)
    if calls & {"children", "descendants", "resolve", "hasValue"}:
        flags[0] = False
    compiled = _Compiled(_evaluator(ast["children"][0]), None, frozenset(names), flags[0])
    compiled.existence_only = flags[0] and _existence_only(ast)
    compiled.prefixes = tuple(sorted(names))
    return compiled


@cache
def _engine() -> tuple[Any, Any, Any, Any]:
    from fhirpathpy.engine import do_eval
    from fhirpathpy.engine.invocations.constants import constants
    from fhirpathpy.engine.util import process_user_invocation_table
    from fhirpathpy.models import models

    process: Any = process_user_invocation_table  # untyped in fhirpathpy
    return do_eval, constants, {**process(_user_table()), **_comparisons()}, models["r4"]


def _evaluator(root_node: Any) -> Callable[[Any, dict[str, Any]], Any]:
    """fhirpathpy's ``apply_parsed_path`` without its per-call set-up (user-function table, result copy):
    the raw result list is all a constraint needs, and this is the hot loop of validation."""
    do_eval, constants, table, model = _engine()

    def evaluate(resource: Any, variables: dict[str, Any]) -> Any:
        constants.reset()
        data_root = resource if isinstance(resource, list) else [resource]
        ctx = {
            "dataRoot": data_root,
            "vars": {"context": resource, "ucum": "http://unitsofmeasure.org", **variables},
            "model": model,
            "userInvocationTable": table,
        }
        return do_eval(ctx, data_root, root_node)

    return evaluate


# ---------------------------------------------------------------------------------------------------
# Narrative checks (txt-1, txt-2), which fhirpathpy lacks

_XHTML = "{http://www.w3.org/1999/xhtml}"
# Elements and attributes the HL7 validator allows in narrative (R4 Narrative: HTML 4 basic formatting).
# fmt: off
_ALLOWED_TAGS = frozenset((
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "a", "span", "b", "em", "i", "strong", "small",
    "big", "tt", "dfn", "q", "var", "abbr", "acronym", "cite", "blockquote", "hr", "address", "bdo", "kbd",
    "samp", "sub", "sup", "ul", "ol", "li", "dl", "dt", "dd", "pre", "table", "caption", "colgroup", "col",
    "thead", "tr", "tfoot", "tbody", "th", "td", "code", "img", "map", "area",
))
_ALLOWED_ATTRS = frozenset((
    "title", "style", "class", "id", "lang", "dir", "accesskey", "tabindex", "colspan", "rowspan", "href",
    "name", "src", "alt", "border", "cellpadding", "cellspacing", "width", "height", "align", "valign",
    "span", "summary", "abbr", "axis", "headers", "scope", "frame", "rules", "char", "charoff", "shape",
    "coords", "datetime", "cite", "start", "type", "value", "compact", "nowrap", "bgcolor", "clear",
    "hspace", "vspace", "noshade", "size", "color", "face", "rev", "rel", "charset", "hreflang", "usemap",
    "ismap", "longdesc", "target",
))
# fmt: on
_ALLOWED_QTAGS = frozenset(_XHTML + tag for tag in _ALLOWED_TAGS)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@lru_cache(maxsize=64)  # txt-1 and txt-2 both ask about the same div
def html_checks(div: str) -> tuple[str | None, str | None]:
    """(txt-1 problem, txt-2 problem) for a Narrative.div, after the HL7 validator's xhtml rules."""
    from lxml import etree

    from .structure import parse_xhtml

    root, error = parse_xhtml(div)
    if root is None:
        return f"narrative is not well-formed XHTML: {error}", None
    if root.tag != _XHTML + "div":
        return "narrative root must be an XHTML <div> in namespace http://www.w3.org/1999/xhtml", None
    problem: str | None = None
    for el in root.iter():
        if not isinstance(el.tag, str):
            if isinstance(el, etree._ProcessingInstruction):
                problem = problem or "narrative contains a processing instruction"
            continue
        if el.tag not in _ALLOWED_QTAGS:
            problem = problem or f"narrative uses element <{etree.QName(el).localname}>, not allowed in FHIR"
        for raw_attr, raw_val in el.items():  # (the attribute list itself, no attrib proxy)
            attr, val = str(raw_attr), str(raw_val)
            local = attr.rsplit("}", 1)[-1]
            if attr in (_XML_LANG, _XML_SPACE):
                continue
            if local not in _ALLOWED_ATTRS or (attr.startswith("{") and not attr.startswith(_XHTML)):
                problem = problem or f"narrative uses attribute '{local}', not allowed in FHIR"
            elif local in ("href", "src") and val.strip().lower().startswith("javascript:"):
                problem = problem or f"narrative has a javascript: URL in '{local}'"
    has_text = any(t.strip() for t in root.itertext())
    has_img = has_text or next(root.iter(_XHTML + "img"), None) is not None
    empty = None if has_img else "narrative has no non-whitespace content"
    return problem, empty


# ---------------------------------------------------------------------------------------------------
# The checker


class PlanCache:
    """Walk plans per type, built once from the snapshots and shared by the invariant and binding checkers."""

    def __init__(self) -> None:
        self._plans: dict[str, _Node | None] = {}

    def plan(self, type_name: str, definitions: DefinitionsProvider) -> _Node | None:
        if type_name not in self._plans:
            self._plans[type_name] = None  # guards recursion while building
            sd = definitions.structure_definition(
                type_name if type_name.startswith("http") else _SD_BASE + type_name
            )
            if sd is None and not type_name.startswith("http"):
                sd = definitions.structure_definition(type_name)
            self._plans[type_name] = _build_plan(sd) if sd else None
        return self._plans[type_name]

    def resolve_child(
        self, child: _Child, definitions: DefinitionsProvider
    ) -> tuple[tuple[_Constraint, ...], str, _Node | None]:
        """(constraints that apply at an instance of ``child``, its fhirpath type path, its plan node)."""
        if child.merged is None:
            node: _Node | None
            if child.kind == "type":
                assert child.type_name is not None
                node = self.plan(child.type_name, definitions)
                base = node.path if node else child.type_name
            else:
                node = child.node
                base = node.path if node else ""
            merged: dict[str, _Constraint] = {c.key: c for c in child.own}
            if node is not None:
                for c in node.constraints:
                    merged.setdefault(c.key, c)
            if child.profile:
                prof = self.plan(child.profile, definitions)
                if prof is not None:
                    for c in prof.constraints:
                        merged.setdefault(c.key, c)
            child.merged = (tuple(merged.values()), base, node)
        return child.merged


class InvariantChecker:
    """Checker for the FHIRPath constraints of the R4 base definitions (``rule`` = constraint key)."""

    name = "invariants"

    def __init__(
        self, definitions: DefinitionsProvider | None = None, plans: PlanCache | None = None
    ) -> None:
        self._definitions = definitions
        self.plans = plans or PlanCache()
        # (expression, base type path) -> the compiled predicate for it, or None. Unset on the reference
        # chain (every constraint through fhirpathpy); the compiled validator sets it on the checker it
        # hands resources over to, so those skip the engine where the FHIRPath compiler decides
        # (fpcompile: a predicate raises Fallback where only the engine can decide).
        self.predicates: Callable[[str, str], Callable[[dict[str, Any]], bool | None] | None] | None = None
        if definitions is not None:
            _add_tree_source(definitions)

    # -- Checker protocol ------------------------------------------------------------------------

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return ()

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        definitions = self._definitions or ctx.definitions
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str):
            return []
        if self._definitions is None:
            _add_tree_source(definitions)
        plan = self.plans.plan(rtype, definitions)
        if plan is None:
            return []  # unknown types are the structure checker's finding
        container = _container(ctx.root, location) or resource
        token = _CURRENT_ROOT.set((ctx.root if ctx.root is not None else resource, container))
        try:
            issues: list[Issue] = []
            walker = _Walk(self, definitions, resource, container, issues)
            walker.element(resource, plan, plan.constraints, plan.path, location)
            return issues
        finally:
            _CURRENT_ROOT.reset(token)


class _Walk:
    __slots__ = ("checker", "definitions", "issues", "resource", "root_resource")

    def __init__(
        self,
        checker: InvariantChecker,
        definitions: DefinitionsProvider,
        resource: dict[str, Any],
        root_resource: dict[str, Any],
        issues: list[Issue],
    ) -> None:
        self.checker = checker
        self.definitions = definitions
        self.resource = resource
        self.root_resource = root_resource  # the container of a contained resource (%rootResource)
        self.issues = issues

    def element(
        self,
        value: dict[str, Any],
        node: _Node | None,
        constraints: tuple[_Constraint, ...],
        base: str,
        loc: str,
    ) -> None:
        for c in constraints:
            self.constraint(c, value, base, loc)
        if node is None:
            return
        if node.ele1 and value.keys() <= _NO_CONTENT:
            self.issues.append(_ele1(loc))
        for key, raw in value.items():
            if key.startswith("_"):
                child = node.children.get(key[1:])
                if child is not None and child.kind == "primitive":
                    self.primitive_extensions(child, key[1:], raw, loc)
                continue
            child = node.children.get(key)
            if child is None or child.kind == "skip":
                continue
            if child.kind == "primitive":
                if child.ele1 and (raw is None or isinstance(raw, list)):  # only null can be empty
                    self.primitive_ele1(key, raw, value.get("_" + key), loc)
                if child.own:
                    self.primitive_constraints(child.own, key, raw, loc)
                continue
            constraints_, base_, sub = child.merged or self.checker.plans.resolve_child(
                child, self.definitions
            )
            if isinstance(raw, list):
                for i, item in enumerate(raw):
                    if isinstance(item, dict):
                        self.item(item, child, sub, constraints_, base_, f"{loc}.{key}[{i}]")
            elif isinstance(raw, dict):
                self.item(raw, child, sub, constraints_, base_, f"{loc}.{key}")

    def item(
        self,
        value: dict[str, Any],
        child: _Child,
        sub: _Node | None,
        constraints: tuple[_Constraint, ...],
        base: str,
        loc: str,
    ) -> None:
        if child.ele1 and (sub is None or not sub.ele1) and value.keys() <= _ID_ONLY:
            self.issues.append(_ele1(loc))
        if sub is not None and sub.ext1:
            has_ext = bool(value.get("extension"))
            has_value = any(k.startswith("value") or k.startswith("_value") for k in value)
            if has_ext == has_value:
                self.issues.append(
                    Issue(
                        Severity.ERROR,
                        "invariant",
                        loc,
                        "ext-1: Must have either extensions or value[x], not both",
                        "ext-1",
                    )
                )
        self.element(value, sub, constraints, base, loc)

    def primitive_ele1(self, key: str, raw: Any, ext: Any, loc: str) -> None:
        if isinstance(raw, list):
            exts = ext if isinstance(ext, list) else []
            for i, v in enumerate(raw):
                e = exts[i] if i < len(exts) else None
                if v is None and not _has_children(e):
                    self.issues.append(
                        Issue(
                            Severity.ERROR,
                            "invariant",
                            f"{loc}.{key}[{i}]",
                            "ele-1: All FHIR elements must have a @value or children",
                            "ele-1",
                        )
                    )
        elif raw is None and not _has_children(ext):
            self.issues.append(
                Issue(
                    Severity.ERROR,
                    "invariant",
                    f"{loc}.{key}",
                    "ele-1: All FHIR elements must have a @value or children",
                    "ele-1",
                )
            )

    def primitive_extensions(self, child: _Child, key: str, raw: Any, loc: str) -> None:
        """Walk the Element part (id, extension) of primitives given as ``_key`` in JSON."""
        element = self.checker.plans.plan("Element", self.definitions)
        items: Iterator[tuple[str, Any]]
        if isinstance(raw, list):
            items = ((f"{loc}.{key}[{i}]", v) for i, v in enumerate(raw))
        else:
            items = iter([(f"{loc}.{key}", raw)])
        for where, v in items:
            if isinstance(v, dict):
                self.element(v, element, (), "Element", where)

    def constraint(self, c: _Constraint, value: dict[str, Any], base: str, loc: str) -> None:
        if c.key in _NATIVE:
            if c.key == "ref-1":
                ref = value.get("reference")
                if isinstance(ref, str) and ref.startswith("#") and len(ref) > 1:
                    contained = self.root_resource.get("contained")
                    ids = (
                        {
                            r.get("id")
                            for r in contained
                            if isinstance(r, dict) and isinstance(r.get("id"), str)
                        }
                        if isinstance(contained, list)
                        else set()
                    )
                    if ref[1:] not in ids:
                        self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))
            elif c.key == "dom-6":
                text = value.get("text")
                if self.root_resource is self.resource and not (isinstance(text, dict) and "div" in text):
                    self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))
                self.narrative_links(value, loc)
            elif c.key == "dom-3":
                self.dom3(c, value, loc)
            elif c.key in ("dom-2", "dom-4", "dom-5"):
                self.contained_rules(c, value, loc)
            elif c.key == "rng-2":
                self.rng2(c, value, loc)
            return  # ele-1 / ext-1 are walked natively
        if c.key in _SHORTCUT_KEYS:
            shortcut = _SHORTCUTS.get((c.key, c.expression))
            verdict = shortcut(value, self) if shortcut is not None else None
            if verdict is not None:
                if not verdict:
                    self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))
                return
        predicates = self.checker.predicates
        if predicates is not None:
            predicate = predicates(c.expression, base)
            if predicate is not None:
                try:
                    verdict = predicate(value)
                except Fallback:
                    pass
                else:
                    if verdict is not True:  # empty fails, as ``_truthy`` decides
                        self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))
                    return
        compiled = _compile(c.expression)
        if compiled.fn is None:
            self.issues.append(_not_checked(c, compiled.problem, loc))
            return
        ok: bool | None
        if compiled.focus_free:
            # The result depends only on the members the expression names: reuse it when those are
            # absent (the empty-element result) or all primitive values seen before (memo).
            prefixes = compiled.prefixes
            relevant = [k for k in value if k.lstrip("_").startswith(prefixes)]
            if not relevant:
                ok = compiled.empty_result.get(base)
                if ok is None:
                    ok = self.run(compiled, c, {}, base, loc)
                    if ok is None:
                        return
                    compiled.empty_result[base] = ok
            elif compiled.existence_only or all(
                isinstance(value[k], str | int | float | Decimal | bool) for k in relevant
            ):
                if compiled.existence_only:
                    memo_key = (
                        base,
                        "?",
                        *((k, _presence(value[k])) for k in sorted(relevant)),
                    )
                else:
                    memo_key = (base, *((k, type(value[k]).__name__, value[k]) for k in sorted(relevant)))
                ok = compiled.memo.get(memo_key)
                if ok is None:
                    ok = self.run(compiled, c, value, base, loc)
                    if ok is None:
                        return
                    if len(compiled.memo) > 4096:
                        compiled.memo.clear()
                    compiled.memo[memo_key] = ok
            else:
                ok = self.run(compiled, c, value, base, loc)
        else:
            ok = self.run(compiled, c, value, base, loc)
        if ok is False:
            if c.key == "dom-6" and self.root_resource is not self.resource:
                return  # contained resources are described by their container's narrative
            self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))

    def run(
        self, compiled: _Compiled, c: _Constraint, value: dict[str, Any], base: str, loc: str
    ) -> bool | None:
        from fhirpathpy.engine.nodes import ResourceNode

        create_node: Any = ResourceNode.create_node  # untyped in fhirpathpy
        assert compiled.fn is not None
        try:
            result = compiled.fn(
                create_node(value, base) if base else value,
                {"resource": self.resource, "rootResource": self.root_resource},
            )
        except Exception as exc:  # fhirpathpy raises bare Exceptions for unsupported constructs
            self.issues.append(
                Issue(
                    Severity.INFORMATION,
                    "informational",
                    loc,
                    f"{c.key} not checked: the FHIRPath engine failed on {c.expression!r}: {exc}",
                    c.key,
                )
            )
            return None
        return _truthy(result)

    def dom3(self, c: _Constraint, value: dict[str, Any], loc: str) -> None:
        """Every contained resource is referenced from elsewhere in the resource, or refers to it."""
        unmatched = dom3_unmatched(value)
        if unmatched:
            ids = ", ".join(unmatched)
            self.issues.append(
                Issue(c.severity, "invariant", loc, f"{c.key}: {c.human} (unreferenced: {ids})", c.key)
            )

    def narrative_links(self, value: dict[str, Any], loc: str) -> None:
        """A link inside the narrative (``<a href="#x">``) must land on an anchor (an ``id`` or ``name`` in
        the resource's narratives) or a contained resource, as the HL7 validator requires."""
        text = value.get("text")
        div = text.get("div") if isinstance(text, dict) else None
        if self.root_resource is not self.resource or not isinstance(div, str):
            return  # a contained resource's links may land in its container's narrative
        if 'href="#' not in div and "href='#" not in div:
            return
        divs = [t for t in _strings(value) if t.startswith("<")]
        anchors = {a for d in divs for a in _ANCHOR.findall(d)}
        anchors |= {
            str(c.get("id")) for c in _as_list(value.get("contained")) if isinstance(c, dict) and "id" in c
        }
        for target in _LOCAL_HREF.findall(div):
            if target and target not in anchors:
                self.issues.append(
                    Issue(
                        Severity.ERROR,
                        "value",
                        f"{loc}.text.div",
                        f"the narrative links to '#{target}', which is no anchor of the narrative and no "
                        "contained resource",
                        "txt-link",
                    )
                )

    def contained_rules(self, c: _Constraint, value: dict[str, Any], loc: str) -> None:
        """dom-2 (no nested contained), dom-4 (no versionId/lastUpdated), dom-5 (no security labels)."""
        if contained_broken(c.key, value):
            self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))

    def rng2(self, c: _Constraint, value: dict[str, Any], loc: str) -> None:
        """Range low <= high, when both values are in the same unit."""
        low, high = value.get("low"), value.get("high")
        if not isinstance(low, dict) or not isinstance(high, dict):
            return
        lv, hv = low.get("value"), high.get("value")
        if not isinstance(lv, int | float | Decimal) or not isinstance(hv, int | float | Decimal):
            return
        if isinstance(lv, bool) or isinstance(hv, bool):
            return  # a wrongly typed value is the structure checker's finding
        same_unit = (low.get("system"), low.get("code")) == (high.get("system"), high.get("code")) and (
            low.get("code") is not None or low.get("unit") == high.get("unit")
        )
        if not same_unit:
            self.issues.append(
                Issue(
                    Severity.INFORMATION,
                    "informational",
                    loc,
                    f"{c.key} not checked: low and high are in different units (no unit conversion)",
                    c.key,
                )
            )
        elif Decimal(str(lv)) > Decimal(str(hv)):
            self.issues.append(Issue(c.severity, "invariant", loc, f"{c.key}: {c.human}", c.key))

    def primitive_constraints(
        self, constraints: tuple[_Constraint, ...], key: str, raw: Any, loc: str
    ) -> None:
        """Constraints on primitive elements (txt-1/txt-2 on Narrative.div, eld-3 on max)."""
        values = (
            [(f"{loc}.{key}[{i}]", v) for i, v in enumerate(raw)]
            if isinstance(raw, list)
            else [(f"{loc}.{key}", raw)]
        )
        for where, v in values:
            if v is None:
                continue
            for c in constraints:
                if c.key in ("txt-1", "txt-2"):
                    if isinstance(v, str):
                        txt1, txt2 = html_checks(v)
                        problem = txt1 if c.key == "txt-1" else txt2
                        if problem:
                            self.issues.append(
                                Issue(c.severity, "invariant", where, f"{c.key}: {problem}", c.key)
                            )
                    continue
                if c.key in _SHORTCUT_KEYS:
                    shortcut = _PRIMITIVE_SHORTCUTS.get((c.key, c.expression))
                    verdict = shortcut(v, self) if shortcut is not None else None
                    if verdict is not None:
                        if not verdict:
                            self.issues.append(
                                Issue(c.severity, "invariant", where, f"{c.key}: {c.human}", c.key)
                            )
                        continue
                compiled = _compile(c.expression)
                if compiled.fn is None:
                    self.issues.append(_not_checked(c, compiled.problem, where))
                elif self.run(compiled, c, v, "", where) is False:
                    self.issues.append(Issue(c.severity, "invariant", where, f"{c.key}: {c.human}", c.key))


def _has_children(ext: Any) -> bool:
    return isinstance(ext, dict) and any(k != "id" for k in ext)


_CONTAINED_AT = re.compile(r"^(.*)\.contained\[\d+\]$")
_STEP = re.compile(r"^([A-Za-z_][\w]*)(?:\[(\d+)\])?$")


def _container(root: Any, location: str) -> dict[str, Any] | None:
    """The resource that holds the contained resource at ``location`` (for %rootResource)."""
    if ".contained[" not in location:  # (the pattern's literal part: most locations go no further)
        return None
    m = _CONTAINED_AT.match(location)
    if not m:
        return None
    node: Any = root
    for step in m.group(1).split(".")[1:]:
        sm = _STEP.match(step)
        if sm is None or not isinstance(node, dict):
            return None
        node = node.get(sm.group(1))
        if sm.group(2) is not None:
            idx = int(sm.group(2))
            node = node[idx] if isinstance(node, list) and idx < len(node) else None
    return node if isinstance(node, dict) else None


_LOCAL_HREF = re.compile(r"""href=["']#([^"']*)["']""")
_ANCHOR = re.compile(r"""\b(?:id|name)=["']([^"']*)["']""")


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [] if v is None else [v]


def dom3_unmatched(value: dict[str, Any]) -> list[str]:
    """dom-3's verdict: the ids of the contained resources that nothing in the resource refers to (as
    ``#id``, in the narrative, or by referring to the resource itself); empty when it holds. Shared by
    the invariant walk and the compiled validator's direct call."""
    contained = value.get("contained")
    if not isinstance(contained, list) or not contained:
        return []
    wanted = {f"#{res.get('id')}" for res in contained if isinstance(res, dict)}
    if _all_present(value, wanted):
        return []  # every contained resource is referred to as "#id" (the walk stops when all are seen)
    strings = _strings(value)
    # the narrative may be what refers to it (<img src="#id">, <a href="#id">): the HL7 validator
    # counts those, since a Binary image contained for the narrative has no other referrer
    divs = [t for t in strings if t.startswith("<") and "#" in t]
    return [
        str(res.get("id"))
        for res in contained
        if isinstance(res, dict)
        and f"#{res.get('id')}" not in strings
        and "#" not in _strings(res)
        and not any(_narrative_refers(d, str(res.get("id"))) for d in divs)
    ]


def contained_broken(key: str, value: dict[str, Any]) -> bool:
    """Whether dom-2 (no nested contained), dom-4 (no versionId/lastUpdated) or dom-5 (no security
    labels), named by ``key``, fails on ``value``'s contained resources. Shared by the invariant walk
    and the compiled validator's direct call."""
    contained = value.get("contained")
    if not isinstance(contained, list):
        return False
    for res in contained:
        if not isinstance(res, dict):
            continue
        raw_meta = res.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        if key == "dom-2":
            broken = _present(res.get("contained"))
        elif key == "dom-4":
            broken = _present(meta.get("versionId")) or _present(meta.get("lastUpdated"))
        else:
            broken = _present(meta.get("security"))
        if broken:
            return True
    return False


def _narrative_refers(div: str, rid: str) -> bool:
    """Whether XHTML text links or embeds ``#rid`` (an ``src``/``href`` attribute, either quote)."""
    return any(f"{attr}={q}#{rid}{q}" in div for attr in ("src", "href") for q in ('"', "'"))


def _present(v: Any) -> bool:
    return v is not None and v != [] and v != {}


def _presence(v: Any) -> str:
    """What exists()/empty() can see of a member value: its JSON type, emptiness and null items."""
    if v is None:
        return "null"
    sig = type(v).__name__
    if v == [] or v == {} or v == "":
        sig += ":empty"
    if isinstance(v, list) and any(x is None for x in v):
        sig += ":nulls"
    return sig


def _strings(value: Any) -> set[str]:
    out: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.add(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return out


def _all_present(value: Any, wanted: set[str]) -> bool:
    """Whether every string of ``wanted`` is a string value somewhere in ``value`` (``wanted <=
    _strings(value)``, without collecting every string). Level by level: references to contained
    resources sit near the top (``medicationReference.reference``), so the search usually ends before
    the deep parts (the contained resources, nested backbone elements) are visited; the set found is
    the same in any order."""
    missing = set(wanted)
    if not missing:
        return True
    level: list[Any] = [[value]]
    while level:
        deeper: list[Any] = []
        push = deeper.append
        for v in level:
            for x in v.values() if isinstance(v, dict) else v:
                t = type(x)
                if t is dict or t is list:
                    push(x)
                elif t is str or isinstance(x, str):
                    if x in missing:
                        missing.discard(x)
                        if not missing:
                            return True
                elif isinstance(x, dict | list):
                    push(x)
        level = deeper
    return False


def _truthy(result: Any) -> bool:
    """A single boolean decides; any other non-empty result passes. Empty fails: a constraint holds only
    when it evaluates to true, as the HL7 validator decides (``per-1`` with a start and end of different
    precision is unknown, hence not satisfied). Published expressions that are empty on absent elements
    are corrected in ``_FIXES``, as the HL7 validator does."""
    items = result if isinstance(result, list) else [result]
    if not items:
        return False
    if len(items) == 1:
        item = getattr(items[0], "data", items[0])
        if isinstance(item, bool):
            return item
    return True


# ---------------------------------------------------------------------------------------------------
# Shortcuts: the verdict of a frequent, costly expression computed in Python for the shapes it is plain
# on, or None to let the engine decide. Keyed by the exact R4 text, so another expression under the same
# key is never shortcut. test_invariants checks each against the engine on the official examples.


def _per1(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``start.hasValue().not() or end.hasValue().not() or (start <= end)``."""
    start, end = value.get("start"), value.get("end")
    if start is None or end is None:
        return True
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    return _start_not_after_end(start, end)


# Same precision and the same zone: the text order is the time order.
_PLAIN_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


# ``datetime.strptime(text, "%Y-%m-%d")``'s own reading (CPython's _strptime: its %Y, %m and %d patterns,
# compiled IGNORECASE, a match from the start that must end at the text's end, then the date checked),
# without importing _strptime, locale and calendar and building the locale's tables (~5 ms of a cold
# one-file conversion, for the first period of every process)
_STRPTIME_YMD = re.compile(
    r"(?P<Y>\d\d\d\d)-(?P<m>1[0-2]|0[1-9]|[1-9])-(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])", re.IGNORECASE
)


def _strptime_ymd(text: str) -> None:
    """``datetime.strptime(text, "%Y-%m-%d")`` for its ValueError: raises where that raises."""
    found = _STRPTIME_YMD.match(text)
    if found is None or found.end() != len(text):
        raise ValueError(f"time data {text!r} does not match format '%Y-%m-%d'")
    date(int(found["Y"]), int(found["m"]), int(found["d"]))


def _real_time(text: str) -> bool:
    """A real calendar date/time (the engine fails on 2023-02-30; leave those to it)."""
    from datetime import datetime

    try:
        if len(text) == 10:
            _strptime_ymd(text)
        elif len(text) > 10:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def _start_not_after_end(start: str, end: str) -> bool | None:
    if len(start) == len(end) and _real_time(start) and _real_time(end):
        if _PLAIN_DATE.fullmatch(start) and _PLAIN_DATE.fullmatch(end):
            return start <= end
        ms, me = _SECONDS.fullmatch(start), _SECONDS.fullmatch(end)
        if ms and me and ms.group(1) == me.group(1):
            return start <= end
    from fhirpathpy.engine.invocations.equality import lte as _lte
    from fhirpathpy.engine.nodes import FP_DateTime as _FP_DateTime

    lte: Any = _lte  # untyped in fhirpathpy
    make: Any = _FP_DateTime
    a: Any = make(start)  # None, or without match data, when not a date/dateTime
    b: Any = make(end)
    if not getattr(a, "_dateTimeMatchData", None) or not getattr(b, "_dateTimeMatchData", None):
        return None
    try:
        result = lte(None, [a], [b])
    except Exception:  # let the engine report it
        return None
    return result if isinstance(result, bool) else False  # None: precisions differ, unknown


def _request_response(member: str, types: frozenset[str]) -> Callable[[dict[str, Any], _Walk], bool | None]:
    """``entry.all(<member>.exists() = (%resource.type = ... or ...))`` (bdl-3, bdl-4)."""

    def check(value: dict[str, Any], walk: _Walk) -> bool | None:
        entries = value.get("entry")
        if entries is None:
            return True
        btype = walk.resource.get("type")
        if not isinstance(entries, list) or not isinstance(btype, str):
            return None
        wanted = btype in types
        for entry in entries:
            if not isinstance(entry, dict):
                return None
            part = entry.get(member)
            if part is not None and not (isinstance(part, dict) and part):
                return None
            if (part is not None) != wanted:
                return False
        return True

    return check


def _bdl7(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId)
    .isDistinct()``; an absent type leaves the or unknown unless the keys are distinct."""
    btype = value.get("type")
    if btype == "history":
        return True
    if btype is not None and not isinstance(btype, str):
        return None
    entries = value.get("entry")
    if entries is None:
        return True
    if not isinstance(entries, list):
        return None
    keys: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            return None
        full = entry.get("fullUrl")
        if full is None:
            continue
        if not isinstance(full, str):
            return None
        res = entry.get("resource")
        version: Any = None
        if res is not None:
            meta = res.get("meta") if isinstance(res, dict) else None
            if not isinstance(res, dict) or (meta is not None and not isinstance(meta, dict)):
                return None
            version = meta.get("versionId") if meta else None
        if version is not None and not isinstance(version, str):
            return None
        keys.append(full + (version or ""))
    return len(set(keys)) == len(keys)


def _obs7(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()``:
    true without a value or components; true when no component's coding equals one of ``%resource``'s
    (fhirpathpy's ``intersect`` compares nodes by Python ``==`` on their JSON data), for the plain shape
    (lists of objects, no primitive extensions on the members named). A shared coding is left to the
    engine (the verdict then depends on ``value[x]``)."""
    if "component" not in value or not any(k.startswith(("value", "_value")) for k in value):
        return True
    components = value["component"]
    if type(components) is not list or "_component" in value:
        return None
    own = _plain_codings(walk.resource)
    if own is None:
        return None
    for comp in components:
        if type(comp) is not dict or "_code" in comp:
            return None
        if "code" not in comp:
            continue
        codings = _plain_codings(comp)
        if codings is None:
            return None
        if any(c == o for c in codings for o in own):
            return None
    return True


def _plain_codings(holder: Any) -> list[dict[str, Any]] | None:
    """``holder.code.coding`` as a list of objects, or None when the shape is not plain."""
    if type(holder) is not dict or "_code" in holder:
        return None
    code = holder.get("code")
    if code is None:
        return [] if "code" not in holder else None
    if type(code) is not dict or "_coding" in code:
        return None
    codings = code.get("coding")
    if codings is None:
        return [] if "coding" not in code else None
    if type(codings) is not list or any(type(c) is not dict for c in codings):
        return None
    return codings


_PLAIN_LEAVES = (str, int, float, Decimal, bool, type(None))


def _descendant_dicts(root: dict[str, Any], hostile: frozenset[str]) -> list[dict[str, Any]] | None:
    """The objects below ``root`` (``descendants()`` without the root), or None when the tree holds a
    shape on which fhirpathpy's ``descendants()`` does something else than a plain walk: a list directly
    inside a list (it fails), a ``resourceType`` that is not a string (it fails), a value that is no
    JSON, or a key of ``hostile`` (a primitive extension of a member the caller reads)."""
    out: list[dict[str, Any]] = []
    level: list[Any] = [root]
    while level:
        deeper: list[Any] = []
        for d in level:
            for x in d.values():
                t = type(x)
                if t is dict:
                    deeper.append(x)
                elif t is list:
                    for y in x:
                        ty = type(y)
                        if ty is dict:
                            deeper.append(y)
                        elif ty is list or not isinstance(y, _PLAIN_LEAVES):
                            return None
                elif not isinstance(x, _PLAIN_LEAVES):
                    return None
        for d in deeper:
            if not hostile.isdisjoint(d) or ("resourceType" in d and type(d["resourceType"]) is not str):
                return None
        out += deeper
        level = deeper
    return out


def _distinct_strings(values: list[Any]) -> bool | None:
    """``isDistinct()`` of string values (fhirpathpy compares their JSON text); None for other values."""
    if any(type(v) is not str for v in values):
        return None
    return len(set(values)) == len(values)


def _que2(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``descendants().linkId.isDistinct()``: the ``linkId`` of every object below the Questionnaire
    (items at any depth, and anything else carrying one) differ, for string linkIds."""
    if not isinstance(value, dict) or "_linkId" in value:
        return None
    below = _descendant_dicts(value, frozenset({"_linkId"}))
    if below is None:
        return None
    return _distinct_strings([d["linkId"] for d in below if "linkId" in d])


def _csd1(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``concept.code.combine($this.descendants().concept.code).isDistinct()``: the codes of the top
    concepts and of the concepts of every object below the CodeSystem (nested concepts, and anything
    else carrying ``concept``) differ, for string codes in objects."""
    if not isinstance(value, dict):
        return None
    hostile = frozenset({"_concept", "_code"})
    if not hostile.isdisjoint(value):
        return None
    below = _descendant_dicts(value, hostile)
    if below is None:
        return None
    codes: list[Any] = []
    for holder in (value, *below):
        if "concept" not in holder:
            continue
        concepts = holder["concept"]
        for c in concepts if type(concepts) is list else [concepts]:
            if type(c) is not dict:
                return None
            if "code" in c:
                codes.append(c["code"])
    return _distinct_strings(codes)


_UCUM = "http://unitsofmeasure.org"


def _ras1(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``(low.empty() or ((low.code = '%') and (low.system = %ucum))) and (high.empty() or (...))``: a
    probability range is in percent, for the plain shape (each bound absent, or with a code and a system
    given as strings and no primitive extensions). On ``probabilityDecimal`` (a number: it has no low
    nor high) it holds."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    if not isinstance(value, dict) or "_low" in value or "_high" in value:
        return None
    verdict = True
    for side in ("low", "high"):
        if side not in value:
            continue
        bound = value[side]
        if not isinstance(bound, dict) or "_code" in bound or "_system" in bound:
            return None
        code, system = bound.get("code"), bound.get("system")
        if not isinstance(code, str) or not isinstance(system, str):
            return None
        verdict = verdict and code == "%" and system == _UCUM
    return verdict


def _first_entry_is(btype: str) -> Callable[[dict[str, Any], _Walk], bool | None]:
    """``type = '<btype>' implies entry.first().resource.is(...)`` (bdl-11, bdl-12): holds for a Bundle
    whose type is another string (the engine decides a bundle of that type)."""

    def check(value: dict[str, Any], walk: _Walk) -> bool | None:
        kind = value.get("type")
        return True if isinstance(kind, str) and kind != btype else None

    return check


def _ctm1(value: dict[str, Any], walk: _Walk) -> bool | None:
    """``onBehalfOf.exists() implies (member.resolve().iif(empty(), true, ofType(Practitioner).exists()))``
    (ctm-1): holds without onBehalfOf, or when the member's reference resolves (as ``_resolve`` does:
    within the input, '#' in the container) to nothing or to a Practitioner. Plain shapes only: a
    '_' partner, a list or another JSON type where an object or a string belongs is the engine's."""
    if "_onBehalfOf" in value or "_member" in value:
        return None
    behalf = value.get("onBehalfOf")
    if behalf is None:
        return True if "onBehalfOf" not in value else None
    member = value.get("member")
    if type(behalf) is not dict or (member is None and "member" in value):
        return None
    if member is None:
        return True
    if type(member) is not dict:
        return None
    ref = member.get("reference")
    if ref is None:
        return True if "reference" not in member else None
    if type(ref) is not str:
        return None
    root, container = _CURRENT_ROOT.get() or (None, None)
    found = _find_reference(container if ref.startswith("#") else root, ref)
    if found is None or not isinstance(found.get("resourceType"), str):
        return True
    return bool(found["resourceType"] == "Practitioner")


_CTM1 = (
    "ctm-1",
    "onBehalfOf.exists() implies (member.resolve().iif(empty(), true, ofType(Practitioner).exists()))",
)
_RAS1 = (
    "ras-1",
    "(low.empty() or ((low.code = '%') and (low.system = %ucum))) and (high.empty() or "
    "((high.code = '%') and (high.system = %ucum)))",
)
_SHORTCUTS: dict[tuple[str, str], Callable[[dict[str, Any], _Walk], bool | None]] = {
    _RAS1: _ras1,
    _CTM1: _ctm1,
    ("bdl-11", "type = 'document' implies entry.first().resource.is(Composition)"): _first_entry_is(
        "document"
    ),
    ("bdl-12", "type = 'message' implies entry.first().resource.is(MessageHeader)"): _first_entry_is(
        "message"
    ),
    ("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)"): _per1,
    (
        "bdl-3",
        "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or "
        "%resource.type = 'history'))",
    ): _request_response("request", frozenset({"batch", "transaction", "history"})),
    (
        "bdl-4",
        "entry.all(response.exists() = (%resource.type = 'batch-response' or "
        "%resource.type = 'transaction-response' or %resource.type = 'history'))",
    ): _request_response("response", frozenset({"batch-response", "transaction-response", "history"})),
    (
        "bdl-7",
        "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId)"
        ".isDistinct()",
    ): _bdl7,
    (
        "obs-7",
        "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()",
    ): _obs7,
    ("que-2", "descendants().linkId.isDistinct()"): _que2,
    ("csd-1", "concept.code.combine($this.descendants().concept.code).isDistinct()"): _csd1,
}
# the shortcuts that also decide on a primitive focus (ras-1 on probabilityDecimal)
_PRIMITIVE_SHORTCUTS: dict[tuple[str, str], Callable[[Any, _Walk], bool | None]] = {_RAS1: _ras1}
_SHORTCUT_KEYS = frozenset(k for k, _e in _SHORTCUTS)


# ---------------------------------------------------------------------------------------------------
# Plans from snapshots

_CHOICE = re.compile(r"\[x\]$")


def _build_plan(sd: dict[str, Any]) -> _Node | None:
    elements = (sd.get("snapshot") or {}).get("element") or []
    if not elements:
        return None
    nodes: dict[str, _Node] = {}
    pending_refs: list[_Child] = []
    source = str(sd.get("url") or sd.get("type") or "")
    for el in elements:
        path = el.get("path")
        if not isinstance(path, str):
            continue
        keys = [c.get("key") for c in el.get("constraint") or [] if isinstance(c, dict)]
        constraints = tuple(
            _Constraint(
                key=str(c.get("key")),
                severity=_severity(c.get("severity")),
                human=str(c.get("human") or ""),
                expression=_FIXES.get(str(c.get("expression") or ""), str(c.get("expression") or "")),
                source=str(c.get("source") or source),
            )
            for c in el.get("constraint") or []
            if isinstance(c, dict)
            and c.get("key")
            and c.get("expression")
            and c.get("key") not in ("ele-1", "ext-1")
        )
        if "." not in path:
            nodes[path] = _Node(
                path=path, constraints=constraints, ele1="ele-1" in keys, ext1="ext-1" in keys
            )
            continue
        parent_path, name = path.rsplit(".", 1)
        parent = nodes.get(parent_path)
        if parent is None:
            continue  # slices or paths under a skipped element
        types = [t.get("code") for t in el.get("type") or [] if isinstance(t, dict) and t.get("code")]
        ele1 = "ele-1" in keys
        if el.get("contentReference"):
            child = _Child(
                key=name,
                kind="ref",
                ref_path=str(el["contentReference"]).split("#", 1)[-1],
                own=constraints,
                ele1=ele1,
            )
            pending_refs.append(child)
            parent.children.setdefault(name, child)
            continue
        is_choice = bool(_CHOICE.search(name))
        raw_binding = el.get("binding") or {}
        binding = (
            (str(raw_binding["strength"]), str(raw_binding["valueSet"]))
            if raw_binding.get("strength") and raw_binding.get("valueSet")
            else None
        )
        for code in types:
            code = str(code)
            key = name[:-3] + code[0].upper() + code[1:] if is_choice else name
            if key in parent.children:
                continue
            if _is_primitive(code):
                parent.children[key] = _Child(
                    key=key, kind="primitive", type_name=code, ele1=ele1, binding=binding, own=constraints
                )
            elif code in _BACKBONE and not is_choice:
                node = _Node(path=path, constraints=constraints, ele1=ele1, ext1="ext-1" in keys)
                nodes[path] = node
                parent.children[key] = _Child(key=key, kind="inline", node=node, ele1=ele1)
            elif code in _SKIP_TYPES or (code[:1].isupper() and _looks_like_resource(code)):
                parent.children[key] = _Child(key=key, kind="skip")
            else:
                profiles = [
                    p for t in el.get("type") or [] if t.get("code") == code for p in t.get("profile") or []
                ]
                parent.children[key] = _Child(
                    key=key,
                    kind="type",
                    type_name=code,
                    own=constraints,
                    ele1=ele1,
                    profile=profiles[0] if len(profiles) == 1 else None,
                    binding=binding,
                )
    for child in pending_refs:
        child.node = nodes.get(child.ref_path or "")
        child.kind = "inline" if child.node is not None else "skip"
    root = nodes.get(str(elements[0].get("path")))
    return root


# Resource types that appear as element types (Bundle.entry.resource uses "Resource"; a few elements name
# a concrete resource). The chain visits resources itself, so the walk stops at them.
_RESOURCE_ELEMENT_TYPES = frozenset(
    {"Resource", "DomainResource", "Parameters", "Bundle", "OperationOutcome"}
)


def _looks_like_resource(code: str) -> bool:
    return code in _RESOURCE_ELEMENT_TYPES


def _ele1(loc: str) -> Issue:
    return Issue(
        Severity.ERROR, "invariant", loc, "ele-1: All FHIR elements must have a @value or children", "ele-1"
    )


def _not_checked(c: Any, problem: str | None, loc: str) -> Issue:
    """A constraint the engine cannot evaluate is reported, never silently passed."""
    return Issue(
        Severity.INFORMATION, "informational", loc, f"{c.key} not checked: {problem} ({c.expression})", c.key
    )
