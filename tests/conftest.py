"""Fixtures that write small real publications and build them with the real pipeline."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from lxml import etree, html

REPO = Path(__file__).resolve().parents[1]

CONFIG = """\
[tool.hkai-publish]
title = "Hong Kong’s Evolving Landscape in Artificial Intelligence"
subtitle = "Navigating Innovation"
base_url = "https://example.org/hkai/"
pdf_name = "brochure"
broken_links = "error"
"""

EN = {
    "intro.md": """\
        ---
        title: Introduction
        summary: Where Hong Kong stands.
        order: 1
        date: 2026-11-24
        ---

        Hong Kong is a bustling metropolis.

        ## Why it matters

        See [the ethics section](ethics.md#data-privacy).
        """,
    "ethics.md": """\
        ---
        title: Ethical Considerations
        order: 2
        date: 2026-11-24
        updated: 2026-11-30
        ---

        Issues demand careful attention.

        ## Data privacy

        Privacy first.

        ## Algorithmic bias

        Bias second.
        """,
}
ZH = {
    "intro.md": """\
        ---
        title: 引言
        summary: 香港的現況。
        order: 1
        date: 2026-11-24
        ---

        香港是一個繁華的
        國際都會。

        ## 為何重要

        見[倫理一節](ethics.md#data-privacy)。
        """,
    "ethics.md": """\
        ---
        title: 倫理考量
        order: 2
        date: 2026-11-24
        updated: 2026-11-30
        ---

        這些問題需要審慎處理。

        ## 數據私隱

        私隱優先。

        ## 演算法偏見

        偏見其次。
        """,
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_project(folder: Path, en: dict | None = None, zh: dict | None = None, config: str = CONFIG) -> Path:
    """A small bilingual publication using this repository's templates and catalogues.
    `en`/`zh` override file names' Markdown (None drops a file); returns the project folder."""
    project = folder / "project"
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales")
    write(project / "pyproject.toml", config)
    for lang, files in (("en", {**EN, **(en or {})}), ("zh-hant", {**ZH, **(zh or {})})):
        for name, text in files.items():
            if text is not None:
                write(project / "content" / lang / name, text)
    return project


@pytest.fixture
def make_project(tmp_path):
    """write_project in this test's own folder."""
    return lambda **kwargs: write_project(tmp_path, **kwargs)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real entry point, as a user runs it; `env` adds to (or, with None values, removes from)
    the environment."""
    environ = {**os.environ, **(env or {})}
    environ = {key: value for key, value in environ.items() if value is not None}
    return subprocess.run([sys.executable, "-m", "hkai_publish", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=environ)


@pytest.fixture
def built(make_project):
    """Build a project (default content unless given) and return its build folder."""

    def build(**kwargs) -> Path:
        project = make_project(**kwargs)
        result = run_cli("build", "--project", str(project))
        assert result.returncode == 0, result.stderr
        return project / "build"

    return build


def snapshot(folder: Path, cache: bool = True) -> dict[str, str]:
    """Every file under folder (relative POSIX path) -> SHA-256 of its bytes; without the build
    cache (build/.cache) if `cache` is false: it records when and where a build ran."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and (cache or ".cache" not in p.relative_to(folder).parts)}


if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # A test run started in the background by a shell without job control (`pytest &` in a
    # script) ignores Ctrl-C, and so would every `serve` it starts, and the tests stop those with
    # Ctrl-C. A signal ignored stays ignored in a child; one handled is the default there.
    signal.signal(signal.SIGINT, signal.default_int_handler)


class ServeProcess:
    """`hkai-publish serve --port 0` running on a project, with its terminal output collected."""

    def __init__(self, project: Path, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "hkai_publish", "serve", "--project", str(project),
                                         "--port", "0", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.ended = False
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"Serving (http://127\.0\.0\.1:\d+/\S*)").group(1)

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._arrived:
                self.lines.append(line.rstrip("\n"))
                self._arrived.notify_all()
        with self._arrived:
            self.ended = True
            self._arrived.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 30) -> re.Match:
        """The first line from index `after` on that matches `pattern`, waiting for it to be printed."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for line in self.lines[after:]:
                    if match := re.search(pattern, line):
                        return match
                if self.ended or time.monotonic() > deadline:
                    raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))
                self._arrived.wait(0.2)

    def interrupt(self, timeout: float = 15) -> int:
        """Press Ctrl-C; the exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve_project():
    """Start `hkai-publish serve` on a project; every server started is stopped after the test."""
    started = []

    def start(project: Path, *args: str) -> ServeProcess:
        started.append(ServeProcess(project, *args))
        return started[-1]

    yield start
    for server in started:
        server.close()


def parse_html(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def parse_xml(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


SCHEMAS = Path(__file__).parent / "data" / "schemas"


def _xliff_schema(name: str) -> etree.XMLSchema:
    """An OASIS XLIFF 1.2 schema, its xml.xsd import pointed at the copy beside it."""
    text = (SCHEMAS / name).read_bytes().replace(b"http://www.w3.org/2001/xml.xsd", b"xml.xsd")
    return etree.XMLSchema(etree.fromstring(text, base_url=str(SCHEMAS / name)))


def handoff_schema_errors(path: Path) -> list[str]:
    """What the official schemas say of a hand-off file: an XLIFF against OASIS XLIFF 1.2 strict
    and transitional, a TMX against the TMX 1.4 DTD. Empty when valid."""
    tree = etree.parse(str(path))
    if path.suffix == ".tmx":
        dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
        dtd.validate(tree)
        return [f"{path.name}:{e.line}: {e.message}" for e in dtd.error_log]
    errors = []
    for name in ("xliff-core-1.2-strict.xsd", "xliff-core-1.2-transitional.xsd"):
        schema = _xliff_schema(name)
        schema.validate(tree)
        errors += [f"{path.name}:{e.line}: {name}: {e.message}" for e in schema.error_log]
    return errors


def git(project: Path, *args: str) -> str:
    """Run git in a test project (a repository of its own, with a fixed author)."""
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                            cwd=project, capture_output=True, text=True, check=True)
    return result.stdout


def commit_all(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)
