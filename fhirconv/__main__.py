"""``python -m fhirconv``."""

from .cli.app import main

main()
