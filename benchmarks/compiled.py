"""An experiment, not a way to run hkai-publish: how much faster is a full build when
Python-Markdown and our own hot modules are compiled to C by Cython, as they are?

    python benchmarks/compiled.py PROJECT [--rounds 5]

Cython (from PyPI, into a venv of its own, benchmarks/.venv-cython) compiles every module of the
installed Python-Markdown and the modules named in HOT into a temp folder, unchanged and without
type declarations; a build with that folder first on PYTHONPATH imports the compiled modules. The
two builds of PROJECT (`build --only site`, into a folder in memory that is removed before each
run, cache and all: on this machine's disk the cost of the files grows with every build deleted
in the last minutes, see benchmarks/disk.py, and drowns the difference) are then timed in turns.
Printed: the median wall time and CPU time (user + system, workers included) of each, and their
ratio."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REPO  # noqa: E402

VENV = REPO / "benchmarks" / ".venv-cython"
CYTHON = ["cython==3.3.1", "setuptools"]
HOT = ["inline", "paragraphs", "markdown", "prose", "figures", "markup", "parity", "lint", "checks", "pages", "site"]
SETUP = """\
from setuptools import setup
from Cython.Build import cythonize
setup(ext_modules=cythonize({modules!r}, language_level=3, quiet=True,
                            compiler_directives={{"binding": True, "annotation_typing": False}}))
"""


def compile_modules(into: Path) -> None:
    """Copies of Python-Markdown and of src/hkai_publish in `into`, with HOT and every module of
    Python-Markdown but the packages' __init__ built as extension modules beside them."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *CYTHON], check=True)
    shutil.copytree(Path(markdown.__file__).parent, into / "markdown")
    shutil.copytree(REPO / "src" / "hkai_publish", into / "hkai_publish")
    modules = sorted(str(p.relative_to(into)) for p in (into / "markdown").rglob("*.py")
                     if p.name not in ("__init__.py", "__main__.py"))
    modules += [f"hkai_publish/{name}.py" for name in HOT]
    (into / "setup.py").write_text(SETUP.format(modules=modules), encoding="utf-8")
    subprocess.run([str(python), "setup.py", "build_ext", "--inplace", "-j", str(os.cpu_count() or 1)],
                   cwd=into, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(command: list[str], env: dict, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `command`, its output folder removed first."""
    shutil.rmtree(out, ignore_errors=True)
    before, start = os.times(), time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    memory = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="hkai-cython-") as folder, \
            tempfile.TemporaryDirectory(prefix="hkai-cython-out-", dir=memory) as out_folder:
        compiled = Path(folder)
        compile_modules(compiled)
        out = Path(out_folder) / "build"
        command = [sys.executable, "-m", "hkai_publish", "build", "--project", str(args.project), "--only", "site",
                   "--out", str(out)]
        builds = {"as it is": f"{REPO / 'src'}", "compiled by Cython": f"{compiled}"}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
        for _ in range(args.rounds):
            for name, path in builds.items():
                times[name].append(timed(command, {**os.environ, "PYTHONPATH": path}, out))
    medians = {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()}
    print(f"full site build of {args.project}, nothing cached, median of {args.rounds}\n")
    print("| modules | wall | CPU |\n|---|---:|---:|")
    for name, (wall, cpu) in medians.items():
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s |")
    (plain_wall, plain_cpu), (fast_wall, fast_cpu) = medians.values()
    print(f"\ncompiled ÷ as it is: wall {fast_wall / plain_wall:.2f}, CPU {fast_cpu / plain_cpu:.2f}")


if __name__ == "__main__":
    main()
