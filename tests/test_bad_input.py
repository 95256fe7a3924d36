"""Bad input: one parametrized test over tests/data/bad/<case>/. Each case overlays its files on a
good project; expected.txt holds the exact `path:line: message` (a prefix of the printed line)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, write_project

BAD = Path(__file__).parent / "data" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_project(tmp_path_factory):
    """A project with a good build (site and PDFs), made once and copied for each case."""
    project = write_project(tmp_path_factory.mktemp("good"))
    assert run_cli("build", cwd=project).returncode == 0
    return project


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_cleanly_and_keeps_the_last_good_build(case, good_project, tmp_path):
    project = shutil.copytree(good_project, tmp_path / "project")
    before = snapshot(project / "build")
    for source in (BAD / case).rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            target = project / source.relative_to(BAD / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").strip()

    result = run_cli("build", cwd=project)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(expected), f"\nexpected: {expected}\n     got: {first}"
    assert snapshot(project / "build") == before


def test_there_are_enough_bad_cases():
    assert len(CASES) >= 20
