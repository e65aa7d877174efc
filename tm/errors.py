"""The exceptions tm raises.

Every expected failure is a :class:`TMError` whose message is one full sentence:
what failed and what to do about it.  The CLI prints it as ``Error: …`` on stderr
and exits 1; no traceback is shown for these.

    TMError
     ├── InputError          a file or argument the user gave cannot be used
     │    └── FormatError     a TMX/TBX/XLIFF/CSV/TSV file is malformed (carries the line)
     ├── NotFoundError       an unknown document, segment, glossary or entry
     ├── ConflictError       an add that collides with what is there (use --force)
     ├── StoreError          the database cannot be opened or is of a newer schema
     └── EngineError         an MT engine cannot be used
          └── ModelUnavailableError   the model cannot be loaded (offline, not cached, bad path)
"""

from __future__ import annotations


class TMError(Exception):
    """Base class of every error tm reports to the user."""


class InputError(TMError):
    """A file or argument the user gave cannot be used."""


class FormatError(InputError):
    """A file in an interchange format is malformed; ``line`` says where."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class NotFoundError(TMError):
    """An unknown document, segment, glossary or entry."""


class ConflictError(TMError):
    """The change collides with what is already stored."""


class StoreError(TMError):
    """The database cannot be used."""


class EngineError(TMError):
    """An MT engine cannot be used."""


class ModelUnavailableError(EngineError):
    """The MT model cannot be loaded."""
