"""Evaluate a converter against a gold corpus: find documents, convert, map spans, score, aggregate.

Each document is evaluated on its own (optionally in a process pool) and a failing document is recorded
and skipped, never fatal for the batch. Results are sorted by document id, so ``--jobs`` never changes
the output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import DefinitionsError, FhirconvError, InputError, MappingError, UnsupportedFormatError
from .brat import read_brat
from .gold import (
    ATTRIBUTE_KINDS,
    OBSERVATION,
    OBSERVATION_TEST,
    OBSERVATION_VALUE,
    SPAN_CATEGORIES,
    GoldDocument,
    Mention,
)
from .scoring import Counts, DocScore, score_document
from .spans import predicted_mentions
from .xmi import read_xmi

__all__ = ["FORMATS", "Converter", "DocOutcome", "convert_gold", "discover", "evaluate", "evaluate_one"]

FORMATS = ("brat", "e3c")
Converter = Callable[[GoldDocument], dict[str, Any]]
_GOLD_SUFFIX = {"brat": ".ann", "e3c": ".xml"}


@dataclass(slots=True)
class DocOutcome:
    doc_id: str
    source: str
    score: DocScore | None = None
    gold: GoldDocument | None = None
    error: str | None = None
    error_code: str | None = None


def sniff_format(path: Path) -> str:
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        if any(path.glob("*.xml")):
            return "e3c"
    elif path.suffix in {".ann", ".txt"}:
        return "brat"
    elif path.suffix in {".xml", ".xmi"}:
        return "e3c"
    raise UnsupportedFormatError(
        "no BRAT (.ann) or UIMA XMI (.xml) gold found; use --format", source=str(path)
    )


def discover(paths: Sequence[Path], fmt: str | None = None) -> list[tuple[Path, str]]:
    """Gold documents under ``paths`` as (gold file, format), sorted by document id, duplicates dropped."""
    found: dict[Path, str] = {}
    for path in paths:
        if not path.exists():
            raise InputError("no such file or directory", source=str(path))
        f = fmt or sniff_format(path)
        if f not in FORMATS:
            raise UnsupportedFormatError(f"unknown gold format {f!r} (use one of {', '.join(FORMATS)})")
        suffix = _GOLD_SUFFIX[f]
        if path.is_dir():
            for p in sorted(path.glob(f"*{suffix}")):
                found.setdefault(p.resolve(), f)
        else:
            found.setdefault(path.with_suffix(suffix).resolve() if f == "brat" else path.resolve(), f)
    if not found:
        raise InputError("no gold documents found", source=", ".join(str(p) for p in paths))
    return sorted(found.items(), key=lambda kv: (kv[0].stem, str(kv[0])))


def read_gold(path: Path, fmt: str) -> GoldDocument:
    return read_brat(path) if fmt == "brat" else read_xmi(path)


def convert_gold(gold: GoldDocument, gate: str = "full") -> dict[str, Any]:
    """The real converter: the plain-text reader (verbatim text, so gold offsets apply) + the pipeline.

    ``gate="model"`` skips the full R4 validation of the output, to measure extraction on documents whose
    bundles the gate would refuse.
    """
    from ..model import DocumentFormat
    from ..pipeline import ConvertOptions, Gate, convert_document
    from ..readers import read_bytes, read_path

    if gold.text_path is not None:
        doc = read_path(gold.text_path, format=DocumentFormat.TEXT)
    else:
        doc = read_bytes(gold.text.encode("utf-8"), f"{gold.doc_id}.txt", format=DocumentFormat.TEXT)
    if doc.text != gold.text:
        raise InputError(
            "the reader's text differs from the annotated text, so gold offsets would not apply",
            source=str(gold.text_path or gold.doc_id),
        )
    bundle: dict[str, Any] = convert_document(doc, ConvertOptions(gate=Gate(gate)))
    return bundle


def evaluate_one(path: Path, fmt: str, converter: Converter | None = None) -> DocOutcome:
    """Read, convert and score one gold document; a failure becomes part of the outcome.

    A document that cannot be converted is scored as if the converter found nothing in it (its gold
    mentions all count as missed): that is what a user gets, and it keeps corpus figures comparable.
    """
    try:
        gold = read_gold(path, fmt)
    except FhirconvError as exc:
        return DocOutcome(path.stem, str(path), error=str(exc), error_code=exc.code)
    error: str | None = None
    code: str | None = None
    try:
        bundle = (converter or convert_gold)(gold)
        predicted, problems = predicted_mentions(bundle, len(gold.text))
    except (MappingError, DefinitionsError):
        raise  # setup problems fail every document alike: stop the run instead of listing them all
    except FhirconvError as exc:
        error, code = str(exc), exc.code
    except Exception as exc:  # a converter bug on one document must not cost the other documents' scores
        error, code = f"{type(exc).__name__}: {exc}", "internal"
    if error is not None:
        predicted, problems = [], [f"not converted: {error}"]
    score = score_document(gold, predicted)
    score.problems = [*gold.warnings, *problems]
    return DocOutcome(gold.doc_id, str(path), score=score, gold=gold, error=error, error_code=code)


def _evaluate_args(args: tuple[Path, str, Converter]) -> DocOutcome:
    return evaluate_one(*args)


def evaluate(
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    jobs: int = 1,
    gate: str = "full",
    converter: Converter | None = None,
) -> list[DocOutcome]:
    """Evaluate every gold document under ``paths``. ``converter`` replaces the real pipeline (tests)."""
    docs = discover(paths, fmt)
    if converter is None:
        conv: Converter = partial(convert_gold, gate=gate)
        if jobs > 1 and len(docs) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(pool.map(_evaluate_args, [(p, f, conv) for p, f in docs], chunksize=4))
            return sorted(outcomes, key=lambda o: (o.doc_id, o.source))
    else:
        conv = converter
    outcomes = [evaluate_one(p, f, conv) for p, f in docs]
    return sorted(outcomes, key=lambda o: (o.doc_id, o.source))


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _counts_json(c: Counts) -> dict[str, Any]:
    return {
        "gold": c.gold,
        "predicted": c.predicted,
        "tp": c.tp,
        "precision": _r(c.precision),
        "recall": _r(c.recall),
        "f1": _r(c.f1),
    }


def summarise(outcomes: Iterable[DocOutcome], fmt: str | None = None) -> dict[str, Any]:
    """Micro-averaged corpus report as a JSON-ready dict (stable key order, rounded to 4 places)."""
    outcomes = list(outcomes)
    scored = [o.score for o in outcomes if o.score is not None]
    exact: dict[str, Counts] = {}
    overlap: dict[str, Counts] = {}
    attrs: dict[str, Counts] = {}
    neutral: dict[str, int] = {}
    neutral_by: dict[str, dict[str, int]] = {}
    by_label: dict[str, dict[str, list[int]]] = {}
    neg = {"matched": 0, "correct": 0, "tp": 0, "fp": 0, "fn": 0}
    facts: dict[str, dict[str, int]] = {}
    warnings = 0
    for s in scored:
        for cat, c in s.exact.items():
            exact.setdefault(cat, Counts()).add(c)
        for cat, c in s.overlap.items():
            overlap.setdefault(cat, Counts()).add(c)
        for kind, c in s.attributes.items():
            attrs.setdefault(kind, Counts()).add(c)
        for cat, n in s.neutral.items():
            neutral[cat] = neutral.get(cat, 0) + n
        for cat, reasons in s.neutral_by.items():
            for why, n in reasons.items():
                neutral_by.setdefault(cat, {})[why] = neutral_by.get(cat, {}).get(why, 0) + n
        for cat, labels in s.by_label.items():
            for label, (n_gold, n_found) in labels.items():
                pair = by_label.setdefault(cat, {}).setdefault(label, [0, 0])
                pair[0] += n_gold
                pair[1] += n_found
        for k in neg:
            neg[k] += s.negation[k]
        for name, fact in s.facts.items():
            tally = facts.setdefault(
                name, dict.fromkeys(("correct", "wrong", "missed", "spurious", "absent"), 0)
            )
            tally[fact.status] += 1
        warnings += len(s.problems)

    categories: dict[str, Any] = {}
    for cat in SPAN_CATEGORIES:
        if cat in overlap:
            categories[cat] = {
                "gold": overlap[cat].gold,
                "predicted": overlap[cat].predicted,
                "neutral": neutral.get(cat, 0),
                # why each was left out: the gold label of the neutral span (Coreference, History)
                "neutral_by": dict(sorted(neutral_by.get(cat, {}).items())),
                "exact": _counts_json(exact[cat]),
                "overlap": _counts_json(overlap[cat]),
                # overlap recall per gold annotation type: which kind of mention is being missed
                "recall_by_label": {
                    label: {"gold": n, "found": f, "recall": _r(f / n) if n else None}
                    for label, (n, f) in sorted(by_label.get(cat, {}).items())
                },
            }
        if cat == OBSERVATION_VALUE and OBSERVATION_TEST in overlap and OBSERVATION_VALUE in overlap:
            ex, ov = Counts(), Counts()
            for part in (OBSERVATION_TEST, OBSERVATION_VALUE):
                ex.add(exact[part])
                ov.add(overlap[part])
            categories[OBSERVATION] = {
                "gold": ov.gold,
                "predicted": ov.predicted,
                "neutral": neutral.get(OBSERVATION_TEST, 0) + neutral.get(OBSERVATION_VALUE, 0),
                "exact": _counts_json(ex),
                "overlap": _counts_json(ov),
            }
    neg_counts = Counts(neg["tp"] + neg["fn"], neg["tp"] + neg["fp"], neg["tp"])
    negation = {
        "matched": neg["matched"],
        "correct": neg["correct"],
        "accuracy": _r(neg["correct"] / neg["matched"]) if neg["matched"] else None,
        "gold_negated": neg["tp"] + neg["fn"],
        "predicted_negated": neg["tp"] + neg["fp"],
        "precision": _r(neg_counts.precision),
        "recall": _r(neg_counts.recall),
        "f1": _r(neg_counts.f1),
    }
    fact_json: dict[str, Any] = {}
    for name in sorted(facts):
        t = facts[name]
        stated = t["correct"] + t["wrong"] + t["missed"]
        fact_json[name] = {
            "documents": stated,
            **t,
            "accuracy": _r(t["correct"] / stated) if stated else None,
        }
    failed = [
        {
            "document": o.doc_id,
            "source": o.source,
            "code": o.error_code,
            "error": o.error,
            "scored_as_empty": o.score is not None,
        }
        for o in outcomes
        if o.error is not None
    ]
    return {
        "format": fmt,
        "documents": len(outcomes),
        "scored": len(scored),
        "failed": failed,
        "categories": categories,
        "negation": negation,
        "patient": fact_json,
        "medication_attributes": {k: _counts_json(attrs[k]) for k in ATTRIBUTE_KINDS if k in attrs},
        "warnings": warnings,
    }


# --- details -------------------------------------------------------------------------------------


def sentence_of(text: str, span: Any) -> str:
    """The sentence around ``span``: between line breaks or sentence-final punctuation + space."""
    start = span.start
    while start > 0:
        ch = text[start - 1]
        if ch == "\n" or (ch in " \t" and start >= 2 and text[start - 2] in ".!?" and start - 2 < span.start):
            break
        start -= 1
    end = span.end
    while end < len(text):
        ch = text[end]
        if ch == "\n" or (ch in ".!?" and (end + 1 == len(text) or text[end + 1] in " \n\t")):
            end += 1 if ch != "\n" else 0
            break
        end += 1
    return " ".join(text[start:end].split())


def _mention_json(text: str, m: Mention) -> dict[str, Any]:
    out: dict[str, Any] = {
        "category": m.category,
        "label": m.label,
        "start": m.span.start,
        "end": m.span.end,
        "text": text[m.span.start : m.span.end],
        "sentence": sentence_of(text, m.span),
    }
    if m.negated:
        out["negated"] = True
    if m.historical:
        out["historical"] = True
    if m.ref:
        out["ref"] = m.ref
    return out


def details_json(outcome: DocOutcome) -> dict[str, Any]:
    """What a person needs to see why a document scored as it did."""
    if outcome.score is None or outcome.gold is None:
        return {"document": outcome.doc_id, "error": outcome.error, "code": outcome.error_code}
    s, text = outcome.score, outcome.gold.text
    return {
        "document": outcome.doc_id,
        "overlap": {cat: _counts_json(c) for cat, c in s.overlap.items()},
        "false_positives": [_mention_json(text, m) for m in s.false_positives],
        "false_negatives": [_mention_json(text, m) for m in s.false_negatives],
        # predictions left out of the counts, each with the gold label that made it neutral
        "neutral": [{**_mention_json(text, m), "neutral_because": why} for m, why in s.neutral_predictions],
        "negation_errors": [
            {
                "gold": _mention_json(text, g),
                "predicted_negated": p.negated,
                "predicted_span": [p.span.start, p.span.end],
            }
            for g, p in s.negation_errors
        ],
        "attribute_errors": [
            {
                "error": e,
                "kind": k,
                "start": sp.start,
                "end": sp.end,
                "text": text[sp.start : sp.end],
                "sentence": sentence_of(text, sp),
            }
            for e, k, sp in s.attribute_errors
        ],
        "patient": {
            n: {"status": f.status, "gold": f.gold, "predicted": f.predicted} for n, f in s.facts.items()
        },
        "problems": s.problems,
    }


def details_markdown(d: dict[str, Any]) -> str:
    lines = [f"# {d['document']}", ""]
    if "error" in d:
        lines += [f"**Not scored** ({d.get('code')}): {d['error']}", ""]
        return "\n".join(lines)
    for name, f in d["patient"].items():
        lines.append(f"- {name}: **{f['status']}** (gold {f['gold']!s}, predicted {f['predicted']!s})")
    for title, key in (
        ("False negatives (missed)", "false_negatives"),
        ("False positives (spurious)", "false_positives"),
    ):
        lines += ["", f"## {title}", ""]
        items = d[key]
        if not items:
            lines.append("none")
        for m in items:
            neg = " (negated)" if m.get("negated") else ""
            lines.append(f"- {m['category']} `{m['text']}`{neg} [{m['start']}:{m['end']}] — {m['sentence']}")
    lines += ["", "## Neutral (left out of the counts)", ""]
    if not d.get("neutral"):
        lines.append("none")
    for m in d.get("neutral", ()):
        hist = " (past history)" if m.get("historical") else ""
        lines.append(
            f"- {m['category']} `{m['text']}`{hist} on gold {m['neutral_because']} "
            f"[{m['start']}:{m['end']}] — {m['sentence']}"
        )
    lines += ["", "## Negation errors", ""]
    if not d["negation_errors"]:
        lines.append("none")
    for e in d["negation_errors"]:
        g = e["gold"]
        want = "negated" if g.get("negated") else "affirmed"
        lines.append(f"- `{g['text']}` gold {want}, predicted the opposite — {g['sentence']}")
    if d["attribute_errors"]:
        lines += ["", "## Medication attribute errors", ""]
        for e in d["attribute_errors"]:
            lines.append(f"- {e['error']} {e['kind']} `{e['text']}` — {e['sentence']}")
    if d["problems"]:
        lines += ["", "## Problems", ""] + [f"- {p}" for p in d["problems"]]
    return "\n".join(lines) + "\n"


def details_index(outcomes: Sequence[DocOutcome], top: int = 40) -> str:
    """``index.md``: documents worst first, and the words most often missed or invented per category.

    The term lists point at vocabulary gaps shared by many documents, which is where general fixes pay.
    """
    rows: list[tuple[int, str, str, str]] = []
    missed: dict[str, Counter[str]] = {}
    invented: dict[str, Counter[str]] = {}
    for o in outcomes:
        if o.score is None or o.gold is None:
            rows.append((-1, o.doc_id, "not scored", o.error or ""))
            continue
        s, text = o.score, o.gold.text
        for m in s.false_negatives:
            missed.setdefault(m.category, Counter())[
                " ".join(text[m.span.start : m.span.end].lower().split())
            ] += 1
        for m in s.false_positives:
            invented.setdefault(m.category, Counter())[
                " ".join(text[m.span.start : m.span.end].lower().split())
            ] += 1
        errors = len(s.false_negatives) + len(s.false_positives) + len(s.negation_errors)
        detail = (
            f"FN {len(s.false_negatives)}, FP {len(s.false_positives)}, negation {len(s.negation_errors)}"
        )
        rows.append((errors, o.doc_id, detail, ""))
    rows.sort(key=lambda r: (-r[0] if r[0] >= 0 else 1, r[1]))
    lines = ["# Evaluation details", "", "| document | errors | |", "|---|---|---|"]
    lines += [f"| [{d}]({_stem(d)}.md) | {detail} | {err} |" for _, d, detail, err in rows]
    for title, table in (
        ("Most often missed (false negatives)", missed),
        ("Most often invented (false positives)", invented),
    ):
        lines += ["", f"## {title}", ""]
        for cat in sorted(table):
            terms = ", ".join(
                f"{t} ({n})" for t, n in sorted(table[cat].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            )
            lines.append(f"- **{cat}**: {terms}")
    return "\n".join(lines) + "\n"


def _stem(doc_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in doc_id)


def write_details(outcomes: Iterable[DocOutcome], directory: Path) -> list[Path]:
    """``<doc>.json`` and ``<doc>.md`` per document plus ``index.md``; returns the files written."""
    outcomes = list(outcomes)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create details directory: {exc.strerror or exc}", source=str(directory)
        ) from exc
    files: list[tuple[Path, str]] = []
    for o in outcomes:
        d = details_json(o)
        stem = _stem(o.doc_id)
        files.append((directory / f"{stem}.json", json.dumps(d, indent=2, ensure_ascii=False) + "\n"))
        files.append((directory / f"{stem}.md", details_markdown(d)))
    files.append((directory / "index.md", details_index(outcomes)))
    for path, body in files:
        try:
            path.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write details: {exc.strerror or exc}", source=str(path)) from exc
    return [p for p, _ in files]
