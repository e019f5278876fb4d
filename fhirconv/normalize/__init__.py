"""Normalisation: words as written -> codes and dates, through the code tables in ``mappings/codes``.

Lookups go through each table's rows with its ``__default__`` row as the fallback, so adding a unit or
route is a data change, never a code change.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..mapping import MappingStore
from ..model import Coding
from ..text import fold
from ..units import NumberRules, Unit, UnitTable

__all__ = ["DEFAULT_INDEX_DATE", "Normalizer", "Unit"]

_LOINC = "http://loinc.org"
_ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
_CELL_COUNTS = frozenset({"NCnc", "NFr"})
_QUALITATIVE = frozenset({"positive", "negative", "detected", "not detected", "reactive", "non-reactive"})

# Day 0 (the presentation) is placed here unless --index-date says otherwise. A fixed, documented date
# keeps output reproducible; it is never "today".
DEFAULT_INDEX_DATE = dt.date(2000, 1, 1)


_SPACES = re.compile(r"\s+")


def _key(raw: str) -> str:
    return _SPACES.sub(" ", fold(raw).strip())


#: How many answers each per-normaliser memo keeps (the words a table is asked about are few: categories,
#: routes, frequencies and units recur across documents; a text full of new words stops filling it).
MEMO_LIMIT = 4096


class CodeTable:
    def __init__(self, data: dict[str, Any]) -> None:
        self.name: str = data["name"]
        self.rows: dict[str, dict[str, Any]] = {
            _key(k) if k != "__default__" else k: v for k, v in data["rows"].items()
        }
        self.default: dict[str, Any] = data["rows"].get("__default__", {})
        # raw words -> their row: folding and collapsing the spaces of the same words again for every
        # fact of every document cost more than the look-up itself
        self._seen: dict[str, dict[str, Any]] = {}

    def get(self, raw: str) -> dict[str, Any]:
        row = self._seen.get(raw)
        if row is None:
            row = self.rows.get(_key(raw), self.default)
            if len(self._seen) < MEMO_LIMIT:
                self._seen[raw] = row
        return row

    def has(self, raw: str) -> bool:
        return _key(raw) in self.rows


class Normalizer:
    def __init__(self, store: MappingStore, index_date: dt.date = DEFAULT_INDEX_DATE) -> None:
        self.index_date = index_date
        self.units = UnitTable(store.load("codes/units"), NumberRules.from_dict(store.load("rules/numbers")))
        self.routes = CodeTable(store.load("codes/routes"))
        self.frequencies = CodeTable(store.load("codes/frequencies"))
        self.interpretations = CodeTable(store.load("codes/interpretations"))
        self.categories = CodeTable(store.load("codes/categories"))
        self.loinc = CodeTable(store.load("codes/loinc"))
        self.icd_history = CodeTable(store.load("codes/icd10cm_history"))
        # answers that depend only on their argument and the tables, made once per normaliser (a
        # Coding is frozen, a date string immutable: sharing them between facts changes nothing)
        self._dates: dict[int, str] = {}
        self._dates_from = index_date  # the index date the memoised dates count from
        self._codings: dict[tuple[str, str], Coding | None] = {}
        self._units: dict[str, Unit] = {}  # a unit as written -> its Unit (frozen)

    def unit(self, raw: str) -> Unit:
        """UCUM for a unit as written: case-sensitive forms first ("G/l", "mM"; "M" alone is no unit),
        the folded table, a unit already written as UCUM ("10*3/uL", a lexicon's default unit), powers of
        ten per a volume ("x10^4/mm3") and "<unit>/kg"; no code when none of them knows it. Once per
        words (the same units recur across a report's results, doses and ranges)."""
        found = self._units.get(raw)
        if found is None:
            found = self.units.lookup(raw)
            if len(self._units) < MEMO_LIMIT:
                self._units[raw] = found
        return found

    def route(self, raw: str) -> Coding | None:
        return self._coding("routes", self.routes, raw)

    def frequency(self, raw: str) -> dict[str, Any]:
        return dict(self.frequencies.get(raw))

    def interpretation(self, kind: str) -> Coding | None:
        return self._coding("interpretations", self.interpretations, kind)

    def category(self, name: str) -> Coding | None:
        return self._coding("categories", self.categories, name)

    def _coding(self, name: str, table: CodeTable, raw: str) -> Coding | None:
        """The Coding of ``table``'s row for ``raw`` (None when the row has no code), once per words."""
        key = (name, raw)
        try:
            return self._codings[key]
        except KeyError:
            row = table.get(raw)
            found = Coding(row["system"], row["code"], row.get("display") or "") if row.get("code") else None
            if len(self._codings) < MEMO_LIMIT:
                self._codings[key] = found
            return found

    def observation_codings(
        self,
        codings: tuple[Coding, ...] | list[Coding],
        ucum: str | None,
        *,
        has_quantity: bool,
        has_text_value: bool,
        interpretation: str | None,
    ) -> list[Coding]:
        """LOINC codes that fit the result found: a code is a claim about analyte, specimen and property.

        A quantitative code stays only on a Quantity in one of its property's units, or on a test named
        without a value ("ALT was measured"; a cell count only with an interpretation, "platelets were
        normal"); a count never carries g/L, a total IgM code never carries "positive" (an antibody test
        of its own), a code not in codes/loinc is not emitted. Codes of other systems pass through.
        """
        out: list[Coding] = []
        for c in codings:
            if c.system != _LOINC:
                out.append(c)
                continue
            row = self.loinc.get(c.code)
            scale = row.get("scale")
            if scale is None:
                continue
            if scale == "Qn":
                if has_quantity and ucum == "%" and row.get("percent"):
                    # "neutrophils 80%" is the differential, a code of its own (per 100 leukocytes)
                    out.append(Coding(_LOINC, row["percent"], ""))
                    continue
                if has_quantity:
                    if ucum is None or ucum not in (row.get("units") or ()):
                        continue
                elif has_text_value or fold(interpretation or "") in _QUALITATIVE:
                    # "positive"/"negative" is the result of a test of its own (an antibody, a PCR)
                    continue
                elif not interpretation and row.get("property") in _CELL_COUNTS:
                    # "neutrophils" with no result is the cells (histology, a transfusion), not a count
                    continue
            elif has_quantity:  # nominal results and panels never carry a Quantity
                continue
            out.append(c)
        return out

    def condition_codings(
        self, codings: tuple[Coding, ...] | list[Coding], *, historical: bool
    ) -> list[Coding]:
        """ICD-10-CM in context: a past-history condition gets its history/sequela code, or none."""
        if not historical:
            return list(codings)
        out: list[Coding] = []
        for c in codings:
            if c.system != _ICD10CM:
                out.append(c)
                continue
            row = self._history_row(c.code)
            if row["rule"] == "keep":
                out.append(c)
            elif row["rule"] == "map":
                out.append(Coding(_ICD10CM, row["code"], row["display"]))
        return out

    def _history_row(self, code: str) -> dict[str, Any]:
        key = code.lower()
        for n in range(len(key), 0, -1):
            if self.icd_history.has(key[:n]):
                return self.icd_history.get(key[:n])
        return self.icd_history.default

    def date(self, days: float) -> str:
        """Index date + days, at day precision (the sources rarely say more); each day once (a report
        dates its facts on a few dozen days, asked for again and again)."""
        n = round(days)
        if self._dates_from is not self.index_date:  # (an index date set after construction)
            self._dates, self._dates_from = {}, self.index_date
        found = self._dates.get(n)
        if found is None:
            found = (self.index_date + dt.timedelta(days=n)).isoformat()
            if len(self._dates) < MEMO_LIMIT:
                self._dates[n] = found
        return found
