"""Tables as text plus a grid of cell offsets, shared by the JATS, HTML and text readers.

A table's physical cells are written once into the document text (cells joined by tabs, rows by line
breaks), and the logical grid -- with row and column spans expanded -- points every grid position at the
offsets of the cell that covers it. Extraction can then read each cell with its row and column headers
and still quote the exact words of the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a plain-text report never loads lxml (~0.01 s)
    from lxml import etree

from ..model import Table, TableCell

__all__ = ["TableText", "grid_from_element", "tab_tables", "table_text"]

# A hostile colspan/rowspan must not blow the grid up.
_MAX_SPAN = 50
_MAX_ROWS = 2000


@dataclass(frozen=True, slots=True)
class TableText:
    """A table block before it is placed: ``text`` and cells relative to its first character."""

    text: str
    rows: tuple[tuple[TableCell, ...], ...]
    header_rows: int

    def placed(self, offset: int) -> Table:
        """The table once its text starts at ``offset`` in the document."""
        rows = tuple(
            tuple(TableCell(c.start + offset, c.end + offset, c.header) for c in row) for row in self.rows
        )
        return Table(offset, offset + len(self.text), rows, self.header_rows)


def _span(value: str | None) -> int:
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return max(1, min(n, _MAX_SPAN))


def grid_from_element(
    table: etree._Element, name_of: Callable[[etree._Element], str], text_of: Callable[[etree._Element], str]
) -> list[list[tuple[int, str, bool]]]:
    """Physical cells per row as (logical column, text, header), with rowspans carried down.

    ``name_of`` gives an element's local name (namespace-agnostic); nested tables are not descended into.
    """
    rows: list[list[tuple[int, str, bool]]] = []
    carry: dict[int, int] = {}  # logical column -> rows still covered by a rowspan from above

    def trs(el: etree._Element, head: bool) -> Iterator[tuple[etree._Element, bool]]:
        for child in el:
            name = name_of(child)
            if name == "tr":
                yield child, head
            elif name in ("thead", "tbody", "tfoot"):
                yield from trs(child, head or name == "thead")

    for tr, head in trs(table, False):
        if len(rows) >= _MAX_ROWS:
            break
        row: list[tuple[int, str, bool]] = []
        col = 0
        for cell in tr:
            name = name_of(cell)
            if name not in ("td", "th"):
                continue
            while carry.get(col, 0) > 0:
                col += 1
            words = " ".join(text_of(cell).split())
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            row.append((col, words, head or name == "th"))
            for k in range(colspan):
                if rowspan > 1:
                    carry[col + k] = rowspan  # decremented below, after this row
            col += colspan
            row.extend((col - colspan + k, "\x00", False) for k in range(1, colspan))
        for c in list(carry):
            carry[c] -= 1
            if carry[c] <= 0:
                del carry[c]
        rows.append(row)
    return rows


def table_text(rows: list[list[tuple[int, str, bool]]]) -> TableText | None:
    """The text block and logical grid for rows from :func:`grid_from_element`.

    A cell marked ``"\\x00"`` is the continuation of a colspan: it is not written, and its grid position
    points at the spanning cell. Positions covered by a rowspan point at the cell above.
    """
    rows = [r for r in rows if any(t and t != "\x00" for _, t, _ in r)]
    if not rows:
        return None
    width = max(c for r in rows for c, _, _ in r) + 1
    lines: list[str] = []
    grid: list[list[TableCell | None]] = []
    pos = 0
    for r in rows:
        parts: list[str] = []
        line: list[TableCell | None] = [None] * width
        cursor = pos
        last: TableCell | None = None
        for col, words, header in sorted(r, key=lambda x: x[0]):
            if words == "\x00":
                line[col] = last
                continue
            if parts:
                cursor += 1  # the tab before this cell
            cell = TableCell(cursor, cursor + len(words), header)
            parts.append(words)
            cursor += len(words)
            line[col] = cell
            last = cell
        lines.append("\t".join(parts))
        grid.append(line)
        pos += len(lines[-1]) + 1
    # rowspans: an empty position under a cell that spans down takes that cell
    for i in range(1, len(grid)):
        for j in range(width):
            if grid[i][j] is None and _covered(rows, i, j):
                grid[i][j] = grid[i - 1][j]
    text = "\n".join(lines)
    # leading whitespace of the block would be stripped by the readers; keep cells in the stripped text
    lead = len(text) - len(text.lstrip())
    header_rows = 0
    for line in grid:
        cells = [c for c in line if c is not None and c.end > c.start]
        if cells and all(c.header for c in cells):
            header_rows += 1
        else:
            break
    out_rows = tuple(
        tuple(
            TableCell(max(0, c.start - lead), max(0, c.end - lead), c.header)
            if c is not None
            else TableCell(0, 0, False)
            for c in line
        )
        for line in grid
    )
    return TableText(text.strip(), out_rows, header_rows)


def _covered(rows: list[list[tuple[int, str, bool]]], i: int, j: int) -> bool:
    """Whether position (i, j) has no physical cell of its own (a rowspan from above covers it)."""
    return not any(c == j for c, _, _ in rows[i])


_TAB_LINE = re.compile(r"[^\n]*\t[^\n]*")


def tab_tables(text: str, start: int, end: int) -> list[Table]:
    """Tables written as runs of tab-separated lines in plain text (a PMC body dump keeps its tables so).

    A run needs two or more lines with a tab each, and at least one line whose later cells hold numbers;
    a first line whose later cells hold no digits is the header row.
    """
    out: list[Table] = []
    run: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        body = line.rstrip("\r")
        if "\t" in body and body.strip():
            run.append((s, s + len(body)))
            continue
        if run:  # a blank or untabbed line ends the run
            out.extend(_tab_run(text, run))
            run = []
    if run:
        out.extend(_tab_run(text, run))
    return out


def _tab_run(text: str, run: list[tuple[int, int]]) -> list[Table]:
    if len(run) < 2:
        return []
    rows: list[list[TableCell]] = []
    for s, e in run:
        cells: list[TableCell] = []
        pos = s
        for part in text[s:e].split("\t"):
            lead = len(part) - len(part.lstrip())
            words = part.strip()
            cells.append(TableCell(pos + lead, pos + lead + len(words)))
            pos += len(part) + 1
        while cells and cells[-1].end == cells[-1].start:
            cells.pop()  # trailing tabs
        rows.append(cells)
    width = max(len(r) for r in rows)
    if width < 2:
        return []

    def has_digit(r: list[TableCell]) -> bool:
        return any(re.search(r"\d", text[c.start : c.end]) for c in r[1:])

    if not any(has_digit(r) for r in rows[1:]):
        return []
    header = 0 if has_digit(rows[0]) else 1
    grid = tuple(
        tuple(
            TableCell(c.start, c.end, i < header)
            for c in r + [TableCell(r[-1].end, r[-1].end)] * (width - len(r))
        )
        for i, r in enumerate(rows)
    )
    return [Table(run[0][0], run[-1][1], grid, header)]
