"""``replaced`` gives exactly what ``dataclasses.replace`` gives, and refuses what it refuses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from fhirconv.extract.fastcopy import replaced
from fhirconv.model import Assertion, ConditionFact, Mention, MentionRole, Quantity, RelativeTime


def _fact() -> ConditionFact:
    head = Mention(4, 9, "fever", MentionRole.HEAD)
    return ConditionFact(
        key="c1|present", text="fever", codings=(), cls="sign", assertion=Assertion.PRESENT, mentions=(head,)
    )


def test_a_frozen_fact_is_copied_with_its_changes() -> None:
    fact = _fact()
    onset = RelativeTime("two days", -2.0, None)
    for changes in ({}, {"onset": onset}, {"onset": onset, "past": True, "clinical_status": "resolved"}):
        new = replaced(fact, **changes)
        assert new == dataclasses.replace(fact, **changes)
        assert type(new) is ConditionFact and new is not fact
        for name, value in changes.items():
            assert getattr(new, name) is value
    assert fact.onset is None  # the original is untouched


def test_unknown_fields_are_refused_as_replace_refuses_them() -> None:
    with pytest.raises(TypeError):
        dataclasses.replace(_fact(), no_such_field=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        replaced(_fact(), no_such_field=1)


def test_classes_with_post_init_or_non_init_fields_go_to_replace() -> None:
    # Quantity checks itself in __post_init__: the check still runs on the copy
    q = Quantity(Decimal("5"), "mg")
    assert replaced(q, unit="g") == dataclasses.replace(q, unit="g")
    with pytest.raises(TypeError):
        replaced(q, value=5)

    @dataclass
    class Mutable:
        a: int
        b: list[int] = field(default_factory=list)
        c: int = field(default=0, init=False)

    m = Mutable(1, [2])
    assert replaced(m, a=3) == dataclasses.replace(m, a=3)


@dataclass(frozen=True, slots=True)
class _Base:
    a: int
    b: str = "b"


@dataclass(frozen=True, slots=True)
class _Derived(_Base):
    c: tuple[int, ...] = ()
    d: float | None = None


@dataclass(frozen=True)
class _NoSlots:
    a: int
    b: str = "b"


def test_every_model_fact_and_inherited_or_unslotted_class_copies_as_replace_does() -> None:
    # slot classes (own and inherited fields) are set through their slot descriptors; a frozen class
    # without slots through object.__setattr__: each field must land in its own place either way
    samples: list[object] = [_Derived(1, "x", (2,), 0.5), _NoSlots(3), _fact()]
    samples += [Mention(1, 2, "x", MentionRole.VALUE), RelativeTime("x", -1.0, None)]
    for obj in samples:
        names = [f.name for f in dataclasses.fields(obj)]  # type: ignore[arg-type]
        for i, name in enumerate(names):
            other = names[(i + 1) % len(names)]
            value, other_value = object(), object()
            new = replaced(obj, **{name: value, other: other_value})
            expected = dataclasses.replace(obj, **{name: value, other: other_value})  # type: ignore[type-var]
            assert type(new) is type(obj)
            for n in names:
                assert getattr(new, n) is getattr(expected, n), (type(obj).__name__, n)


def test_maker_makes_what_the_class_makes() -> None:
    # every class the components make through ``maker``: positional, keyword and defaulted calls give an
    # object of the class with each value in its own field, as the class's own __init__ does
    from fhirconv.extract.context import Target
    from fhirconv.extract.fastcopy import maker
    from fhirconv.extract.lexicon import Match
    from fhirconv.extract.text import Sentence
    from fhirconv.model import MedicationFact, ObservationFact, ProcedureFact, RelativeTime

    classes: list[Any] = [
        Mention,
        Match,
        ConditionFact,
        ObservationFact,
        MedicationFact,
        ProcedureFact,
        Target,
        Sentence,
        RelativeTime,
        _Derived,
    ]
    for cls in classes:
        make = maker(cls)
        assert make is not cls, cls
        fields = dataclasses.fields(cls)
        values = [object() for _ in fields]
        required = [f for f in fields if f.default is dataclasses.MISSING]
        calls = [
            ((*values,), {}),
            ((), {f.name: v for f, v in zip(fields, values, strict=True)}),
            ((*values[: len(required)],), {}),
        ]
        for args, kwargs in calls:
            made, expected = make(*args, **kwargs), cls(*args, **kwargs)
            assert type(made) is cls
            for f in fields:
                assert getattr(made, f.name) is getattr(expected, f.name), (cls.__name__, f.name)
        with pytest.raises(TypeError):
            make(*values, object())  # one value too many, as the class refuses it


def test_maker_leaves_other_classes_as_they_are() -> None:
    from fhirconv.extract.fastcopy import maker

    @dataclass(frozen=True, slots=True)
    class WithFactory:
        a: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordsOnly:
        a: int

    @dataclass(slots=True)
    class NotFrozen:
        a: int

    others: list[Any] = [Quantity, WithFactory, KeywordsOnly, NotFrozen, _NoSlots]
    for cls in others:
        assert maker(cls) is cls


def test_each_set_of_changed_names_gets_its_own_copy_and_the_bound_holds(monkeypatch: Any) -> None:
    # a copier is made per class and per names changed (in the order given): every subset of a fact's
    # fields, in both orders, copies as dataclasses.replace does; past the bound of remembered copiers
    # the class's general copier does it, and the store does not grow
    from fhirconv.extract import fastcopy

    fact = _fact()
    names = [f.name for f in dataclasses.fields(fact)]
    for bound in (fastcopy._MAX_COPIERS, 0):
        monkeypatch.setattr(fastcopy, "_MAX_COPIERS", bound)
        monkeypatch.setattr(fastcopy, "_COPIERS", {})
        for i in range(len(names)):
            for chosen in (names[i:], names[: i + 1], names[i::3][::-1]):
                changes = {n: object() for n in chosen}
                new = replaced(fact, **changes)
                expected = dataclasses.replace(fact, **changes)
                for n in names:
                    assert getattr(new, n) is getattr(expected, n), (bound, chosen, n)
        with pytest.raises(TypeError):
            replaced(fact, onset=None, no_such_field=1)
        assert len(fastcopy._COPIERS) <= bound
