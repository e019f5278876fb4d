"""Timeline rules: ``mappings/rules/timeline.json`` type-checked and compiled into linear patterns.

Numbers, ordinals and time units come from the quantity rules, so "the sixth day" and "for five days"
read their words from one table. Every pattern is a flat alternation of literal phrases, numbers and
units (bounded repeats only), so matching stays linear on hostile input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import MappingError
from ..text import alternation, flat_alternation, norm_phrase
from ..wordstart import compile_word_start
from .quantities import NUM, Quantities
from .rules import OUTCOME_RANK, RuleData

__all__ = ["TimelineRules"]


@dataclass(frozen=True, slots=True)
class TimelineRules:
    """rules/timeline.json, type-checked and compiled once."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    # patterns of which one matches in a span wherever one of ``patterns`` does (and, but for the looser
    # ones of the number-led phrases, only there), quicker to join into one search (the timeline asks
    # that of every sentence first: prefilter.AnyOf; where none matches, no pattern is asked)
    time_gate: tuple[re.Pattern[str], ...]
    presentation: re.Pattern[str]
    discharge: re.Pattern[str]
    surgery: re.Pattern[str]
    nouns: dict[str, str]
    resolution_kinds: frozenset[str]
    history_medication: re.Pattern[str]
    calendar: re.Pattern[str]  # "in March 2015", "on 12 March 2015", "March 12, 2015", "in 2019"
    # where a year the calendar reads may start (every calendar match holds one: a sentence without
    # one is not searched for dates); zero-width, so overlapping places are all found
    year_starts: re.Pattern[str]
    months: dict[str, int]

    @classmethod
    def from_dict(cls, data: RuleData, q: Quantities) -> TimelineRules:
        def alt(key: str) -> str:
            return alternation(data.words(key))

        nouns_groups = data.groups("anchor_nouns")
        nouns = {" ".join(w.split()): kind for kind, words in nouns_groups.items() for w in words}
        noun_alt = alternation(nouns)
        qty = q.qty_words
        tu = "|".join(sorted((re.escape(u) for u in q.rules.time_units), key=len, reverse=True))
        ords = "|".join(sorted((re.escape(o) for o in q.rules.ordinal_words), key=len, reverse=True))
        ordinal = rf"(?:(?P<ord>{ords})|(?P<ordn>\d{{1,3}})(?:st|nd|rd|th))"
        amount = rf"(?P<n>{qty})\s+(?P<u>{tu})"
        w = r"(?<!\w)"
        e = r"(?!\w)"
        resolution = data.words("resolution_kinds")
        bad = sorted(set(resolution) - set(OUTCOME_RANK))
        if bad:
            raise MappingError(f"rules/timeline.json: resolution_kinds has unknown kinds {bad}")
        months = {k: int(v) for k, v in data.table("month_names", int).items()}
        mon = alternation(months)
        # a year needs a preposition or a month before it, and no unit after it ("in 2000 mg" is a dose)
        calendar = re.compile(
            rf"{w}(?:(?:{alt('calendar_prepositions')})\s+(?:(?:(?P<d1>\d{{1,2}})\s+)?(?P<m1>{mon})\.?\s+"
            rf"(?:(?P<d2>\d{{1,2}}),?\s+)?)?(?P<y1>{_YEAR})"
            rf"|(?P<m3>{mon})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>{_YEAR})){e}"
            rf"(?!\s*(?:{alt('calendar_not_before')}){e})"
        )
        # the patterns that open with an amount ("two weeks"), each by what follows it
        amount_led = (
            ("after-noun", rf"(?:after|following|post)\s+(?:the\s+)?(?P<noun>{noun_alt}){e}"),
            ("before-noun", rf"(?:before|prior\s+to)\s+(?:the\s+)?(?P<noun>{noun_alt}){e}"),
            ("later", rf"(?:{alt('later_words')}){e}"),
            ("earlier", rf"(?:{alt('earlier_words')}){e}"),
        )
        # "on the third day of IVIg": what may come before the ordinal, dropped from the time gate below
        of_day_lead = r"(?:on\s+)?(?:the\s+)?"
        of_day_rest = (
            rf"{ordinal}\s+(?P<du>day|week|month)\s+(?:of|after|following)\s+"
            r"(?:the\s+|his\s+|her\s+|their\s+)?(?P<ref>[a-z][a-z0-9 ]{0,40}?)"
            r"(?=[,.;:)]|\s+(?:and|she|he|the|was|were)\s|$)"
        )
        # Each pattern is a flat alternation of literal phrases, numbers and units: linear time.
        patterns = (
            ("postop", compile_word_start(rf"{w}(?:{alt('postoperative_phrases')})\s*(?P<num>\d{{1,3}}){e}")),
            (
                "hospital-day",
                compile_word_start(rf"{w}(?:{alt('hospital_day_phrases')})\s+(?P<num>\d{{1,3}}){e}"),
            ),
            ("of-day", re.compile(rf"{w}{of_day_lead}{of_day_rest}")),
            ("day", compile_word_start(rf"{w}on\s+(?:the\s+)?{ordinal}\s+(?P<du>day|week|month){e}")),
            ("day-n", compile_word_start(rf"{w}on\s+day\s+(?P<num>\d{{1,3}}){e}")),
            *((kind, compile_word_start(rf"{w}{amount}\s+{tail}")) for kind, tail in amount_led),
            (
                "after",
                compile_word_start(rf"{w}after\s+(?:a\s+|an\s+|another\s+)?{amount}(?:\s+interval)?{e}"),
            ),
            (
                "following",
                compile_word_start(
                    rf"{w}(?:in|over|during|for)\s+the\s+(?:{alt('following_words')})\s+{amount}{e}"
                ),
            ),
            (
                "within",
                compile_word_start(rf"{w}(?:{alt('within_words')})\s+(?:the\s+next\s+|about\s+)?{amount}{e}"),
            ),
            (
                "follow-up-n",
                compile_word_start(
                    rf"{w}(?:at|on|after)\s+(?:the\s+|a\s+)?{amount}\s+(?:{alt('follow_up_phrases')}){e}"
                ),
            ),
            (
                "follow-up",
                compile_word_start(rf"{w}(?:at|on|during)\s+(?:the\s+)?(?:{alt('follow_up_phrases')}){e}"),
            ),
            (
                "age",
                compile_word_start(
                    rf"{w}(?:{alt('age_phrases')})\s+(?P<age>{NUM})(?:\s+(?:years?|yrs?))?{e}"
                ),
            ),
            (
                "age",
                compile_word_start(
                    rf"{w}at\s+(?P<age>{NUM})\s+(?:years?|yrs?)\s+(?:{flat_alternation(_YEARS_OLD)}){e}"
                ),
            ),
            ("next", compile_word_start(rf"{w}(?:{alt('next_day_phrases')}){e}")),
            ("same", compile_word_start(rf"{w}(?:{alt('same_day_phrases')}){e}")),
        )
        # The time gate: the amount-led patterns as one, the amount read once ("two weeks" then what
        # follows: the same texts match), and the day of a named anchor without what may come before
        # its ordinal (where "on the third day of X" matches, "third day of X" does, inside the same
        # bounds and after a space; the reverse is the pattern with both optional parts empty).
        # The patterns whose words are a number or "the" (postoperative day 3, at the age of 30, the same
        # day) would open the gate in nearly every sentence (their literals are what the literal gate in
        # front of it looks for: triggers.py); the gate asks instead for a word each of their matches
        # holds (``_held_word``): looser -- the patterns then run and find what they find -- and far
        # rarer (86 % -> 40 % of the MACCROBAT dev sentences open the gate).
        lead_kinds = {kind for kind, _ in amount_led}
        loosened = {
            "postop": data.words("postoperative_phrases"),
            "same": data.words("same_day_phrases"),
        }
        ages = (data.words("age_phrases"), _YEARS_OLD)
        time_gate = (
            re.compile(
                _unnamed(rf"{w}{amount}\s+(?:" + "|".join(f"(?:{tail})" for _, tail in amount_led) + ")")
            ),
            re.compile(_unnamed(rf"{w}{of_day_rest}")),
            *(
                pat
                for kind, pat in patterns
                if kind not in lead_kinds and kind != "of-day" and kind != "age" and kind not in loosened
            ),
            *(_held_word(phrases) for phrases in (*loosened.values(), *ages)),
        )
        return cls(
            patterns=patterns,
            time_gate=time_gate,
            presentation=compile_word_start(rf"{w}(?:{alt('presentation_phrases')}){e}"),
            discharge=compile_word_start(rf"{w}(?:{alt('discharge_phrases')}){e}"),
            surgery=compile_word_start(rf"{w}(?:{alt('surgery_phrases')}){e}"),
            nouns=nouns,
            resolution_kinds=frozenset(resolution),
            history_medication=compile_word_start(rf"{w}(?:{alt('history_medication_phrases')}){e}"),
            calendar=calendar,
            year_starts=re.compile(rf"(?={_YEAR})"),
            months=months,
        )


# a year of the calendar: both its forms read one (``TimelineRules.year_starts`` looks for it alone)
_YEAR = r"(?:1[89]|20)\d\d"

# how the second age pattern ends ("at 30 years of age", "at 30 years old")
_YEARS_OLD = ("of age", "old")


def _held_word(phrases: Sequence[str]) -> re.Pattern[str]:
    """A pattern that matches wherever one of ``phrases`` (as :func:`~fhirconv.text.alternation` writes
    them, whatever follows them) does: a word each holds -- the longest all share, else each one's
    longest. A match of a phrase holds each of its words as written (only the spaces between them
    vary), and each word starts where the phrase does (its pattern asks ``(?<!\\w)`` there) or after a
    space, so ``(?<!\\w)`` holds before it too."""
    words = [norm_phrase(p).split() for p in phrases]
    shared = set(words[0]).intersection(*words[1:])
    held = {max(sorted(shared), key=len)} if shared else {max(ws, key=len) for ws in words}
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, held))) + ")")


_GROUP_NAME = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


def _unnamed(src: str) -> str:
    """The pattern with its named groups made plain groups (the gate joins patterns that share names;
    these patterns never refer back to a group, so what they match is the same)."""
    return _GROUP_NAME.sub("(?:", src)
