"""Timeline rules: ``mappings/rules/timeline.json`` type-checked and compiled into linear patterns.

Numbers, ordinals and time units come from the quantity rules, so "the sixth day" and "for five days"
read their words from one table. Every pattern is a flat alternation of literal phrases, numbers and
units (bounded repeats only), so matching stays linear on hostile input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import MappingError
from ..text import alternation
from ..wordstart import compile_word_start
from .quantities import NUM, Quantities
from .rules import OUTCOME_RANK, RuleData

__all__ = ["TimelineRules"]


@dataclass(frozen=True, slots=True)
class TimelineRules:
    """rules/timeline.json, type-checked and compiled once."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    presentation: re.Pattern[str]
    discharge: re.Pattern[str]
    surgery: re.Pattern[str]
    nouns: dict[str, str]
    resolution_kinds: frozenset[str]
    history_medication: re.Pattern[str]
    calendar: re.Pattern[str]  # "in March 2015", "on 12 March 2015", "March 12, 2015", "in 2019"
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
            rf"(?:(?P<d2>\d{{1,2}}),?\s+)?)?(?P<y1>(?:1[89]|20)\d\d)"
            rf"|(?P<m3>{mon})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>(?:1[89]|20)\d\d)){e}"
            rf"(?!\s*(?:{alt('calendar_not_before')}){e})"
        )
        # Each pattern is a flat alternation of literal phrases, numbers and units: linear time.
        patterns = (
            ("postop", compile_word_start(rf"{w}(?:{alt('postoperative_phrases')})\s*(?P<num>\d{{1,3}}){e}")),
            (
                "hospital-day",
                compile_word_start(rf"{w}(?:{alt('hospital_day_phrases')})\s+(?P<num>\d{{1,3}}){e}"),
            ),
            (
                "of-day",
                re.compile(
                    rf"{w}(?:on\s+)?(?:the\s+)?{ordinal}\s+(?P<du>day|week|month)\s+(?:of|after|following)\s+"
                    r"(?:the\s+|his\s+|her\s+|their\s+)?(?P<ref>[a-z][a-z0-9 ]{0,40}?)"
                    r"(?=[,.;:)]|\s+(?:and|she|he|the|was|were)\s|$)"
                ),
            ),
            ("day", compile_word_start(rf"{w}on\s+(?:the\s+)?{ordinal}\s+(?P<du>day|week|month){e}")),
            ("day-n", compile_word_start(rf"{w}on\s+day\s+(?P<num>\d{{1,3}}){e}")),
            (
                "after-noun",
                compile_word_start(
                    rf"{w}{amount}\s+(?:after|following|post)\s+(?:the\s+)?(?P<noun>{noun_alt}){e}"
                ),
            ),
            (
                "before-noun",
                compile_word_start(
                    rf"{w}{amount}\s+(?:before|prior\s+to)\s+(?:the\s+)?(?P<noun>{noun_alt}){e}"
                ),
            ),
            ("later", compile_word_start(rf"{w}{amount}\s+(?:{alt('later_words')}){e}")),
            ("earlier", compile_word_start(rf"{w}{amount}\s+(?:{alt('earlier_words')}){e}")),
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
            ("age", compile_word_start(rf"{w}at\s+(?P<age>{NUM})\s+(?:years?|yrs?)\s+(?:of\s+age|old){e}")),
            ("next", compile_word_start(rf"{w}(?:{alt('next_day_phrases')}){e}")),
            ("same", compile_word_start(rf"{w}(?:{alt('same_day_phrases')}){e}")),
        )
        return cls(
            patterns=patterns,
            presentation=compile_word_start(rf"{w}(?:{alt('presentation_phrases')}){e}"),
            discharge=compile_word_start(rf"{w}(?:{alt('discharge_phrases')}){e}"),
            surgery=compile_word_start(rf"{w}(?:{alt('surgery_phrases')}){e}"),
            nouns=nouns,
            resolution_kinds=frozenset(resolution),
            history_medication=compile_word_start(rf"{w}(?:{alt('history_medication_phrases')}){e}"),
            calendar=calendar,
            months=months,
        )
