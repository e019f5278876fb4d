"""`fhirconv validate`: R4 validation for people (text) and CI (json, junit, sarif, github)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FhirconvError
from ._common import DefinitionsProgress, describe, err_console, escape, primitive_patterns, setup_done

FORMATS = ("text", "json", "junit", "sarif", "github")


def _indented(value: Any, *, plain: bool = False) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, written by orjson when that is provably the
    same text. With ``indent`` json falls back to its Python encoder (~80 ms for the reports of the 527
    R4 examples); orjson lays out an indented value exactly as it does (two spaces, ``": "``, ``[]`` and
    ``{}`` for empty containers), so the texts are equal when every token is.

    ``plain`` (the caller's promise, see :func:`_plain`): every key is an exact ``str`` and every leaf an
    exact ``str``, ``int`` or ``None``. Then the tokens are equal without comparing: orjson escapes every
    character of a string as json does with ``ensure_ascii=False`` (the tests check every code point),
    refuses lone surrogates and integers beyond 64 bits (then json writes it), and writes other integers
    and ``null`` alike. Otherwise the compact forms, from json's C encoder and orjson, are compared
    (floats, subclasses and anything orjson writes differently or refuses show there); on any
    difference or error json writes it, as before."""
    import orjson

    try:
        if plain:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        compact = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if orjson.dumps(value) == compact:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except Exception:  # json below says what is wrong, as it did
        pass
    return json.dumps(value, indent=2, ensure_ascii=False)


_PLAIN = frozenset((str, int, type(None)))


def _plain(reports: list[Any]) -> bool:
    """Whether every value the JSON and SARIF forms take from the reports (sources, artifacts, issue
    fields) is an exact ``str``, ``int`` or ``None``: the rest of those forms is literal keys and strings
    built here, so then :func:`_indented` may trust orjson's text."""
    kinds = {type(r.source) for r in reports}
    kinds.update(type(getattr(r, "artifact", None)) for r in reports)
    for r in reports:
        for i in r.issues:
            kinds.update(
                (type(i.severity._value_), type(i.code), type(i.location), type(i.message), type(i.rule))
            )
            kinds.update((type(i.line), type(i.column)))
    return kinds <= _PLAIN


class _NotPlain(Exception):
    """A report or issue the direct writer leaves to the general way (see :func:`_outcomes_text`)."""


def _issue_writer(pad: int) -> Any:
    """A function writing the JSON text of each issue's ``Issue.to_json()`` as ``json.dumps(indent=2,
    ensure_ascii=False)`` lays it out as an item of a list whose items are indented by ``pad`` spaces:
    each string by json's own string encoder, each int by ``int.__repr__`` (what json writes for an
    exact int). It raises :class:`_NotPlain` for an issue that is no exact :class:`Issue`, or a field
    that is no exact ``str`` (``int`` for line and column; ``None`` where ``to_json`` allows it): those
    go the general way. The parts between the fields are laid out once per writer (one per render),
    not per report."""
    from json.encoder import encode_basestring as quote  # json's string token with ensure_ascii=False

    from ..validate.issues import COL_EXT, LINE_EXT, Issue, Severity

    i0, i1, i2, i3, i4 = (" " * (pad + 2 * k) for k in range(5))
    # the parts between the fields, for this indentation (the layout json.dumps gives to_json's dict)
    n1, n2 = ",\n" + i1, "\n" + i2
    open_ext = f'{i0}{{\n{i1}"extension": [\n{i2}{{\n{i3}"url": {quote(LINE_EXT)},\n{i3}"valueInteger": '
    mid_ext = f'\n{i2}}},\n{i2}{{\n{i3}"url": {quote(COL_EXT)},\n{i3}"valueInteger": '
    close_ext = f'\n{i2}}}\n{i1}]{n1}"severity": '
    open_plain = f'{i0}{{\n{i1}"severity": '
    rule_head = (
        f'{n1}"details": {{\n{i2}"coding": [\n{i3}{{\n{i4}"system": "urn:fhirconv:rule",\n{i4}"code": '
    )
    rule_mid = f'\n{i3}}}\n{i2}],\n{i2}"text": '
    rule_tail = f"\n{i1}}}\n{i0}}}"
    plain_tail = f"\n{i0}}}"
    nothing = (
        f'{i0}{{\n{i1}"severity": "information",\n{i1}"code": "informational",\n'
        f'{i1}"diagnostics": "No issues found."\n{i0}}}'
    )
    # the reports' issues share few severities, codes and rules: the text between the severity and the
    # message is laid out once per (severity, code), the text after the location once per rule
    middles: dict[tuple[Any, str], str] = {}
    tails: dict[str, str] = {"": plain_tail}

    def write(issues: list[Any]) -> list[str]:
        out = []
        for issue in issues:
            severity, code = issue.severity, issue.code
            if type(issue) is not Issue or type(severity) is not Severity or type(code) is not str:
                raise _NotPlain
            middle = middles.get((severity, code))
            if middle is None:
                middle = middles[severity, code] = f'{quote(severity._value_)}{n1}"code": {quote(code)}'
            location, message, rule = issue.location, issue.message, issue.rule
            if type(location) is not str or type(message) is not str:
                raise _NotPlain
            if rule is None:
                tail = plain_tail
            elif type(rule) is not str:
                raise _NotPlain
            else:
                known = tails.get(rule)
                if known is None:
                    name = quote(rule)
                    known = tails[rule] = f"{rule_head}{name}{rule_mid}{name}{rule_tail}"
                tail = known
            loc = quote(location)
            line, column = issue.line, issue.column
            if line is not None and column is not None:
                if type(line) is not int or type(column) is not int:
                    raise _NotPlain
                ln, col = int.__repr__(line), int.__repr__(column)
                out.append(
                    f'{open_ext}{ln}{mid_ext}{col}{close_ext}{middle}{n1}"diagnostics": {quote(message)}'
                    f'{n1}"expression": [{n2}{loc}\n{i1}]{n1}"location": [{n2}{loc},{n2}"Line[{ln}] '
                    f'Col[{col}]"\n{i1}]{tail}'
                )
            else:
                out.append(
                    f'{open_plain}{middle}{n1}"diagnostics": {quote(message)}{n1}"expression": '
                    f"[{n2}{loc}\n{i1}]{tail}"
                )
        return out or [nothing]

    return write


def _outcomes_text(reports: list[Any]) -> str | None:
    """The ``--format json`` text written directly: exactly ``json.dumps(value, indent=2,
    ensure_ascii=False)`` of the value the general way builds (each report's
    ``to_operation_outcome()``, several in a collection Bundle), without building that value: a dict
    per issue, per extension and per coding, then orjson's text of them, cost about as much as
    validating did (and fed the cyclic collector). None for no report or when anything is not plain
    (a subclass of Report or Issue, a field of another type, an error): then the general way writes,
    or raises, as before."""
    from json.encoder import encode_basestring as quote

    from ..validate.issues import Report

    try:
        if not reports or any(type(r) is not Report for r in reports):
            return None
        if len(reports) == 1:
            items = _issue_writer(4)(reports[0].sorted_issues())
            return (
                '{\n  "resourceType": "OperationOutcome",\n  "issue": [\n' + ",\n".join(items) + "\n  ]\n}\n"
            )
        parts = []
        write = _issue_writer(10)
        for r in reports:
            if type(r.source) is not str:
                return None
            items = write(r.sorted_issues())
            parts.append(
                '    {\n      "resource": {\n        "resourceType": "OperationOutcome",\n'
                '        "issue": [\n' + ",\n".join(items) + "\n        ],\n"
                '        "extension": [\n          {\n            "url": "urn:fhirconv:source",\n'
                f'            "valueString": {quote(r.source)}\n          }}\n        ]\n      }}\n    }}'
            )
        return (
            '{\n  "resourceType": "Bundle",\n  "type": "collection",\n  "entry": [\n'
            + ",\n".join(parts)
            + "\n  ]\n}\n"
        )
    except Exception:  # the general way says (or raises) what it always did
        return None


def outcomes_value(reports: list[Any]) -> dict[str, Any]:
    """What ``--format json`` writes, as a value: one report's OperationOutcome, or a collection Bundle
    of them, each naming its source (the direct writer, ``_outcomes_text``, lays out the same)."""
    outcomes: list[dict[str, Any]] = [r.to_operation_outcome() for r in reports]
    if len(outcomes) == 1:
        return outcomes[0]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {**oo, "extension": [{"url": "urn:fhirconv:source", "valueString": r.source}]}}
            for r, oo in zip(reports, outcomes, strict=True)
        ],
    }


def render(reports: list[Any], fmt: str) -> str:
    """The chosen output format for a list of Reports (pure, so tests can check it directly)."""
    for r in reports:
        r.locate()  # line/column from the input text (a no-op once done)
    if fmt == "json":
        written = _outcomes_text(reports)
        if written is not None:
            return written
        return _indented(outcomes_value(reports), plain=_plain(reports)) + "\n"
    if fmt == "junit":
        return _junit(reports)
    if fmt == "sarif":
        return _indented(_sarif(reports), plain=_plain(reports)) + "\n"
    if fmt == "github":
        return _github(reports)
    return _text(reports)


_SHOWN_SEVERITIES: dict[str, frozenset[str]] = {
    "text": frozenset(("fatal", "error", "warning")),  # information messages are only counted
    "junit": frozenset(("fatal", "error")),  # a failure lists the errors
}
"""Per format that does not show every issue's line and column: the severities of those it shows."""


def locate_for(report: Any, fmt: str) -> Any:
    """``report.locate()`` as far as ``fmt`` shows it: the line and column of the issues ``fmt`` prints
    with their position (text: no information message; junit: errors only), every issue's for the other
    formats. The rendered text is the same as after ``report.locate()`` (the positions of the issues it
    leaves out are never written), and the input text is dropped all the same; a report of 60 findings,
    50 of them information messages, is located for 10."""
    shown = _SHOWN_SEVERITIES.get(fmt)
    issues = report.issues
    if shown is None or report.locator is None:
        return report.locate()
    wanted = [i for i in issues if i.severity._value_ in shown]
    if len(wanted) == len(issues):
        return report.locate()
    if not wanted:
        report.locator = None
        return report
    report.issues = wanted
    report.locate()
    located = iter(report.issues)
    report.issues = [next(located) if i.severity._value_ in shown else i for i in issues]
    return report


def _where(issue: Any) -> str:
    """``location`` and, when known, ``(line:column)``."""
    if issue.line is None:
        return str(issue.location)
    return f"{issue.location} ({issue.line}:{issue.column})"


def _text(reports: list[Any]) -> str:
    out: list[str] = []
    for r in reports:
        e, w = len(r.errors), len(r.warnings)
        verdict = "FAIL" if e else "ok"
        out.append(f"{r.source}: {verdict} ({r.resource_count} resources, {e} errors, {w} warnings)")
        for i in r.sorted_issues():
            if i.severity._value_ == "information":
                continue
            out.append(f"  {i.severity._value_:<7} {_where(i)}: {i.message} [{i.rule}]")
        infos = [i for i in r.issues if i.severity._value_ == "information"]
        if infos:
            out.append(f"  ({len(infos)} information messages; --format json lists them)")
    return "\n".join(out) + "\n"


def _artifact(report: Any) -> str:
    """The file a report is about (an NDJSON line's report names its line: ``file.ndjson:3``)."""
    return str(getattr(report, "artifact", None) or report.source)


def _github_escape(text: str, *, prop: bool = False) -> str:
    """Workflow-command escaping (actions/toolkit ``escapeData`` / ``escapeProperty``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(reports: list[Any]) -> str:
    lines = []
    for r in reports:
        for i in r.sorted_issues():
            kind = {"fatal": "error", "error": "error", "warning": "warning"}.get(
                i.severity._value_, "notice"
            )
            props = [f"file={_github_escape(_artifact(r), prop=True)}"]
            if i.line is not None:
                props += [f"line={i.line}", f"col={i.column}"]
            props.append(f"title={_github_escape(f'fhirconv {i.rule or i.code}', prop=True)}")
            msg = _github_escape(f"{i.location}: {i.message} [{i.rule}]")
            lines.append(f"::{kind} {','.join(props)}::{msg}")
    return "\n".join(lines) + ("\n" if lines else "")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry control characters (even escaped) or lone surrogates: show them as U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _junit(reports: list[Any]) -> str:
    """JUnit XML built with an XML writer (so any value in a message stays well-formed)."""
    from xml.etree import ElementTree as ET

    failures = sum(1 for r in reports if not r.ok)
    counts = {"name": "fhirconv validate", "tests": str(len(reports)), "failures": str(failures)}
    root = ET.Element("testsuites", counts)
    suite = ET.SubElement(root, "testsuite", counts)
    for r in reports:
        case = ET.SubElement(
            suite, "testcase", {"classname": "fhirconv.validate", "name": _xml_text(r.source)}
        )
        if not r.ok:
            body = "\n".join(f"{_where(i)}: {i.message} [{i.rule}]" for i in r.errors)
            failure = ET.SubElement(case, "failure", {"message": f"{len(r.errors)} errors", "type": "fhir"})
            failure.text = _xml_text(body)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ['<?xml version="1.0" encoding="UTF-8"?>\n', "\n"]
    )


def _sarif_uri(name: str) -> str:
    """A SARIF ``artifactLocation.uri``: a percent-encoded URI reference (RFC 3986), POSIX separators."""
    from pathlib import PureWindowsPath
    from urllib.parse import quote

    if "\\" in name:
        name = PureWindowsPath(name).as_posix()
    return quote(name, safe="/")


def _sarif(reports: list[Any]) -> dict[str, Any]:
    level = {"fatal": "error", "error": "error", "warning": "warning", "information": "note"}
    results = []
    rules: dict[str, dict[str, Any]] = {}
    for r in reports:
        for i in r.sorted_issues():
            rule_id = i.rule or i.code
            rules.setdefault(rule_id, {"id": rule_id, "shortDescription": {"text": rule_id}})
            physical: dict[str, Any] = {"artifactLocation": {"uri": _sarif_uri(_artifact(r))}}
            if i.line is not None:
                physical["region"] = {"startLine": i.line, "startColumn": i.column}
            results.append(
                {
                    "ruleId": rule_id,
                    "level": level[i.severity._value_],
                    "message": {"text": f"{i.location}: {i.message}"},
                    "locations": [
                        {
                            "physicalLocation": physical,
                            "logicalLocations": [{"fullyQualifiedName": i.location, "kind": "element"}],
                        }
                    ],
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fhirconv",
                        "informationUri": "https://hl7.org/fhir/R4/",
                        "rules": sorted(rules.values(), key=lambda x: x["id"]),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def run(
    paths: list[str],
    fmt: str = "text",
    fail_on: str = "error",
    profile: list[str] | tuple[str, ...] = (),
    ig: list[str] | tuple[str, ...] = (),
    unknown_profile: str = "warning",
    *,
    echo: Callable[[str], None],
) -> int:
    """The body of ``fhirconv validate``, free of Typer: the Typer command (:func:`register`) and the
    direct path of a plain ``fhirconv validate FILE... [--format F]`` (:mod:`fhirconv.cli._direct`, which
    does not import Typer) both run it. The reports go to ``echo`` (the whole text at once), messages to
    stderr; returns the exit code."""
    if fmt not in FORMATS:
        err_console().print(f"[bold red]error:[/] --format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        return EXIT_USAGE
    if unknown_profile not in ("error", "warning"):
        err_console().print(
            f"[bold red]error:[/] --unknown-profile must be warning or error, got {escape(unknown_profile)!r}"
        )
        return EXIT_USAGE
    if fail_on not in ("error", "warning"):
        err_console().print(f"[bold red]error:[/] --fail-on must be error or warning, got {fail_on!r}")
        return EXIT_USAGE
    from ..regexcache import Recorder, cache_file

    # the set-up's patterns (the checkers' modules, the R4 definitions', the primitive types') come from
    # the on-disk pattern cache, a file of this command's own (some 40 patterns, not the 1,000 a
    # conversion's set-up keeps); only imports, the R4 definitions and the default chain's construction
    # are recorded, never an input, a package named by --ig or a chain built for one
    patterns = Recorder(cache_file(purpose="validate")).warm(texts=False)
    with patterns:
        from ..definitions import load_definitions
        from ..validate import default_chain, validate_paths
        from ..validate import positions as _positions  # noqa: F401  # (what locating imports later)

    reports: list[Any] = []
    try:
        with DefinitionsProgress() as progress:
            with patterns:
                core = load_definitions(progress=progress)
            defs = _ig_definitions(ig, progress) if ig else core
        chain = None
        if ig or profile or unknown_profile != "warning":
            from ..validate import build_chain

            if not _known_profiles(defs, profile):
                return EXIT_USAGE
            chain = build_chain(defs, profiles=profile, unknown_profile=unknown_profile)
        else:
            with patterns:
                default_chain()  # (the one validate_paths uses, built here: its patterns recorded)
                primitive_patterns(core)  # (else compiled at the first input's check)
        patterns.save()
        setup_done()  # what the set-up built lives as long as the process (see setup_done)
        for report in validate_paths(paths, chain=chain):
            reports.append(locate_for(report, fmt))  # positions now, so the input text is not kept
    except FhirconvError as exc:
        if reports:
            echo(render(reports, fmt))
        err_console().print(f"[bold red]error:[/] {escape(describe(exc))}")
        return exc.exit_code
    echo(render(reports, fmt))
    failed = any(r.errors or (fail_on == "warning" and r.warnings) for r in reports)
    return EXIT_FINDINGS if failed else EXIT_OK


def _ig_definitions(specs: list[str] | tuple[str, ...], progress: Any) -> Any:
    """R4 core plus the packages; substitutions and unresolved dependencies on stderr."""
    from ..definitions.packages import load_ig_definitions

    defs, result = load_ig_definitions(specs, progress=progress)
    for warning in result.warnings:
        err_console().print(f"[yellow]warning:[/] {escape(warning)}")
    return defs


def _known_profiles(defs: Any, profiles: list[str] | tuple[str, ...]) -> bool:
    """Whether every --profile is known; an unknown one is a usage error that names the package to
    install (printed here)."""
    from ..validate.profiles import suggest_package

    for url in profiles:
        if defs.structure_definition(url) is None:
            spec = suggest_package(url)
            err_console().print(
                f"[bold red]error:[/] profile {escape(url)} is not installed. Install the package that "
                f"defines it and load it: `fhirconv definitions install {escape(spec)}`, then "
                f"`fhirconv validate --ig {escape(spec)} --profile {escape(url)} ...`"
            )
            return False
    return True


def register(app: Any) -> None:
    """The Typer command ``validate`` (its options, their help and defaults) on ``app``."""
    import typer

    def validate(
        paths: list[str] = typer.Argument(..., help="Files, folders, globs, NDJSON, or - for stdin."),
        fmt: str = typer.Option("text", "--format", help="text | json | junit | sarif | github"),
        fail_on: str = typer.Option("error", "--fail-on", help="error | warning: what makes the exit code 1"),
        profile: list[str] = typer.Option(
            [],
            "--profile",
            help="Profile URL the root resource (or, in a Bundle, the entries of its type) must conform to.",
        ),
        ig: list[str] = typer.Option(
            [],
            "--ig",
            help="Load an implementation guide package NAME#VERSION and its dependencies (repeatable).",
        ),
        unknown_profile: str = typer.Option(
            "warning",
            "--unknown-profile",
            help="warning | error: a meta.profile claim no loaded package defines (the message names the "
            "package to install). warning is the HL7 validator's default; error fails CI on unchecked "
            "claims.",
        ),
    ) -> None:
        """Validate FHIR R4 JSON or XML: exit 0 no errors, 1 errors (or warnings with --fail-on warning)."""

        def echo(text: str) -> None:
            typer.echo(text, nl=False)

        raise typer.Exit(run(paths, fmt, fail_on, profile, ig, unknown_profile, echo=echo))

    app.command("validate")(validate)
