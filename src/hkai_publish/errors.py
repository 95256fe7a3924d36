"""Errors a person can act on, and the problems the checks collect."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


def display_path(path: Path | str | None) -> str:
    """A path as a person wants to read it: relative to the working folder when inside it."""
    if path is None:
        return "<unknown>"
    path = Path(path)
    try:
        return os.path.relpath(path) if path.is_absolute() and Path.cwd() in path.parents else str(path)
    except ValueError:
        return str(path)


def counted(number: int, noun: str) -> str:
    """`1 warning`, `3 warnings`: for summaries."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def location(path: Path | str | None, line: int | None) -> str:
    where = display_path(path)
    return f"{where}:{line}" if line else where


class PublishError(Exception):
    """A user error: printed as `path:line: message`, never as a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{location(self.path, self.line)}: {self.message}"

    def __reduce__(self):
        # Keep path and line when a worker process sends the error back (see workers.py).
        return (type(self), (self.message, self.path, self.line))


class PublishErrors(PublishError):
    """Several user errors found in one pass (every bad source file, not only the first): one
    `path:line: message` line each."""

    def __init__(self, errors: list[PublishError]):
        super().__init__(errors[0].message, errors[0].path, errors[0].line)  # where to look first
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)

    def __reduce__(self):
        return (type(self), (self.errors,))


class ConfigError(PublishError):
    """The publication's configuration is wrong."""


class ContentError(PublishError):
    """A Markdown source is wrong."""


class CatalogError(PublishError):
    """A gettext catalogue is wrong."""


class TemplateError(PublishError):
    """A Jinja template is wrong."""


class PdfError(PublishError):
    """A PDF edition cannot be made."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Anything wrong with the publication, found by a check."""

    path: Path | None
    line: int | None
    check_id: str
    message: str
    severity: str = "error"
    """"error" fails every build; "warning" fails only under --strict."""

    def __str__(self) -> str:
        return f"{location(self.path, self.line)}: [{self.check_id}] {self.message}"

    @classmethod
    def from_error(cls, error: PublishError, check_id: str) -> "Problem":
        return cls(error.path, error.line, check_id, error.message)


def problems_fail(problems: Sequence[Problem], strict: bool) -> bool:
    """Errors always fail; warnings fail under --strict."""
    return any(p.severity == "error" for p in problems) or bool(strict and problems)


def report_problems(problems: Sequence[Problem], strict: bool) -> list[str]:
    """What a person reads: one `path:line: message` per problem, then a count, MkDocs-style."""
    lines = [str(p) if p.severity == "error" else f"{p} ({p.severity})" for p in problems]
    errors = sum(p.severity == "error" for p in problems)
    warnings = counted(len(problems) - errors, "warning")
    if errors:
        lines.append(f"Aborted with {counted(errors, 'error')} and {warnings}.")
    elif problems:
        lines.append(f"Aborted with {warnings} in strict mode!" if strict else f"{warnings} (use --strict to fail on them).")
    return lines
