"""The validator's speed-ups that keep knowledge between inputs or runs must never change a verdict:
UCUM verdicts kept on disk (reused, but only from a private file), profile elements the walk skips
(only those that cannot report anything), and the narrative check's fast paths."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fhirconv.validate import build_chain, default_chain, lint
from fhirconv.validate.compiled import _plain_narrative
from fhirconv.validate.invariants import html_checks
from fhirconv.validate.profiles import ProfileChecker, _PNode


@pytest.fixture
def fresh_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty private cache folder, and no verdict remembered in this process."""
    monkeypatch.setenv("FHIRCONV_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(lint, "_VERDICTS", lint._Verdicts())
    lint.ucum_valid.cache_clear()
    yield tmp_path
    lint.ucum_valid.cache_clear()


def test_ucum_verdicts_are_kept_on_disk_and_a_later_run_does_not_parse(
    fresh_verdicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lint.ucum_valid("10*8/L") is True
    assert lint.ucum_valid("mg//dL") is False
    files = list((fresh_verdicts / "validator" / "ucum").glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text(encoding="utf-8")) == {"10*8/L": True, "mg//dL": False}
    # a later process: the same verdicts without building the parser
    monkeypatch.setattr(lint, "_VERDICTS", lint._Verdicts())
    lint.ucum_valid.cache_clear()

    def no_parser(code: str) -> bool:
        raise AssertionError(f"parsed {code} again")

    monkeypatch.setattr(lint, "_parses", no_parser)
    assert lint.ucum_valid("10*8/L") is True
    assert lint.ucum_valid("mg//dL") is False


def test_a_verdict_file_others_can_write_is_not_read(
    fresh_verdicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lint.ucum_valid("10*8/L")
    (path,) = (fresh_verdicts / "validator" / "ucum").glob("*.json")
    path.write_text(json.dumps({"mg//dL": True}), encoding="utf-8")  # a forged verdict
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IWOTH)
    monkeypatch.setattr(lint, "_VERDICTS", lint._Verdicts())
    lint.ucum_valid.cache_clear()
    assert lint.ucum_valid("mg//dL") is False  # parsed, not taken from the file


def _vitalsigns(checker: ProfileChecker) -> _PNode:
    tree = checker.tree("http://hl7.org/fhir/StructureDefinition/vitalsigns")
    assert isinstance(tree, _PNode)
    return tree


def test_profile_walk_skips_only_elements_that_add_nothing_to_the_base() -> None:
    checker = next(c for c in default_chain().checkers if isinstance(c, ProfileChecker))
    tree = _vitalsigns(checker)
    by_name = {child.name: child for child in tree.children}
    assert checker.inert(by_name["identifier"])  # vitalsigns leaves Observation.identifier as it is
    assert not checker.inert(by_name["category"])  # sliced: the VSCat slice is required
    assert not checker.inert(by_name["subject"])  # min 1 where the base says 0
    assert not checker.inert(by_name["value[x]"])  # a choice narrowed to a Quantity
    assert any(checker.inert(c) for c in tree.children)
    assert not checker.inert(tree)


def test_a_vital_sign_missing_what_the_profile_requires_is_still_reported() -> None:
    obs = {
        "resourceType": "Observation",
        "meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/heartrate"]},
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}], "text": "heart rate"},
        "valueQuantity": {"value": 80, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
    }
    report = build_chain().validate(obs)
    rules = {i.rule for i in report.errors}
    assert "profile.cardinality" in rules  # subject and effective[x] are required by vitalsigns
    assert "profile.slice" in rules  # the VSCat category slice


@pytest.mark.parametrize(
    ("div", "plain"),
    [
        ('<div xmlns="http://www.w3.org/1999/xhtml">heart rate 80 /min</div>', True),
        ('<div xmlns="http://www.w3.org/1999/xhtml">a &amp; b</div>', True),
        ('<div xmlns="http://www.w3.org/1999/xhtml">a &nbsp; b</div>', False),
        ('<div xmlns="http://www.w3.org/1999/xhtml">a ]]> b</div>', False),
        ('<div xmlns="http://www.w3.org/1999/xhtml">a <b>b</b></div>', False),
        ('<div xmlns="http://www.w3.org/1999/xhtml">\x0b</div>', False),
        ('<div xmlns="http://www.w3.org/1999/xhtml">   </div>', False),
    ],
)
def test_plain_narrative_fast_path(div: str, plain: bool) -> None:
    assert _plain_narrative(div) is plain


def test_narrative_problems_are_found_in_attribute_lists() -> None:
    ns = 'xmlns="http://www.w3.org/1999/xhtml"'
    assert html_checks(f'<div {ns}><p class="x">ok</p></div>') == (None, None)
    problem, _ = html_checks(f'<div {ns}><p onclick="x()">no</p></div>')
    assert problem is not None and "onclick" in problem
    problem, _ = html_checks(f'<div {ns}><a href=" JavaScript:x()">no</a></div>')
    assert problem is not None and "javascript" in problem


def _dist(folder: Path, name: str, version: str | None) -> None:
    meta = folder / name
    meta.mkdir(parents=True)
    head = "Metadata-Version: 2.1\nName: ucumvert\n"
    (meta / "METADATA").write_text(head + (f"Version: {version}\n" if version else "") + "\nbody\n")


@pytest.mark.parametrize(
    "layout",
    [
        [],  # only the installed ucumvert
        [("ucumvert-9.8.7.dist-info", "9.8.7")],
        [("UcumVert-1.2rc1.dist-info", "1.2rc1")],
        [("ucumvert-1.0.dist-info", "1.0"), ("ucumvert-2.0.dist-info", "2.0")],
        [("ucumvert-3.0.egg-info", "3.0")],
        [("ucumvert-4.0.dist-info", None)],
        [("ucumvert_other-5.0.dist-info", "5.0")],
    ],
)
def test_ucumvert_version_read_directly_equals_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: list[tuple[str, str | None]]
) -> None:
    """The version naming the UCUM verdict file, read without importlib.metadata, is the one it gives:
    with the installed package alone, and with a folder earlier on sys.path holding other metadata."""
    from importlib import metadata

    for name, version in layout:
        _dist(tmp_path, name, version)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        want = metadata.version("ucumvert")
    except metadata.PackageNotFoundError:
        want = "unknown"
    assert lint._ucumvert_version() == want
    if layout and layout[0][1] and "other" not in layout[0][0] and len(layout) == 1:
        assert want == layout[0][1], "the folder earlier on sys.path should be the one read"
