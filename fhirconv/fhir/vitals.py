"""The R4 vital-signs profiles (FHIR R4 §8.2.1, http://hl7.org/fhir/R4/observation-vitalsigns.html).

A vital sign claims its profile in ``meta.profile`` only when it meets it: category vital-signs, the
profile's LOINC code, ``effectiveDateTime`` and a UCUM Quantity (or the blood-pressure components), so HAPI
checks it against the profile. Otherwise it claims nothing. The SpO2 profile (``oxygensat``) requires
LOINC 2708-6 (arterial blood); a pulse-oximetry reading (59408-5) is not that, so it claims only the
generic ``vitalsigns`` profile.
"""

from __future__ import annotations

from typing import Any

__all__ = ["vital_profile"]

_BASE = "http://hl7.org/fhir/StructureDefinition/"
_LOINC = "http://loinc.org"
# LOINC code -> (profile, UCUM units the profile's value set allows)
_PROFILES: dict[str, tuple[str, frozenset[str]]] = {
    "8867-4": ("heartrate", frozenset({"/min"})),
    "9279-1": ("resprate", frozenset({"/min"})),
    "8310-5": ("bodytemp", frozenset({"Cel", "[degF]"})),
    "85354-9": ("bp", frozenset({"mm[Hg]"})),
    "2708-6": ("oxygensat", frozenset({"%"})),
    "29463-7": ("bodyweight", frozenset({"kg", "g", "[lb_av]"})),
    "8302-2": ("bodyheight", frozenset({"cm", "[in_i]"})),
    "39156-5": ("bmi", frozenset({"kg/m2"})),
    "9843-4": ("headcircum", frozenset({"cm", "[in_i]"})),
    "59408-5": ("vitalsigns", frozenset({"%"})),
}


def vital_profile(resource: dict[str, Any]) -> str | None:
    """The vital-signs profile ``resource`` (an Observation being built) conforms to, or None."""
    if "effectiveDateTime" not in resource or resource.get("status") != "final":
        # vs-1 is written for a dateTime; the R4 validator also applies it to a Period and fails it
        # (the cheap tests first: most Observations go no further)
        return None
    # (the category codes looked through until vital-signs, without a list of them: a laboratory or
    # exam Observation, most of those asked, has one category of one coding)
    for cc in resource.get("category", []):
        if any(c.get("code") == "vital-signs" for c in cc.get("coding", [])):
            break
    else:
        return None
    codes = [c["code"] for c in resource.get("code", {}).get("coding", []) if c.get("system") == _LOINC]
    hit = next((_PROFILES[c] for c in codes if c in _PROFILES), None)
    if hit is None:
        return None
    name, units = hit
    quantities = [resource.get("valueQuantity")] if "valueQuantity" in resource else []
    quantities += [c.get("valueQuantity") for c in resource.get("component", [])]
    if not quantities or not all(
        isinstance(q, dict) and q.get("system") == "http://unitsofmeasure.org" and q.get("code") in units
        for q in quantities
    ):
        return None
    if name == "bp":
        comp = {c["code"] for cp in resource.get("component", []) for c in cp["code"].get("coding", [])}
        if not {"8480-6", "8462-4"} <= comp:
            return None
    return _BASE + name
