"""Reading sources safely (UTF-8 with a clear error, paths that stay inside their folder), and the
few writes the translator commands make to sources."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hkai_publish.errors import PublishError


def read_text(path: Path, error: type[PublishError] = PublishError) -> str:
    """A source file's text as UTF-8 (a BOM tolerated); invalid bytes name the file and line."""
    return decode_text(path.read_bytes(), path, error)


def decode_text(data: bytes, path: Path, error: type[PublishError] = PublishError) -> str:
    """read_text for bytes already read from `path`."""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line) from None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, once links are followed, stays inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write a source-side file (catalogue, translated page) only if its bytes change, through a
    temporary file so an interrupted write never leaves half a file. True if it was written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def source_date() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH where set, so the same sources give the same files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
