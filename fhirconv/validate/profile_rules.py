"""Rules a profile states through element extensions rather than ElementDefinition fields.

The profile checker (``profiles.py``) asks these for each element it walks. Each function returns
``(severity, message, rule)`` findings; nothing when the element carries no such extension or the
verdict cannot be reached locally (a value set that cannot be expanded here is never a failure).

- ``narrative-language-control`` on a Narrative (``_no``: no language sections; ``_yes``: the narrative
  is divided into sections marked with ``lang``/``xml:lang``; ``_resource``: one section for
  ``Resource.language``) — ``profile.narrative-language``;
- ``narrative-source-control`` on a Narrative: each piece of text sits inside an element whose ``class``
  says where it came from (``boilerplate``, ``generated``, ``original``, ``extensions``, ``additional``),
  reported at the severity the extension's value names — ``profile.narrative-source``;
- the R5 controls carried to R4 as ``extension-ElementDefinition.mustHaveValue`` (a primitive must have
  a value, not only extensions) and ``…valueAlternatives`` (a primitive without a value must carry one of
  the listed extensions instead) — ``profile.value-alternative``;
- additional bindings (``extension-ElementDefinition.binding.additional``, the tools pack's
  ``additional-binding``) with purpose ``required``: a code must come from that value set too —
  ``profile.binding``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from .issues import Severity

__all__ = ["additional_bindings", "duration_limit", "narrative_controls", "value_controls"]

Finding = tuple[Severity, str, str]

_LANGUAGE = "http://hl7.org/fhir/StructureDefinition/narrative-language-control"
_SOURCE = "http://hl7.org/fhir/StructureDefinition/narrative-source-control"
_MUST_HAVE_VALUE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.mustHaveValue"
_ALTERNATIVES = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives"
_ADDITIONAL = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional",
    "http://hl7.org/fhir/tools/StructureDefinition/additional-binding",
)
_SOURCE_CLASSES = frozenset({"boilerplate", "generated", "original", "extensions", "additional"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SEVERITIES = {"fatal": Severity.ERROR, "error": Severity.ERROR, "warning": Severity.WARNING}


def _values(el: dict[str, Any], url: str, key: str) -> list[Any]:
    exts = el.get("extension")
    if not isinstance(exts, list):
        return []
    return [e.get(key) for e in exts if isinstance(e, dict) and e.get("url") == url and key in e]


# -- narrative ---------------------------------------------------------------------------------------


def narrative_controls(el: dict[str, Any], narrative: Any, resource: Any) -> list[Finding]:
    """Language sections and source attribution of a Narrative the profile controls."""
    languages = [v for v in _values(el, _LANGUAGE, "valueCode") if isinstance(v, str)]
    levels = [v for v in _values(el, _SOURCE, "valueCode") if isinstance(v, str)]
    div = narrative.get("div") if isinstance(narrative, dict) else None
    if not (languages or levels) or not isinstance(div, str):
        return []
    from .structure import parse_xhtml

    root, error = parse_xhtml(div)
    if root is None or error is not None:
        return []  # the structure checker reports a narrative that does not parse
    out: list[Finding] = []
    sections = _language_sections(root)
    found = ", ".join(sections)
    for control in languages:
        if control == "_no" and sections:
            msg = f"the narrative has language sections ({found}), which the profile prohibits"
            out.append((Severity.ERROR, msg, "profile.narrative-language"))
        elif control == "_yes" and not sections:
            msg = "the narrative has no language sections, which the profile requires"
            out.append((Severity.ERROR, msg, "profile.narrative-language"))
        elif control == "_resource":
            lang = resource.get("language") if isinstance(resource, dict) else None
            if isinstance(lang, str) and lang not in sections:
                msg = (
                    f"the profile requires a narrative section for the resource language ({lang}), "
                    f"found {found or 'none'}"
                )
                out.append((Severity.ERROR, msg, "profile.narrative-language"))
    for level in levels:
        severity = _SEVERITIES.get(level, Severity.INFORMATION)
        for text in _unattributed_text(root):
            msg = (
                f"narrative text '{text[:60]}' is in no element whose class names its source "
                "(boilerplate, generated, original, extensions or additional)"
            )
            out.append((severity, msg, "profile.narrative-source"))
    return out


def _language_sections(root: Any) -> list[str]:
    """The languages of the root div's child divs marked with ``lang`` or ``xml:lang``."""
    out: list[str] = []
    for child in root:
        if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] != "div":
            continue
        lang = child.get("lang") or child.get(_XML_LANG)
        if lang and lang not in out:
            out.append(lang)
    return out


def _unattributed_text(root: Any) -> list[str]:
    """Non-blank text below the root div with no ancestor (below the root) of a source class."""
    out: list[str] = []

    def attributed(node: Any) -> bool:
        classes = str(node.get("class") or "").split()
        return any(c in _SOURCE_CLASSES for c in classes)

    def walk(node: Any, covered: bool) -> None:
        if not covered and node.text and node.text.strip():
            out.append(node.text.strip())
        for child in node:
            if isinstance(child.tag, str):
                walk(child, covered or attributed(child))
            if not covered and child.tail and child.tail.strip():
                out.append(child.tail.strip())

    walk(root, False)
    return out


# -- values --------------------------------------------------------------------------------------------


def value_controls(el: dict[str, Any], extensions: list[Any]) -> list[Finding]:
    """A primitive present by its extensions only (``extensions`` are those of its ``_x`` partner)."""
    out: list[Finding] = []
    if True in _values(el, _MUST_HAVE_VALUE, "valueBoolean"):
        msg = f"{el.get('path')} must have a value (the profile sets mustHaveValue), not only extensions"
        out.append((Severity.ERROR, msg, "profile.value-alternative"))
    alternatives = [v for v in _values(el, _ALTERNATIVES, "valueCanonical") if isinstance(v, str)]
    if alternatives:
        urls = {e.get("url") for e in extensions if isinstance(e, dict)}
        if not urls & {a.split("|")[0] for a in alternatives}:
            msg = (
                f"{el.get('path')} has no value, so the profile requires one of the extensions "
                f"{', '.join(alternatives)} in its place"
            )
            out.append((Severity.ERROR, msg, "profile.value-alternative"))
    return out


# -- additional bindings ---------------------------------------------------------------------------------


def additional_bindings(
    el: dict[str, Any], item: Any, member: Callable[[str, str | None, str], bool | None]
) -> list[Finding]:
    """Required additional bindings: some coding of ``item`` is in the value set (``member`` answers
    membership; ``None`` — cannot tell — is never a failure)."""
    binding = el.get("binding")
    exts = binding.get("extension") if isinstance(binding, dict) else None
    if not isinstance(exts, list):
        return []
    codings = _codings(item)
    if not codings:
        return []
    out: list[Finding] = []
    for ext in exts:
        if not isinstance(ext, dict) or ext.get("url") not in _ADDITIONAL:
            continue
        parts = {p.get("url"): p for p in ext.get("extension") or [] if isinstance(p, dict)}
        purpose = (parts.get("purpose") or {}).get("valueCode")
        vs = (parts.get("valueSet") or {}).get("valueCanonical")
        if purpose != "required" or not isinstance(vs, str):
            continue
        verdicts = [member(vs, system, code) for system, code in codings]
        if any(v is None for v in verdicts) or any(verdicts):
            continue
        msg = f"none of the codes is in the value set {vs}, which an additional required binding names"
        out.append((Severity.ERROR, msg, "profile.binding"))
    return out


def _codings(item: Any) -> list[tuple[str | None, str]]:
    if isinstance(item, str):
        return [(None, item)]
    if not isinstance(item, dict):
        return []
    if isinstance(item.get("code"), str) and "coding" not in item:
        system = item.get("system")
        return [(system if isinstance(system, str) else None, item["code"])]
    out: list[tuple[str | None, str]] = []
    for c in item.get("coding") or []:
        if isinstance(c, dict) and isinstance(c.get("code"), str):
            system = c.get("system")
            out.append((system if isinstance(system, str) else None, c["code"]))
    return out


# -- limits relative to the day of validation -------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DAYS = {"d": 1, "wk": 7}


def _shift(day: date, value: float, code: str) -> date | None:
    """``day`` moved by a UCUM duration (years and months by the calendar, the rest by days)."""
    if code in ("a", "mo"):
        months = round(value * (12 if code == "a" else 1))
        y, m = divmod(day.month - 1 + months, 12)
        year, month = day.year + y, m + 1
        for d in (day.day, 30, 29, 28):
            try:
                return date(year, month, min(d, day.day))
            except ValueError:
                continue
        return None
    if code in _DAYS:
        return day + timedelta(days=value * _DAYS[code])
    if code in ("h", "min", "s"):
        return day  # below a day: the date alone cannot tell
    return None


def duration_limit(item: Any, bound: Any, kind: str, today: date) -> str | None:
    """What is wrong with a date against ``minValueDuration``/``maxValueDuration`` (how long before/after
    the day of validation it may be), or None (within, or not comparable)."""
    if not isinstance(item, str) or not isinstance(bound, dict):
        return None
    value, code = bound.get("value"), bound.get("code")
    m = _DATE.match(item)
    if m is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not isinstance(code, str):
        return None
    limit = _shift(today, -float(value) if kind == "min" else float(value), code)
    if limit is None:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    # the earliest and latest day a partial date can mean: a violation only when all of it violates
    try:
        first = date(year, int(month or 1), int(day or 1))
        end_month = int(month or 12)
        after = date(year + end_month // 12, end_month % 12 + 1, 1)
        last = date(year, end_month, int(day)) if day else after - timedelta(days=1)
    except ValueError:
        return None  # not a calendar date: the structure checker's finding
    shown = f"{value} {bound.get('unit') or code}"
    if kind == "min" and last < limit:
        return f"is more than {shown} before the day of validation ({today.isoformat()})"
    if kind == "max" and first > limit:
        return f"is more than {shown} after the day of validation ({today.isoformat()})"
    return None
