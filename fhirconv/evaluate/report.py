"""Turn a summary dict into table rows; the CLI draws them with rich, the quality script as Markdown."""

from __future__ import annotations

from typing import Any

__all__ = [
    "COMPACT_HEADER",
    "FACT_HEADER",
    "SPAN_HEADER",
    "fact_rows",
    "markdown",
    "neutral_note",
    "span_rows",
]

SPAN_HEADER = (
    "category",
    "gold",
    "pred",
    "P exact",
    "R exact",
    "F1 exact",
    "P overlap",
    "R overlap",
    "F1 overlap",
)
COMPACT_HEADER = ("category", "gold", "pred", "P ex", "R ex", "F1 ex", "P ov", "R ov", "F1 ov")
FACT_HEADER = ("measure", "n", "score", "detail")


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def span_rows(summary: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for cat, c in summary["categories"].items():
        ex, ov = c["exact"], c["overlap"]
        rows.append(
            (
                cat,
                str(c["gold"]),
                str(c["predicted"]),
                _f(ex["precision"]),
                _f(ex["recall"]),
                _f(ex["f1"]),
                _f(ov["precision"]),
                _f(ov["recall"]),
                _f(ov["f1"]),
            )
        )
    for kind, c in summary["medication_attributes"].items():
        rows.append(
            (
                f"medication.{kind} (on matched drugs)",
                str(c["gold"]),
                str(c["predicted"]),
                "",
                "",
                "",
                _f(c["precision"]),
                _f(c["recall"]),
                _f(c["f1"]),
            )
        )
    return rows


def fact_rows(summary: dict[str, Any]) -> list[tuple[str, ...]]:
    neg = summary["negation"]
    rows: list[tuple[str, ...]] = [
        (
            "negation accuracy (matched conditions)",
            str(neg["matched"]),
            _f(neg["accuracy"]),
            f"negated gold {neg['gold_negated']}, predicted {neg['predicted_negated']}; "
            f"P {_f(neg['precision'])} R {_f(neg['recall'])} F1 {_f(neg['f1'])}",
        )
    ]
    for name, f in summary["patient"].items():
        rows.append(
            (
                f"patient {name} (documents)",
                str(f["documents"]),
                _f(f["accuracy"]),
                f"correct {f['correct']}, wrong {f['wrong']}, missed {f['missed']}, spurious {f['spurious']}",
            )
        )
    return rows


def neutral_note(summary: dict[str, Any]) -> str:
    """One sentence on the predictions left out of the counts, by reason, or "" when there are none.

    Printed with every table so the neutral rules (docs/evaluation.md) can be checked.
    """
    reasons: dict[str, int] = {}
    total = 0
    for cat, c in summary["categories"].items():
        if cat == "observation":
            continue
        total += c.get("neutral", 0)
        for why, n in c.get("neutral_by", {}).items():
            key = f"{cat} on gold {why}"
            reasons[key] = reasons.get(key, 0) + n
    if not total:
        return ""
    parts = ", ".join(f"{k} {n}" for k, n in sorted(reasons.items()))
    return (
        "Predictions left out of the counts as neutral (repeat mentions typed Coreference; past history "
        "reported as such on gold History spans; conditions inside gold E3C BODYPART spans; conditions "
        "on actual E3C EVENTs of the same polarity outside every CLINENTITY): "
        f"{total} ({parts})."
    )


def _one_line(text: str | None, limit: int = 300) -> str:
    flat = " ".join((text or "").split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def markdown(summary: dict[str, Any], title: str | None = None) -> str:
    out: list[str] = []
    if title:
        out += [f"### {title}", ""]
    empty = sum(1 for f in summary["failed"] if f["scored_as_empty"])
    out.append(
        f"Documents: {summary['documents']}; scored {summary['scored']}, of which {empty} could not be "
        f"converted and count as finding nothing; {summary['documents'] - summary['scored']} with unreadable "
        "gold. "
        f"Warnings (unconverted documents, gold text mismatches, bad derivation spans; see --details): "
        f"{summary['warnings']}."
    )
    note = neutral_note(summary)
    if note:
        out[-1] += " " + note
    out.append("")
    out.append("| " + " | ".join(SPAN_HEADER) + " |")
    out.append("|" + "---|" + "---:|" * (len(SPAN_HEADER) - 1))
    out += ["| " + " | ".join(r) + " |" for r in span_rows(summary)]
    for cat, c in summary["categories"].items():
        labels = c.get("recall_by_label", {})
        if len(labels) > 1:
            parts = ", ".join(f"{k} {_f(v['recall'])} ({v['found']}/{v['gold']})" for k, v in labels.items())
            out += ["", f"Overlap recall of `{cat}` by gold type: {parts}."]
    out.append("")
    out.append("| " + " | ".join(FACT_HEADER) + " |")
    out.append("|---|---:|---:|---|")
    out += ["| " + " | ".join(r) + " |" for r in fact_rows(summary)]
    if summary["failed"]:
        out += ["", "Failed documents:", ""]
        out += [f"- {f['document']}: {_one_line(f['error'])}" for f in summary["failed"]]
    return "\n".join(out) + "\n"
