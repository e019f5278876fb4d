"""Culture results: what a test grew, named after the test or before it -- the one reading of such clauses.

* after the test: "blood cultures grew Klebsiella pneumoniae", "the sputum culture yielded Candida" --
  the words after the verb, to the clause end or the next test;
* before the test: "Pseudomonas aeruginosa was isolated from a sputum culture", "Klebsiella was detected
  in the urine culture" -- the subject of the clause (at most six words, no test of its own), when the
  verb's "from"/"in" phrase ends at the test.

The organism becomes the test's result text when the test has no result of its own; it is never a
result word ("positive") nor a test of its own: the spans taken are kept so the subject-result reading
("<subject> was detected") leaves them alone. The verbs are ``culture_result_verbs`` in
``rules/extraction.json``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .obs import Obs
    from .rules import ObservationRules

__all__ = ["CultureResults"]

# where the subject of the clause starts: the sentence start or a clause boundary
_SUBJECT_START = re.compile(r"(?:^|[;:]|,\s+(?:and|but)?|\b(?:and|but|while|whereas)\b)\s*", re.MULTILINE)
_TRAILING_LINK = re.compile(r"(?:,\s*|\s+)(?:and|but|which|while|with)?\s*$")
_MAX_SUBJECT_WORDS = 6


class CultureResults:
    def __init__(self, rules: ObservationRules) -> None:
        self.stop = rules.test_stop
        # "<test> grew <organism>": the organism runs to the clause end (a decimal point is not an end)
        self.after = re.compile(
            r"\s*(?:\([^)]*\)\s*)?"
            rf"(?:(?:{rules.finding_adverbs})\s+)?"
            rf"(?:{rules.culture_after})\s+"
            r"(?P<f>(?:[^.;,]|\.(?=\d)|,(?!\s*(?:and|but|which|while|whereas)\b))+)"
        )
        # "<organism> was isolated from a <test>"
        self.before = re.compile(
            rf"\s+(?:was|were)\s+(?:(?:{rules.finding_adverbs})\s+)?"
            rf"(?:{rules.culture_before})"
            r"\s+(?:from|in)\s+(?:(?:the|a|an|his|her|two|three|several|all|both|sets?|of|repeat|repeated)\s+){0,4}"
        )

    def read(self, text: str, folded: str, s: int, e: int, tests: list[Obs]) -> list[tuple[int, int]]:
        """Give each test without a result the organism its clause names (in place); the spans taken."""
        taken: list[tuple[int, int]] = []
        for t in tests:
            if t.value or t.value_text or t.interpretation or t.not_performed or t.components or not t.named:
                continue
            span = self._named_after(folded, e, t, tests) or self._named_before(folded, s, t, tests)
            if span is not None:
                t.value_text = text[span[0] : span[1]].strip()
                t.value_span = (span[0], span[0] + len(t.value_text))
                taken.append(t.value_span)
        return taken

    def _named_after(self, folded: str, e: int, t: Obs, tests: list[Obs]) -> tuple[int, int] | None:
        fm = self.after.match(folded, t.end, e)
        if fm is None:
            return None
        fs, fe = fm.start("f"), fm.end("f")
        # the organism stops where the next test of the sentence begins
        fe = min([fe, *(o.start for o in tests if fs <= o.start < fe)])
        cut = _TRAILING_LINK.search(folded, fs, fe)
        if cut:
            fe = cut.start()
        words = [w for w in folded[fs:fe].split() if w not in self.stop]
        return (fs, fe) if words and len("".join(words)) >= 3 else None

    def _named_before(self, folded: str, s: int, t: Obs, tests: list[Obs]) -> tuple[int, int] | None:
        head = max(s, t.start - 160)
        if folded.find("was", head, t.start) < 0 and folded.find("were", head, t.start) < 0:
            return None  # (the verb phrase opens with one of them: str searches, not the pattern's walk)
        found = None
        for fm in self.before.finditer(folded, head, t.start):
            if fm.end() == t.start:
                found = fm
        if found is None:
            return None
        # the subject: from the last clause start before the verb, at most six words, no test of its own
        vs = found.start()
        starts = [m.end() for m in _SUBJECT_START.finditer(folded, max(s, vs - 80), vs)]
        ss = max([max(s, vs - 80), *starts])
        words = folded[ss:vs].split()
        while words and words[0] in self.stop:
            ss = folded.index(words[0], ss) + len(words[0])
            words = words[1:]
        if not 1 <= len(words) <= _MAX_SUBJECT_WORDS or any(o is not t and ss <= o.start < vs for o in tests):
            return None
        while ss < vs and not folded[ss].isalnum():
            ss += 1
        return ss, vs
