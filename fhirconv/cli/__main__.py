"""``python -m fhirconv.cli``."""

from .app import main

main()
