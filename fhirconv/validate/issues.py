"""The one finding type of the validation chain, and its OperationOutcome form.

Every checker yields :class:`Issue`; a :class:`Report` gathers them for one input. Locations are
FHIRPath-like paths from the input's root (``Bundle.entry[3].resource.status``), as HL7's validator
reports them, so CI annotations point at the exact element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["COL_EXT", "LINE_EXT", "Issue", "Report", "Severity"]

LINE_EXT = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line"
COL_EXT = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col"


class Severity(StrEnum):
    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.FATAL: 3, Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFORMATION: 0}
"""Severity.rank without building a dict per call (every rendered report sorts its issues by it)."""
_ERRORISH = (Severity.ERROR, Severity.FATAL)


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding.

    ``code`` is an OperationOutcome ``IssueType`` code (``required``, ``structure``, ``invariant``,
    ``code-invalid``, ``value``, ``not-found``, ``not-supported``, ``invalid``, ``processing``,
    ``informational`` ...). ``rule`` names what fired (``schema``, ``cardinality``, ``obs-6``,
    ``binding``, ``reference``, ``lint.empty-system`` ...) so users can filter and docs can explain.
    """

    severity: Severity
    code: str
    location: str
    message: str
    rule: str | None = None
    line: int | None = None  # 1-based, where the element's value starts in the input text
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity in _ERRORISH

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity.value,
            "code": self.code,
            "diagnostics": self.message,
            "expression": [self.location],
        }
        if self.line is not None and self.column is not None:
            # as the HL7 validator writes them: extensions, and a second location "Line[l] Col[c]"
            out = {
                "extension": [
                    {"url": LINE_EXT, "valueInteger": self.line},
                    {"url": COL_EXT, "valueInteger": self.column},
                ],
                **out,
                "location": [self.location, f"Line[{self.line}] Col[{self.column}]"],
            }
        if self.rule:
            out["details"] = {
                "coding": [{"system": "urn:fhirconv:rule", "code": self.rule}],
                "text": self.rule,
            }
        return out


@dataclass(slots=True)
class Report:
    source: str
    issues: list[Issue] = field(default_factory=list)
    resource_count: int = 0
    artifact: str | None = None  # the file this report is about (``source`` of an NDJSON line is file:n)
    # Maps locations to (line, column) when asked: scanning the text again costs time, so it is done only
    # for reports someone renders (``locate``), and the text is dropped afterwards.
    locator: Callable[[], Mapping[str, tuple[int, int]]] | None = field(default=None, repr=False)

    def locate(self) -> Report:
        """Fill in ``line``/``column`` of the issues from the input text (once; a no-op without it)."""
        locator, self.locator = self.locator, None
        if locator is None or not self.issues:
            return self
        from .positions import JsonSyntaxError, locate_issues

        try:
            positions = locator()
        except (JsonSyntaxError, ValueError, RecursionError):
            return self  # the text was parsed already; a scanner disagreement costs positions only
        self.issues = locate_issues(self.issues, positions)
        return self

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        # Issue.is_error without a property call per issue: the gate asks this of every converted bundle
        return [i for i in self.issues if i.severity in _ERRORISH]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted_issues(self) -> list[Issue]:
        rank = _RANK
        return sorted(self.issues, key=lambda i: (-rank[i.severity], i.location, i.rule or "", i.message))

    def to_operation_outcome(self) -> dict[str, Any]:
        issues = [i.to_json() for i in self.sorted_issues()]
        if not issues:
            issues = [{"severity": "information", "code": "informational", "diagnostics": "No issues found."}]
        return {"resourceType": "OperationOutcome", "issue": issues}
