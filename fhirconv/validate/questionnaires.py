"""QuestionnaireResponse against its Questionnaire: known linkIds, and no answers to disabled items.

The Questionnaire is found by the response's ``questionnaire`` canonical: a contained one (``#id``), one
in the same Bundle (by ``url``), or one a loaded package ships. Without it nothing is said. Rules, as the
HL7 validator applies them:

- ``questionnaire.linkid``: every response item's ``linkId`` is an item of the Questionnaire at that level;
- ``questionnaire.enable-when`` on a Questionnaire: an item enabled by a question nested inside it;
- ``questionnaire.enable-when`` on a response: an item whose ``enableWhen`` conditions (``exists``,
  ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` on the answers given to the question they name, in the
  innermost enclosing item that has it, i.e. the same instance of a repeating group; ``enableBehavior``
  all/any), or whose FHIRPath enableWhen expression (SDC ``enableWhenExpression``, the Finnish PHR
  extension the HL7 validator also reads), is not met carries no answers;
- ``questionnaire.required``: in a ``completed`` or ``amended`` response, an enabled required item is
  present and answered (a group through its items);
- ``questionnaire.type``: the ``questionnaire`` canonical names no ValueSet, CodeSystem or
  StructureDefinition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .issues import Issue, Severity
from .protocols import Context

__all__ = ["QuestionnaireChecker"]


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


class QuestionnaireChecker:
    name = "questionnaires"
    resource_types = frozenset({"Questionnaire", "QuestionnaireResponse"})  # what check_resource reads

    def check_root(self, root: dict[str, Any], ctx: Context) -> Iterable[Issue]:
        return []

    def check_resource(self, resource: dict[str, Any], location: str, ctx: Context) -> Iterable[Issue]:
        if resource.get("resourceType") == "Questionnaire":
            return list(_inner_enable_when(_list(resource.get("item")), f"{location}.item"))
        if resource.get("resourceType") != "QuestionnaireResponse":
            return []
        canonical = resource.get("questionnaire")
        if not isinstance(canonical, str):
            return []
        q = self._find(canonical, resource, ctx)
        if q is None:
            other = _other_kind(canonical, ctx)
            if other is None:
                return []
            msg = f"questionnaire '{canonical}' is a {other}, not a Questionnaire"
            return [Issue(Severity.ERROR, "invalid", f"{location}.questionnaire", msg, "questionnaire.type")]
        out: list[Issue] = []
        walk = _ResponseWalk(resource, resource.get("status") in ("completed", "amended"), out)
        walk.items(_list(resource.get("item")), _list(q.get("item")), f"{location}.item", [resource])
        walk.missing(_list(q.get("item")), _list(resource.get("item")), location, [resource])
        return out

    @staticmethod
    def _find(canonical: str, resource: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
        url = canonical.split("|")[0]
        if url.startswith("#"):
            for c in _list(resource.get("contained")):
                if (
                    isinstance(c, dict)
                    and c.get("resourceType") == "Questionnaire"
                    and c.get("id") == url[1:]
                ):
                    return c
            return None
        root = ctx.root
        if isinstance(root, dict) and root.get("resourceType") == "Bundle":
            for e in _list(root.get("entry")):
                r = e.get("resource") if isinstance(e, dict) else None
                if isinstance(r, dict) and r.get("resourceType") == "Questionnaire" and r.get("url") == url:
                    return r
        lookup = getattr(ctx.definitions, "questionnaire", None)
        found: dict[str, Any] | None = lookup(url) if callable(lookup) else None
        return found


class _ResponseWalk:
    """One response against its questionnaire. ``scopes`` are the response nodes around an item, the
    response first: an enableWhen question is answered in the innermost of them that has it (the same
    instance of a repeating group), as the HL7 validator looks it up."""

    def __init__(self, response: dict[str, Any], final: bool, out: list[Issue]) -> None:
        self.response = response
        self.final = final  # completed/amended: required items must be answered
        self.out = out

    def issue(self, at: str, message: str, rule: str, code: str = "business-rule") -> None:
        self.out.append(Issue(Severity.ERROR, code, at, message, rule))

    def enabled(self, d: dict[str, Any], scopes: list[dict[str, Any]]) -> bool | None:
        expression = _enable_expression(d)
        if expression is not None:
            return _evaluate(expression, self.response)
        if not d.get("enableWhen"):
            return True
        return _enabled(d, lambda q: _scoped_answers(q, scopes))

    def items(self, items: list[Any], defs: list[Any], loc: str, scopes: list[dict[str, Any]]) -> None:
        by_link = {d.get("linkId"): d for d in defs if isinstance(d, dict)}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            at = f"{loc}[{i}]"
            link = item.get("linkId")
            d = by_link.get(link)
            if d is None:
                msg = f"linkId '{link}' is not an item of the questionnaire at this level"
                self.issue(f"{at}.linkId", msg, "questionnaire.linkid", "structure")
                continue
            inner = [*scopes, item]
            if item.get("answer") and self.enabled(d, scopes) is False:
                msg = f"item '{link}' has answers although its enableWhen conditions are not met"
                self.issue(f"{at}.answer", msg, "questionnaire.enable-when")
            elif (
                self.final and d.get("required") is True and _unanswered(item, d) and self.enabled(d, scopes)
            ):
                self.issue(at, f"required item '{link}' has no answer", "questionnaire.required")
            self.items(_list(item.get("item")), _list(d.get("item")), f"{at}.item", inner)
            for j, ans in enumerate(_list(item.get("answer"))):
                if isinstance(ans, dict) and ans.get("item"):
                    self.items(_list(ans["item"]), _list(d.get("item")), f"{at}.answer[{j}].item", inner)
            if d.get("type") == "group" or item.get("item") or item.get("answer"):
                # the children of a question may sit under its answers; either place counts
                self.missing(_list(d.get("item")), _list(item.get("item")) + _answer_items(item), at, inner)

    def missing(self, defs: list[Any], given: list[Any], holder: str, scopes: list[dict[str, Any]]) -> None:
        """Required items that are enabled but absent (completed and amended responses only)."""
        if not self.final:
            return
        present = {x.get("linkId") for x in given if isinstance(x, dict)}
        for d in defs:
            if not isinstance(d, dict) or d.get("required") is not True or d.get("linkId") in present:
                continue
            if d.get("type") == "display" or self.enabled(d, scopes) is not True:
                continue
            self.issue(holder, f"required item '{d.get('linkId')}' is missing", "questionnaire.required")


def _other_kind(canonical: str, ctx: Context) -> str | None:
    """The kind of conformance resource a canonical names when it is no Questionnaire."""
    url = canonical.split("|")[0]
    if url.startswith("#"):
        return None
    defs = ctx.definitions
    for kind, lookup in (
        ("ValueSet", defs.value_set),
        ("CodeSystem", defs.code_system),
        ("StructureDefinition", defs.structure_definition),
    ):
        if "/" in url and lookup(url) is not None:
            return kind
    return None


def _unanswered(item: dict[str, Any], d: dict[str, Any]) -> bool:
    if d.get("type") in ("group", "display"):
        return False  # a group is answered through its items, which are checked in their turn
    return not _list(item.get("answer"))


_ENABLE_EXPRESSIONS = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
    "http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen",
)


def _enable_expression(d: dict[str, Any]) -> str | None:
    """A FHIRPath enableWhen (SDC's ``enableWhenExpression``, or the Finnish PHR extension the HL7
    validator also reads) that replaces the ``enableWhen`` conditions."""
    for ext in _list(d.get("extension")):
        if not isinstance(ext, dict) or ext.get("url") not in _ENABLE_EXPRESSIONS:
            continue
        value = ext.get("valueExpression")
        if isinstance(value, dict) and value.get("language") == "text/fhirpath":
            value = value.get("expression")
        value = ext.get("valueString", value)
        if isinstance(value, str):
            return value
    return None


def _evaluate(expression: str, response: dict[str, Any]) -> bool | None:
    """The expression's verdict on the response: true, false, or None when it cannot be evaluated."""
    try:
        from fhirpathpy import evaluate
        from fhirpathpy.models import models

        env = {"resource": response, "rootResource": response, "context": response}
        result = evaluate(response, expression, env, models["r4"])
    except Exception:  # an expression fhirpathpy cannot evaluate is not judged
        return None
    if result == [True]:
        return True
    if result in ([False], []):
        return False
    return None


def _scoped_answers(question: str, scopes: list[dict[str, Any]]) -> list[Any]:
    for scope in reversed(scopes):
        found = _answers_by_link(_list(scope.get("item")) + _answer_items(scope)).get(question)
        if found is not None:
            return found
    return []


def _answer_items(node: dict[str, Any]) -> list[Any]:
    return [x for a in _list(node.get("answer")) if isinstance(a, dict) for x in _list(a.get("item"))]


def _inner_enable_when(items: list[Any], loc: str) -> Iterator[Issue]:
    """An item cannot be enabled by a question nested inside it (it could never be answered first)."""
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        at = f"{loc}[{i}]"
        inner = {d.get("linkId") for d in _walk(_list(item.get("item")))}
        for j, cond in enumerate(_list(item.get("enableWhen"))):
            if isinstance(cond, dict) and cond.get("question") in inner:
                yield Issue(
                    Severity.ERROR,
                    "business-rule",
                    f"{at}.enableWhen[{j}].question",
                    f"item '{item.get('linkId')}' is enabled by '{cond.get('question')}', "
                    "a question inside it",
                    "questionnaire.enable-when",
                )
        yield from _inner_enable_when(_list(item.get("item")), f"{at}.item")


def _walk(items: list[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from _walk(_list(item.get("item")))
            for ans in _list(item.get("answer")):
                if isinstance(ans, dict):
                    yield from _walk(_list(ans.get("item")))


def _answers_by_link(items: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in _walk(items):
        link = item.get("linkId")
        if isinstance(link, str):
            for ans in _list(item.get("answer")):
                if isinstance(ans, dict):
                    value = next((v for k, v in ans.items() if k.startswith("value")), None)
                    out.setdefault(link, []).append(value)
    return out


def _value(condition: dict[str, Any]) -> Any:
    return next((v for k, v in condition.items() if k.startswith("answer")), None)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        if "code" in b or "code" in a:
            return bool(
                a.get("code") == b.get("code") and (not b.get("system") or a.get("system") == b.get("system"))
            )
        return a.get("value") == b.get("value")
    return bool(a == b)


def _condition(cond: dict[str, Any], answers: Callable[[str], list[Any]]) -> bool | None:
    given = answers(str(cond.get("question")))
    op, want = cond.get("operator"), _value(cond)
    if op == "exists":
        return bool(given) == (want is True)
    if op == "=":
        return any(_same(g, want) for g in given)
    if op == "!=":
        return bool(given) and not any(_same(g, want) for g in given)
    if op in ("<", "<=", ">", ">="):
        nums = [(g.get("value") if isinstance(g, dict) else g) for g in given]
        w = want.get("value") if isinstance(want, dict) else want
        try:
            ok = [
                {"<": x < w, "<=": x <= w, ">": x > w, ">=": x >= w}[str(op)] for x in nums if x is not None
            ]
        except TypeError:
            return None
        return any(ok)
    return None


def _enabled(d: dict[str, Any], answers: Callable[[str], list[Any]]) -> bool | None:
    results = [_condition(c, answers) for c in _list(d.get("enableWhen")) if isinstance(c, dict)]
    if any(r is None for r in results):
        return None
    if d.get("enableBehavior") == "all":
        return all(results)
    return any(results)
