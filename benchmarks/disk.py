"""What this machine's disk charges for a site's files, apart from any build: the folders and
pages of a 1000-per-language site made, then deleted, round after round, as the harness deletes
every tool's output before each full build.

    python benchmarks/disk.py [FOLDER] [--pages 2005] [--rounds 4]

FOLDER (default: a temp folder) should be on the disk the corpora are on. Each round makes PAGES
folders with an index.html of 12 kB each, then PAGES flat files, and deletes both; the same is done
in /dev/shm (memory) for scale. Printed: wall and system time per round. On an ext4 volume without
a journal, a new inode is not given any number freed in the last minutes, and the search for one
skips those one by one: the cost of a page grows with how much was deleted in that time."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

PAGE = b"<!DOCTYPE html>" + b"x" * 12_000


def make(root: Path, pages: int, folders: bool) -> tuple[float, float]:
    """(wall, system) seconds to write `pages` pages under `root`, each in a folder of its own
    (the site's shape) or side by side."""
    root.mkdir(parents=True)
    start, cpu = time.perf_counter(), os.times()
    for i in range(pages):
        if folders:
            folder = root / f"doc-{i:04d}"
            folder.mkdir()
            (folder / "index.html").write_bytes(PAGE)
        else:
            (root / f"doc-{i:04d}.html").write_bytes(PAGE)
    return time.perf_counter() - start, os.times().system - cpu.system


def measure(base: Path, pages: int, rounds: int) -> dict[str, list[tuple[float, float]]]:
    found: dict[str, list[tuple[float, float]]] = {"a folder per page": [], "flat": []}
    for r in range(rounds):
        for shape, folders in (("a folder per page", True), ("flat", False)):
            root = base / f"{shape[0]}-{r}"
            found[shape].append(make(root, pages, folders))
            shutil.rmtree(root)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="where to write (default: a temp folder)")
    parser.add_argument("--pages", type=int, default=2005)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    places = {"this disk": Path(tempfile.mkdtemp(prefix="hkai-disk-", dir=args.folder))}
    if Path("/dev/shm").is_dir():
        places["memory (/dev/shm)"] = Path(tempfile.mkdtemp(prefix="hkai-disk-", dir="/dev/shm"))
    print(f"{args.pages} pages, written then deleted, {args.rounds} rounds (wall / system seconds per round)")
    print("| where | shape | rounds | median |\n|---|---|---|---:|")
    try:
        for where, base in places.items():
            for shape, times in measure(base, args.pages, args.rounds).items():
                rounds = ", ".join(f"{wall:.2f}/{system:.2f}" for wall, system in times)
                print(f"| {where} | {shape} | {rounds} | {statistics.median(w for w, _ in times):.2f} s |")
    finally:
        for base in places.values():
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
