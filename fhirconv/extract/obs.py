"""The test mention a sentence is read into (``Obs``): kept apart from ``observations.py`` so the
helpers that fill it in (lists, organisms, unnamed values) need not import the
component itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Coding, Quantity, ReferenceRange, RelativeTime

__all__ = ["Obs"]


@dataclass(slots=True)
class Obs:
    """A test mention while its sentence is read; results are filled in place."""

    start: int
    end: int
    text: str
    codings: tuple[Coding, ...]
    category: str
    concept_id: str
    unit: str | None = None  # the lexicon's unit for a bare number after the name
    value: Quantity | None = None
    value_span: tuple[int, int] | None = None
    value_text: str | None = None
    interpretation: str | None = None
    interp_span: tuple[int, int] | None = None
    not_performed: bool = False
    components: list[tuple[str, tuple[Coding, ...], Quantity]] = field(default_factory=list)
    umbrella: bool = False
    sentence: int = 0
    reference_range: ReferenceRange | None = None
    range_span: tuple[int, int] | None = None
    cell: tuple[int, int] | None = None  # its own value span: a table cell, a second listed value
    time: RelativeTime | None = None  # a table cell dated by its column header
    named: bool = True  # False: the words before the value name something else; the value is the mention
    heads: tuple[tuple[int, int], ...] = ()  # name and bracketed abbreviation, when both are written
    earlier: tuple[Quantity, tuple[int, int]] | None = None  # "from 12.1 to 7.8 g/dL": the value before
    restated: tuple[int, int] | None = None  # "99.7 F (37.6 C)": the value in another unit (series.py)
    state: bool = (
        False  # "his condition worsened": the patient's overall state, an outcome as well (course.py)
    )
