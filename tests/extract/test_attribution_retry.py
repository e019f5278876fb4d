"""``Attributor.patient_sentences`` reads a report again when no paragraph opened the case (a whole
report on one line is one paragraph, and often such a report). The second pass reuses what the first
counted and split for each paragraph; it must keep exactly the sentences a pass that counts and splits
everything again keeps."""

from __future__ import annotations

from typing import Any

from support import converter, require_shared

from fhirconv.extract.attribution import _Read
from fhirconv.extract.text import fold

# written for this test: general text with citations and no case opener (the retry path), a case
# narrative, and hostile shapes (one long run without sentence ends, brackets, dots)
OWN = [
    "Sarcoidosis is a granulomatous disease [1]. It has been reported in many studies (2, 3). "
    "Previous reports describe it in adults [4]. The patient was treated with steroids.",
    "A 61-year-old woman presented with fever. She was given amoxicillin. Her fever resolved.",
    "In previous studies, the disease has been reported [1-3]. Our patient had a cough.\n\n"
    "It is rare [5]. The patient was admitted. He improved. Figure 2. Chest X-ray.",
    "word " * 3000,
    "[1] (2) et al. e.g. i.e. " * 400 + "The patient was well.",
    "a." * 2500 + " B. " + "(1-2) " * 500,
]


class _Forgetful(dict[Any, Any]):
    """A memo that keeps nothing."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _slow() -> _Read:
    """Every paragraph counted and split again, every sentence judged again: the way before the memo."""
    return _Read(_Forgetful(), _Forgetful())


def _texts() -> list[str]:
    dev = require_shared("corpora", "maccrobat2020", "dev")
    files = sorted(dev.glob("*.txt"))
    assert len(files) > 100
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    joined = " ".join(" ".join(t.split()) for t in texts[:30])  # many reports on one line
    return [*OWN, *texts, *(" ".join(t.split()) for t in texts), joined]


def test_retry_reuses_first_pass_exactly(monkeypatch: Any) -> None:
    conv = converter()
    attributor = conv.extractor.attributor
    retries: list[bool] = []
    plain = attributor.patient_sentences

    def counted(*args: Any, **kwargs: Any) -> Any:
        retries.append(bool(kwargs.get("retry")))
        return plain(*args, **kwargs)

    monkeypatch.setattr(attributor, "patient_sentences", counted)
    retried = 0
    for i, text in enumerate(_texts()):
        doc = conv.read_bytes(text.encode("utf-8"), f"doc{i}.txt")
        folded = fold(doc.text)
        retries.clear()
        fast = attributor.patient_sentences(doc, folded)
        retried += any(retries)
        assert fast == plain(doc, folded, _read=_slow()), i
        # the retry given the first pass's memo against a retry that counts everything again
        memo = _Read()
        plain(doc, folded, _read=memo)
        again = plain(doc, folded, retry=True, _read=memo)
        assert again == plain(doc, folded, retry=True, _read=_slow()), i
    assert retried >= 20  # the retry path was taken (one-line reports, general text)
