"""One error tree for every stage of fhirconv.

The library raises only these; the CLI maps each class to an exit code and renders it. Nothing in the
library prints or exits. Each class carries the ``stage`` it belongs to and a stable ``code`` that
machine-readable output (OperationOutcome, JSON) can quote.

::

    FhirconvError                      stage    exit
    ├── InputError                     read       3   the input cannot be read as asked
    │   ├── UnsupportedFormatError     read       3   sniffing found no reader
    │   ├── MalformedInputError        read       3   broken HTML/XML/JSON, undecodable bytes
    │   ├── HostileInputError          read       3   DTDs, entity expansion, external access
    │   └── InputTooLargeError         read       3   over the configured size limit
    ├── MappingError                   mapping    5   a mappings/ file is missing or breaks its schema
    ├── ExtractionError                extract    6   a bug-class failure inside extraction
    ├── BuildError                     fhir       6   facts could not be turned into resources
    │   └── OutputGateError            fhir       6   a built bundle failed R4 validation
    ├── DefinitionsError               defs       5   FHIR package cache problems
    │   ├── DefinitionsNotInstalled    defs       5   no cache and no way to fetch (offline)
    │   ├── PackageIntegrityError      defs       5   tarball hash does not match the registry
    │   └── RegistryError              defs       5   registry unreachable or package unknown
    └── UploadError                    upload     4   the server did not take a bundle
        ├── TransportError             upload     4   connection, TLS, timeout (after retries)
        ├── AuthError                  upload     4   401/403
        └── ServerRejectedError        upload     4   4xx/5xx with the server's OperationOutcome

Exit codes used by the CLI (tested in tests/cli): 0 success; 1 findings (validation errors, or some
inputs of a batch failed); 2 usage; 3 unreadable input; 4 upload failed; 5 definitions or mappings
unavailable; 6 internal error.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_SETUP",
    "EXIT_UPLOAD",
    "EXIT_USAGE",
    "AuthError",
    "BuildError",
    "DefinitionsError",
    "DefinitionsNotInstalled",
    "ExtractionError",
    "FhirconvError",
    "HostileInputError",
    "InputError",
    "InputTooLargeError",
    "MalformedInputError",
    "MappingError",
    "OutputGateError",
    "PackageIntegrityError",
    "RegistryError",
    "ServerRejectedError",
    "TransportError",
    "UnsupportedFormatError",
    "UploadError",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_UPLOAD = 4
EXIT_SETUP = 5
EXIT_INTERNAL = 6


class FhirconvError(Exception):
    """Base of every error fhirconv raises on purpose."""

    stage: ClassVar[str] = "core"
    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = EXIT_INTERNAL

    def __init__(self, message: str, *, source: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class InputError(FhirconvError):
    stage = "read"
    code = "input"
    exit_code = EXIT_INPUT


class UnsupportedFormatError(InputError):
    code = "input.unsupported-format"


class MalformedInputError(InputError):
    code = "input.malformed"


class HostileInputError(InputError):
    code = "input.hostile"


class InputTooLargeError(InputError):
    code = "input.too-large"


class MappingError(FhirconvError):
    stage = "mapping"
    code = "mapping"
    exit_code = EXIT_SETUP


class ExtractionError(FhirconvError):
    stage = "extract"
    code = "extract"


class BuildError(FhirconvError):
    stage = "fhir"
    code = "build"


class OutputGateError(BuildError):
    code = "build.output-gate"


class DefinitionsError(FhirconvError):
    stage = "definitions"
    code = "definitions"
    exit_code = EXIT_SETUP


class DefinitionsNotInstalled(DefinitionsError):
    code = "definitions.not-installed"


class PackageIntegrityError(DefinitionsError):
    code = "definitions.integrity"


class RegistryError(DefinitionsError):
    code = "definitions.registry"


class UploadError(FhirconvError):
    stage = "upload"
    code = "upload"
    exit_code = EXIT_UPLOAD


class TransportError(UploadError):
    code = "upload.transport"


class AuthError(UploadError):
    code = "upload.auth"


class ServerRejectedError(UploadError):
    """The server answered with an error status; ``detail`` holds its OperationOutcome (dict) if any."""

    code = "upload.rejected"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        outcome: dict[str, Any] | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message, source=source, detail=outcome)
        self.status = status
        self.outcome = outcome
