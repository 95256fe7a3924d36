"""The original's git history: which version a translation was made from, and what changed since.
Read-only `git` subprocesses; without git or a repository, every answer is None."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from hkai_publish.sources.content import FRONT_MATTER, text_hash, translatable_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Revision:
    """One committed version of a source file."""

    commit: str
    date: str
    """Commit date, YYYY-MM-DD."""
    path: str
    """The file's path in the repository at that commit (it may have been renamed since)."""
    meta: dict
    """Its front matter."""
    body: str

    @property
    def text(self) -> str:
        """Its `translatable_text`: title, summary, body."""
        return translatable_text(self.meta, self.body)


def _git(folder: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("git %s failed: %s", args, exc)
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")


def find_revision(path: Path, source_hash: str) -> Revision | None:
    """The newest commit of `path` whose page body hashes to `source_hash` (a prefix), or None
    when there is no git, no repository, or no such commit."""
    root = _git(path.parent, "rev-parse", "--show-toplevel")
    log_text = _git(path.parent, "log", "--follow", "--format=%x00%H %cs", "--name-only", "--", path.name)
    if not root or not log_text:
        return None
    for record in log_text.split("\0")[1:]:
        lines = [line for line in record.splitlines() if line.strip()]
        if len(lines) < 2:
            continue
        commit, date = lines[0].split(" ", 1)
        # `log --name-only` names the file from the repository root, as `show commit:path` wants it.
        text = _git(Path(root.strip()), "show", f"{commit}:{lines[-1]}")
        page = read_page(text) if text is not None else None
        if page and text_hash(*page).startswith(source_hash):
            return Revision(commit, date, lines[-1], *page)
    return None


def read_page(text: str) -> tuple[dict, str] | None:
    """A committed source's front matter and body, read as content.py reads them (so hashes
    agree); None for a version that was not a valid page."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:  # a page without front matter (its title is its `# heading`), as content.py reads it
        return ({}, text) if text.strip() else None
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError:
        return None
    return (meta, text[match.end():]) if isinstance(meta, dict) else None
