"""QuestionnaireResponse against its Questionnaire: known linkIds, and no answers to disabled items.

The Questionnaire is found by the response's ``questionnaire`` canonical: a contained one (``#id``), one
in the same Bundle (by ``url``), or one a loaded package ships. Without it nothing is said. Rules, as the
HL7 validator applies them:

- ``questionnaire.linkid``: every response item's ``linkId`` is an item of the Questionnaire at that level;
- ``questionnaire.enable-when`` on a Questionnaire: an item enabled by a question nested inside it;
- ``questionnaire.enable-when`` on a response: an item whose ``enableWhen`` conditions (``exists``,
  ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` on the answers given to the question they name;
  ``enableBehavior`` all/any) are not met carries no answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .issues import Issue, Severity
from .protocols import Context

__all__ = ["QuestionnaireChecker"]


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


class QuestionnaireChecker:
    name = "questionnaires"

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
            return []
        out: list[Issue] = []
        answers = _answers_by_link(_list(resource.get("item")))
        self._items(_list(resource.get("item")), _list(q.get("item")), f"{location}.item", answers, out)
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

    def _items(
        self,
        items: list[Any],
        defs: list[Any],
        loc: str,
        answers: dict[str, list[Any]],
        out: list[Issue],
    ) -> None:
        by_link = {d.get("linkId"): d for d in defs if isinstance(d, dict)}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            at = f"{loc}[{i}]"
            link = item.get("linkId")
            d = by_link.get(link)
            if d is None:
                out.append(
                    Issue(
                        Severity.ERROR,
                        "structure",
                        f"{at}.linkId",
                        f"linkId '{link}' is not an item of the questionnaire at this level",
                        "questionnaire.linkid",
                    )
                )
                continue
            if d.get("enableWhen") and item.get("answer") and _enabled(d, answers) is False:
                out.append(
                    Issue(
                        Severity.ERROR,
                        "business-rule",
                        f"{at}.answer",
                        f"item '{link}' has answers although its enableWhen conditions are not met",
                        "questionnaire.enable-when",
                    )
                )
            self._items(_list(item.get("item")), _list(d.get("item")), f"{at}.item", answers, out)
            for j, ans in enumerate(_list(item.get("answer"))):
                if isinstance(ans, dict) and ans.get("item"):
                    self._items(
                        _list(ans["item"]), _list(d.get("item")), f"{at}.answer[{j}].item", answers, out
                    )


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


def _condition(cond: dict[str, Any], answers: dict[str, list[Any]]) -> bool | None:
    given = answers.get(str(cond.get("question")), [])
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


def _enabled(d: dict[str, Any], answers: dict[str, list[Any]]) -> bool | None:
    results = [_condition(c, answers) for c in _list(d.get("enableWhen")) if isinstance(c, dict)]
    if any(r is None for r in results):
        return None
    if d.get("enableBehavior") == "all":
        return all(results)
    return any(results)
