"""Errors the core raises. Each carries a Vietnamese message fit to show the user."""


class QnappError(Exception):
    """Base error; ``str(err)`` is the Vietnamese message for the user."""


class ValidationError(QnappError):
    """A value or a row that must not be stored."""


class DataRejected(QnappError):
    """A whole input (file, batch) rejected; ``problems`` lists (line, reason)."""

    def __init__(self, message: str, problems: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class DatabaseError(QnappError):
    """The database cannot be opened or used as asked."""


class NewerDatabaseError(DatabaseError):
    """The file was written by a newer qnapp; it is left untouched."""


class DatabaseLockedError(DatabaseError):
    """Another qnapp instance already writes to this database."""


class DatabaseDamagedError(DatabaseError):
    """The file's pages are damaged (a failed page check): restore a backup."""


class DiskFullError(DatabaseError):
    """A write found no room on the disk; nothing is damaged (``qnapp.disk``)."""


class NotInitialisedError(QnappError):
    """The database has no unit/officer yet (run ``qnapp init``)."""
