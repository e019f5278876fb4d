"""The output gate: the compiled validator refuses every bundle the fhir.resources model checks refuse.

This is what let the model checks leave ``convert``'s default gate (``--gate full``): over bundles
converted from the dev corpora and defects injected into them, a bundle the models reject and the
validator accepts would fail here. ``--gate model``/``both`` keep the model checks.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from differential import converted_bundles, mutate_bundle
from support import SHARED, require_shared

from fhirconv.errors import BuildError, OutputGateError
from fhirconv.fhir import check_models_each
from fhirconv.pipeline import Gate, gate
from fhirconv.validate import validate_json


def _model_refuses(bundle: dict[str, Any]) -> str | None:
    try:
        check_models_each(copy.deepcopy(bundle))
    except BuildError as exc:
        return exc.message[:200]
    return None


def _extra_mutations(bundle: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Defects the models are known to catch: wrong primitive types deep inside, bad enum codes."""
    out = []
    for i, entry in enumerate((bundle.get("entry") or [])[:8]):
        res = entry["resource"]
        for key, value in res.items():
            if isinstance(value, dict) and "coding" in value and value["coding"]:
                m = copy.deepcopy(bundle)
                m["entry"][i]["resource"][key]["coding"][0]["code"] = 12
                out.append((f"entry[{i}].{key}.coding.code:number", m))
                m = copy.deepcopy(bundle)
                m["entry"][i]["resource"][key]["coding"][0]["system"] = "not a uri"
                out.append((f"entry[{i}].{key}.coding.system:space", m))
            if key == "status":
                m = copy.deepcopy(bundle)
                m["entry"][i]["resource"][key] = "not-a-status"
                out.append((f"entry[{i}].status:unknown", m))
        m = copy.deepcopy(bundle)
        m["entry"][i]["fullUrl"] = 5
        out.append((f"entry[{i}].fullUrl:number", m))
        m = copy.deepcopy(bundle)
        m["entry"][i]["request"] = {"method": "FETCH", "url": "x"}
        out.append((f"entry[{i}].request.method:unknown", m))
    return out


@pytest.mark.slow
def test_the_validator_refuses_whatever_the_model_checks_refuse() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    cases = 0
    model_refused = 0
    missed: list[str] = []
    for name, bundle in converted_bundles(SHARED, limit=8):
        for label, mutated in [("as converted", bundle), *mutate_bundle(bundle), *_extra_mutations(bundle)]:
            cases += 1
            why = _model_refuses(mutated)
            if why is None:
                continue
            model_refused += 1
            if validate_json(copy.deepcopy(mutated), name).ok:
                missed.append(f"{name} {label}: models say {why}")
    assert cases > 200
    assert model_refused > 50, "the mutations must give the model checks something to refuse"
    assert not missed, missed[:10]


def test_gate_levels() -> None:
    require_shared("corpora", "maccrobat2020", "dev")
    bundle = next(iter(converted_bundles(SHARED, limit=1)))[1]
    for level in (Gate.FULL, Gate.MODEL, Gate.BOTH):
        gate(copy.deepcopy(bundle), level, "ok")
    bad = copy.deepcopy(bundle)
    bad["entry"][0]["resource"]["bogusElement"] = 1
    with pytest.raises(OutputGateError):
        gate(copy.deepcopy(bad), Gate.FULL, "bad")
    with pytest.raises(BuildError):
        gate(copy.deepcopy(bad), Gate.MODEL, "bad")
    with pytest.raises((BuildError, OutputGateError)):
        gate(copy.deepcopy(bad), "both", "bad")
    with pytest.raises(ValueError, match="full, model, both"):
        gate(copy.deepcopy(bundle), "none", "x")
