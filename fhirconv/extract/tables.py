"""Tables: each data cell of a results table is one observation of its row's test at its column's time.

Readers hand tables over as grids of cell offsets (``Document.tables``). A row header names the test
("Total bilirubin, mg/dL", "Hb (g/dL)"); a column header names when it was measured ("Day 3", "On
admission") or is a reference-range or unit column. A cell's value takes the unit written in the cell,
else the row header's, the unit column's, the range cell's or the column header's, in that order; a
qualitative cell ("Negative") is the result word. The observation quotes the row header as its name and
the exact cell as its value; a column whose header names no time leaves the cell undated (precision
first: the table alone does not say when).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..model import Document, Quantity, RelativeTime, SectionType, Table, TableCell
from ..text import fold, norm_phrase, phrase_pattern
from ..units import interpretation_from_range, parse_decimal
from .mentions import Aliases, MentionFinder, codings_of
from .observations import Obs, Observations
from .quantities import Quantities, decimal_of
from .rules import RuleData
from .sentence import Found

__all__ = ["TableRules", "Tables"]

# Sections whose tables are about diseases in general, not this patient.
_GENERAL = frozenset(
    {SectionType.BACKGROUND, SectionType.DISCUSSION, SectionType.CONCLUSION, SectionType.TITLE}
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+"
# "0–1.2", "70-100 mg/dL", "< 0.5 ng/mL", ">= 60": a reference-range cell, whole
_RANGE_CELL = re.compile(
    rf"\s*(?:(?P<lo>{_NUM})\s*(?:-|\u2013|\u2014|to)\s*(?P<hi>{_NUM})|(?P<up><=|≤|<)\s*(?P<upv>{_NUM})"
    rf"|(?P<dn>>=|≥|>)\s*(?P<dnv>{_NUM}))\s*(?P<unit>[^\s\d][^\s]{{0,14}})?\s*"
)
# "91 400": one number with its thousands grouped by (thin) spaces
_SPACED_NUMBER = re.compile(r"\s*(?P<num>\d{1,3}(?:[ \u2009\u202f]\d{3})+)\s*")
# the unit a row header carries after a comma or in parentheses: "Total bilirubin, mg/dL", "Hb (g/dL)"
_HEADER_UNIT = re.compile(r"(?:,\s*|\(\s*)(?P<unit>[^(),\s][^(),]{0,19}?)\s*\)?\s*$")


@dataclass(frozen=True, slots=True)
class TableRules:
    range_headers: re.Pattern[str]
    unit_headers: re.Pattern[str]
    time_zero: re.Pattern[str]
    filler: frozenset[str]  # words a row header may carry besides its test name and unit
    aliases: dict[str, str]  # a whole row header that is a symbol ("Na", "K+") -> the test's name

    @classmethod
    def from_dict(cls, data: RuleData) -> TableRules:
        def whole(words: tuple[str, ...]) -> re.Pattern[str]:
            return re.compile(r"\s*(?:" + phrase_pattern(words).pattern + r")\s*$")

        return cls(
            range_headers=whole(data.words("table_range_headers")),
            unit_headers=whole(data.words("table_unit_headers")),
            time_zero=phrase_pattern(data.words("table_time_zero_headers")),
            filler=frozenset(norm_phrase(w) for w in data.words("table_row_header_filler")),
            aliases={k.strip().lower(): v for k, v in data.table("table_row_aliases", str).items()},
        )


class Tables:
    def __init__(
        self,
        rules: TableRules,
        mentions: MentionFinder,
        observations: Observations,
        quantities: Quantities,
        column_time: Callable[[str, re.Pattern[str]], RelativeTime | None],
    ) -> None:
        self.rules = rules
        self.mentions = mentions
        self.observations = observations
        self.q = quantities
        self.column_time = column_time

    def read(
        self, doc: Document, folded: str, aliases: Aliases, found: Found, sentence: Callable[[int], int]
    ) -> None:
        """Observations of every patient table of ``doc`` into ``found`` (``sentence`` numbers the table
        in reading order)."""
        for table in doc.tables:
            sec = doc.section_at(table.start)
            if sec is None or sec.excluded or sec.type in _GENERAL or not table.rows:
                continue
            found.observations.extend(self._table(doc.text, folded, table, aliases, sentence(table.start)))

    def _table(self, text: str, folded: str, table: Table, aliases: Aliases, index: int) -> list[Obs]:
        rows = table.rows
        width = max(len(r) for r in rows)
        header_rows = table.header_rows or self._inferred_header(text, rows)
        if header_rows == 0 or header_rows >= len(rows):
            return []  # no column headers: which cell is a value of what cannot be told
        heads = [self._column_header(text, rows[:header_rows], j) for j in range(width)]
        range_cols = {j for j, h in enumerate(heads) if h and self.rules.range_headers.match(fold(h))}
        unit_cols = {j for j, h in enumerate(heads) if h and self.rules.unit_headers.match(fold(h))}
        times = [self.column_time(h, self.rules.time_zero) if h else None for h in heads]
        out: list[Obs] = []
        for row in rows[header_rows:]:
            if not row or row[0].end == row[0].start:
                continue
            head = row[0]
            test = self._test(text, folded, head, aliases)
            if test is None:
                continue
            range_cell = next((row[j] for j in sorted(range_cols) if j < len(row)), None)
            unit_cell = next((row[j] for j in sorted(unit_cols) if j < len(row)), None)
            rm = _RANGE_CELL.fullmatch(text, range_cell.start, range_cell.end) if range_cell else None
            unit = self._unit(text, head, unit_cell, rm, test)
            seen: set[tuple[int, int]] = {(head.start, head.end)}
            for j in range(1, len(row)):
                cell = row[j]
                if j in range_cols or j in unit_cols or cell.end == cell.start:
                    continue
                if (cell.start, cell.end) in seen:
                    continue  # a cell spanning columns is read once
                seen.add((cell.start, cell.end))
                obs = self._cell(text, folded, test, cell, unit)
                if obs is None:
                    continue
                obs.sentence = index
                obs.time = times[j]
                if rm is not None and range_cell is not None:
                    self._range(text, obs, rm, range_cell)
                out.append(obs)
        return out

    def _inferred_header(self, text: str, rows: tuple[tuple[TableCell, ...], ...]) -> int:
        """A first row whose later cells hold no values (words, or times such as "Day 1"), over rows that
        do hold some, is the header row."""

        def values(row: tuple[TableCell, ...]) -> bool:
            return any(
                re.search(r"\d", text[c.start : c.end])
                and self.column_time(text[c.start : c.end], self.rules.time_zero) is None
                for c in row[1:]
            )

        if len(rows) >= 2 and not values(rows[0]) and any(values(r) for r in rows[1:]):
            return 1
        return 0

    @staticmethod
    def _column_header(text: str, header_rows: tuple[tuple[TableCell, ...], ...], j: int) -> str:
        words: list[str] = []
        for row in header_rows:
            if j < len(row) and row[j].end > row[j].start:
                w = text[row[j].start : row[j].end]
                if w not in words:
                    words.append(w)
        return " ".join(words)

    def _test(self, text: str, folded: str, head: TableCell, aliases: Aliases) -> Obs | None:
        """The test a row header names (lexicon names only: a row header that is no known test is left)."""
        matches = self.mentions.find(text, folded, head.start, head.end, aliases)
        tests = self.observations.find_tests(
            text, folded, head.start, head.end, [m for m in matches if m.concept.domain == "tests"]
        )
        # a lexicon test: coded, or a quantity the lexicon knows the unit of (bicarbonate has no LOINC)
        known = [t for t in tests if t.codings or t.unit is not None]
        if not known:
            return self._alias_test(text, head)
        if len(known) != 1:
            return None  # no known test, or several: the row's values cannot be given to one
        test = known[0]
        # the header must name only this test ("Bilirubin (Direct)" is not the bilirubin the lexicon codes)
        rest = folded[head.start : test.start] + " " + folded[test.end : head.end]
        hm = _HEADER_UNIT.search(text, head.start, head.end)
        if hm and hm.start() >= test.end and self._is_unit(hm.group("unit")):
            rest = folded[head.start : test.start] + " " + folded[test.end : hm.start()]
        words = re.findall(r"[a-z]+", rest)
        if any(w not in self.rules.filler for w in words):
            return None
        return test

    def _alias_test(self, text: str, head: TableCell) -> Obs | None:
        """A row header that is only a symbol a table uses for a test ("Na", "K+", "Hb"): the test the
        lexicon names for it, quoting the header's own words."""
        hm = _HEADER_UNIT.search(text, head.start, head.end)
        end = hm.start() if hm and self._is_unit(hm.group("unit")) else head.end
        words = text[head.start : end].strip()
        name = self.rules.aliases.get(words.lower())
        if name is None:
            return None
        matches = self.mentions.lexicon.match(name, fold(name), 0, len(name))
        tests = [m for m in matches if m.concept.domain == "tests" and m.end - m.start == len(name)]
        if len(tests) != 1:
            return None
        c = tests[0].concept
        start = head.start + (len(text[head.start : end]) - len(text[head.start : end].lstrip()))
        category = c.category or "laboratory"
        # "Na (Sodium)": the symbol with the test's name, so the resource reads on its own (as an
        # abbreviation the text defines does); the mention still quotes only the header
        shown = words if fold(words) == fold(c.display) else f"{words} ({c.display})"
        return Obs(start, start + len(words), shown, codings_of(c), category, c.id, unit=c.unit)

    def _is_unit(self, raw: str) -> bool:
        return self.q.units.lookup(raw.strip()).ucum is not None or bool(re.search(r"[/%]|10\^?\d", raw))

    def _unit(
        self, text: str, head: TableCell, unit_cell: TableCell | None, rm: re.Match[str] | None, test: Obs
    ) -> str | None:
        """The UCUM unit of the row's bare numbers: row header, unit column, range cell, else the test's."""
        units = self.q.units
        candidates: list[str] = []
        hm = _HEADER_UNIT.search(text, head.start, head.end)
        if hm:
            candidates.append(hm.group("unit"))
        if unit_cell is not None and unit_cell.end > unit_cell.start:
            candidates.append(text[unit_cell.start : unit_cell.end])
        if rm is not None and rm.group("unit"):
            candidates.append(rm.group("unit"))
        for raw in candidates:
            ucum = units.lookup(raw.strip()).ucum
            if ucum and units.fits(ucum, test.unit):
                return ucum
        return test.unit

    def _cell(self, text: str, folded: str, test: Obs, cell: TableCell, unit: str | None) -> Obs | None:
        """The cell's value (number with the row's unit) or result word, as an observation of ``test``."""
        spaced = _SPACED_NUMBER.fullmatch(text, cell.start, cell.end)
        if spaced and unit is not None:
            # "91 400": a cell holding one number grouped by spaces is that number
            number = decimal_of(re.sub(r"\D", "", spaced.group("num")))
            ucum = self.q.units.raw_count_unit(unit, number) or unit  # "150 000" platelets: the raw count
            shown = self.q.units.lookup(ucum).display if ucum != unit else unit
            value = Quantity(number, shown, ucum)
            span = (spaced.start("num"), spaced.end("num"))
            return replace(test, value=value, value_span=span, cell=(cell.start, cell.end), components=[])
        probe = Obs(cell.start, cell.start, "", test.codings, test.category, test.concept_id, unit=unit)
        if self.observations.values.read(probe, text, folded, cell.end) and probe.value_span is not None:
            vs, ve = probe.value_span
            if text[cell.start : vs].strip() or text[ve : cell.end].strip(" *†‡()HLhl"):
                return None  # the number is only part of what the cell says
            return replace(
                test,
                value=probe.value,
                value_span=probe.value_span,
                interpretation=probe.interpretation,
                cell=(cell.start, cell.end),
                components=[],
            )
        for kind, pat in self.observations.rules.results:
            m = pat.fullmatch(folded, cell.start, cell.end)
            if m:
                return replace(
                    test, interpretation=kind, interp_span=(m.start(), m.end()), cell=(cell.start, cell.end)
                )
        return None

    def _range(self, text: str, obs: Obs, rm: re.Match[str], cell: TableCell) -> None:
        from ..model import ReferenceRange

        if obs.value is None:
            return
        g = rm.groupdict()
        low = parse_decimal(g["lo"]) if g.get("lo") else parse_decimal(g["dnv"]) if g.get("dnv") else None
        high = parse_decimal(g["hi"]) if g.get("hi") else parse_decimal(g["upv"]) if g.get("upv") else None
        if low is not None and high is not None and low > high:
            return
        if low is None and high is None:
            return
        v = obs.value
        obs.reference_range = ReferenceRange(
            Quantity(low, v.unit, v.ucum) if low is not None else None,
            Quantity(high, v.unit, v.ucum) if high is not None else None,
            " ".join(text[cell.start : cell.end].split()),
        )
        obs.range_span = (cell.start, cell.end)
        if obs.interpretation is None and v.comparator is None:
            obs.interpretation = interpretation_from_range(v.value, low, high)
