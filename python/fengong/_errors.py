"""The exceptions of the ``fengong`` package.

Every error names the file and the reason: ``str(e)`` is ``"FILE: REASON"``,
and ``e.path`` and ``e.reason`` hold the two parts. A panic inside the Rust
core also becomes a :class:`ParseError`; the interpreter survives.
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every ``fengong`` exception."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        #: The file concerned (``<text>`` for text given directly).
        self.path = path
        #: What went wrong.
        self.reason = reason

    def __reduce__(self):  # picklable, e.g. across Spark workers
        return (type(self), (self.path, self.reason))


class ParseError(Error):
    """A notice could not be read or parsed (unreadable, damaged, empty, undecodable)."""


class UnsupportedFormat(ParseError):
    """The format is recognised but not supported; the reason says what to do."""


class LimitExceeded(ParseError):
    """A configured limit (file size, ``max_bytes``) was exceeded."""


class UnitNotFound(Error, LookupError):
    """``tasks(notices, unit)``: no unit of the notices matches the query."""
