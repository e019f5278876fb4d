"""Results named before their test: "Pseudomonas aeruginosa was isolated from a sputum culture".

The organism (or whatever was found) is the subject of the clause, the test follows "from"/"in": the
subject becomes the test's result text when the test has no result of its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .observations import Obs

__all__ = ["results_named_before"]

_FOUND_FROM = re.compile(
    r"\s+(?:was|were)\s+(?:(?:subsequently|later|also|then)\s+)?(?:isolated|identified|detected|cultured|grown|recovered)"
    r"\s+(?:from|in)\s+(?:(?:the|a|an|his|her|two|three|several|all|both|sets?|of|repeat|repeated)\s+){0,4}"
)
# where the subject of the clause starts: the sentence start or a clause boundary
_SUBJECT_START = re.compile(r"(?:^|[;:]|,\s+(?:and|but)?|\b(?:and|but|while|whereas)\b)\s*", re.MULTILINE)


def results_named_before(
    text: str, folded: str, s: int, e: int, tests: list[Obs], stop: frozenset[str]
) -> None:
    """Give a test the thing its clause says was isolated from it (in place)."""
    for t in tests:
        if t.value or t.value_text or t.interpretation or t.not_performed or t.components or not t.named:
            continue
        head = max(s, t.start - 160)
        found = None
        for fm in _FOUND_FROM.finditer(folded, head, t.start):
            if fm.end() == t.start:
                found = fm
        if found is None:
            continue
        # the subject: from the last clause start before the verb, at most six words, no test of its own
        vs = found.start()
        starts = [m.end() for m in _SUBJECT_START.finditer(folded, max(s, vs - 80), vs)]
        ss = max([max(s, vs - 80), *starts])
        words = folded[ss:vs].split()
        while words and words[0] in stop:
            ss = folded.index(words[0], ss) + len(words[0])
            words = words[1:]
        if not 1 <= len(words) <= 6 or any(o is not t and ss <= o.start < vs for o in tests):
            continue
        while ss < vs and not folded[ss].isalnum():
            ss += 1
        t.value_text = text[ss:vs].strip()
        t.value_span = (ss, ss + len(t.value_text))
