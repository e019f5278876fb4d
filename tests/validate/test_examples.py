"""All 527 official R4 examples validate without errors, except the genuine defects in docs/validation.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_shared

from fhirconv.validate import parse_json, validate_json

# Genuine defects of the official examples (docs/validation.md lists each with the rule it breaks): every
# error fhirconv reports, as (rule, location). The HL7 validator (HAPI 8.8.0) reports the same files but the
# four reference targets, which it does not check (and five more, see docs/validation.md).
KNOWN_DEFECTS: dict[str, set[tuple[str, str]]] = {
    "Bundle-10bb101f-a121-4264-a920-67be9cb82c74.json": {
        ("bundle.fullurl-match", "Bundle.entry[2].fullUrl"),
    },
    "Bundle-3a0707d3-549e-4467-b8b8-5a2ab3800efe.json": {
        ("bundle.fullurl-match", "Bundle.entry[3].fullUrl"),
    },
    "Bundle-conceptmaps.json": {
        ("terminology.unknown-code", "Bundle.entry[7].resource.group[0].element[3].target[0].code"),
    },
    "Bundle-father.json": {
        (
            "lint.invalid-ucum",
            "Bundle.entry[5].resource.dosageInstruction[0].doseAndRate[0].doseQuantity.code",
        ),
    },
    "Bundle-hla-1.json": {
        ("extension.sub-unknown", "Bundle.entry[0].resource.extension[1].extension[1].url"),
    },
    "Bundle-lri-example.json": {
        ("bundle.fullurl-match", "Bundle.entry[10].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[11].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[12].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[13].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[14].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[15].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[16].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[1].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[2].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[3].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[4].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[5].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[6].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[7].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[8].fullUrl"),
        ("bundle.fullurl-match", "Bundle.entry[9].fullUrl"),
    },
    "DeviceMetric-example.json": {
        ("reference.target-type", "DeviceMetric.parent.reference"),
    },
    "DeviceUseStatement-example.json": {
        ("reference.target-type", "DeviceUseStatement.reasonReference[0].reference"),
    },
    "DiagnosticReport-example-pgx.json": {
        ("attachment", "DiagnosticReport.presentedForm[0].hash"),
    },
    "Medication-med0304.json": {
        ("terminology.unknown-code", "Medication.ingredient[0].strength.denominator.code"),
    },
    "Medication-med0309.json": {
        ("terminology.unknown-code", "Medication.ingredient[0].strength.denominator.code"),
        ("terminology.unknown-code", "Medication.ingredient[1].strength.denominator.code"),
    },
    "MedicationAdministration-medadmin0312.json": {
        ("terminology.unknown-code", "MedicationAdministration.dosage.dose.code"),
    },
    "MedicationDispense-meddisp0301.json": {
        ("terminology.unknown-code", "MedicationDispense.quantity.code"),
    },
    "MedicationDispense-meddisp0309.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0313.json": {
        ("lint.invalid-ucum", "MedicationDispense.contained[0].ingredient[0].strength.numerator.code"),
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0318.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0324.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0325.json": {
        (
            "terminology.unknown-code",
            "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code",
        ),
    },
    "MedicationDispense-meddisp0327.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0328.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationDispense-meddisp0329.json": {
        ("lint.invalid-ucum", "MedicationDispense.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0301.json": {
        ("reference.target-type", "MedicationRequest.dispenseRequest.performer.reference"),
    },
    "MedicationRequest-medrx0304.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0313.json": {
        ("terminology.unknown-code", "MedicationRequest.dispenseRequest.quantity.code"),
    },
    "MedicationRequest-medrx0314.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
        ("terminology.unknown-code", "MedicationRequest.dispenseRequest.quantity.code"),
    },
    "MedicationRequest-medrx0319.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].rateQuantity.code"),
    },
    "MedicationRequest-medrx0322.json": {
        ("lint.invalid-ucum", "MedicationRequest.contained[0].ingredient[0].strength.numerator.code"),
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0325.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0326.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0327.json": {
        ("terminology.unknown-code", "MedicationRequest.dispenseRequest.quantity.code"),
        (
            "terminology.unknown-code",
            "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code",
        ),
    },
    "MedicationRequest-medrx0328.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0329.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0334.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationRequest-medrx0335.json": {
        ("lint.invalid-ucum", "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity.code"),
    },
    "MedicationStatement-example001.json": {
        (
            "terminology.unknown-code",
            "MedicationStatement.contained[0].ingredient[0].strength.denominator.code",
        ),
        (
            "terminology.unknown-code",
            "MedicationStatement.contained[0].ingredient[1].strength.denominator.code",
        ),
    },
    "MedicationStatement-example002.json": {
        (
            "terminology.unknown-code",
            "MedicationStatement.contained[0].ingredient[0].strength.denominator.code",
        ),
        (
            "terminology.unknown-code",
            "MedicationStatement.contained[0].ingredient[1].strength.denominator.code",
        ),
    },
    "MedicationStatement-example003.json": {
        ("terminology.unknown-code", "MedicationStatement.dosage[0].doseAndRate[0].doseQuantity.code"),
    },
    "Observation-clinical-gender.json": {
        ("reference.target-type", "Observation.performer[0].reference"),
    },
    "Organization-2.16.840.1.113883.19.5.json": {
        ("identifier.uri-value", "Organization.identifier[0].value"),
    },
    "Procedure-f201.json": {
        ("reference.canonical-relative", "Procedure.instantiatesCanonical[0]"),
    },
    "QuestionnaireResponse-gcs.json": {
        ("reference.canonical-relative", "QuestionnaireResponse.questionnaire"),
    },
    "QuestionnaireResponse-ussg-fht-answers.json": {
        ("reference.canonical-relative", "QuestionnaireResponse.questionnaire"),
    },
    "RequestGroup-kdn5-example.json": {
        ("reference.canonical-relative", "RequestGroup.instantiatesCanonical[0]"),
    },
    "VisionPrescription-33124.json": {
        ("lint.invalid-ucum", "VisionPrescription.lensSpecification[0].duration.code"),
        ("lint.invalid-ucum", "VisionPrescription.lensSpecification[1].duration.code"),
    },
}


@pytest.mark.slow
def test_official_examples_have_no_errors() -> None:
    folder = require_shared("fhir-r4", "examples")
    files = sorted(folder.glob("*.json"))
    assert len(files) == 527
    unexpected: dict[str, list[str]] = {}
    resources = 0
    for path in files:
        report = validate_json(parse_json(path.read_bytes(), path.name), path.name)
        resources += report.resource_count
        found = {(i.rule, i.location) for i in report.errors}
        expected = KNOWN_DEFECTS.get(path.name, set())
        if found != expected:
            unexpected[path.name] = [f"{i.location}: {i.message} [{i.rule}]" for i in report.errors][:5] or [
                "expected defect not reported"
            ]
    assert resources > 1000  # bundle entries and contained resources were walked too
    # the 39 the HL7 validator finds with the severities of issue 14, its sub-extension finding in
    # Bundle-hla-1, and the 4 wrong reference targets only fhirconv checks (the SDC profiles that
    # Bundle-ussg-fht claims are not installed: a warning, as the HL7 validator's default, not a defect)
    assert len(KNOWN_DEFECTS) == 44
    assert not unexpected, unexpected


def test_known_defect_files_exist() -> None:
    folder: Path = require_shared("fhir-r4", "examples")
    assert all((folder / name).is_file() for name in KNOWN_DEFECTS)
