"""The compiled validator: one generated Python function per type that checks structure, cardinality,
primitive formats, bindings and FHIRPath invariants in a single walk.

Why: the chain's schema, structure, invariant and binding checkers each walk every resource (four walks,
with the invariants interpreted by fhirpathpy); on the hot path of ``convert`` that was most of the time.
Here the StructureDefinitions are turned into Python source once (per installed package and fhirconv
version), cached as bytecode under the user's cache folder, and run as plain dictionary code.

Exactness by construction: the generated walk is a *verifier*. Where a resource is clean of errors it
produces the very issues the four checkers would (warnings and information: unchecked bindings,
unknown extensions, warning-level invariants, constraints fhirpathpy must decide) and the sites the
reference and lint checkers reuse. At the first sign of an error (a wrong type, a missing element, a
failed error-level invariant or binding) it stops and the four original checkers run on that resource,
so every error report is the chain's own, message for message. Invariants the FHIRPath compiler
(``fpcompile``) cannot translate run through fhirpathpy at their site (``fallback_listing()`` names them);
a compiled one whose data leaves its compiled shape asks fhirpathpy for that evaluation.

The cache: ``<cache>/fhirconv/validator/<package>/<key>.marshal``, keyed by the package fingerprint, the
definitions compiler version, this generator's version, the fhirconv and Python versions. It is written
atomically (temporary file + rename) inside a folder created private to the user, never read from a
folder other users can write to, and rebuilt when unreadable.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import itertools
import marshal
import os
import re
import stat
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

from ..diskcache import IndexedBlobs, prune, write_indexed
from .bindings import _CODED, _SEVERITY, BindingChecker, _codings
from .chain import iter_resources
from .fpcompile import RUNTIME, Fallback, Unsupported, compile_partial
from .invariants import (
    _ALLOWED_ATTRS,
    _ALLOWED_QTAGS,
    _CURRENT_ROOT,
    _NATIVE,
    _SHORTCUT_KEYS,
    _SHORTCUTS,
    InvariantChecker,
    PlanCache,
    _Child,
    _Constraint,
    _container,
    _Node,
    _parse,
    _per1,
    _Walk,
    cached_tree,
    compiled_predicate,
    contained_broken,
    dom3_unmatched,
)
from .issues import Issue, Severity
from .lint import _GOOD_SYSTEMS as LINT_GOOD
from .lint import SITE_GUARDS
from .protocols import Context, DefinitionsProvider
from .references import NO_URNS, reference_guard, urn_table
from .structure import (
    COLLECTED,
    INT32,
    INT_TYPES,
    ElementInfo,
    Site,
    TypeIndex,
    WalkCache,
    _regex,
    _valid_calendar,
    _Walker,
    type_index,
)
from .terminology import code_tables, expansion_tables

__all__ = ["GENERATOR_VERSION", "CompiledChecker", "fallback_listing"]

GENERATOR_VERSION = "28"
_STRING_MAX = 1048576
# Values of a pattern-checked primitive type (code, uri, id, dateTime ...) already found valid, per type:
# a system URL, a status code or a date recurs thousands of times, and a set lookup is cheaper than the
# regular expression (and the calendar check). Bounded: short values only, so many per type.
_MEMO_CHARS = 256
_MEMO_SIZE = 4096
# Codings of plain strings remembered clean by their items (``_Program``'s ``_CODINGS``): a converted
# bundle's meta tags and codes recur on every resource and across reports.
_CODINGS_SIZE = 8192


class Bail(Exception):
    """The resource is not clean: the original checkers report it."""


# ------------------------------------------------------------------------------------------- generation

# The invariants already written in Python (``invariants._NATIVE``, ``_SHORTCUTS``) cost a generic call
# each; for the shape they take on nearly every resource (no contained resources, a narrative, a local
# reference that is not '#x', a Period without both ends) their verdict is "holds", decided inline here.
# Anything else raises Fallback and the invariant checker's own code decides, so these can only be
# faster, never different.


def _n_rng2(v: dict[str, Any]) -> bool:
    if type(v.get("low")) is dict and type(v.get("high")) is dict:
        raise Fallback
    return True


def _n_obs7(v: dict[str, Any]) -> bool:
    if "component" not in v or not any(k.startswith(("value", "_value")) for k in v):
        return True
    raise Fallback


# The same decisions where the shape above raises Fallback, made here with the invariant checker's own
# functions instead of a call through the checker (``_Run.slow``: the constraint looked up again, its
# issues collected and searched). Each takes the run (``X``) too. False is a verdict ``X.fail`` words as
# the checker words it (its "key: human" issue); a violation the checker words otherwise (dom-3's list
# of ids) or leaves to the engine raises Fallback, and ``X.slow`` decides it exactly as before.
# ``X.impure`` counts a call that reads more than the value, as ``X.slow`` counted it (the extension
# memo keys an extension's walk by its value only).


def _x_contained(key: str) -> Callable[[dict[str, Any], Any], bool]:
    def decide(v: dict[str, Any], X: Any) -> bool:
        if "contained" not in v:
            return True
        X.impure += 1
        if contained_broken(key, v):
            raise Fallback
        return True

    decide.__name__ = f"_x_{key.replace('-', '')}"
    return decide


def _x_dom3(v: dict[str, Any], X: Any) -> bool:
    if "contained" not in v:
        return True
    X.impure += 1
    if dom3_unmatched(v):
        raise Fallback
    return True


def _x_dom6(v: dict[str, Any], X: Any) -> bool:
    """dom-6 (a narrative, a warning): holds with a ``div``, and on a contained resource (described by
    its container's narrative); a root resource without one gets the warning. With no ``div`` the
    narrative-link rule has nothing to read."""
    text = v.get("text")
    if type(text) is dict and "div" in text:
        return True
    X.impure += 1
    if X.root is not X.resource:
        return True
    if isinstance(text, dict) and "div" in text:  # (a dict subclass: the checker's own test)
        raise Fallback
    return False


def _x_ref1(v: dict[str, Any], X: Any) -> bool:
    """ref-1: a local reference '#x' names a contained resource of the root resource."""
    ref = v.get("reference")
    if isinstance(ref, str) and ref.startswith("#") and len(ref) > 1:
        X.impure += 1
        contained = X.root.get("contained")
        if isinstance(contained, list) and any(
            isinstance(r, dict) and isinstance(r.get("id"), str) and r.get("id") == ref[1:] for r in contained
        ):
            return True
        raise Fallback
    return True


def _x_per1(v: dict[str, Any], X: Any) -> bool:
    if v.get("start") is None or v.get("end") is None:
        return True
    X.impure += 1
    if _per1(v, X._walk()) is True:
        return True
    raise Fallback


def _x_shortcut(
    shortcut: Callable[[dict[str, Any], Any], bool | None],
) -> Callable[[dict[str, Any], Any], bool]:
    """A shortcut of the invariant checker (``invariants._SHORTCUTS``) called directly: its verdict, or
    Fallback when it leaves the constraint to the engine."""

    def decide(v: dict[str, Any], X: Any) -> bool:
        X.impure += 1
        verdict = shortcut(v, X._walk())
        if verdict is None:
            raise Fallback
        return bool(verdict)

    return decide


_PLAIN_DIV_OPEN = '<div xmlns="http://www.w3.org/1999/xhtml">'
_PLAIN_DIV_CLOSE = "</div>"
# Character data an XML parser takes as it is: XML 1.0 characters other than '<', '&' and ']' (so no
# markup, no ']]>'), or one of the five predefined entity references. One class per character: linear.
_PLAIN_TEXT = re.compile(
    r"(?:[\t\n\r\x20-\x25\x27-\x3b\x3d-\x5c\x5e-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    r"|&(?:amp|lt|gt|quot|apos);)*"
)
# The characters outside _PLAIN_TEXT's class: text without any is plain.
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<\]\ud800-\udfff\ufffe\uffff]")


def _plain_narrative(text: str) -> bool:
    """A div in the XHTML namespace holding only text with some non-whitespace: what the builder writes
    for every resource. Such a div parses (the text is XML character data), its root is the XHTML div,
    it has no element, attribute, link or processing instruction for txt-1 or txt-link to judge, and txt-2
    holds (an entity reference is never whitespace); everything else goes to the parser below."""
    if not (text.startswith(_PLAIN_DIV_OPEN) and text.endswith(_PLAIN_DIV_CLOSE)):
        return False
    body = text[len(_PLAIN_DIV_OPEN) : -len(_PLAIN_DIV_CLOSE)]
    if not body.strip():
        return False
    # one scan for a character outside the class (C speed); only text with one (an entity reference,
    # or a character that makes it not plain) is matched by the alternation
    return _NOT_PLAIN.search(body) is None or _PLAIN_TEXT.fullmatch(body) is not None


_B64_PATTERN = r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+"
_B64_PLAIN = re.compile(r"[0-9a-zA-Z+/=]+", re.ASCII)


class _Base64:
    """The R4 base64Binary regex, ``(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+``, decided fast for the usual
    value (no whitespace): one run of base64 characters matches exactly when its length is a multiple
    of four. The group-repeating regex costs ~30 ns a character (a 4 KB attachment: 0.1 ms); text with
    whitespace goes to it."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def fullmatch(self, text: str) -> object:
        if _B64_PLAIN.fullmatch(text) is not None:
            return True if len(text) % 4 == 0 else None
        return self.pattern.fullmatch(text)


_VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _n_con3(v: dict[str, Any]) -> bool:
    """con-3 (``clinicalStatus.exists() or verificationStatus.coding.where(system=... and code =
    'entered-in-error').exists() or category.select($this='problem-list-item').empty()``), which the
    compiler cannot take whole (a CodeableConcept compared with a string). FHIRPath's equality of an
    object and a string is false, not empty, so a present category makes the last operand false (the
    engine's verdict: the R4 warning on every Condition with a category and no clinicalStatus). Shapes
    outside plain JSON objects and strings raise Fallback: the engine decides them."""
    status = v.get("clinicalStatus")
    if status is not None:
        if type(status) is dict:
            return True
        raise Fallback
    ver = v.get("verificationStatus")
    if ver is not None:
        if type(ver) is not dict:
            raise Fallback
        codings = ver.get("coding")
        if type(codings) is not list and codings is not None:
            raise Fallback
        for c in codings or ():
            if type(c) is not dict or "_system" in c or "_code" in c:
                raise Fallback
            system, code = c.get("system"), c.get("code")
            if (system is not None and type(system) is not str) or (
                code is not None and type(code) is not str
            ):
                raise Fallback
            if system == _VER_STATUS and code == "entered-in-error":
                return True
    cat = v.get("category")
    if cat is None:
        return True
    if type(cat) is list and cat and all(type(c) is dict for c in cat):
        return False
    raise Fallback


def _narrative_ok(text: str) -> bool:
    """True when neither the structure check nor txt-1/txt-2 nor the narrative-link rule has anything to
    say about a narrative. False sends the resource to the original checkers, whose report is the
    chain's own: so False is always exact, and True must imply that those checks find nothing."""
    if len(text) > len(_PLAIN_DIV_OPEN) + len(_PLAIN_DIV_CLOSE) and _plain_narrative(text):
        return True
    if 'href="#' in text or "href='#" in text:
        return False  # local links must land on an anchor (txt-link): the chain's checker decides
    return _markup_ok(text)


_XHTML_URI = "http://www.w3.org/1999/xhtml"
_XHTML_DIV = "{" + _XHTML_URI + "}div"
_XHTML_IMG = "{" + _XHTML_URI + "}img"
# The attribute names (as lxml gives them) txt-1 lets through: xml:lang, xml:space, and each allowed
# name in no namespace or in XHTML's
_OK_ATTRS = frozenset(
    [
        *_ALLOWED_ATTRS,
        *("{" + _XHTML_URI + "}" + a for a in _ALLOWED_ATTRS),
        "{http://www.w3.org/XML/1998/namespace}lang",
        "{http://www.w3.org/XML/1998/namespace}space",
    ]
)
# The allowed names whose local part is href or src: their value must not be a javascript: link
_LINK_ATTRS = frozenset(n for n in _OK_ATTRS if n.rpartition("}")[2] in ("href", "src"))
_markup = threading.local()  # one lxml parser per thread, as parse_xhtml's


# The expat names (namespace and local name joined by '}') of the allowed elements and attributes.
_EXPAT_TAGS = frozenset(q[1:] for q in _ALLOWED_QTAGS)
_EXPAT_ATTRS = frozenset(n[1:] if n.startswith("{") else n for n in _OK_ATTRS)
_EXPAT_LINKS = frozenset(n[1:] if n.startswith("{") else n for n in _LINK_ATTRS)
# An entity reference other than the five predefined ones or a character reference (lxml, which does
# not resolve entities, keeps it as a node; expat rejects it): such text goes to lxml.
_OTHER_REF = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]++|#x[0-9a-fA-F]++);)")
# Nesting at most this deep, far below libxml2's depth limit without huge_tree (256), the one limit of
# lxml's parse this text could otherwise reach. Text with at most 2 x this many '<' cannot nest deeper
# (each element with content takes two); only longer text counts the depth as it goes.
_EXPAT_MAX_DEPTH = 200


_EXPAT: list[Any] = []


def _expat() -> Any:
    """``xml.parsers.expat``, imported at the first narrative with markup (not at start-up)."""
    if not _EXPAT:
        from xml.parsers import expat

        _EXPAT.append(expat)
    return _EXPAT[0]


class _Objection(Exception):
    """An element or attribute the fast markup check does not let through (lxml decides)."""


def _markup_surely_ok(data: bytes, text: str) -> bool:
    """True only when ``_markup_lxml`` is True for ``text`` (``data`` is its UTF-8), decided by expat
    (C, no tree: ~40 % cheaper than lxml's parse and element walk): a div that starts the text, with one
    namespace declaration (its XHTML default: so every element is XHTML and every prefixed attribute is
    xml:), no comment, CDATA, DOCTYPE or processing instruction, no entity reference but the predefined
    and character ones, bounded nesting; expat finds it well-formed (XML 1.0 as libxml2 reads it), every
    element and attribute is allowed, no href/src is a javascript: link (the expanded value, as lxml
    gives it) and some character data is not whitespace. False means only "not decided here"."""
    if (
        not text.startswith("<div")
        or "<!" in text
        or "<?" in text
        or text.count("xmlns") != 1
        or _OTHER_REF.search(text) is not None
    ):
        return False
    expat = _expat()
    parser = expat.ParserCreate(namespace_separator="}")
    seen: list[bool] = []
    depth = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name not in _EXPAT_TAGS:
            raise _Objection
        for key in attrs:
            if key not in _EXPAT_ATTRS:
                raise _Objection
            if key in _EXPAT_LINKS and attrs[key].strip().lower().startswith("javascript:"):
                raise _Objection

    def chars(chunk: str) -> None:
        if chunk.strip():
            seen.append(True)
            parser.CharacterDataHandler = None  # one is enough: no more calls

    def deep_start(name: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if depth[0] > _EXPAT_MAX_DEPTH:
            raise _Objection
        start(name, attrs)

    def end(name: str) -> None:
        depth[0] -= 1

    if text.count("<") > 2 * _EXPAT_MAX_DEPTH:
        parser.StartElementHandler = deep_start
        parser.EndElementHandler = end
    else:
        parser.StartElementHandler = start
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Objection):
        return False
    return bool(seen)


# The openings of a narrative whose one namespace declaration (``_markup_fast`` asks for one) is the
# root div's XHTML default: every element is then XHTML, every unprefixed attribute in no namespace.
_FAST_OPENS = ('<div xmlns="http://www.w3.org/1999/xhtml"', "<div xmlns='http://www.w3.org/1999/xhtml'")


def _alternation(names: Iterable[str]) -> str:
    """A regex matching exactly the given names, grouped by first character (a branch per character, so
    a failing name costs one test per group rather than one per name), longest first in each group."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(name[1:])
    branches = []
    for first in sorted(groups):
        rests = sorted(groups[first], key=lambda r: (-len(r), r))
        tails = [re.escape(r) for r in rests if r]
        tail = f"(?:{'|'.join(tails)}){'?' if '' in rests else ''}" if tails else ""
        branches.append(re.escape(first) + tail)
    return f"(?:{'|'.join(branches)})"


# A start tag, without its closing '/'? '>', that ``_markup_surely_ok`` lets through, in XML's own terms
# (S is space, tab, CR, LF; values quoted): an allowed element name, allowed attribute names (the
# root's one xmlns among them), an href/src value with no reference but the predefined entities and no
# 'script' in any case (a javascript: link, or one that a character reference could hide, is left to
# the full check). No part matches '<', which a well-formed text without comment, CDATA or PI has only
# where a tag starts: a match never runs past the next '<' (linear), and on such a text it reads a tag
# as expat reads it.
_S = r"[ \t\r\n]"
_LINK_VALUE = "(?:[^{q}<&sS]++|&(?:amp|lt|gt|quot|apos);|[sS](?![cC][rR][iI][pP][tT]))*+"
_GOOD_TAG = (
    _alternation(q.rpartition("}")[2] for q in _ALLOWED_QTAGS)
    + f"(?:{_S}++(?:"
    + _alternation(sorted(n for n in _EXPAT_LINKS if "}" not in n))
    + f"{_S}*+={_S}*+(?:\"{_LINK_VALUE.format(q=chr(34))}\"|'{_LINK_VALUE.format(q=chr(39))}')|"
    + _alternation(
        sorted(
            {n for n in _EXPAT_ATTRS if "}" not in n and n not in _EXPAT_LINKS}
            | {"xml:lang", "xml:space", "xmlns"}
        )
    )
    + f"{_S}*+={_S}*+(?:\"[^\"<]*+\"|'[^'<]*+')))*+{_S}*+"
)
# The first '<' that starts neither an end tag nor such a start tag (the usual bare tag, an allowed
# name and '>', tried first: ~15 % less time than the whole tag pattern alone)
_NOT_GOOD = re.compile(f"<(?!/|{_alternation(q.rpartition('}')[2] for q in _ALLOWED_QTAGS)}>|{_GOOD_TAG}/?>)")
# Each '<' in order, '/' where it starts an end tag, '' where it starts a start or empty-element tag
# (cached one-character strings: nothing is allocated per tag), and the depth step of each: +1 for an
# empty element too, which ends at once, so that the running sum is never below the depth
_TAG_KIND = re.compile("<(/?)")
_STEP = {"/": -1, "": 1}
# The same with empty elements told apart, for a text with many ('/>' for one: a step of 0; '>' for a
# start tag, '' for an end tag); the running sum is then the depth of the last element not empty
_TAG_END = re.compile(f"<(?:/|{_GOOD_TAG}(/?>))")
_END_STEP = {"": -1, "/>": 0, ">": 1}
# The predefined entity references: characters that are never whitespace
_NAMED_REFS = ("&amp;", "&lt;", "&gt;", "&quot;", "&apos;")
# The markup and whitespace before the first character of text (Python's whitespace, as str.strip's)
_LEAD = re.compile(f"(?:\\s++|<{_GOOD_TAG}/?>|</[^ \\t\\r\\n<>]++{_S}*+>)*+")


def _markup_fast(data: bytes, text: str) -> bool:
    """True only when ``_markup_surely_ok(data, text)`` is True, with no Python call per element or per
    attribute (that check's handler calls were ~2/3 of its cost): one regex search (C) finds the first
    tag that is not an allowed element with allowed attributes and safe links, one match finds the
    first text that is not whitespace, and expat, with no handler, only checks that the text is
    well-formed. It asks for ``_markup_surely_ok``'s conditions and more: the root div declares the
    XHTML default (the one ``xmlns``: so each element name written is an XHTML name, each attribute
    name its own or xml:'s); every '<' starts an end tag or a ``_GOOD_TAG`` (so no comment, CDATA,
    DOCTYPE or PI); in a longer text, the running sum of +1 per start tag (an empty element's too)
    and -1 per end tag, which is never below the depth, stays within ``_EXPAT_MAX_DEPTH`` (or, where
    it does not, the depth counted with the empty elements told apart does); the first
    character after the leading tags and whitespace is text (not '&' but for a predefined entity,
    since a character reference could be a space). False means only "not decided here"."""
    if not text.startswith(_FAST_OPENS) or text.count("xmlns") != 1:
        return False
    if "&" in text and _OTHER_REF.search(text) is not None:
        return False
    if _NOT_GOOD.search(text) is not None:
        return False
    if (
        text.count("<") > 2 * _EXPAT_MAX_DEPTH
        and max(itertools.accumulate(map(_STEP.__getitem__, _TAG_KIND.findall(text)))) > _EXPAT_MAX_DEPTH
        # (an empty element is one deeper than the element holding it: hence '>=')
        and max(itertools.accumulate(map(_END_STEP.__getitem__, _TAG_END.findall(text)))) >= _EXPAT_MAX_DEPTH
    ):
        return False
    end = _LEAD.match(text).end()  # type: ignore[union-attr]  # (a match of '*' never fails)
    if end == len(text) or text[end] == "<" or (text[end] == "&" and not text.startswith(_NAMED_REFS, end)):
        return False
    parser = _expat().ParserCreate(namespace_separator="}")
    try:
        parser.Parse(data, True)
    except _EXPAT[0].ExpatError:
        return False
    return True


# Narratives up to this many characters have their verdict remembered (the same div in several
# resources, or a resource validated again), at most _MARKUP_MEMO_SIZE of them: at most ~4 M characters
_MARKUP_MEMO_CHARS = 16384
_MARKUP_MEMO_SIZE = 256


def _markup_ok(text: str) -> bool:
    """``_markup_lxml(text)``, decided by expat where it can be (``_markup_fast``, else
    ``_markup_surely_ok``); the verdict on a text of at most ``_MARKUP_MEMO_CHARS`` is remembered (a pure
    function of the text: a bounded memo)."""
    if len(text) <= _MARKUP_MEMO_CHARS:
        return _markup_remembered(text)
    return _markup_verdict(text)


def _markup_verdict(text: str) -> bool:
    """``_markup_ok`` without its memo."""
    data = text.encode("utf-8")
    return _markup_fast(data, text) or _markup_surely_ok(data, text) or _markup_lxml(data)


_markup_remembered = functools.lru_cache(maxsize=_MARKUP_MEMO_SIZE)(_markup_verdict)


def _markup_lxml(data: bytes) -> bool:
    """``_xhtml_problem(text) is None and html_checks(text) == (None, None)`` in one pass that stops at
    the first objection: the same parse (the parser options of ``parse_xhtml``), then per element one
    set lookup for its tag and one per attribute name, where ``html_checks`` builds every name and value
    as a new string to find every problem's message. A node that is not an element, a comment or an
    entity reference (a processing instruction, or any other kind) is an objection here."""
    from lxml import etree

    parser = getattr(_markup, "parser", None)
    if parser is None:
        parser = _markup.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    if root.tag != _XHTML_DIV:
        return False
    comment, entity = etree.Comment, etree.Entity
    for el in root.iter():
        tag = el.tag
        if tag not in _ALLOWED_QTAGS:
            if tag is comment or tag is entity:
                continue
            return False
        for name, value in el.items():  # (names and values in one call)
            if name not in _OK_ATTRS:
                return False
            if name in _LINK_ATTRS and str(value).strip().lower().startswith("javascript:"):
                return False
    for t in root.itertext():
        if t.strip():
            return True
    return next(root.iter(_XHTML_IMG), None) is not None


# The inline check of a table entry (``simple_primitive``): the same tests as ``primitive_check``.
_SIMPLE_CHECKS = (
    "c = h[0]",
    "if c <= 3:",
    "    if type(x) is not str and not isinstance(x, str): raise Bail",
    f"    if len(x) > {_STRING_MAX} or not x.strip(' \\t\\r\\n'): raise Bail",
    "    if c == 1:",
    "        if '\\x0b' in x or '\\x0c' in x: raise Bail",
    "    elif c >= 2:",
    "        if x not in h[-1]:",
    "            if h[1].fullmatch(x) is None: raise Bail",
    "            if c == 3 and not _valid_calendar(h[2], x): raise Bail",
    f"            if len(x) <= {_MEMO_CHARS} and len(h[-1]) < {_MEMO_SIZE}: h[-1].add(x)",
    "elif c == 4:",
    "    if type(x) is not bool: raise Bail",
    "elif c == 5:",
    f"    if type(x) is not int or not h[1] <= x <= {INT32[1]}: raise Bail",
    "elif type(x) is not float and type(x) is not int and type(x) is not _Decimal: raise Bail",
)

# Objects with at most this many element keys (besides the '_' parts) compare the key against each
# of them (``_Generator.context``); bigger ones look it up in their table.
_CHAIN_MAX = 10
# Types whose walk of an object holding only this one plain-string element does nothing: the handler
# tests that shape in line and skips the call (``_Generator.string_only_guard``, which checks the claim
# against the definitions before writing the test).
_STRING_ONLY = {"Reference": "reference"}
_LAST_KEYS = ("id", "extension", "modifierExtension")

_NATIVE_FAST = {
    "dom-2": "_x_dom2",
    "dom-3": "_x_dom3",
    "dom-4": "_x_dom4",
    "dom-5": "_x_dom5",
    "dom-6": "_x_dom6",
    "ref-1": "_x_ref1",
    "rng-2": "_n_rng2",
}
_SHORTCUT_FAST = {
    ("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)"): "_x_per1",
    (
        "obs-7",
        "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()",
    ): "_n_obs7",
    (
        "con-3",
        "clinicalStatus.exists() or verificationStatus.coding.where(system='http://terminology.hl7.org/"
        "CodeSystem/condition-ver-status' and code = 'entered-in-error').exists() or "
        "category.select($this='problem-list-item').empty()",
    ): "_n_con3",
}
# Compiled constraints on every entry of a bundle, with a test (on ``_f``) of the shape that makes them
# hold, checked before the compiled predicate (which decides everything else, as before): an entry with
# a resource object (bdl-5), a fullUrl string without '/_history/' (bdl-8).
_GUARDS = {
    ("bdl-5", "resource.exists() or request.exists() or response.exists()"): (
        "type(_f.get('resource')) is dict"
    ),
    ("bdl-8", "fullUrl.exists() implies fullUrl.contains('/_history/').not()"): (
        "type(_g := _f.get('fullUrl')) is str and '/_history/' not in _g"
    ),
}
# The same for the direct decisions on every resource and Reference, by constraint key: the shape in
# which each returns True at once (no contained resources; a narrative with a div; a reference that is
# not local), tested in line instead of calling it.
_NATIVE_GUARDS = {
    "dom-2": "'contained' not in _f",
    "dom-3": "'contained' not in _f",
    "dom-4": "'contained' not in _f",
    "dom-5": "'contained' not in _f",
    "dom-6": "type(_g := _f.get('text')) is dict and 'div' in _g",
    "ref-1": "type(_g := _f.get('reference')) is str and not _g.startswith('#')",
}
# The other shortcuts, called directly (``_x_shortcut``) under these names.
for _key, _expression in _SHORTCUTS:
    if (_key, _expression) not in _SHORTCUT_FAST:
        _SHORTCUT_FAST[(_key, _expression)] = "_x_sc_" + "".join(ch if ch.isalnum() else "_" for ch in _key)
_NATIVE_NS: dict[str, Any] = {
    "_n_rng2": _n_rng2,
    "_n_obs7": _n_obs7,
    "_n_con3": _n_con3,
    "_x_dom2": _x_contained("dom-2"),
    "_x_dom3": _x_dom3,
    "_x_dom4": _x_contained("dom-4"),
    "_x_dom5": _x_contained("dom-5"),
    "_x_dom6": _x_dom6,
    "_x_ref1": _x_ref1,
    "_x_per1": _x_per1,
}
for (_key, _expression), _name in _SHORTCUT_FAST.items():
    if _name.startswith("_x_sc_"):
        _NATIVE_NS[_name] = _x_shortcut(_SHORTCUTS[(_key, _expression)])
# the names above that take the run as well as the value
_WITH_RUN = frozenset(name for name in _NATIVE_NS if name.startswith("_x_"))


def _info_fields(info: ElementInfo) -> tuple[Any, ...]:
    """What ``ElementInfo(*fields)`` needs to rebuild ``info`` (``many`` is derived), as literals."""
    return (
        info.path,
        info.name,
        info.min,
        info.max,
        info.types,
        info.choice,
        info.content_ref,
        info.targets,
        info.binding_strength,
        info.base_path,
    )


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def _fn(root: str, parent: str) -> str:
    return f"o_{_safe(root)}__{_safe(parent)}"


def _def_body(lines: list[str], hname: str) -> list[str]:
    """The body of the handler ``hname`` just written to ``lines`` (up to its closing blank line),
    unindented once: small objects write it in line instead of calling it (a call per element saved)."""
    start = len(lines) - 1 - lines[::-1].index(f"def {hname}(x, v, loc, host, X):")
    body: list[str] = []
    for line in lines[start + 1 :]:
        if not line:
            break
        assert line.startswith("    ") and "return" not in line.split(), line
        body.append(line[4:])
    return body


def _drop_defs(lines: list[str], names: set[str]) -> None:
    """Remove from ``lines`` the function definitions of ``names`` (each written by the generator as
    ``def <name>(x, v, loc, host, X):`` and its body up to the closing blank line, as ``_def_body``
    reads it); the module-level lines around them stay."""
    if not names:
        return
    kept: list[str] = []
    dropping = False
    for line in lines:
        if dropping:
            if not line:
                dropping = False
            continue
        if line.startswith("def ") and line[4 : line.find("(")] in names:
            dropping = True
            continue
        kept.append(line)
    lines[:] = kept


class _Generator:
    """Python source for one root type (a resource or a datatype) and all its backbone elements."""

    def __init__(self, defs: DefinitionsProvider, plans: PlanCache) -> None:
        self.defs = defs
        self.plans = plans
        self.fallbacks: dict[tuple[str, str], str] = {}  # (key, expression) -> why not compiled
        self.compiled_count = 0
        self.regexes: set[str] = set()
        self.site_fns: list[str] = []  # predicate sources of the last constraints_src call
        self.site_guards: list[str | None] = []  # and the shape tests that make each hold (_GUARDS)
        self._nodes: dict[str, dict[str, _Node]] = {}

    def plan_nodes(self, root: str) -> dict[str, _Node]:
        if root in self._nodes:
            return self._nodes[root]
        out: dict[str, _Node] = self._nodes.setdefault(root, {})
        node = self.plans.plan(root, self.defs)
        stack = [node] if node is not None else []
        while stack:
            n = stack.pop()
            if n.path in out:
                continue
            out[n.path] = n
            for child in n.children.values():
                if child.kind == "inline" and child.node is not None:
                    stack.append(child.node)
        return out

    def unit(self, root: str) -> tuple[str, set[str]]:
        idx = type_index(self.defs, root)
        if idx is None:
            raise Unsupported(f"no definition for {root}")
        nodes = self.plan_nodes(root)
        lines: list[str] = []
        deps: set[str] = set()
        self.regexes = set()
        parents = sorted(set(idx.keys) | {idx.root})
        for parent in parents:
            self.context(idx, parent, nodes.get(parent), lines, deps)
        root_node = nodes.get(idx.root)
        if root in self.defs.resource_types() and root_node is not None:
            # the resource's own constraints, evaluated on it before its elements (as the checker does)
            cons = self.constraints_src(root_node.constraints, root_node.path, root, root)
            lines.append(f"{_fn(root, root)}__ROOT = {cons}")
            if cons != "()":
                # the same constraints as straight-line code (no loop, no call per compiled predicate)
                fns, guards = list(self.site_fns), list(self.site_guards)
                lines.append(f"def {_fn(root, root)}__ROOTFN(y, a, X):")
                table = f"{_fn(root, root)}__ROOT"
                lines.extend("    " + s for s in self.inline_constraints(table, fns, guards))
                lines.append("")
        deps.discard(root)
        head = [
            f"_R_{_safe(code)} = _re({code!r}); _M_{_safe(code)} = _memo({code!r})"
            for code in sorted(self.regexes)
        ]
        return "\n".join(head + lines) + "\n", deps

    # one object context -------------------------------------------------------------------------
    def context(
        self, idx: TypeIndex, parent: str, node: _Node | None, lines: list[str], deps: set[str]
    ) -> None:
        name = _fn(idx.root, parent)
        keys = idx.keys.get(parent, {})
        handlers: dict[str, str] = {}
        specs: dict[str, tuple[str, ...]] = {}
        bodies: dict[str, list[str]] = {}  # the handlers' code, written in line by small objects
        for n, (key, (info, tcode)) in enumerate(sorted(keys.items())):
            hname = f"{name}__{n}"
            child = node.children.get(key) if node is not None else None
            simple = self.simple_primitive(info, tcode, child)
            if simple is not None:
                specs[key] = simple
                handlers[key] = "(" + ", ".join(simple) + ",)"
            else:
                self.handler(hname, idx, info, tcode, key, child, lines, deps)
                handlers[key] = hname
                bodies[key] = _def_body(lines, hname)
            if tcode[:1].islower():
                uname = f"{name}__u{n}"
                self.underscore(uname, info, tcode, key, lines, deps)
                handlers["_" + key] = uname
        resource = parent == idx.root and idx.root in self.defs.resource_types()
        lines.append(f"def {name}(v, loc, host, X):")
        if resource:
            lines.append("    if v.keys() <= _ROOT_TRIVIAL: raise Bail")
        else:
            lines.append("    if v.keys() <= _TRIVIAL: raise Bail")
        if "code" in keys and "system" in keys:
            # the binding checker's summary of unchecked systems counts every Coding-shaped object of
            # the input (bindings._codings); the walk visits each, so it collects them here
            lines.append("    if 'code' in v and 'value' not in v:")
            lines.append("        _s = v.get('system')")
            lines.append("        _c = v['code']")
            lines.append("        if isinstance(_s, str) and isinstance(_c, str): X.pairs.append((_s, _c))")
        small = len([k for k in handlers if not k.startswith("_")]) <= _CHAIN_MAX
        if small:
            # a small object (Coding, Reference, Identifier, Quantity, Period, Meta, Narrative ...): one
            # comparison per key of the type in place of a table lookup and the entry's dispatch; its
            # elements in definition order, then id and extensions, then the rare '_' parts
            plain = [k for k in keys if k not in _LAST_KEYS]
            order = plain + [k for k in _LAST_KEYS if k in keys]
            order += ["_" + k for k in order if "_" + k in handlers]
            lines.append("    for k, x in v.items():")
            for j, key in enumerate(order):
                lines.append(f"        {'if' if j == 0 else 'elif'} k == {key!r}:")
                if key in specs:
                    lines.extend("            " + line for line in self.simple_lines(specs[key]))
                elif key in bodies:
                    # the handler's body in place of its call (the same code on the same names: x, v,
                    # loc, host, X; its own locals are not read after it)
                    lines.extend("            " + line for line in bodies[key])
                else:
                    lines.append(f"            {handlers[key]}(x, v, loc, host, X)")
            if resource:
                lines.append("        elif k != 'resourceType': raise Bail")
            else:
                lines.append("        else: raise Bail")
        else:
            lines.append(f"    D = {name}__D")
            lines.append("    for k, x in v.items():")
            lines.append("        h = D.get(k)")
            lines.append("        if h is None:")
            if resource:
                lines.append("            if k == 'resourceType': continue")
            lines.append("            raise Bail")
            lines.append("        if type(h) is tuple:")
            lines.extend("            " + line for line in _SIMPLE_CHECKS)
            lines.append("        else:")
            lines.append("            h(x, v, loc, host, X)")
        for info in idx.required.get(parent, ()):
            if info.choice:
                names = [info.name + t[:1].upper() + t[1:] for t in info.types]
                alts = " and ".join(f"{k!r} not in v and {'_' + k!r} not in v" for k in names)
                lines.append(f"    if {alts}: raise Bail")
            else:
                lines.append(f"    if {info.name!r} not in v and {'_' + info.name!r} not in v: raise Bail")
        consts: list[str] = []
        for info in idx.children.get(parent, ()):
            if info.choice and len(info.types) > 1:
                # a frozenset intersected with the (small) object: cost by the object's size, not the
                # number of types the choice allows (Extension.value[x] has 50)
                choice_keys = sorted({info.name + t[:1].upper() + t[1:] for t in info.types})
                cname = f"{name}__CH{len(consts)}"
                consts.append(f"{cname} = frozenset({choice_keys!r})")
                lines.append(f"    if len({cname}.intersection(v)) > 1: raise Bail")
        if resource:
            lines.append("    rid = v.get('id')")
            lines.append("    if rid is not None and (type(rid) is not str or not _id_ok(rid)): raise Bail")
        if small:
            # every handler's body is written in line above, and the table is the big objects' only:
            # neither the handlers' own functions nor the table would ever be used (about a third of the
            # bytecode a first validation loaded and exec'd was these)
            _drop_defs(lines, {handlers[k] for k in bodies})
        else:
            lines.append(f"{name}__D = {{{', '.join(f'{k!r}: {h}' for k, h in handlers.items())}}}")
        lines.extend(consts)
        lines.append("")

    def simple_primitive(self, info: ElementInfo, tcode: str, child: _Child | None) -> tuple[str, ...] | None:
        """A table entry (checked inline by the object's function) for a single primitive with nothing
        but its format to check, as the items of its tuple's source (``_SIMPLE_CHECKS`` reads the
        tuple, ``simple_lines`` writes the same checks inline); None when it needs a handler of its
        own."""
        if not tcode[:1].islower() or info.many or tcode in ("xhtml", "canonical") or tcode in COLLECTED:
            return None
        if child is not None and child.kind == "primitive":
            if child.own:
                return None
            if child.binding is not None and child.type_name in _CODED and child.binding[0] in _SEVERITY:
                return None
        if tcode == "boolean":
            return ("4",)
        if tcode in INT_TYPES:
            lo = 1 if tcode == "positiveInt" else 0 if tcode == "unsignedInt" else INT32[0]
            return ("5", str(lo))
        if tcode == "decimal":
            return ("6",)
        pattern = _regex(self.defs, tcode)
        if pattern is None:
            return None if tcode in ("date", "dateTime", "instant") else ("0",)
        if pattern.pattern == "[ \\r\\n\\t\\S]+" and pattern.flags & re.ASCII:
            return ("1",)
        self.regexes.add(tcode)
        if tcode in ("date", "dateTime", "instant"):
            return ("3", f"_R_{_safe(tcode)}", repr(tcode), f"_M_{_safe(tcode)}")
        return ("2", f"_R_{_safe(tcode)}", f"_M_{_safe(tcode)}")

    @staticmethod
    def simple_lines(spec: tuple[str, ...]) -> list[str]:
        """``_SIMPLE_CHECKS`` for one entry, written out for its code (no tuple to index, no branch on
        the code at run time): the same tests in the same order on ``x``."""
        c = int(spec[0])
        if c == 4:
            return ["if type(x) is not bool: raise Bail"]
        if c == 5:
            return [f"if type(x) is not int or not {spec[1]} <= x <= {INT32[1]}: raise Bail"]
        if c == 6:
            return ["if type(x) is not float and type(x) is not int and type(x) is not _Decimal: raise Bail"]
        out = [
            "if type(x) is not str and not isinstance(x, str): raise Bail",
            f"if len(x) > {_STRING_MAX} or not x.strip(' \\t\\r\\n'): raise Bail",
        ]
        if c == 1:
            out.append("if '\\x0b' in x or '\\x0c' in x: raise Bail")
        elif c >= 2:
            memo = spec[-1]
            out += [
                f"if x not in {memo}:",
                f"    if {spec[1]}.fullmatch(x) is None: raise Bail",
            ]
            if c == 3:
                out.append(f"    if not _valid_calendar({spec[2]}, x): raise Bail")
            out.append(f"    if len(x) <= {_MEMO_CHARS} and len({memo}) < {_MEMO_SIZE}: {memo}.add(x)")
        return out

    def constraints_src(
        self, constraints: tuple[_Constraint, ...], base: str, idx_root: str, parent: str
    ) -> str:
        """A tuple literal of (constraint lookup, compiled predicate or None, base) for the site."""
        items = []
        self.site_fns = []
        self.site_guards = []
        for c in constraints:
            fn = "None"
            if c.key in _NATIVE_FAST or (c.key, c.expression) in _SHORTCUT_FAST:
                fn = _NATIVE_FAST.get(c.key) or _SHORTCUT_FAST[(c.key, c.expression)]
                if fn.startswith("_x_sc_"):
                    # decided in Python for its plain shapes only: listed when the compiler cannot take
                    # the expression, as fhirpathpy decides the other shapes; one the compiler takes
                    # whole (bdl-11/12) is its compiled predicate, which decides every shape fhirpathpy
                    # would have had to
                    try:
                        whole, partial = compile_partial(_parse(c.expression), self.defs, parent, idx_root)
                    except Exception as exc:
                        why = f"{exc} (decided in Python for plain shapes; fhirpathpy decides the rest)"
                        self.fallbacks.setdefault((c.key, c.expression), why)
                    else:
                        if not partial:
                            fn = whole
                            self.compiled_count += 1
            elif c.key not in _NATIVE and c.key not in _SHORTCUT_KEYS:
                try:
                    tree = _parse(c.expression)
                    fn, partial = compile_partial(tree, self.defs, parent, idx_root)
                    self.compiled_count += 1
                    if partial:
                        why = "partly compiled; the engine decides when needed: " + "; ".join(partial)
                        self.fallbacks.setdefault((c.key, c.expression), why)
                except Unsupported as exc:
                    self.fallbacks.setdefault((c.key, c.expression), str(exc))
                except Exception as exc:  # a parse error: fhirpathpy reports it at the site
                    self.fallbacks.setdefault((c.key, c.expression), f"cannot parse: {exc}")
            self.site_fns.append(fn)
            if fn.startswith("lambda"):
                self.site_guards.append(_GUARDS.get((c.key, c.expression)))
            else:
                self.site_guards.append(_NATIVE_GUARDS.get(c.key) if fn == _NATIVE_FAST.get(c.key) else None)
            items.append(
                f"(_con({c.key!r}, {c.severity.value!r}, {c.human!r}, {c.expression!r}, {c.source!r}), "
                f"{fn}, {base!r})"
            )
        return "(" + "".join(i + ", " for i in items) + ")"

    @staticmethod
    def inline_constraints(table: str, fns: list[str], guards: list[str | None] | None = None) -> list[str]:
        """The site's constraints as straight-line code on ``y`` (no call per constraint): a compiled
        predicate's expression inline, a native check by name, the rest through the checker (X.slow)."""
        out = ["_f = y"]
        open_guard: str | None = None  # the guard of the block being written (a run of equal guards)
        for j, fn in enumerate(fns):
            guard = guards[j] if guards is not None and fn != "None" else None
            if guard != open_guard:
                if guard is not None:
                    # the constraint holds where its guard does (as ``True if guard else ...``
                    # decided), so it is asked only where the guard fails; consecutive constraints
                    # with the same guard (dom-2/3/4/5: no contained resources) share one test
                    out.append(f"if not ({guard}):")
                open_guard = guard
            pad = "    " if guard is not None else ""
            if fn == "None":
                out.append(f"X.slow({table}[{j}], y, a)")
                continue
            if fn.startswith("lambda _f: "):
                expr = fn[len("lambda _f: ") :]
            else:
                expr = f"{fn}(_f, X)" if fn in _WITH_RUN else f"{fn}(_f)"
            out += [
                pad + "try:",
                pad + f"    r = {expr}",
                pad + "except Fallback:",
                pad + f"    X.slow({table}[{j}], y, a)",
                pad + "else:",
                pad + f"    if r is not True: X.fail({table}[{j}], y, a)",
            ]
        return out

    def handler(
        self,
        hname: str,
        idx: TypeIndex,
        info: ElementInfo,
        tcode: str,
        key: str,
        child: _Child | None,
        lines: list[str],
        deps: set[str],
    ) -> None:
        at = f"loc + {'.' + key!r}"
        lines.append(f"def {hname}(x, v, loc, host, X):")
        primitive = tcode[:1].islower()
        many = info.many
        ipath = f"{hname}__I"
        if tcode == "canonical" or tcode in COLLECTED:
            # the element's definition written into the code (a constant of the cached bytecode): the
            # unit's first run builds it from these fields instead of its type's whole element index
            # from the StructureDefinition (~5 ms per type at a process's first validation)
            fields = _info_fields(info)
            lines.insert(
                0, f"{ipath} = _info({idx.root!r}, {info.path.rpartition('.')[0]!r}, {key!r}, {fields!r})"
            )
        if primitive:
            # (the location is built only where it is used: sites, and a binding verdict with issues)
            if tcode == "canonical" or tcode in COLLECTED:
                lines.append(f"    at = {at}")
            if many:
                lines.append("    if type(x) is not list or not x: raise Bail")
                if info.max is not None:
                    lines.append(f"    if len(x) > {info.max}: raise Bail")
                lines.append("    for y in x:")
                lines.extend("        " + s for s in self.primitive_check("y", tcode))
            else:
                lines.extend("    " + s for s in self.primitive_check("x", tcode))
            if tcode == "canonical" or tcode in COLLECTED:
                lines.append(f"    X.sites.append(_new(_Site, (at, x, {tcode!r}, {ipath})))")
            if child is not None and child.kind == "primitive":
                if child.own and not (tcode == "xhtml" and {c.key for c in child.own} <= {"txt-1", "txt-2"}):
                    # (txt-1/txt-2 hold on any narrative _narrative_ok let through)
                    lines.insert(0, f"{hname}__P = _child({idx.root!r}, {info.path!r}, {key!r})")
                    lines.append(f"    X.prim({hname}__P, {key!r}, x, loc)")
                if child.binding is not None and child.type_name in _CODED and child.binding[0] in _SEVERITY:
                    b = child.binding
                    # ``X.bprim`` asked only when its memo has no empty verdict for the code (the
                    # call's own memo look-up, without the call, the key's list and the loop)
                    lines.append("    if not X.nobind:")
                    lines.append("        _bm = X.bm")
                    if many:
                        lines.append("        for i, y in enumerate(x):")
                        lines.append(f"            if isinstance(y, str) and _bm.get(({b!r}, y)) != ():")
                        lines.append(f"                X.bprim(y, {b!r}, {at} + f'[{{i}}]')")
                    else:
                        lines.append(f"        if isinstance(x, str) and _bm.get(({b!r}, x)) != ():")
                        lines.append(f"            X.bprim(x, {b!r}, {at})")
            lines.append("")
            return
        # complex
        code = tcode
        is_resource = code in ("Resource", "DomainResource") or (
            code in self.defs.resource_types() and not info.content_ref
        )
        if is_resource:
            if many:
                lines.append("    if type(x) is not list or not x: raise Bail")
                if info.max is not None:
                    lines.append(f"    if len(x) > {info.max}: raise Bail")
                lines.append("    for y in x:")
                lines.append("        if type(y) is not dict: raise Bail")
            else:
                lines.append("    if type(x) is not dict: raise Bail")
            if code not in ("Resource", "DomainResource"):
                lines.append("    raise Bail")  # a concrete resource type as an element: rare, exact path
            lines.append("")
            return
        if info.content_ref:
            target = _fn(idx.root, info.content_ref)
            kind = "@backbone"
        elif code in ("BackboneElement", "Element") and info.path in idx.keys:
            target = _fn(idx.root, info.path)
            kind = "@backbone" if code == "BackboneElement" else "@complex"
        else:
            sub = type_index(self.defs, code)
            if sub is None:
                lines.append("    raise Bail")
                lines.append("")
                return
            target = _fn(sub.root, sub.root)
            deps.add(sub.root)
            kind = "@complex"
        if code == "Extension":
            inner = None
        else:
            inner = (info.path, info.base_path, info.content_ref or code, code, kind)
        cons = "()"
        bound = None
        if child is not None and child.kind in ("inline", "type"):
            constraints, base, _sub = self.plans.resolve_child(child, self.defs)
            if child.kind == "inline":
                parent_path, proot = (child.node.path if child.node else info.path), idx.root
            else:
                sub_idx = type_index(self.defs, code)
                parent_path = proot = sub_idx.root if sub_idx is not None else code
            cons = self.constraints_src(constraints, base, proot, parent_path)
            fns, guards = list(self.site_fns), list(self.site_guards)
            if child.binding is not None and child.type_name in _CODED and child.binding[0] in _SEVERITY:
                bound = child.binding
        coding = child is not None and child.kind == "type" and child.type_name == "Coding"
        body: list[str] = []
        # (an object with nothing but an id is refused by the target's own first line)
        body.append("if type(y) is not dict: raise Bail")
        if code == "Extension":
            # ext-1; a key outside the Extension's own value[x] keys is an unknown element (Bail below)
            body.append("if bool(y.get('extension')) is not y.keys().isdisjoint(_EXT_VALUE_KEYS): raise Bail")
        if cons != "()":
            body.extend(self.inline_constraints(f"{hname}__C", fns, guards))
        bcoded: list[str] = []
        if bound is not None and code != "Coding":
            # ``X.bcoded`` asked only when the binding memo has no empty verdict for the key it would
            # build (``(binding, has_text, (system, code))`` for one Coding of exact strings, its
            # commonest shape: no call, no list of pairs); any other shape goes to it as before
            call = f"X.bcoded(_cd, {bound!r}, a, bool(y.get('text')))"
            bcoded += [
                "if not X.nobind:",
                "    _cd = y.get('coding')",
                "    if type(_cd) is list and len(_cd) == 1 and type(_c0 := _cd[0]) is dict"
                " and type(_cc := _c0.get('code')) is str and type(_cs := _c0.get('system')) is str:",
                f"        if X.bm.get(({bound!r}, bool(y.get('text')), (_cs, _cc))) != (): {call}",
                f"    else: {call}",
            ]
        # A Coding in a list without constraints of its own builds its location only where it is used
        # (a walk, an issue, a site): the remembered clean Coding of a known good system uses none.
        lazy = many and coding and cons == "()"
        here = "f'{base}[{i}]'" if lazy else "a"
        if coding:
            # A Coding of plain strings only (system, code, display ...) is judged by its values alone:
            # its walk's verdict (clean) and the (system, code) pair it collects are remembered by its
            # items (``_CODINGS``, filled by ``_coding_clean``); a remembered one skips the walk and
            # keeps the rest (``X.unknown`` asked only when its memo has no "known" verdict for the
            # pair, the binding, the site). Any other Coding (a value of another type, extensions, an
            # item that is no key) is walked as before.
            body += [
                "try:",
                "    _p = _CODINGS[tuple(y.items())]",
                "except Exception:",
                *(["    a = f'{base}[{i}]'"] if lazy else []),
                "    if not X.nobind:",
                "        _s = y.get('system'); _c = y.get('code')",
                "        if isinstance(_s, str) and isinstance(_c, str)"
                " and X.umemo.get((_s, _c)) is not False:",
                "            X.unknown(y, a)",
            ]
            if bound is not None:
                body.append(f"    X.bcoded([y], {bound!r}, a, False)")
            body += [
                f"    {target}(y, a, {inner!r}, X)",
                "    _coding_clean(y)",
                "else:",
                "    if _p is not None:",
                f"        if not X.nobind and X.umemo.get(_p) is not False: X.unknown(y, {here})",
                "        X.pairs.append(_p)",
            ]
            if bound is not None:
                # a remembered Coding's values are exact strings: with a pair, ``X.bcoded``'s key is
                # ``(binding, False, _p)``, asked here first (its location built only for the call)
                body.append(f"    if _p is None or X.bm.get(({bound!r}, False, _p)) != ():")
                if lazy:
                    body.append("        a = f'{base}[{i}]'")
                body.append(f"        X.bcoded([y], {bound!r}, a, False)")
        else:
            body += bcoded
        if code == "Extension":
            # the walk of the extension and its verdict (``X.ext``), memoised whole by the extension's
            # shape (``_Run.extension``); a modifier extension is an item of a 'modifierExtension'
            # array: known here, not parsed from the location at run time
            body.append(f"X.extension({target}, y, a, host, {key.startswith('modifierExtension')})")
        elif not coding:  # (a Coding's walk is called above)
            call = f"{target}(y, a, {inner!r}, X)"
            guard = self.string_only_guard(code) if kind == "@complex" and not info.content_ref else None
            body.append(f"if not ({guard}): {call}" if guard else call)
        if code in COLLECTED:
            # (a site the lint checker can say nothing of, by its own test, is not recorded: SITE_GUARDS)
            site = f"X.sites.append(_new(_Site, ({here}, y, {code!r}, {ipath})))"
            guard = SITE_GUARDS.get(code)
            if code == "Reference":  # (gtab: a reference the input's urn table proves good is not recorded)
                guard = reference_guard(idx.keys[info.path.rpartition(".")[0]][key][0].targets)
            body.append(f"if {guard}: {site}" if guard else site)
        elif code == "Attachment":
            body.append("X.attachment(y, a)")
        if many:
            lines.append("    if type(x) is not list or not x: raise Bail")
            if info.max is not None:
                lines.append(f"    if len(x) > {info.max}: raise Bail")
            lines.append(f"    base = {at}")
            lines.append("    for i, y in enumerate(x):")
            if not lazy:
                lines.append("        a = f'{base}[{i}]'")
            lines.extend("        " + s for s in body)
        else:
            lines.append("    y = x")
            lines.append(f"    a = {at}")
            lines.extend("    " + s for s in body)
        lines.append("")
        if cons != "()":
            lines.append(f"{hname}__C = {cons}")
            lines.append("")

    def string_only_guard(self, code: str) -> str | None:
        """The in-line test of the commonest Reference, ``{'reference': <a plain string>}``, under which
        the handler skips the type's walk: on that object the walk does nothing (no required element,
        no choice, no Coding pair to collect, and ``reference`` is a ``string`` with nothing but its
        format to check, which the test makes in full), so its verdict is clean without the call. None
        when the definitions make the type's walk of that object do more (then it is always called)."""
        key = _STRING_ONLY.get(code)
        idx = type_index(self.defs, code)
        if key is None or idx is None or code in self.defs.resource_types() or idx.required.get(idx.root):
            return None
        keys = idx.keys.get(idx.root, {})
        if key not in keys or ("code" in keys and "system" in keys):
            return None
        info, tcode = keys[key]
        node = self.plan_nodes(code).get(idx.root)
        child = node.children.get(key) if node is not None else None
        if self.simple_primitive(info, tcode, child) != ("1",):
            return None
        return (
            f"len(y) == 1 and type(_r := y.get({key!r})) is str and len(_r) <= {_STRING_MAX}"
            " and '\\x0b' not in _r and '\\x0c' not in _r and _r.strip(' \\t\\r\\n')"
        )

    def underscore(
        self, uname: str, info: ElementInfo, tcode: str, key: str, lines: list[str], deps: set[str]
    ) -> None:
        """``_key``: the id/extension part of a primitive, walked as an Element."""
        deps.add("Element")
        target = _fn("Element", "Element")
        lines.append(f"def {uname}(x, v, loc, host, X):")
        if tcode in ("canonical", "xhtml") or key == "id":
            # the R4 JSON Schema (as the publisher generates it) has no '_' partner for these: the schema
            # checker's finding is reported by the original checkers
            lines.append("    raise Bail")
            lines.append("")
            return
        lines.append(f"    at = loc + {'._' + key!r}")
        lines.append(
            f"    h2 = ({info.path!r}, {info.base_path!r}, {tcode!r}) + "
            "tuple(h for h in host if h.startswith('ext:')) + ('@primitive',)"
        )
        if info.many:
            lines.append("    if type(x) is not list: raise Bail")
            lines.append(f"    p = v.get({key!r})")
            lines.append("    if type(p) is list and len(p) != len(x): raise Bail")
            lines.append("    for i, y in enumerate(x):")
            lines.append("        if y is None: continue")
            lines.append("        if type(y) is not dict or y.keys() <= _TRIVIAL: raise Bail")
            lines.append(f"        X.underscore({target}, y, f'{{at}}[{{i}}]', h2)")
        else:
            lines.append("    if type(x) is not dict or x.keys() <= _TRIVIAL: raise Bail")
            lines.append(f"    X.underscore({target}, x, at, h2)")
        lines.append("")

    def primitive_check(self, var: str, code: str) -> list[str]:
        if code == "boolean":
            return [f"if type({var}) is not bool: raise Bail"]
        if code in INT_TYPES:
            lo = 1 if code == "positiveInt" else 0 if code == "unsignedInt" else INT32[0]
            return [f"if type({var}) is not int or not {lo} <= {var} <= {INT32[1]}: raise Bail"]
        if code == "decimal":
            return [
                f"if type({var}) is not float and type({var}) is not int and type({var}) is not _Decimal: "
                "raise Bail"
            ]
        # a str subclass is a JSON string too (the builder marks real calendar dates with one)
        out = [
            f"if type({var}) is not str and not isinstance({var}, str): raise Bail",
            f"if len({var}) > {_STRING_MAX}: raise Bail",
        ]
        if code == "xhtml":
            # (a plain narrative, the builder's, is judged without _narrative_ok's own call: it holds
            # wherever _plain_narrative does)
            out.append(f"if not {var} or not (_plain_narrative({var}) or _narrative_ok({var})): raise Bail")
            return out
        out.append(f"if not {var}.strip(' \\t\\r\\n'): raise Bail")
        pattern = _regex(self.defs, code)
        if pattern is not None and pattern.pattern == "[ \\r\\n\\t\\S]+" and pattern.flags & re.ASCII:
            # string, markdown: with ASCII classes the only characters refused are \v and \f
            out.append(f"if '\\x0b' in {var} or '\\x0c' in {var}: raise Bail")
        elif pattern is not None:
            # the valid values seen (``_M_<type>``, as the inline checks of ``simple_lines``)
            memo = f"_M_{_safe(code)}"
            out += [
                f"if {var} not in {memo}:",
                f"    if _R_{_safe(code)}.fullmatch({var}) is None: raise Bail",
            ]
            if code in ("date", "dateTime", "instant"):
                out.append(f"    if not _valid_calendar({code!r}, {var}): raise Bail")
            out.append(
                f"    if len({var}) <= {_MEMO_CHARS} and len({memo}) < {_MEMO_SIZE}: {memo}.add({var})"
            )
            self.regexes.add(code)
            return out
        if code in ("date", "dateTime", "instant"):
            out.append(f"if not _valid_calendar({code!r}, {var}): raise Bail")
        return out


# ------------------------------------------------------------------------------------------------ cache


def _cache_root() -> Path:
    env = os.environ.get("FHIRCONV_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "validator"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fhirconv" / "validator"


def _ours(st: os.stat_result) -> bool:
    """Owned by this user (or root) and writable by nobody else."""
    if hasattr(os, "getuid") and st.st_uid not in (os.getuid(), 0):
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_dir(path: Path) -> bool:
    """Create ``path`` (0700) if needed; True only when it and the folders above it up to the cache root
    are ours and nobody else can write to them (else someone could swap the code we would run)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        root = _cache_root()
        folder = path
        while True:
            if not _ours(folder.lstat()) or folder.is_symlink():
                return False
            if folder == root or folder.parent == folder or root not in folder.parents:
                return True
            folder = folder.parent
    except OSError:
        return False


def cache_key(defs: Any) -> str:
    """What the generated code depends on: the package (its compiled stamp), the definitions compiler, this
    generator, fhirconv and the Python bytecode version."""
    from .. import __version__
    from ..definitions.compiled import COMPILER_VERSION

    stamp = b""
    folder = getattr(defs, "folder", None)
    if isinstance(folder, Path):
        try:
            stamp = (folder / "index.json").read_bytes()
        except OSError:
            stamp = str(folder).encode()
    else:
        stamp = repr(id(defs)).encode()
    h = hashlib.sha256(stamp)
    for part in (COMPILER_VERSION, GENERATOR_VERSION, __version__, sys.version):
        h.update(b"\0" + part.encode())
    h.update(b"\0" + _sources_digest())
    return h.hexdigest()[:32]


# The modules whose code decides what the generator writes.
_GENERATOR_SOURCES = (
    "compiled",
    "fpcompile",
    "invariants",
    "structure",
    "bindings",
    "issues",
    "lint",
    "references",
    "terminology",  # the code tables and expansions stored beside the code (``code_tables``, ...)
)


def _sources_digest() -> bytes:
    """A digest of the generator's own source files. GENERATOR_VERSION is bumped by hand, and an edit
    that forgot to bump it once ran stale generated code from the cache (hiding a failing test until the
    cache was emptied); with the sources in the key, any edit writes a new cache file. A build without
    sources (bytecode only) is keyed by the version alone, as before."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _GENERATOR_SOURCES:
        try:
            h.update((here / f"{name}.py").read_bytes())
        except OSError:
            h.update(b"\0missing " + name.encode())
    return h.digest()


_META = "\0meta"  # the cache file's entry of key, dependencies, fallbacks (never a unit's name)
_CODES = "\0codes\0"  # + a code system's URL: its code table (terminology.code_tables)
_EXPANSIONS = "\0vs\0"  # + a value set's URL: its expansion (terminology.expansion_tables)
_KEEP_CODE = 4  # cache files (11 MB each) of other fhirconv or package versions kept


class _Units(Mapping[str, tuple[bytes, tuple[str, ...]]]):
    """The cached units: each one's bytecode read from the file when first exec'd (a conversion's
    gate uses a quarter of them; reading all 11 MB was ~0.01 s of a cold start)."""

    __slots__ = ("_blobs", "_deps")

    def __init__(self, blobs: IndexedBlobs, deps: Any) -> None:
        if not isinstance(deps, dict) or set(deps) != {k for k in blobs if not k.startswith("\0")}:
            raise ValueError("validator cache: units and their dependencies differ")
        if not all(isinstance(d, tuple) and all(isinstance(x, str) for x in d) for d in deps.values()):
            raise ValueError("validator cache: malformed dependencies")
        self._blobs, self._deps = blobs, deps

    def __getitem__(self, unit: str) -> tuple[bytes, tuple[str, ...]]:
        return self._blobs[unit], self._deps[unit]

    def __contains__(self, unit: object) -> bool:
        return unit in self._deps

    def __iter__(self) -> Iterator[str]:
        return iter(self._deps)

    def __len__(self) -> int:
        return len(self._deps)


class _CodeTables(Mapping[str, bytes]):
    """The cache file's code tables by code system URL (or, with ``prefix=_EXPANSIONS``, expansions by
    value set URL), each read when asked for."""

    __slots__ = ("_blobs", "_prefix")

    def __init__(self, blobs: Mapping[str, bytes], prefix: str = _CODES) -> None:
        self._blobs, self._prefix = blobs, prefix

    def __getitem__(self, key: str) -> bytes:
        return self._blobs[self._prefix + key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._prefix + key in self._blobs

    def __iter__(self) -> Iterator[str]:
        return (k[len(self._prefix) :] for k in self._blobs if k.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _cache_file(defs: Any) -> Path | None:
    if not isinstance(getattr(defs, "folder", None), Path):
        return None  # definitions not from the installed cache (tests): generate in memory
    pkg = getattr(defs, "package", None)
    name = _safe(getattr(pkg, "spec", "") or defs.folder.parent.parent.name)
    return _cache_root() / name / f"{cache_key(defs)}.marshal"


# ------------------------------------------------------------------------------------------------ runtime


class _Program:
    """The generated functions, their units of bytecode exec'd on first use."""

    def __init__(self, defs: DefinitionsProvider, plans: PlanCache) -> None:
        self.defs = defs
        self.plans = plans
        self.units: Mapping[str, tuple[bytes, tuple[str, ...]]] = {}
        self.code_tables: Mapping[str, bytes] = {}  # code system URL -> its table (terminology.code_tables)
        self.expansions: Mapping[str, bytes] = {}  # value set URL -> its expansion (expansion_tables)
        self.loaded: set[str] = set()
        self.fallbacks: dict[tuple[str, str], str] = {}
        self.compiled_count = 0
        self.ns: dict[str, Any] = {}
        self.ext_hosts: dict[str, tuple[str, str, str]] = {}
        self._lock = threading.Lock()
        self._init_ns()

    def ext_host(self, url: Any) -> tuple[str, str, str]:
        """``('Extension', 'ext:<url>', '@complex')``, what an extension is to its own extensions."""
        host = ("Extension", "ext:" + str(url), "@complex")
        if type(url) is str:
            if len(self.ext_hosts) > 4096:
                self.ext_hosts.clear()
            self.ext_hosts[url] = host
        return host

    def _init_ns(self) -> None:
        defs, plans = self.defs, self.plans
        patterns: dict[str, Any] = {}
        memos: dict[str, set[str]] = {}  # the valid values seen per pattern-checked type (_MEMO_SIZE)

        def re_(code: str) -> Any:
            p = patterns.get(code)
            if p is None:
                p = patterns[code] = _regex(defs, code)
                if code == "base64Binary" and p is not None and p.pattern == _B64_PATTERN:
                    p = patterns[code] = _Base64(p)
            return p

        ext_idx = type_index(defs, "Extension")
        ext_values = [
            k for k in (ext_idx.keys.get("Extension", {}) if ext_idx else {}) if k.startswith("value")
        ]
        id_re = _regex(defs, "id")

        def id_ok(rid: str) -> bool:
            return id_re is None or id_re.fullmatch(rid) is not None

        def info(root: str, parent: str, key: str, fields: tuple[Any, ...]) -> ElementInfo:
            """The element ``key`` of ``parent`` in ``root``'s index, rebuilt from the fields the generator
            wrote into the code (tests: equal to the index's own for every element the examples use)."""
            return ElementInfo(*fields)

        nodes = _Generator(defs, plans)

        def child(root: str, path: str, key: str) -> _Child | None:
            node = nodes.plan_nodes(root).get(path.rpartition(".")[0])
            return node.children.get(key) if node is not None else None

        def con(key: str, severity: str, human: str, expression: str, source: str) -> _Constraint:
            return _Constraint(key, Severity(severity), human, expression, source)

        codings: dict[tuple[tuple[str, str], ...], tuple[str, str] | None] = {}

        def coding_clean(y: dict[str, Any]) -> None:
            """Remember a Coding the walk found clean whose every value is a plain ``str`` (each key is
            then one of Coding's string elements, judged by its value alone), with the (system, code)
            pair the walk collected from it (None: no pair)."""
            for x in y.values():
                if type(x) is not str:
                    return
            if len(codings) >= _CODINGS_SIZE:
                codings.clear()
            s, c = y.get("system"), y.get("code")
            codings[tuple(y.items())] = (s, c) if s is not None and c is not None else None

        self.ns.update(RUNTIME)
        self.ns.update(_NATIVE_NS)
        self.ns.update(
            {
                "Bail": Bail,
                "_Decimal": Decimal,
                "_EXT_VALUE_KEYS": frozenset(ext_values + ["_" + k for k in ext_values]),
                "_TRIVIAL": frozenset({"id", "fhir_comments"}),
                "_ROOT_TRIVIAL": frozenset({"resourceType"}),
                "_Site": Site,
                "_LINT_GOOD": LINT_GOOD,
                "_new": tuple.__new__,
                "_re": re_,
                "_memo": lambda code: memos.setdefault(code, set()),
                "_id_ok": id_ok,
                "_info": info,
                "_child": child,
                "_con": con,
                "_valid_calendar": _valid_calendar,
                "_narrative_ok": _narrative_ok,
                "_plain_narrative": _plain_narrative,
                "_CODINGS": codings,
                "_coding_clean": coding_clean,
                "_EXT_HOSTS": self.ext_hosts,
                "_ext_host": self.ext_host,
            }
        )

    def load(self) -> None:
        path = _cache_file(self.defs)
        if path is not None and _private_dir(path.parent):
            try:
                if not _ours(path.lstat()) or path.is_symlink():
                    raise ValueError("cache file not private")
                blobs = IndexedBlobs(path)  # the header; each unit's code is read on first use
                data = marshal.loads(blobs[_META])
                if isinstance(data, dict) and data.get("key") == path.stem:
                    self.units = _Units(blobs, data["deps"])
                    self.code_tables = _CodeTables(blobs)
                    self.expansions = _CodeTables(blobs, _EXPANSIONS)
                    listed: dict[str, str] = data["fallbacks"]
                    self.fallbacks = {
                        (k.partition("\0")[0], k.partition("\0")[2]): v for k, v in listed.items()
                    }
                    self.compiled_count = int(data["compiled"])
                    with contextlib.suppress(OSError):  # used now: kept by the pruning below
                        os.utime(path)
                    return
            except (OSError, ValueError, EOFError, TypeError, KeyError):
                pass  # absent or corrupt: rebuilt below
        self.generate()
        if path is not None and _private_dir(path.parent):
            # the code systems' tables, stored beside the code (only for a cache file: definitions in
            # memory, as in tests, compute each table when asked, as before)
            systems = getattr(self.defs, "code_system_urls", None)
            self.code_tables = code_tables(self.defs, systems()) if callable(systems) else {}
            value_sets = getattr(self.defs, "value_set_urls", None)
            self.expansions = expansion_tables(self.defs, value_sets()) if callable(value_sets) else {}
            meta = {
                "key": path.stem,
                "deps": {unit: deps for unit, (_code, deps) in self.units.items()},
                "fallbacks": {f"{k}\0{e}": v for (k, e), v in self.fallbacks.items()},
                "compiled": self.compiled_count,
            }
            entries = (
                {_META: marshal.dumps(meta)}
                | {unit: code for unit, (code, _d) in self.units.items()}
                | {_CODES + system: table for system, table in self.code_tables.items()}
                | {_EXPANSIONS + url: exp for url, exp in self.expansions.items()}
            )
            try:
                with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
                    write_indexed(fh, entries)
                Path(fh.name).replace(path)
                # other fhirconv or package versions' code: the few most recently used stay (two
                # installations used in turn each regenerated their code, seconds, on every start)
                prune(path.parent, ".marshal", keep=_KEEP_CODE)
            except OSError:
                pass  # an unwritable cache costs the next start its generation time only

    def generate(self) -> None:
        units: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self.units = units
        gen = _Generator(self.defs, self.plans)
        roots = set(self.defs.resource_types())
        pending = sorted(roots)
        done: set[str] = set()
        while pending:
            root = pending.pop()
            if root in done:
                continue
            done.add(root)
            try:
                source, deps = gen.unit(root)
            except Unsupported:
                continue
            code = compile(source, f"<fhirconv-validator:{root}>", "exec")
            units[root] = (marshal.dumps(code), tuple(sorted(deps)))
            pending.extend(sorted(deps - done))
        self.fallbacks = gen.fallbacks
        self.compiled_count = gen.compiled_count

    def entry(self, rtype: str) -> Callable[..., None] | None:
        name = _fn(rtype, rtype)
        fn = self.ns.get(name)
        if fn is None:
            if rtype not in self.units:
                return None
            with self._lock:
                stack = [rtype]
                while stack:
                    unit = stack.pop()
                    if unit in self.loaded or unit not in self.units:
                        continue
                    self.loaded.add(unit)
                    blob, deps = self.units[unit]
                    exec(marshal.loads(blob), self.ns)
                    stack.extend(deps)
            fn = self.ns.get(name)
        return fn


# A memoised verdict that hands the resource over to the original checkers (an error, by construction).
_HANDED_OVER = (Issue(Severity.ERROR, "processing", "\0", "judged by the structure checker", None),)

# Leaf values an extension's shape leaves out of its memo key (``_ext_shape``): the walk of the
# Extension type reads them only through the checks named here, which the shape requires to pass.
_INT32_MIN, _INT32_MAX = INT32
_LITERAL_TYPES = (str, int, bool, type(None))  # exact types: keyed as (type, value), never equal across


def _plain_string(x: object) -> TypeGuard[str]:
    """The walk's whole check of a ``string`` value (``_SIMPLE_CHECKS``, code 1), for an exact ``str``."""
    return (
        type(x) is str
        and len(x) <= _STRING_MAX
        and bool(x.strip(" \t\r\n"))
        and "\x0b" not in x
        and "\x0c" not in x
    )


def _literal(x: Any) -> Any:
    """``x`` as a memo key with every value and its exact type in it, or None for a value outside plain
    JSON (a float, whose -0.0 equals 0.0; a Decimal, whose 1.0 equals 1.00; a str subclass ...)."""
    t = type(x)
    if t is dict:
        out: list[Any] = ["D"]
        for k, v in x.items():
            lit = _literal(v)
            if lit is None or type(k) is not str:
                return None
            out.append((k, lit))
        return tuple(out)
    if t is list:
        items: list[Any] = ["L"]
        for v in x:
            lit = _literal(v)
            if lit is None:
                return None
            items.append(lit)
        return tuple(items)
    if t in _LITERAL_TYPES:
        return (t, x)
    return None


# Issue's fields, set through their slot descriptors: a copy of a frozen dataclass with one field changed
# costs ~0.45 µs this way against ~0.85 µs through its generated __init__ (one such copy per remembered
# extension verdict, i.e. per derivation-reference extension of every converted resource).
_ISSUE_FIELDS = ("severity", "code", "location", "message", "rule", "line", "column")
assert tuple(f.name for f in dataclasses.fields(Issue)) == _ISSUE_FIELDS and Issue.__slots__ == _ISSUE_FIELDS
_set_sev, _set_code, _set_loc, _set_msg, _set_rule, _set_line, _set_col = (
    getattr(Issue, name).__set__ for name in _ISSUE_FIELDS
)
_new_object = object.__new__


def _moved(issues: Iterable[Issue], at: str) -> list[Issue]:
    """A remembered extension verdict's issues, located under ``at`` (where this extension is): each
    equal to ``Issue(i.severity, i.code, at + i.location, i.message, i.rule, i.line, i.column)``."""
    out = []
    for i in issues:
        n = _new_object(Issue)
        _set_sev(n, i.severity)
        _set_code(n, i.code)
        _set_loc(n, at + i.location)
        _set_msg(n, i.message)
        _set_rule(n, i.rule)
        _set_line(n, i.line)
        _set_col(n, i.column)
        out.append(n)
    return out


def _ext_shape(y: dict[str, Any]) -> tuple[Any, ...] | None:
    """``_ext_shape_generic(y)``, with the sub-extension every converted resource has many of (a ``url``
    and one ``valueString``, ``valueInteger`` or ``valueReference`` leaf: the derivation-reference
    extension's four) keyed in line instead of by a recursive call (~2.5 -> ~1.3 µs per extension), its
    leaves judged by the one ``_plain_string``; any other shape is keyed by the generic code.
    tests/validate/test_compiled.py proves both equal."""
    out: list[Any] = []
    for k, x in y.items():
        if type(x) is str and k != "valueString":
            out.append((k, x))
        elif k == "extension" and type(x) is list:
            subs: list[Any] = []
            for e in x:
                if type(e) is dict and len(e) == 2:
                    (k1, url), (k2, leaf) = e.items()
                    if k1 == "url" and type(url) is str:
                        if k2 == "valueString":
                            if _plain_string(leaf):
                                subs.append((("url", url), "valueString"))
                                continue
                        elif k2 == "valueInteger":
                            if type(leaf) is int and _INT32_MIN <= leaf <= _INT32_MAX:
                                subs.append((("url", url), "valueInteger"))
                                continue
                        elif k2 == "valueReference" and type(leaf) is dict and len(leaf) == 1:
                            ref = leaf.get("reference")
                            if _plain_string(ref) and not ref.startswith("#"):
                                subs.append((("url", url), "valueReference"))
                                continue
                if type(e) is not dict:
                    return None
                sub = _ext_shape_generic(e)
                if sub is None:
                    return None
                subs.append(sub)
            out.append((k, tuple(subs)))
        else:
            return _ext_shape_generic(y)
    return tuple(out)


def _ext_fast_key(y: dict[str, Any], head: list[Any]) -> tuple[Any, ...] | None:
    """A flat memo key for the commonest extension of converted resources, or None for any other: exactly
    the keys ``url`` (a str) and ``extension`` in that order, every sub-extension exactly ``url`` (a str)
    then one leaf that ``_ext_shape`` keys by its name alone (``valueString`` a plain string,
    ``valueInteger`` an int32, ``valueReference`` holding only a plain, non-'#' ``reference``). The key
    is ``(*head, url, sub url, leaf name, sub url, leaf name, ...)``: after ``head`` it names the same
    things as ``_ext_shape``'s key for such an extension, so equal keys mean equal shapes (the str after
    ``head``, where a key built from ``_ext_shape`` has its tuple, keeps the two kinds apart); it is
    flat, and the memo's context (``head``: holder, modifier flag, bindings) is its first items, so it
    is built and hashed once, without a tuple per sub-extension or around the shape (a tuple's hash is
    not cached: the memo lookup hashes a nested key's every tuple again). ``head`` is the caller's own
    list, extended in place. (Testing the sub-extensions by C loops over the whole list, map/compress
    and set comparisons, cost 1.3x more instructions here than this Python loop: an iterator or list
    per test.) tests/validate/test_compiled.py proves it decides the same shapes as
    ``_ext_shape_generic``."""
    if len(y) != 2:
        return None
    k0, k1 = y  # (the keys in order: no item tuples to unpack)
    if k0 != "url" or k1 != "extension":
        return None
    url, subs = y["url"], y["extension"]
    if type(url) is not str or type(subs) is not list:
        return None
    out = head
    out.append(url)
    for e in subs:
        if type(e) is not dict or len(e) != 2:
            return None
        ku, k2 = e
        if ku != "url":
            return None
        u = e["url"]
        if type(u) is not str:
            return None
        leaf = e[k2]
        if k2 == "valueInteger":
            if type(leaf) is not int or not _INT32_MIN <= leaf <= _INT32_MAX:
                return None
            out += (u, k2)
            continue
        if k2 == "valueReference":
            if type(leaf) is not dict or len(leaf) != 1:
                return None
            leaf = leaf.get("reference")
            if type(leaf) is not str or leaf[:1] == "#":
                return None
        elif k2 != "valueString" or type(leaf) is not str:
            return None
        # _plain_string(leaf), in line (leaf is a str)
        if len(leaf) > _STRING_MAX or not leaf.strip(" \t\r\n") or "\x0b" in leaf or "\x0c" in leaf:
            return None
        out += (u, k2)
    return tuple(out)


def _ext_shape_generic(y: dict[str, Any]) -> tuple[Any, ...] | None:
    """The memo key of an extension's walk: every key in order and every value with its type, except
    three leaves whose content the walk of the Extension type judges by one fixed check each, made here:
    ``valueString`` (a plain string), ``valueInteger`` (an int32) and ``valueReference`` holding only a
    ``reference`` that is a plain string not starting with '#' (so ref-1 holds without the resource's
    contained list). The derivation-reference extension on every converted resource has exactly these
    leaves. None when the extension has anything else the key cannot hold."""
    out: list[Any] = []
    for k, x in y.items():
        if type(x) is str and k != "valueString":
            out.append((k, x))  # (a literal string: the commonest case, 'url', inline)
        elif k == "extension":
            if type(x) is not list:
                return None
            subs: list[Any] = []
            for e in x:
                if type(e) is not dict:
                    return None
                sub = _ext_shape_generic(e)
                if sub is None:
                    return None
                subs.append(sub)
            out.append((k, tuple(subs)))
        elif k == "valueString":
            if not _plain_string(x):
                return None
            out.append(k)
        elif k == "valueInteger":
            if type(x) is not int or not _INT32_MIN <= x <= _INT32_MAX:
                return None
            out.append(k)
        elif k == "valueReference":
            if type(x) is not dict or len(x) != 1:
                return None
            ref = x.get("reference")
            if not _plain_string(ref) or ref.startswith("#"):
                return None
            out.append(k)
        else:
            lit = _literal(x)
            if lit is None:
                return None
            out.append((k, lit))
    return tuple(out)


def _object_paths(value: Any, path: tuple[Any, ...], out: dict[int, tuple[Any, ...]]) -> None:
    """id of every dict and list inside ``value`` -> its path (keys and indexes) from ``value``."""
    out[id(value)] = path
    if type(value) is dict:
        for k, v in value.items():
            if type(v) is dict or type(v) is list:
                _object_paths(v, (*path, k), out)
    elif type(value) is list:
        for i, v in enumerate(value):
            if type(v) is dict or type(v) is list:
                _object_paths(v, (*path, i), out)


_new_site = tuple.__new__
_MOVED_PLACES = 4096  # places remembered per extension verdict (a converted entry's extensions: a few)


class _ExtVerdict:
    """What the walk of one extension shape added: issues per checker (locations relative to the
    extension), sites (relative location, path to the value, type, element) and Coding pairs."""

    __slots__ = ("bind", "inv", "issues", "moved", "pairs", "sites", "struct")

    def __init__(
        self,
        struct: tuple[Issue, ...],
        inv: tuple[Issue, ...],
        bind: tuple[Issue, ...],
        sites: tuple[tuple[str, tuple[Any, ...], str, ElementInfo], ...],
        pairs: tuple[tuple[str, str], ...],
    ) -> None:
        self.struct, self.inv, self.bind, self.sites, self.pairs = struct, inv, bind, sites, pairs
        self.issues = bool(struct or inv or bind)
        # location of the extension -> (struct, inv, bind) relocated there (``_Run.extension``)
        self.moved: dict[str, tuple[list[Issue], list[Issue], list[Issue]]] = {}


class _Run:
    """Per-resource state of a generated walk: the issues of each original checker, sites, and the
    fallbacks (fhirpathpy via the invariant checker's walk, terminology via the binding checker)."""

    __slots__ = (
        "bc",
        "bind",
        "bm",
        "checker",
        "defs",
        "etm",
        "impure",
        "inv",
        "nobind",
        "pairs",
        "resource",
        "root",
        "rooted",
        "sites",
        "struct",
        "terminology",
        "token",
        "umemo",
        "urn",
        "walk",
    )

    def __init__(
        self, checker: CompiledChecker, resource: dict[str, Any], root: dict[str, Any], terminology: Any
    ) -> None:
        self.checker = checker
        self.defs = checker.defs
        self.resource = resource
        self.root = root
        self.struct: list[Issue] = []
        self.inv: list[Issue] = []
        self.bind: list[Issue] = []
        self.sites: list[Site] = []
        self.walk: _Walk | None = None
        self.bc = checker.bindings
        self.bm = checker.binding_memo  # (the same dict as the checker's, read by the generated code)
        self.etm = checker.ext_tree_memo
        self.terminology = terminology
        self.nobind = 0  # inside a primitive's '_x' part, which the binding checker does not enter
        self.pairs = checker.pairs  # (system, code) of Coding-shaped objects, for the binding summary
        self.umemo = checker.unknown_memo  # (system, code) -> unknown to the terminology (``unknown``)
        # calls whose verdict may depend on more than the value walked (fhirpathpy with the resource,
        # primitive constraints): a walk with any is not memoised by its shape
        self.impure = 0
        # fhirpathpy's resolve() reads the input's root and the resource's container from
        # invariants._CURRENT_ROOT; it runs only in code that asks for the root first (``_rooted``),
        # so the variable is set then, not for every resource (check_resource resets it)
        self.rooted: tuple[Any, Any] = (None, None)
        self.token: contextvars.Token[Any] | None = None
        self.urn = checker.urns  # (gtab) urn:uuid fullUrl -> R4 type of the input's entries (urn_table)

    def _rooted(self) -> None:
        """Set invariants._CURRENT_ROOT for this resource, once: before anything that may evaluate
        FHIRPath with fhirpathpy (the invariant checker's walk, the structure checker's walker)."""
        if self.token is None:
            self.token = _CURRENT_ROOT.set(self.rooted)

    def _walk(self) -> _Walk:
        if self.walk is None:
            self._rooted()
            self.walk = _Walk(self.checker.invariants, self.defs, self.resource, self.root, self.inv)
        return self.walk

    def own_constraints(self, fn: Callable[..., None], table: Any, value: dict[str, Any], at: str) -> None:
        """The resource's own constraints: ``fn``, the straight-line code of ``table`` (whose compiled
        predicates tests/validate/test_compiled.py compares with fhirpathpy's verdicts through here)."""
        fn(value, at, self)

    def slow(self, item: tuple[_Constraint, Any, str], value: dict[str, Any], at: str) -> None:
        """One constraint through the invariant checker's own code (fhirpathpy or its Python)."""
        c, _fn, base = item
        self.impure += 1
        before = len(self.inv)
        self._walk().constraint(c, value, base, at)
        if len(self.inv) > before and any(i.is_error for i in self.inv[before:]):
            raise Bail

    def fail(self, item: tuple[_Constraint, Any, str], value: dict[str, Any], at: str) -> None:
        """A compiled constraint does not hold: an error hands the resource over, a warning is kept."""
        c = item[0]
        if c.severity is Severity.ERROR:
            raise Bail
        self.inv.append(Issue(c.severity, "invariant", at, f"{c.key}: {c.human}", c.key))

    def attachment(self, value: dict[str, Any], at: str) -> None:
        """Attachment ``size``/``hash`` against ``data``, by the structure checker's own code."""
        if isinstance(value.get("data"), str) and ("size" in value or "hash" in value):
            self._rooted()
            walker = _Walker(self.defs, None)
            walker.attachment(value, at)
            if walker.issues:
                raise Bail

    def prim(self, child: _Child | None, key: str, raw: Any, loc: str) -> None:
        if child is None or not child.own:
            return
        self.impure += 1
        before = len(self.inv)
        self._walk().primitive_constraints(child.own, key, raw, loc)
        if any(i.is_error for i in self.inv[before:]):
            raise Bail

    def _binding(
        self,
        key: tuple[Any, ...],
        pairs: list[tuple[str | None, str]],
        binding: tuple[str, str],
        at: str,
        has_text: bool,
    ) -> None:
        """The binding checker's verdict on these codes (memoised: it depends on nothing else)."""
        memo = self.checker.binding_memo
        found = memo.get(key)
        if found is None:
            out: list[Issue] = []
            self.bc._check(pairs, binding, "\0", self.terminology, out, has_text=has_text)
            found = tuple(out)
            if len(memo) > 65536:
                memo.clear()
            memo[key] = found
        for issue in found:
            if issue.is_error:
                raise Bail
            self.bind.append(Issue(issue.severity, issue.code, at, issue.message, issue.rule))

    def bprim(self, code: str, binding: tuple[str, str], at: str) -> None:
        if self.nobind:
            return
        key = (binding, code)
        # a remembered verdict with nothing to say (the commonest) ends here, without _binding's call
        if self.checker.binding_memo.get(key) != ():
            self._binding(key, [(None, code)], binding, at, False)

    def bcoded(self, codings: Any, binding: tuple[str, str], at: str, has_text: bool) -> None:
        if self.nobind:
            return
        items = codings if isinstance(codings, list) else []
        pairs = [
            (c.get("system") if isinstance(c.get("system"), str) else None, c["code"])
            for c in items
            if isinstance(c, dict) and isinstance(c.get("code"), str)
        ]
        key = (binding, has_text, *pairs)
        if self.checker.binding_memo.get(key) != ():  # (as in bprim)
            self._binding(key, pairs, binding, at, has_text)

    def unknown(self, coding: dict[str, Any], at: str) -> None:
        if self.nobind:
            return
        system, code = coding.get("system"), coding.get("code")
        if not isinstance(system, str) or not isinstance(code, str):
            return  # unknown_code_issue judges string pairs only
        memo = self.checker.unknown_memo
        bad = memo.get((system, code))
        if bad is None:
            out: list[Issue] = []
            self.bc._unknown_codes([coding], at, self.terminology, out)
            bad = memo[(system, code)] = bool(out)
        if bad:
            raise Bail

    def ext(self, value: dict[str, Any], at: str, host: tuple[str, ...], modifier: bool) -> None:
        url = value.get("url")
        if not isinstance(url, str):
            raise Bail
        nested = value.get("extension")
        subs = tuple([e.get("url") for e in nested if type(e) is dict]) if type(nested) is list else ()
        # The verdict depends on the URL, the holder, a modifier context, the sub-extensions and the
        # value's type; the key (all the object's keys, in order) is finer than the last, and cheaper.
        key = (url, host, modifier, subs, tuple(value))
        memo = self.checker.ext_memo
        found = memo.get(key)
        if found is None:
            if self.checker.holder_dependent(self.defs, url):
                # a context that depends on the element holding the extension (a fhirpath context with
                # where(), a contextInvariant) is judged by the structure checker, which sees that element
                found = _HANDED_OVER
            else:
                self._rooted()
                walker = _Walker(self.defs, None)
                walker.extension(value, "\0", host, modifier)
                found = tuple(walker.issues)
            if len(memo) > 65536:
                memo.clear()
            memo[key] = found
        for issue in found:
            if issue.is_error:
                raise Bail
            self.struct.append(
                Issue(issue.severity, issue.code, at + issue.location[1:], issue.message, issue.rule)
            )

    def extension(
        self, fn: Callable[..., None], y: dict[str, Any], at: str, host: tuple[str, ...], modifier: bool
    ) -> None:
        """One extension: the generated walk of the Extension type (``fn``) and the structure checker's
        verdict on its definition and context (``ext``). Memoised by its shape (``_ext_shape``), the
        holder, the modifier flag and whether bindings are checked here: the walk reads nothing else
        of the value, so the same key gives the same issues and sites (the sites' values are found again
        in this extension by their paths). A walk that asked fhirpathpy or a primitive's constraints, or
        that handed the resource over, is not memoised."""
        key = _ext_fast_key(y, [host, modifier, self.nobind > 0])
        if key is None:
            shape = _ext_shape(y)
            if shape is not None:
                key = (host, modifier, self.nobind > 0, shape)
        if key is not None:
            found = self.etm.get(key)
            if found is not None:
                if found.issues:
                    # the issues relocated to ``at``, made once per place: converted bundles put the same
                    # extensions at the same places (an Issue is frozen, so reports may share one)
                    moved = found.moved.get(at)
                    if moved is None:
                        moved = (_moved(found.struct, at), _moved(found.inv, at), _moved(found.bind, at))
                        if len(found.moved) < _MOVED_PLACES:
                            found.moved[at] = moved
                    # (most verdicts add one or two of these: the empty ones are skipped)
                    if moved[0]:
                        self.struct += moved[0]
                    if moved[1]:
                        self.inv += moved[1]
                    if moved[2]:
                        self.bind += moved[2]
                if found.sites:
                    sites = self.sites
                    urn = self.urn
                    for loc, path, tname, info in found.sites:
                        value: Any = y
                        for step in path:  # _at_path(y, path), in line
                            value = value[step]
                        # (gtab) a Reference the input's urn table proves good is not recorded: the test
                        # of references.reference_guard, here on a replayed site (the derivation
                        # extension's valueReference on every converted resource)
                        if (
                            urn
                            and tname == "Reference"
                            and type(value) is dict
                            and "type" not in value
                            and type(rv := value.get("reference")) is str
                            and (rt := urn.get(rv)) is not None
                            and (not (tg := info.targets) or rt in tg or "Resource" in tg)
                        ):
                            continue
                        sites.append(_new_site(Site, (at + loc, value, tname, info)))
                if found.pairs:
                    self.pairs += found.pairs
                return
            marks = (len(self.struct), len(self.inv), len(self.bind), len(self.sites), len(self.pairs))
            impure = self.impure
        url = y.get("url")
        hosts = self.checker.program.ext_hosts
        ehost = hosts.get(url) if type(url) is str else None
        urn, self.urn = self.urn, NO_URNS  # (gtab) a memoised verdict holds every site: none decided here
        fn(y, at, ehost if ehost is not None else self.checker.program.ext_host(url), self)
        self.urn = urn
        self.ext(y, at, host, modifier)
        if key is not None and self.impure == impure:
            verdict = self._verdict(y, at, marks)
            if verdict is not None:
                memo = self.checker.ext_tree_memo
                if len(memo) > 65536:
                    memo.clear()
                memo[key] = verdict

    def _verdict(self, y: dict[str, Any], at: str, marks: tuple[int, ...]) -> _ExtVerdict | None:
        """What the walk of ``y`` at ``at`` added since ``marks``, relative to ``y``; None when some of it
        is not expressible so (a location outside ``at``, a site value not inside ``y``)."""
        n = len(at)
        lists: list[tuple[Issue, ...]] = []
        for mark, added in zip(marks[:3], (self.struct, self.inv, self.bind), strict=True):
            rel: list[Issue] = []
            for i in added[mark:]:
                if not i.location.startswith(at):
                    return None
                rel.append(Issue(i.severity, i.code, i.location[n:], i.message, i.rule, i.line, i.column))
            lists.append(tuple(rel))
        sites: list[tuple[str, tuple[Any, ...], str, ElementInfo]] = []
        if len(self.sites) > marks[3]:
            paths: dict[int, tuple[Any, ...]] = {}
            _object_paths(y, (), paths)
            for site in self.sites[marks[3] :]:
                path = paths.get(id(site.value))
                if path is None or not site.location.startswith(at):
                    return None
                sites.append((site.location[n:], path, site.type, site.element))
        return _ExtVerdict(lists[0], lists[1], lists[2], tuple(sites), tuple(self.pairs[marks[4] :]))

    def underscore(
        self, fn: Callable[..., None], value: dict[str, Any], at: str, host: tuple[str, ...]
    ) -> None:
        """The Element part of a primitive: its extensions' invariants and the structure below it."""
        self.nobind += 1
        try:
            fn(value, at, host, self)
        finally:
            self.nobind -= 1


class CompiledChecker:
    """Checker: the generated single walk in place of the schema, structure, invariant and binding
    checkers, which it runs (in their order) on a resource it finds not clean, and on types it has no
    function for."""

    name = "compiled"

    def holder_dependent(self, defs: Any, url: str) -> bool:
        """True when the extension's definition has a context the holding element decides (a fhirpath
        context with ``where(``, or a ``contextInvariant``); memoised per URL."""
        memo = self.holder_memo
        found = memo.get(url)
        if found is None:
            sd = defs.structure_definition(url)
            contexts = sd.get("context") if isinstance(sd, dict) else None
            found = isinstance(sd, dict) and (
                bool(sd.get("contextInvariant"))
                or any(
                    isinstance(c, dict) and c.get("type") == "fhirpath" and "(" in str(c.get("expression"))
                    for c in (contexts if isinstance(contexts, list) else [])
                )
            )
            memo[url] = found
        return found

    def __init__(
        self,
        definitions: DefinitionsProvider,
        fallback: list[Any],
        cache: WalkCache | None,
        invariants: InvariantChecker,
        bindings: BindingChecker,
        terminology: Any,
    ) -> None:
        self.defs = definitions
        self.fallback = fallback
        self.cache = cache
        self.invariants = invariants
        self.bindings = bindings
        self.terminology = terminology
        self.ext_memo: dict[tuple[Any, ...], tuple[Issue, ...]] = {}
        self.ext_tree_memo: dict[tuple[Any, ...], _ExtVerdict] = {}  # extension shape -> its walk's verdict
        self.holder_memo: dict[str, bool] = {}  # extension URL -> its context needs the holding element
        # The terminology's verdicts are pure functions of the codes asked about: asked once per process.
        self.binding_memo: dict[tuple[Any, ...], tuple[Issue, ...]] = {}
        self.unknown_memo: dict[tuple[str, str], bool] = {}
        self._program: _Program | None = None
        self._lock = threading.Lock()
        self.bails = 0
        self.fast = 0
        # Per input (reset at its first resource and after its root check): the (system, code) pairs the
        # walks collected, and those of the resources handed over to the original checkers.
        self._input: Context | None = None
        self.pairs: list[tuple[str, str]] = []
        self.own: Counter[tuple[str, str]] = Counter()
        self.urns: Mapping[str, str] = NO_URNS  # (gtab) the input's urn table (references.urn_table)
        # resource type -> (walk, its own constraints as code, the same as a table)
        self._entries: dict[str, tuple[Any, Any, Any]] = {}
        # The resources handed over to the invariant checker: its constraints through the FHIRPath
        # compiler's predicates first (fhirpathpy only where one raises Fallback or none compiles)
        self._predicates: dict[tuple[str, str], Callable[[dict[str, Any]], bool | None] | None] = {}
        invariants.predicates = self.predicate

    def predicate(self, expression: str, base: str) -> Callable[[dict[str, Any]], bool | None] | None:
        """The compiled predicate of a constraint on an element of type path ``base`` (memoised per
        checker), None when the compiler does not take it whole or its parse tree is not in the
        compiled definitions (the engine then decides, as before)."""
        key = (expression, base)
        try:
            return self._predicates[key]
        except KeyError:
            pass
        tree = cached_tree(expression) if base else None
        fn = compiled_predicate(tree, base, self.defs) if tree is not None else None
        if len(self._predicates) < 4096:
            self._predicates[key] = fn
        return fn

    @property
    def program(self) -> _Program:
        if self._program is None:
            with self._lock:
                if self._program is None:
                    program = _Program(self.defs, self.invariants.plans)
                    program.load()
                    use_stored = getattr(self.terminology, "use_stored", None)
                    if callable(use_stored):
                        use_stored(self.defs, program.code_tables, program.expansions)
                    self._program = program
        return self._program

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        rtype = resource.get("resourceType")
        fn: Any = None
        root_cons: Any = None
        if isinstance(rtype, str):
            try:
                fn, root_cons, root_table = self._entries[rtype]
            except KeyError:
                fn = self.program.entry(rtype)
                ns = self.program.ns
                root_cons = ns.get(f"{_fn(rtype, rtype)}__ROOTFN") if fn is not None else None
                root_table = ns.get(f"{_fn(rtype, rtype)}__ROOT") if fn is not None else None
                self._entries[rtype] = (fn, root_cons, root_table)
        if self._input is not ctx:  # the first resource of an input
            self._input = ctx
            self.pairs.clear()
            self.own.clear()
            self.urns = urn_table(ctx, self.cache)  # (gtab)
        if fn is not None:
            # (_container's own first test, in line: only a contained resource has another container)
            container = (_container(ctx.root, location) if ".contained[" in location else None) or resource
            run = _Run(self, resource, container, self.terminology)
            run.rooted = (ctx.root if ctx.root is not None else resource, container)
            mark = len(self.pairs)
            try:
                if root_cons is not None:
                    run.own_constraints(root_cons, root_table, resource, location)
                fn(resource, location, (rtype, "@resource"), run)
            except (Bail, Fallback):
                del self.pairs[mark:]
            except BaseException:
                del self.pairs[mark:]
                self._input = None  # the summary is then computed from the input itself
                raise
            else:
                self.fast += 1
                if self.cache is not None:
                    self.cache.sites[location] = run.sites
                if run.inv or run.bind:
                    return run.struct + run.inv + run.bind
                return run.struct  # (most resources: no new list)
            finally:
                if run.token is not None:
                    _CURRENT_ROOT.reset(run.token)
        self.bails += 1
        self.own.update(_own_codings(resource))
        out: list[Issue] = []
        for checker in self.fallback:
            out.extend(_safe_call(checker, resource, location, ctx))
        return out

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        out: list[Issue] = []
        collected = self._input is ctx
        for checker in self.fallback:
            if collected and checker is self.bindings:
                # the pairs the walks collected (and those of the resources handed over), not a new walk
                pairs = itertools.chain(self.pairs, self.own.elements())
                out.extend(self.bindings.unchecked_issues(pairs, root, ctx))
            else:
                out.extend(checker.check_root(root, ctx))
        self._input = None
        self.pairs.clear()
        self.own.clear()
        return out


def _own_codings(resource: dict[str, Any]) -> Counter[tuple[str, str]]:
    """The Coding-shaped (system, code) pairs of a resource, without those of the resources nested in it
    (the chain hands each of those to the checker on its own)."""
    own = Counter(_codings(resource))
    inside: list[str] = []  # the nested resources enclosing the current one (depth-first order)
    for nested, loc in itertools.islice(iter_resources(resource, ""), 1, None):
        while inside and not loc.startswith(inside[-1] + "."):
            inside.pop()
        if not inside:  # a direct child: its codings (its own nested ones included) are not ours
            own.subtract(_codings(nested))
        inside.append(loc)
    return +own


def _safe_call(checker: Any, resource: dict[str, Any], location: str, ctx: Context) -> list[Issue]:
    """As the chain calls a checker: a checker bug becomes a processing issue, not a lost report."""
    try:
        return list(checker.check_resource(resource, location, ctx))
    except RecursionError:
        return [Issue(Severity.ERROR, "too-costly", location, "input nested too deeply", "chain")]
    except Exception as exc:
        return [
            Issue(
                Severity.INFORMATION,
                "processing",
                location,
                f"checker '{checker.name}' failed: {type(exc).__name__}: {exc}",
                "chain",
            )
        ]


def fallback_listing(checker: CompiledChecker | None = None) -> list[tuple[str, str, str]]:
    """(constraint key, expression, why it is not compiled) for every invariant left to fhirpathpy."""
    if checker is None:
        from . import default_chain

        found = [c for c in default_chain().checkers if isinstance(c, CompiledChecker)]
        if not found:
            return []
        checker = found[0]
    program = checker.program
    return sorted((k, e, why) for (k, e), why in program.fallbacks.items())
