"""``fhirconv validate --format json`` writes its text directly (``_outcomes_text``) instead of building
each report's OperationOutcome value and dumping it: the text must be exactly ``json.dumps(value,
indent=2, ensure_ascii=False)`` of the value the general way builds, for the reports of the shared
official examples and validator test cases (one report and several), and for issues whose strings need
every kind of escape; anything not plain goes the general way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import shared_json_files

from fhirconv.cli import validate as cli
from fhirconv.validate import validate_paths
from fhirconv.validate.issues import Issue, Report, Severity


def _general(reports: list[Any]) -> str:
    """The value the general way builds, written by json itself."""
    return json.dumps(cli.outcomes_value(reports), indent=2, ensure_ascii=False) + "\n"


def test_shared_reports_are_written_as_json_writes_them() -> None:
    reports = [r.locate() for r in validate_paths([str(p) for p in shared_json_files()])]
    assert sum(len(r.issues) for r in reports) > 2000
    assert sum(i.line is not None for r in reports for i in r.issues) > 1000  # with positions
    assert any(not r.issues for r in reports)  # "No issues found."
    direct = cli._outcomes_text(reports)
    assert direct is not None
    assert direct == _general(reports)
    assert cli.render(reports, "json") == direct
    for r in reports[::7]:
        one = cli._outcomes_text([r])
        assert one is not None
        assert one == _general([r])


_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=8) | st.sampled_from(
    ["", "\x00\x1f\x7f", "\b\f\n\r\t", '"\\/', "\u2028\u2029", "\ud800", "\U0001f600", "é", "Line[1]"]
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Severity)),
            _TEXT,
            _TEXT,
            _TEXT,
            st.none() | _TEXT,
            st.none() | st.integers(min_value=-(2**70), max_value=2**70),
            st.none() | st.integers(min_value=0, max_value=10**6),
        ),
        max_size=5,
    ),
    st.lists(_TEXT, min_size=1, max_size=3),
)
def test_drawn_issues_are_written_as_json_writes_them(
    fields: list[tuple[Any, ...]], sources: list[str]
) -> None:
    issues = [Issue(s, c, loc, m, r, line=ln, column=col) for s, c, loc, m, r, ln, col in fields]
    reports = [Report(src, list(issues)) for src in sources]
    assert cli._outcomes_text(reports) == _general(reports)


class _Odd(str):
    pass


@pytest.mark.parametrize(
    "issue",
    [
        Issue(Severity.ERROR, "x", "R.a", "m", "r", line=True, column=2),
        Issue(Severity.ERROR, "x", "R.a", "m", "r", line=1.0, column=2),  # type: ignore[arg-type]
        Issue(Severity.ERROR, _Odd("x"), "R.a", "m", "r"),
        Issue(Severity.ERROR, "x", "R.a", "m", 0),  # type: ignore[arg-type]
        Issue("error", "x", "R.a", "m", "r"),  # type: ignore[arg-type]
    ],
)
def test_anything_not_plain_goes_the_general_way(issue: Issue) -> None:
    assert cli._outcomes_text([Report("a.json", [issue])]) is None
    try:
        expected: str | None = _general([Report("a.json", [issue])])
    except (TypeError, ValueError, AttributeError):
        expected = None
    try:
        ours: str | None = cli.render([Report("a.json", [issue])], "json")
    except (TypeError, ValueError, AttributeError):
        ours = None
    assert ours == expected


def test_severity_text_read_without_the_enum_property() -> None:
    """The renderers read ``severity._value_`` (an attribute) for ``severity.value`` (a property of the
    enum, ~6x the time per read): the same object for every severity."""
    for severity in Severity:
        assert severity._value_ is severity.value
