"""FHIRPath invariants compiled to Python, typed by the StructureDefinitions.

The R4 constraints are mostly small boolean formulas over the element they sit on (``code.empty() or
system.exists()``). Interpreting them through fhirpathpy costs tens of microseconds each; compiled to a
Python expression over the JSON they cost well under one. The compiler knows the type of every step
(from the snapshot's element index), so member navigation is a dictionary lookup, a choice element
(``value``) is a fixed tuple of JSON keys, and operators are only compiled where their operands' types
make the Python meaning exactly the FHIRPath one (strings, numbers, booleans; never dates, never
Quantities). Anything else is :class:`Unsupported` (the constraint then runs through fhirpathpy, and the
listing ``fhirconv.validate.compiled.fallback_listing()`` names it).

At run time a compiled predicate raises :class:`Fallback` when the data leaves the shapes it was
compiled for (a primitive given only as ``_x``, a non-singleton where FHIRPath wants one): the caller then
asks fhirpathpy for that one evaluation, so a compiled result is never a guess.

Result kinds while compiling: ``c`` a collection (Python list), ``b`` a three-valued boolean (True,
False, None = empty), ``n`` an integer that is never empty (``count()`` and sums of counts).
"""

from __future__ import annotations

import ast
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .protocols import DefinitionsProvider
from .structure import type_index

__all__ = ["RUNTIME", "Fallback", "Unsupported", "compile_expression"]

UCUM = "http://unitsofmeasure.org"
_NUMERIC = frozenset({"integer", "decimal", "positiveInt", "unsignedInt"})
_STRINGLIKE = frozenset(
    {"string", "code", "id", "uri", "url", "canonical", "oid", "uuid", "markdown", "base64Binary"}
)
_EQUATABLE = _NUMERIC | _STRINGLIKE | {"boolean"}
_TEMPORAL = frozenset({"date", "dateTime", "instant"})
# Type names ``is``/``as`` are compiled for: those no other FHIR type derives from in fhirpathpy's R4 model
# (``valueCode is string`` is true there, so ``string``, ``uri``, ``integer`` and ``Quantity`` are left
# to the engine).
_LEAF_TYPES = frozenset(
    {"boolean", "decimal", "date", "dateTime", "instant", "time", "base64Binary", "positiveInt"}
    | {"unsignedInt", "markdown", "code", "id", "oid", "uuid", "url", "canonical"}
    | {"Range", "Period", "Ratio", "CodeableConcept", "Coding", "Reference", "Attachment", "Identifier"}
    | {"SampledData", "HumanName", "Address", "ContactPoint", "Timing", "Annotation", "Signature"}
)


class Unsupported(Exception):
    """The expression (or a part of it) is outside what the compiler translates exactly."""


class Fallback(Exception):
    """Raised at run time: this data needs the FHIRPath engine for an exact answer."""


# --------------------------------------------------------------------------------------------- runtime


def _nav(items: list[Any], name: str) -> list[Any]:
    """``items.name`` for a primitive or complex member that is not a choice."""
    out: list[Any] = []
    for d in items:
        x = d.get(name)
        if x is None:
            if "_" + name in d:
                raise Fallback
            continue
        if type(x) is list:
            if None in x or "_" + name in d:
                raise Fallback
            out.extend(x)
        else:
            out.append(x)
    return out


def _nav1(d: Any, name: str) -> list[Any]:
    """``_nav([d], name)`` without the list of one (a member of the focus, the commonest step)."""
    x = d.get(name)
    if x is None:
        if "_" + name in d:
            raise Fallback
        return []
    if type(x) is list:
        if None in x or "_" + name in d:
            raise Fallback
        return x[:]
    return [x]


def _navc1(d: Any, keys: tuple[str, ...], both: tuple[str, ...] = ()) -> list[Any]:
    """``_navc([d], keys)`` without the list of one. ``both``: the keys and their '_' partners, when
    given: an object with none of them (a choice left out, the commonest) is the empty collection
    without a look-up per key."""
    if both and d.keys().isdisjoint(both):
        return []
    out: list[Any] = []
    for k in keys:
        x = d.get(k)
        if x is not None:
            out.append(x)
        elif "_" + k in d:
            raise Fallback
    return out


def _navc(items: list[Any], keys: tuple[str, ...]) -> list[Any]:
    """``items.value`` for a choice element: whichever of its JSON keys is present."""
    out: list[Any] = []
    for d in items:
        for k in keys:
            x = d.get(k)
            if x is not None:
                out.append(x)
            elif "_" + k in d:
                raise Fallback
    return out


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _xor(a: bool | None, b: bool | None) -> bool | None:
    if a is None or b is None:
        return None
    return a is not b


def _implies(a: bool | None, b: bool | None) -> bool | None:
    if a is False:
        return True
    if a is True:
        return b
    return True if b is True else None


def _and_l(a: bool | None, b: Callable[[], bool | None]) -> bool | None:
    return False if a is False else _and(a, b())


def _or_l(a: bool | None, b: Callable[[], bool | None]) -> bool | None:
    return True if a is True else _or(a, b())


def _implies_l(a: bool | None, b: Callable[[], bool | None]) -> bool | None:
    return True if a is False else _implies(a, b())


def _implies_r(a: Callable[[], bool | None], b: bool | None) -> bool | None:
    return True if b is True else _implies(a(), b)


def _fb() -> bool | None:
    """The part of an expression left to the FHIRPath engine is needed: ask it for the whole."""
    raise Fallback


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


def _single(c: list[Any]) -> Any:
    if len(c) != 1:
        raise Fallback
    return c[0]


def _kind(x: Any) -> str:
    t = type(x)
    if t is str:
        return "s"
    if t is bool:
        return "b"
    if t is int or t is float:
        return "n"
    raise Fallback  # Decimal, objects: leave them to the engine


def _eq(a: list[Any], b: list[Any]) -> bool | None:
    if not a or not b:
        return None
    x, y = _single(a), _single(b)
    if _kind(x) != _kind(y):
        raise Fallback
    return bool(x == y)


def _eq1s(d: Any, name: str, lit: str) -> bool | None:
    """``_eq(_nav1(d, name), [lit])`` for a string literal (``system = 'http://...'``, ``code = 'x'``)
    in one call: a member that is a plain ``str`` is compared at once (what the general path decides
    for it), anything else takes the general path."""
    x = d.get(name)
    if type(x) is str:
        return x == lit
    return _eq(_nav1(d, name), [lit])


def _ne(a: list[Any], b: list[Any]) -> bool | None:
    r = _eq(a, b)
    return None if r is None else not r


def _beq(a: bool | None, b: bool | None) -> bool | None:
    return None if a is None or b is None else a is b


def _bne(a: bool | None, b: bool | None) -> bool | None:
    return None if a is None or b is None else a is not b


def _num(c: list[Any]) -> Any:
    """The one number of ``c`` for an ordering: an int, a float or a finite Decimal (JSON decimals read
    exactly), which Python orders exactly as fhirpathpy does (its ``<=`` is Python's on the values)."""
    x = _single(c)
    t = type(x)
    if t is int or t is float or (t is Decimal and x.is_finite()):
        return x
    raise Fallback


def _cmp(a: list[Any], b: list[Any], op: str) -> bool | None:
    if not a or not b:
        return None
    x, y = _num(a), _num(b)
    if op == "<":
        return bool(x < y)
    if op == ">":
        return bool(x > y)
    if op == "<=":
        return bool(x <= y)
    return bool(x >= y)


# A date, dateTime or instant as FHIR JSON writes it (ASCII digits): year, month, day, then a time with
# seconds, an optional fraction and a timezone
_TEMPORAL_RX = re.compile(
    r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?)?)?"
)


def _real_temporal(x: str) -> bool:
    """The fields of a value ``_TEMPORAL_RX`` matched name a real calendar day and clock time."""
    try:
        if len(x) >= 10:
            datetime.date(int(x[:4]), int(x[5:7]), int(x[8:10]))
        elif len(x) == 7:
            datetime.date(int(x[:4]), int(x[5:7]), 1)
        else:
            datetime.date(int(x[:4]), 1, 1)
    except ValueError:
        return False
    if len(x) > 10:
        if int(x[11:13]) > 23 or int(x[14:16]) > 59 or int(x[17:19]) > 59:
            return False
        if x[-1] != "Z" and (int(x[-5:-3]) > 14 or int(x[-2:]) > 59):
            return False
    return True


def _dcmp(a: list[Any], b: list[Any], op: str) -> bool | None:
    """``<``/``>``/``<=``/``>=`` of two date/dateTime/instant values, decided here only where the text
    order is the time order: both of the same length (so the same precision, the same fraction digits)
    and, with a time, the same timezone written the same way, each a real date and time. FHIRPath's
    precision rule (different precisions compare as empty), other timezones and anything else go to the
    engine (Fallback)."""
    if not a or not b:
        return None
    x, y = _single(a), _single(b)
    if type(x) is not str or type(y) is not str or len(x) != len(y):
        raise Fallback
    if _TEMPORAL_RX.fullmatch(x) is None or _TEMPORAL_RX.fullmatch(y) is None:
        raise Fallback
    if len(x) > 10:
        zone = 1 if x[-1] == "Z" else 6
        if x[-zone:] != y[-zone:]:
            raise Fallback
    if not (_real_temporal(x) and _real_temporal(y)):
        raise Fallback
    if op == "<":
        return x < y
    if op == ">":
        return x > y
    if op == "<=":
        return x <= y
    return x >= y


def _choice_one(d: Any, keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """The one JSON key of a choice element present on ``d`` and its value; None when absent. Two
    present (fhirpathpy takes the first in its model's order), a list, or a '_' partner: Fallback."""
    found: tuple[str, Any] | None = None
    for k in keys:
        if "_" + k in d:
            raise Fallback
        x = d.get(k)
        if x is not None:
            if found is not None or type(x) is list:
                raise Fallback
            found = (k, x)
    return found


def _is_choice(d: Any, keys: tuple[str, ...], key: str) -> bool | None:
    """``choice is T`` on a member of the focus: empty when absent, else whether its key is T's."""
    r = _choice_one(d, keys)
    return None if r is None else r[0] == key


def _as_choice(d: Any, keys: tuple[str, ...], key: str) -> list[Any]:
    """``choice as T`` on a member of the focus: its value when its key is T's, else empty."""
    r = _choice_one(d, keys)
    return [r[1]] if r is not None and r[0] == key else []


def _to_int(c: list[Any]) -> list[Any]:
    """fhirpathpy's ``toInteger()`` for the values it reads plainly: one boolean (0/1), one int, one string
    of ASCII digits with an optional sign; not one value: empty. Other values (decimals, other digits, a
    number in text with spaces) go to the engine."""
    if len(c) != 1:
        return []
    x = c[0]
    if type(x) is bool:
        return [1 if x else 0]
    if type(x) is int:
        return [x]
    if type(x) is str and _ASCII_INT.fullmatch(x) is not None:
        return [int(x)]
    raise Fallback


_ASCII_INT = re.compile(r"[+-]?[0-9]+")


def _opt(b: bool | None) -> list[Any]:
    """A boolean result as a collection: empty for None."""
    return [] if b is None else [b]


# fhirpathpy reads a string literal's escapes by these replacements, in this order (so ``\\'`` and the
# like come out as it makes them); ``\uXXXX`` is left to the engine
_ESCAPES = (
    ("\\'", "'"),
    ("\\`", "`"),
    ('\\"', '"'),
    ("\\r", "\r"),
    ("\\n", "\n"),
    ("\\t", "\t"),
    ("\\f", "\f"),
    ("\\\\", "\\"),
)


def _unescape(body: str) -> str:
    """The value fhirpathpy gives the string literal whose text between the quotes is ``body``."""
    for escape, char in _ESCAPES:
        body = body.replace(escape, char)
    if re.search(r"\\u\d{4}", body) is not None:
        raise Unsupported("string literal with a \\u escape")
    return body


def _is_res(c: list[Any], rtype: str) -> bool | None:
    """``resource.is(T)`` for a concrete resource type T: a contained or entry resource is T exactly when
    its resourceType is (no resource type derives from a concrete one)."""
    if not c:
        return None
    x = _single(c)
    if type(x) is not dict or type(x.get("resourceType")) is not str:
        raise Fallback
    return bool(x["resourceType"] == rtype)


def _in(a: list[Any], b: list[Any]) -> bool | None:
    if not a:
        return None
    x = _single(a)
    k = _kind(x)
    return any(_kind(y) == k and x == y for y in b)


def _str1(c: list[Any]) -> str | None:
    if not c:
        return None
    x = _single(c)
    if type(x) is not str:
        raise Fallback
    return x


def _contains(c: list[Any], s: str) -> bool | None:
    x = _str1(c)
    return None if x is None else s in x


def _starts(c: list[Any], s: str) -> bool | None:
    x = _str1(c)
    return None if x is None else x.startswith(s)


def _ends(c: list[Any], s: str) -> bool | None:
    x = _str1(c)
    return None if x is None else x.endswith(s)


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


def _matches(c: list[Any], pattern: re.Pattern[str]) -> bool | None:
    """fhirpathpy's matches(): ``re.search`` with DOTALL over the one string."""
    x = _str1(c)
    return None if x is None else pattern.search(x) is not None


def _select(c: list[Any], fn: Callable[[Any], list[Any]]) -> list[Any]:
    out: list[Any] = []
    for x in c:
        out.extend(fn(x))
    return out


def _distinct(c: list[Any]) -> bool:
    """isDistinct() of strings (the only items it is compiled for)."""
    if any(type(x) is not str for x in c):
        raise Fallback
    return len(set(c)) == len(c)


def _where(c: list[Any], cond: Callable[[Any], bool | None]) -> list[Any]:
    return [x for x in c if cond(x) is True]


def _all(c: list[Any], cond: Callable[[Any], bool | None]) -> bool:
    return all(cond(x) is True for x in c)


def _has_value(c: list[Any]) -> bool:
    return len(c) == 1 and type(c[0]) in (str, bool, int, float)


def _as_bool(c: list[Any]) -> bool | None:
    """A collection where a boolean is wanted (singleton evaluation): empty is empty, one boolean is
    itself."""
    if not c:
        return None
    x = _single(c)
    if type(x) is not bool:
        raise Fallback
    return x


RUNTIME: dict[str, Any] = {
    "_nav": _nav,
    "_navc": _navc,
    "_nav1": _nav1,
    "_navc1": _navc1,
    "_and": _and,
    "_or": _or,
    "_xor": _xor,
    "_implies": _implies,
    "_not": _not,
    "_and_l": _and_l,
    "_or_l": _or_l,
    "_implies_l": _implies_l,
    "_implies_r": _implies_r,
    "_fb": _fb,
    "_eq": _eq,
    "_eq1s": _eq1s,
    "_ne": _ne,
    "_cmp": _cmp,
    "_dcmp": _dcmp,
    "_is_choice": _is_choice,
    "_as_choice": _as_choice,
    "_is_res": _is_res,
    "_to_int": _to_int,
    "_opt": _opt,
    "_beq": _beq,
    "_bne": _bne,
    "_in": _in,
    "_contains": _contains,
    "_starts": _starts,
    "_ends": _ends,
    "_where": _where,
    "_select": _select,
    "_distinct": _distinct,
    "_rx": _rx,
    "_matches": _matches,
    "_all": _all,
    "_has_value": _has_value,
    "_as_bool": _as_bool,
    "Fallback": Fallback,
}

# ----------------------------------------------------------------------------------------------- compiler

# A static type: ("o", type name or backbone path, index root type) for objects, ("p", code) for primitives,
# None when the compiler cannot tell (a choice with several types).
Type = tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class _Out:
    src: str
    kind: str  # "c" collection, "b" boolean/empty, "n" integer never empty
    typ: Type = None  # static item type of a collection
    literal: Any = None  # the Python value of a literal collection of one


# and/or/implies: the first operand's value that decides alone, and the eager form given both values
# ``_nav1(<focus>, '<name>')``: a member of the focus (``invocation``), as ``_eq1s`` takes it
_MEMBER_OF = re.compile(r"_nav1\((_f|_t[0-9]+), ('[A-Za-z0-9]+')\)")
_DECIDES = {"and": ("False", "_and"), "or": ("True", "_or"), "implies": ("False", "_implies")}


class _Compiler:
    def __init__(self, defs: DefinitionsProvider) -> None:
        self.defs = defs
        self.depth = 0
        self.temps = 0  # names of the first operands of and/or/implies (``logic``)
        self.partial: list[str] = []  # why a side of and/or/implies is left to the engine

    # types --------------------------------------------------------------------------------------
    def member(self, typ: Type, name: str) -> tuple[str, Type]:
        """Python source navigating ``name`` from a collection of ``typ`` items: (call template, type)."""
        if typ is None or typ[0] != "o":
            raise Unsupported(f"member '{name}' of a value whose type is not known statically")
        _o, parent, root = typ
        idx = type_index(self.defs, root)
        if idx is None:
            raise Unsupported(f"no definition for {root}")
        for info in idx.children.get(parent, ()):
            if info.name != name:
                continue
            if info.choice:
                keys = tuple(name + t[:1].upper() + t[1:] for t in info.types)
                if len(info.types) == 1:
                    return f"_navc({{}}, {keys!r})", self.item_type(idx, info, info.types[0])
                return f"_navc({{}}, {keys!r})", None
            code = info.types[0] if info.types else "BackboneElement"
            return f"_nav({{}}, {name!r})", self.item_type(idx, info, code)
        raise Unsupported(f"'{name}' is not an element of {parent}")

    def item_type(self, idx: Any, info: Any, code: str) -> Type:
        if info.content_ref:
            return ("o", info.content_ref, idx.root)
        if code[:1].islower():
            return ("p", code)
        if code in ("BackboneElement", "Element") and info.path in idx.keys:
            return ("o", info.path, idx.root)
        if code in ("Resource", "DomainResource") or code in self.defs.resource_types():
            return ("r",)  # a nested resource: only its presence and its type can be asked about
        sub = type_index(self.defs, code)
        if sub is None:
            raise Unsupported(f"no definition for {code}")
        return ("o", sub.root, sub.root)

    # expressions -------------------------------------------------------------------------------
    def expr(self, node: dict[str, Any], focus: str, typ: Type) -> _Out:
        kind = node.get("type")
        ch = [c for c in node.get("children") or [] if isinstance(c, dict)]
        if kind is None or kind in ("TermExpression", "ParenthesizedTerm"):
            if len(ch) != 1:
                raise Unsupported(f"{kind} with {len(ch)} parts")
            return self.expr(ch[0], focus, typ)
        if kind == "InvocationTerm":
            return self.invocation(ch[0], f"[{focus}]", typ, at_root=True, focus=focus)
        if kind == "LiteralTerm":
            return self.literal(ch[0])
        if kind == "ExternalConstantTerm":
            const = ch[0]
            inner = [c for c in const.get("children") or [] if isinstance(c, dict)]
            ident = _ident(inner[0]) if const.get("type") == "ExternalConstant" and inner else "?"
            if ident == "ucum":
                return _Out(f"[{UCUM!r}]", "c", ("p", "string"), UCUM)
            raise Unsupported(f"%{ident}")
        if kind == "InvocationExpression":
            left = self.expr(ch[0], focus, typ)
            if left.kind == "b" and _is_call(ch[1], "not"):
                return _Out(f"_not({left.src})", "b")
            if left.kind != "c":
                raise Unsupported("invocation on a boolean or number")
            return self.invocation(ch[1], left.src, left.typ, at_root=False, focus=focus)
        if kind in ("AndExpression", "OrExpression", "ImpliesExpression"):
            return self.logic(_op(node), ch[0], ch[1], focus, typ)
        if kind == "EqualityExpression":
            op = _op(node)
            if op not in ("=", "!="):
                raise Unsupported(f"operator {op}")
            left, right = self.expr(ch[0], focus, typ), self.expr(ch[1], focus, typ)
            if left.kind == "b" and right.kind == "b":
                return _Out(f"{'_beq' if op == '=' else '_bne'}({left.src}, {right.src})", "b")
            a, b = (
                self.comparable(ch[0], focus, typ, _EQUATABLE),
                self.comparable(ch[1], focus, typ, _EQUATABLE),
            )
            member = _MEMBER_OF.fullmatch(a)
            if op == "=" and member and type(right.literal) is str and b == repr([right.literal]):
                # a member of the focus equal to a string literal: one call (``_eq1s``)
                return _Out(f"_eq1s({member[1]}, {member[2]}, {b[1:-1]})", "b")
            return _Out(f"{'_eq' if op == '=' else '_ne'}({a}, {b})", "b")
        if kind == "InequalityExpression":
            op = _op(node)
            try:
                a, b = (
                    self.comparable(ch[0], focus, typ, _NUMERIC),
                    self.comparable(ch[1], focus, typ, _NUMERIC),
                )
            except Unsupported:
                # dates, dateTimes and instants: compared in Python only where the texts' order is the
                # times' order (``_dcmp``), the rest by the engine
                a, b = (
                    self.comparable(ch[0], focus, typ, _TEMPORAL),
                    self.comparable(ch[1], focus, typ, _TEMPORAL),
                )
                return _Out(f"_dcmp({a}, {b}, {op!r})", "b")
            return _Out(f"_cmp({a}, {b}, {op!r})", "b")
        if kind == "TypeExpression":
            return self.type_expression(_op(node), ch, focus, typ)
        if kind == "MembershipExpression":
            op = _op(node)
            if op != "in":
                raise Unsupported(f"operator {op}")
            a = self.comparable(ch[0], focus, typ, _EQUATABLE)
            b = self.comparable(ch[1], focus, typ, _EQUATABLE)
            return _Out(f"_in({a}, {b})", "b")
        if kind == "UnionExpression":
            ua, ub = self.expr(ch[0], focus, typ), self.expr(ch[1], focus, typ)
            if not (_is_literal_list(ua) and _is_literal_list(ub)):
                if ua.kind != "c" or ub.kind != "c":
                    raise Unsupported("union of non-collections")
                # only whether it is empty can be asked of it (``function``): the union is empty exactly
                # when both sides are, whatever it removes as duplicates
                return _Out(f"({ua.src} + {ub.src})", "c", ("u",))
            items = list(_literal_items(ua))
            for x in _literal_items(ub):
                if x not in items:
                    items.append(x)
            return _Out(repr(items), "c", ua.typ if ua.typ == ub.typ else None, _LiteralList(items))
        if kind == "AdditiveExpression":
            if _op(node) != "+":
                raise Unsupported(f"operator {_op(node)}")
            na, nb = self.expr(ch[0], focus, typ), self.expr(ch[1], focus, typ)
            if na.kind != "n" or nb.kind != "n":
                raise Unsupported("+ of non-counts")
            return _Out(f"({na.src} + {nb.src})", "n")
        raise Unsupported(f"{kind}")

    def logic(self, op: str, left: dict[str, Any], right: dict[str, Any], focus: str, typ: Type) -> _Out:
        """``and``/``or``/``implies`` evaluate their second operand only when the first does not decide
        (FHIRPath's three-valued logic gives the same result either way). A side the compiler cannot
        translate becomes a call to the FHIRPath engine for the whole constraint, made only when that
        side is needed: ``type = 'document' implies entry.first().resource.is(Composition)`` is decided
        in Python for every Bundle that is not a document."""
        if op == "xor":
            return _Out(f"_xor({self.boolean(left, focus, typ)}, {self.boolean(right, focus, typ)})", "b")
        sides: list[str | None] = []
        for side in (left, right):
            try:
                sides.append(self.boolean(side, focus, typ))
            except Unsupported as exc:
                sides.append(None)
                self.partial.append(str(exc))
        a, b = sides
        if a is None and b is None:
            raise Unsupported(self.partial[-1])
        lazy = {"and": "_and_l", "or": "_or_l", "implies": "_implies_l"}[op]
        if a is not None and b is not None:
            # ``_or_l(a, lambda: b)`` written out: no function object made and called per evaluation;
            # b is evaluated only when a does not decide, as there
            self.temps += 1
            t = f"_l{self.temps}"
            decides, eager = _DECIDES[op]
            value = "True" if op == "implies" else decides
            return _Out(f"({value} if ({t} := {a}) is {decides} else {eager}({t}, {b}))", "b")
        if op in ("and", "or"):  # symmetric: the translated side first
            return _Out(f"{lazy}({a or b}, _fb)", "b")
        if a is not None:
            return _Out(f"_implies_l({a}, _fb)", "b")
        return _Out(f"_implies_r(_fb, {b})", "b")

    def type_expression(self, op: str, ch: list[dict[str, Any]], focus: str, typ: Type) -> _Out:
        """``x is T`` / ``x as T`` where x is a choice member of the focus (``probability is decimal``)
        and T one of its types that no other FHIR type derives from: decided by which JSON key holds
        the value (fhirpathpy types a choice's value by that key)."""
        if len(ch) != 2 or ch[1].get("type") != "TypeSpecifier":
            raise Unsupported("TypeExpression")
        name = str(ch[1].get("text") or "").replace("`", "")
        if name.startswith("FHIR."):
            name = name[len("FHIR.") :]
        left = self.expr(ch[0], focus, typ)
        call = _CHOICE_OF_FOCUS.fullmatch(left.src)
        if call is None or call[1] != focus:
            raise Unsupported("TypeExpression on a value that is not a choice member of the focus")
        keys: tuple[str, ...] = ast.literal_eval(call[2])
        key = _type_argument(ch[0]) + name[:1].upper() + name[1:]
        if name not in _LEAF_TYPES or key not in keys:
            raise Unsupported(f"TypeExpression with type {name}")
        if op == "is":
            return _Out(f"_is_choice({focus}, {keys!r}, {key!r})", "b")
        if op == "as":
            item: Type = ("p", name) if name[:1].islower() else None
            return _Out(f"_as_choice({focus}, {keys!r}, {key!r})", "c", item)
        raise Unsupported(f"operator {op}")

    def boolean(self, node: dict[str, Any], focus: str, typ: Type) -> str:
        out = self.expr(node, focus, typ)
        if out.kind == "b":
            return out.src
        if out.kind == "c" and out.typ == ("p", "boolean"):
            return f"_as_bool({out.src})"
        raise Unsupported("a collection used as a boolean")

    def comparable(self, node: dict[str, Any], focus: str, typ: Type, allowed: frozenset[str]) -> str:
        out = self.expr(node, focus, typ)
        if out.kind == "n":
            if "integer" not in allowed:
                raise Unsupported("a count where a string is wanted")
            return f"[{out.src}]"
        if out.kind != "c" or out.typ is None or out.typ[0] != "p" or out.typ[1] not in allowed:
            raise Unsupported(f"comparison of {out.typ}")
        return out.src

    def literal(self, node: dict[str, Any]) -> _Out:
        kind = node.get("type")
        text = str(node.get("text") or "")
        if kind == "StringLiteral":
            body = text[1:-1]
            if "\\" in body:
                body = _unescape(body)
            elif "'" in body:
                raise Unsupported("string literal with a bare quote")
            return _Out(repr([body]), "c", ("p", "string"), body)
        if kind == "NumberLiteral":
            if not text.isdigit():
                raise Unsupported("decimal literal")
            return _Out(str(int(text)), "n")
        if kind == "BooleanLiteral":
            value = text == "true"
            return _Out(repr([value]), "c", ("p", "boolean"), value)
        raise Unsupported(f"{kind}")

    def invocation(self, node: dict[str, Any], src: str, typ: Type, *, at_root: bool, focus: str) -> _Out:
        kind = node.get("type")
        ch = [c for c in node.get("children") or [] if isinstance(c, dict)]
        if kind == "MemberInvocation":
            name = _ident(ch[0])
            if at_root and typ is not None and typ[0] == "o" and typ[1] == typ[2] == name:
                return _Out(src, "c", typ)  # ``Appointment.status`` on an Appointment: the type name
            template, item = self.member(typ, name)
            if at_root and src == f"[{focus}]":
                # a member of the focus itself: no list of one to build and loop over
                if template.startswith("_nav({}, "):
                    return _Out(f"_nav1({focus}, {template[len('_nav({}, ') :]}", "c", item)
                if template.startswith("_navc({}, "):
                    keys = ast.literal_eval(template[len("_navc({}, ") : -1])
                    both = keys + tuple("_" + k for k in keys)
                    return _Out(f"_navc1({focus}, {keys!r}, {both!r})", "c", item)
            return _Out(template.format(src), "c", item)
        if kind == "ThisInvocation" and at_root:
            return _Out(src, "c", typ)
        if kind == "FunctionInvocation":
            fn = ch[0]
            parts = [c for c in fn.get("children") or [] if isinstance(c, dict)]
            name = _ident(parts[0])
            params = [c for p in parts[1:] if p.get("type") == "ParamList" for c in p.get("children") or []]
            if name == "iif":
                return self.iif(params, src, typ, focus if at_root and src == f"[{focus}]" else None)
            return self.function(name, params, src, typ)
        raise Unsupported(f"{kind}")

    def iif(self, params: list[Any], src: str, typ: Type, focus: str | None) -> _Out:
        """``iif(criterion, true-result[, otherwise-result])`` on the focus itself, every part boolean:
        fhirpathpy evaluates the criterion on the focus, then only the branch it picks (the true-result
        when the criterion is true; empty without an otherwise-result)."""
        if focus is None or len(params) not in (2, 3):
            raise Unsupported("iif() on a collection other than the focus")
        cond = self.boolean(params[0], focus, typ)
        then = self.boolean(params[1], focus, typ)
        other = self.boolean(params[2], focus, typ) if len(params) == 3 else "None"
        return _Out(f"({then} if {cond} is True else {other})", "b")

    def function(self, name: str, params: list[Any], src: str, typ: Type) -> _Out:
        if typ == ("u",) and (params or name not in ("exists", "empty")):
            raise Unsupported(f"{name}() of a union")
        if name == "toInteger" and not params:
            return _Out(f"_to_int({src})", "c", ("p", "integer"))
        if name in ("exists", "empty", "count", "hasValue", "not") and not params:
            if name == "exists":
                return _Out(f"bool({src})", "b")
            if name == "empty":
                return _Out(f"(not {src})", "b")
            if name == "count":
                return _Out(f"len({src})", "n")
            if name == "hasValue":
                return _Out(f"_has_value({src})", "b")
            if typ == ("p", "boolean"):
                return _Out(f"_not(_as_bool({src}))", "b")
            raise Unsupported("not() of a non-boolean collection")
        if name == "trace" and len(params) == 1 and isinstance(self.literal_of(params[0]), str):
            return _Out(src, "c", typ)
        if name == "select" and len(params) == 1:
            self.depth += 1
            var = f"_t{self.depth}"
            inner = self.expr(params[0], var, typ)
            self.depth -= 1
            if inner.kind == "b":
                # a boolean projection: each item's true or false (its empty adds nothing)
                return _Out(f"_select({src}, lambda {var}: _opt({inner.src}))", "c", ("p", "boolean"))
            if inner.kind != "c":
                raise Unsupported("select() of a non-collection")
            return _Out(f"_select({src}, lambda {var}: {inner.src})", "c", inner.typ)
        if name == "isDistinct" and not params:
            if typ is None or typ[0] != "p" or typ[1] not in _STRINGLIKE:
                raise Unsupported(f"isDistinct() on {typ}")
            return _Out(f"_distinct({src})", "b")
        if name == "is" and len(params) == 1 and typ == ("r",):
            rtype = _type_argument(params[0])
            if rtype in ("Resource", "DomainResource") or rtype not in self.defs.resource_types():
                raise Unsupported(f"is({rtype})")
            return _Out(f"_is_res({src}, {rtype!r})", "b")
        if name == "first" and not params:
            return _Out(f"{src}[:1]", "c", typ)
        if name in ("where", "exists", "all") and len(params) == 1:
            self.depth += 1
            var = f"_t{self.depth}"
            cond = self.boolean(params[0], var, typ)
            self.depth -= 1
            if name == "where":
                return _Out(f"_where({src}, lambda {var}: {cond})", "c", typ)
            if name == "exists":
                return _Out(f"bool(_where({src}, lambda {var}: {cond}))", "b")
            return _Out(f"_all({src}, lambda {var}: {cond})", "b")
        if name == "matches" and len(params) == 1:
            if typ is None or typ[0] != "p" or typ[1] not in _STRINGLIKE:
                raise Unsupported(f"matches() on {typ}")
            pattern = self.literal_of(params[0])
            if not isinstance(pattern, str) or not pattern:
                raise Unsupported("matches() with a non-literal pattern")
            re.compile(pattern, re.DOTALL)  # fails here, not at run time, on a pattern Python refuses
            return _Out(f"_matches({src}, _rx({pattern!r}))", "b")
        if name in ("contains", "startsWith", "endsWith") and len(params) == 1:
            if typ is None or typ[0] != "p" or typ[1] not in _STRINGLIKE:
                raise Unsupported(f"{name}() on {typ}")
            arg = self.literal_of(params[0])
            if not isinstance(arg, str):
                raise Unsupported(f"{name}() with a non-string argument")
            fn = {"contains": "_contains", "startsWith": "_starts", "endsWith": "_ends"}[name]
            return _Out(f"{fn}({src}, {arg!r})", "b")
        raise Unsupported(f"{name}()")

    def literal_of(self, node: dict[str, Any]) -> Any:
        while node.get("type") in ("TermExpression", "LiteralTerm") and node.get("children"):
            if node.get("type") == "LiteralTerm":
                out = self.literal(node["children"][0])
                return out.literal
            node = node["children"][0]
        raise Unsupported("a non-literal argument")


# ``_navc1(<focus>, <keys>, <keys and '_' partners>)``: a choice member of the focus (``invocation``)
_CHOICE_OF_FOCUS = re.compile(r"_navc1\((_f|_t[0-9]+), (\(.*?\)), \(.*\)\)")


def _type_argument(node: dict[str, Any]) -> str:
    """The lone identifier of a term: the type name of ``is(T)``'s argument, the member of ``x is T``."""
    while node.get("type") in ("TermExpression", "InvocationTerm", "MemberInvocation"):
        ch = [c for c in node.get("children") or [] if isinstance(c, dict)]
        if len(ch) != 1:
            break
        node = ch[0]
    return _ident(node)


class _LiteralList(list[Any]):
    pass


def _is_literal_list(out: _Out) -> bool:
    return isinstance(out.literal, _LiteralList) or (out.kind == "c" and out.literal is not None)


def _literal_items(out: _Out) -> list[Any]:
    return list(out.literal) if isinstance(out.literal, _LiteralList) else [out.literal]


def _is_call(node: dict[str, Any], name: str) -> bool:
    """``node`` is the invocation ``name()`` without arguments."""
    if node.get("type") != "FunctionInvocation":
        return False
    fn = (node.get("children") or [{}])[0]
    parts = [c for c in fn.get("children") or [] if isinstance(c, dict)]
    return len(parts) == 1 and parts[0].get("type") == "Identifier" and parts[0].get("text") == name


def _ident(node: dict[str, Any]) -> str:
    text = node.get("text")
    if node.get("type") != "Identifier" or not isinstance(text, str):
        raise Unsupported("unexpected identifier node")
    return text.strip("`")


def _op(node: dict[str, Any]) -> str:
    terminals = node.get("terminalNodeText") or []
    if len(terminals) != 1:
        raise Unsupported("operator")
    return str(terminals[0])


def compile_expression(tree: Any, defs: DefinitionsProvider, base_type: str, base_root: str) -> str:
    """Python source of a function ``(focus) -> bool | None`` for a parsed FHIRPath constraint evaluated on
    an element of type path ``base_type`` (in the index of ``base_root``); raises Unsupported."""
    return compile_partial(tree, defs, base_type, base_root)[0]


def compile_partial(
    tree: Any, defs: DefinitionsProvider, base_type: str, base_root: str
) -> tuple[str, list[str]]:
    """As :func:`compile_expression`, with the reasons a part of the expression is left to the engine
    (empty when it is compiled whole)."""
    if not isinstance(tree, dict) or not tree.get("children"):
        raise Unsupported("empty expression")
    compiler = _Compiler(defs)
    out = compiler.expr(tree["children"][0], "_f", ("o", base_type, base_root))
    if out.kind == "b":
        return f"lambda _f: {out.src}", compiler.partial
    if out.kind == "c" and out.typ == ("p", "boolean"):
        return f"lambda _f: _as_bool({out.src})", compiler.partial
    raise Unsupported("the expression is not boolean")
