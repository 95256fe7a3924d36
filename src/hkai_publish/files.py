"""Reading sources safely: UTF-8 with a clear error, and paths that stay inside their folder."""

from __future__ import annotations

from pathlib import Path

from hkai_publish.errors import PublishError


def read_text(path: Path, error: type[PublishError] = PublishError) -> str:
    """A source file's text as UTF-8 (a BOM tolerated); invalid bytes name the file and line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line) from None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, once links are followed, stays inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())
