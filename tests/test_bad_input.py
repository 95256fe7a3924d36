"""Bad input: one parametrized test over tests/data/bad/<case>/. Each case overlays its files on a
good project and builds it again; expected.txt holds the exact `path:line: message` (a prefix of
the first line printed; where it has several lines, of the first lines printed, in order). Special files in a case:
  args.txt          extra command-line arguments for the build (`--strict`, `--out content`)
  NAME.symlink      becomes a symbolic link NAME pointing at the path the file holds
  NAME.delete       deletes NAME from the project
  NAME.append       is added to the end of NAME (a rule for a stylesheet, say)
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, snapshot, write_project

BAD = Path(__file__).parent / "data" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
SPECIAL = {"expected.txt", "args.txt"}


def overlay(case: Path, project: Path) -> None:
    for source in sorted(case.rglob("*")):
        if not source.is_file() or source.name in SPECIAL:
            continue
        target = project / source.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".symlink":
            target.with_suffix("").unlink(missing_ok=True)
            os.symlink(source.read_text(encoding="utf-8").strip(), target.with_suffix(""))
        elif source.suffix == ".delete":
            target.with_suffix("").unlink()
        elif source.suffix == ".append":
            with target.with_suffix("").open("a", encoding="utf-8") as handle:
                handle.write(source.read_text(encoding="utf-8"))
        else:
            shutil.copyfile(source, target)


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """A good project with its build, made once: each case works on a copy."""
    project = write_project(tmp_path_factory.mktemp("good"))
    assert run_cli("build", cwd=project).returncode == 0
    return project


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_cleanly_and_keeps_the_last_good_build(case, good_project, tmp_path):
    project = shutil.copytree(good_project, tmp_path / "project", symlinks=True)
    before = snapshot(project / "build")
    overlay(BAD / case, project)
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").strip()
    args = BAD / case / "args.txt"
    extra = shlex.split(args.read_text(encoding="utf-8")) if args.exists() else []

    result = run_cli("build", *extra, cwd=project)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    printed = result.stderr.splitlines()
    for want, got in zip(expected.splitlines(), printed + [""] * len(expected.splitlines())):
        assert got.startswith(want), f"\nexpected: {want}\n     got: {got}"
    assert snapshot(project / "build") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith(".build.")
                and p.name != ".build.lock"], "a staging folder was left behind"


def test_there_are_enough_bad_cases():
    assert len(CASES) >= 30
