"""The exceptions lednet raises, each mapped to one exit code at the command-line edge."""

from __future__ import annotations

# Exit codes are a documented contract (README, "Exit codes").
EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_CONFIG = 2
EXIT_REJECTED = 3
EXIT_LOCKED = 4


class LednetError(Exception):
    """Base class: a problem a user can act on, shown as one line without a traceback."""

    exit_code = EXIT_RUNTIME


class ConfigError(LednetError):
    """The workspace configuration or member list is wrong."""

    exit_code = EXIT_CONFIG


class CatalogueError(ConfigError):
    """The indicator catalogue does not parse or breaks a rule; names file and line."""

    def __init__(self, path: object, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class NotBuiltError(LednetError):
    """A command whose capability is not available yet."""


class NomisError(LednetError):
    """NOMIS could not be reached or answered with something that is not the data asked for."""


class OfflineDataMissing(NomisError):
    """An offline fetch found no cached response for a query it needs."""


class StoreError(LednetError):
    """The SQLite store is missing, locked by another writer, or from a newer lednet."""


class ReturnError(LednetError):
    """A file given to ingest cannot be read as a lednet return at all.

    ``code`` is the finding code that names the verdict (see lednet.findings), e.g.
    ``legacy-xls`` or ``not-a-lednet-return``, so ingest can record it as a finding.
    """

    def __init__(self, message: str, code: str = "unreadable-workbook") -> None:
        super().__init__(message)
        self.code = code


class PeriodClosedError(LednetError):
    """An operation would change a period that has been closed."""


class WorkspaceLocked(LednetError):
    """Another lednet run holds the workspace lock."""

    exit_code = EXIT_LOCKED
