"""Real documentation, timed: ../shared/corpora/kaia-docs (Docusaurus, 141 English / Traditional
Chinese page pairs, 2.3 MB of Markdown) copied as it is into a publication with
`allow_raw_html = true`, built site only (median of --runs) and with both PDF editions (--pdf-runs,
each from nothing): wall time, PDF pages and pages per second, peak memory of the process tree
(sampled in a run of its own, as benchmarks/run.py does). The table goes between the docs markers
of docs/benchmarks.md.

    .venv/bin/python benchmarks/docs.py                 # about 25 minutes on 2 cores
    .venv/bin/python benchmarks/docs.py --pdf-runs 0    # the site only: a minute
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPORT, Result, count_pages, fmt, measure, our_env, ours, rounds  # noqa: E402
from corpus import REPO  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpora" / "kaia-docs"
BEGIN, END = "<!-- docs:begin -->", "<!-- docs:end -->"


def make_project(work: Path) -> Path:
    project = work / "kaia-docs"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(CORPUS / "en", project / "content" / "en")
    shutil.copytree(CORPUS / "zh-hant", project / "content" / "zh-hant")
    (project / "pyproject.toml").write_text('[tool.hkai-publish]\ntitle = "Kaia Docs"\n'
                                            'base_url = "https://docs.kaia.io/"\nallow_raw_html = true\n')
    return project  # templates and catalogue: the package's theme


def bench(project: Path, runs: int, pdf_runs: int) -> list[Result]:
    env, results = our_env(), []
    site = Result("hkai-publish", "site only, nothing cached", 0)
    for _, sampled in rounds(runs):
        measure(site, ours("--project", str(project), "--only", "site", "--no-cache"), env=env, sampled=sampled)
    results.append(site)
    edit = Result("hkai-publish", "site only, one page edited", 0)
    page = project / "content" / "en" / "learn" / "accounts.md"
    for run, sampled in rounds(runs):
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdited {run}.\n", encoding="utf-8")
        measure(edit, ours("--project", str(project), "--only", "site"), env=env, sampled=sampled)
    results.append(edit)
    if pdf_runs:
        full = Result("hkai-publish", "site and both PDF editions, nothing cached", 0)
        for _, sampled in rounds(pdf_runs):
            measure(full, ours("--project", str(project), "--no-cache"), env=env, sampled=sampled)
        full.pdf_pages = sum(count_pages(pdf) for pdf in (project / "build" / "pdf").glob("*.pdf"))
        results.append(full)
    return results


def table(results: list[Result], runs: int, pdf_runs: int) -> str:
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [f"Measured {dt.date.today()} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
             f"at {commit}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} after the run. "
             f"Medians of {runs} run(s) (site) and {pdf_runs} (with PDFs).", "",
             "| kaia-docs, 141 pairs | wall time | PDF pages | pages per second | peak memory |",
             "|---|---:|---:|---:|---:|"]
    for r in results:
        pages = f"{r.pdf_pages}" if r.pdf_pages else ""
        rate = f"{r.pdf_pages / r.median:.1f}" if r.pdf_pages and r.median else ""
        lines.append(f"| {r.scenario} | {fmt(r.median)} | {pages} | {rate} | {r.peak:.0f} MB |")
    return "\n".join(lines)


def write(body: str) -> None:
    text = REPORT.read_text(encoding="utf-8")
    if BEGIN not in text:
        text += f"\n## Real documentation: kaia-docs\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    REPORT.write_text(f"{head}{BEGIN}\n{body}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the site builds")
    parser.add_argument("--pdf-runs", type=int, default=1, help="timed runs with the PDFs (0: none)")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--print-only", action="store_true", help="print the table, leave docs/benchmarks.md")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS}: not there (../shared beside the checkout)")
    work = args.work or Path(tempfile.mkdtemp(prefix="hkai-docs-"))
    results = bench(make_project(work), args.runs, args.pdf_runs)
    body = table(results, args.runs, args.pdf_runs)
    print(body)
    if not args.print_only:
        write(body)


if __name__ == "__main__":
    main()
