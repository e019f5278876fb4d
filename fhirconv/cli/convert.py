"""`fhirconv convert` and `fhirconv extract` (filled in by the convert work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    del app
