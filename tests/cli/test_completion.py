"""Shell completion is on (README, "Shell completion")."""

from __future__ import annotations

import os
import subprocess
import sys

from support import REPO


def test_show_completion_prints_a_bash_script() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), SHELL="/bin/bash")
    r = subprocess.run(
        [sys.executable, "-m", "fhirconv", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "complete -o default -F" in r.stdout and "FHIRCONV_COMPLETE=complete_bash" in r.stdout
