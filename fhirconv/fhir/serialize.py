"""Bundle output formats: FHIR JSON, FHIR XML (through the R4B models, which keep element order) and
NDJSON (one resource per line, the bulk-data form)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import BuildError

__all__ = ["FORMATS", "check_models", "check_models_each", "dumps"]

FORMATS = ("json", "xml", "ndjson")


def check_models(bundle: dict[str, Any]) -> Any:
    """Parse with the fhir.resources R4B models: types, cardinalities and choice rules. Returns the model."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        return Bundle.model_validate(bundle)
    except ValidationError as exc:
        raise BuildError(f"bundle fails the FHIR model checks: {exc}") from exc


def check_models_each(bundle: dict[str, Any]) -> None:
    """The same checks as :func:`check_models`, one entry at a time, so peak memory holds one
    resource's model instead of the whole bundle's (a 20 MB report gives tens of thousands)."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    entries = bundle.get("entry") or []
    try:
        Bundle.model_validate({**bundle, "entry": entries[:1]})
        for i in range(1, len(entries)):
            Bundle.model_validate(
                {"resourceType": "Bundle", "type": bundle.get("type"), "entry": [entries[i]]}
            )
    except ValidationError as exc:
        raise BuildError(f"bundle fails the FHIR model checks: {exc}") from exc


def dumps(bundle: dict[str, Any], fmt: str = "json") -> str:
    if fmt == "json":
        return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    if fmt == "ndjson":
        return "".join(
            json.dumps(e["resource"], ensure_ascii=False, separators=(",", ":")) + "\n"
            for e in bundle["entry"]
        )
    if fmt == "xml":
        out = check_models(bundle).model_dump_xml(pretty_print=True)
        return out if isinstance(out, str) else out.decode("utf-8")
    raise BuildError(f"unknown output format {fmt!r} (use one of {', '.join(FORMATS)})")
