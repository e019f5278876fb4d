"""The compiled-definitions currency check reads what it always read, more cheaply: fastjsonschema's
version from its version.py as text (the import is the reference), the package folder's entry count
from os.listdir (iterdir is the reference)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from fhirconv.definitions import compiled


def test_fastjsonschema_version_read_as_the_import_reads_it() -> None:
    pytest.importorskip("fastjsonschema")
    # in a fresh interpreter: the text read, without the package imported, then the import's own
    code = (
        "import sys; from fhirconv.definitions import compiled as c; a = c._fastjsonschema_version(); "
        "loaded = 'fastjsonschema' in sys.modules; import fastjsonschema; "
        "print(a, loaded, fastjsonschema.VERSION, c._fastjsonschema_version())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    read, loaded, imported, again = out.stdout.split()
    assert read == imported == again and loaded == "False"


def test_version_line_only_in_its_plain_form(tmp_path: Path) -> None:
    assert compiled._VERSION_LINE.findall("VERSION = '2.22.3'\n") == [("'", "2.22.3")]
    assert compiled._VERSION_LINE.findall('VERSION = "1.0rc1"\n') == [('"', "1.0rc1")]
    for text in ("VERSION = get_version()\n", "VERSION = '1' + '2'\n", "# VERSION = '9'\n"):
        assert compiled._VERSION_LINE.findall(text) == []


def test_fingerprint_counts_what_iterdir_counts(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "package.json").write_text('{"name": "x"}')
    for i in range(30):
        (folder / f"r{i}.json").write_text("{}")
    (folder / "sub").mkdir()
    (folder / ".hidden").write_text("")
    expected = hashlib.sha256((folder / "package.json").read_bytes())
    expected.update(str(sum(1 for _ in folder.iterdir())).encode())
    assert compiled._fingerprint(folder) == expected.hexdigest()
    (folder / "r99.json").write_text("{}")  # a reinstall with another file count: another fingerprint
    assert compiled._fingerprint(folder) != expected.hexdigest()
