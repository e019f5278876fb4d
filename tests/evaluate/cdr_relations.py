"""Adverse events against the chemical-induced-disease (CID) relations of BioCreative V CDR documents.

The CDR corpus (``../shared/real-docs/bioc``) annotates, per PubMed abstract, Chemical and Disease mentions
with MeSH ids and the document-level CID relations between them. An AdverseEvent of a converted bundle is
right when some CID relation has a Chemical mention with the suspect drug's words and a Disease mention
sharing words with the reaction (the CDR spans name "myxoedema coma" where the lexicon finds "coma"). A
relation is found when some AdverseEvent is right about it. Kept free of pytest so it can be run by hand:
``python tests/evaluate/cdr_relations.py``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class CdrDocument:
    chemicals: dict[str, set[str]]  # MeSH id -> lower-cased mention texts
    diseases: dict[str, set[str]]
    relations: set[tuple[str, str]]  # (chemical id, disease id)


def read_cdr(path: Path) -> CdrDocument:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    chemicals: dict[str, set[str]] = {}
    diseases: dict[str, set[str]] = {}
    for ann in root.iter("annotation"):
        infons = {i.get("key"): (i.text or "") for i in ann.findall("infon")}
        text = (ann.findtext("text") or "").lower()
        table = chemicals if infons.get("type") == "Chemical" else diseases
        for mesh in infons.get("MESH", "").split("|"):
            if mesh and mesh != "-1":
                table.setdefault(mesh, set()).add(text)
    relations = set()
    for rel in root.iter("relation"):
        infons = {i.get("key"): (i.text or "") for i in rel.findall("infon")}
        if infons.get("relation") == "CID":
            relations.add((infons.get("Chemical", ""), infons.get("Disease", "")))
    return CdrDocument(chemicals, diseases, relations)


def _words(s: str) -> set[str]:
    return set(_WORD.findall(s.lower()))


def _suspect_words(bundle: dict[str, Any], event: dict[str, Any]) -> str:
    """The words the AdverseEvent cites for its suspect drug (derivation path suspectEntity.instance)."""
    for ext in event.get("extension", []):
        parts = {x["url"]: next(v for k, v in x.items() if k.startswith("value")) for x in ext["extension"]}
        if parts.get("path") == "AdverseEvent.suspectEntity.instance":
            return str(_text_of(bundle)[parts["offset"] : parts["offset"] + parts["length"]]).lower()
    return ""


def _text_of(bundle: dict[str, Any]) -> str:
    from fhirconv.fhir import source_text

    doc = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference")
    return source_text(doc)


def score(gold: CdrDocument, bundle: dict[str, Any]) -> tuple[int, int, int, int]:
    """(predicted events, right events, gold relations, relations found) for one document."""
    events = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "AdverseEvent"]
    right = 0
    found: set[tuple[str, str]] = set()
    for ev in events:
        drug = _suspect_words(bundle, ev)
        reaction = _words(str(ev.get("event", {}).get("text", "")))
        hits = {
            (c, d)
            for c, d in gold.relations
            if drug in gold.chemicals.get(c, set())
            and any(reaction & _words(t) for t in gold.diseases.get(d, set()))
        }
        right += bool(hits)
        found |= hits
    return len(events), right, len(gold.relations), len(found)


def corpus(folder: Path) -> tuple[int, int, int, int]:
    """Totals over every CDR BioC file of ``folder``, converted as ``fhirconv convert`` does."""
    from fhirconv.fhir import dumps_json, loads_json
    from fhirconv.pipeline import convert_path

    totals = [0, 0, 0, 0]
    for path in sorted(folder.glob("bioc_cdr_*.xml")):
        bundle = loads_json(dumps_json(convert_path(path)))
        for i, n in enumerate(score(read_cdr(path), bundle)):
            totals[i] += n
    return totals[0], totals[1], totals[2], totals[3]


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[3] / "shared/real-docs/bioc"
    p, r, g, f = corpus(folder)
    print(
        f"adverse events {p}, right {r} (precision {r / p if p else float('nan'):.3f}); "
        f"CID relations {g}, found {f} (recall {f / g if g else float('nan'):.3f})"
    )
