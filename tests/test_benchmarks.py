"""The benchmark harness runs end to end on a tiny corpus (peers skipped: they are not test
dependencies), and its corpus builds with hkai-publish as the shared generator's does."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, parse_html


def test_the_benchmark_harness_runs_and_reports(tmp_path):
    report, work = tmp_path / "benchmarks.md", tmp_path / "work"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "5", "--runs", "1",
                             "--skip-peers", "--long-pdf", "2", "--work", str(work), "--report", str(report)],
                            capture_output=True, text=True, timeout=900)  # a loaded 2-core machine
    assert result.returncode == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    for scenario in ("full build", "no-op rebuild", "one page edited", "one template edited",
                     "one catalogue string edited", "floor: the Markdown, a Jinja page and the files, nothing else",
                     "full build without the checks"):
        assert f"| 5 | {scenario} |" in text
    # The floor wrote every page where the site has it, its body rendered by the same Markdown.
    floor = parse_html(work / "corpus-5" / "out-floor" / "zh-hant" / "doc-0002" / "index.html")
    built = parse_html(work / "corpus-5" / "build" / "site" / "zh-hant" / "doc-0002" / "index.html")
    assert floor.xpath("string(//main//h2[@id])") == built.xpath("string(//main//h2[@id])") != ""
    assert len(list((work / "corpus-5" / "out-floor").glob("*/*/index.html"))) == 10
    # The build without checks wrote a whole site of its own, not over the build the rebuilds use.
    unchecked = work / "corpus-5" / "out-unchecked" / "site"
    assert len(list(unchecked.glob("*/*/index.html"))) == 10 and (unchecked / "sitemap.xml").is_file()
    assert parse_html(unchecked / "zh-hant" / "doc-0002" / "index.html").xpath("string(//main//h2[@id])") == \
        built.xpath("string(//main//h2[@id])")
    assert "python benchmarks/run.py --sizes 5" in text
    # The real publication and a long Chinese edition, with their pages counted from the PDFs.
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in text.splitlines()}
    assert "nothing cached" in rows and "one Chinese page edited" in rows
    assert int(rows["real publication, nothing cached"][1]) > 10
    assert int(rows["long zh-Hant PDF edition, one process"][1]) >= 2
    # The corpus (front matter with lang, slug and weight) built, in weight order, edits and all.
    page = parse_html(work / "corpus-5" / "build" / "site" / "zh-hant" / "doc-0002" / "index.html")
    assert [a.text_content() for a in page.xpath('//nav[@class="sections"]/ol//a')] == [f"文件 000{i}" for i in range(5)]
    assert "目錄 " in page.xpath('string(//h2[@class="sections-title"])')  # the edited catalogue string


def test_the_full_builds_of_all_tools_are_timed_in_turns(tmp_path, monkeypatch):
    """Round after round, each tool once: a slow stretch of the machine falls on all of them."""
    run = _harness()
    timed = []
    monkeypatch.setattr(run, "measure", lambda result, cmd, cwd=None, env=None, sampled=False: (
        timed.append((result.tool, sampled)), None if sampled else result.seconds.append(1.0)))
    peers = {"pelican": ["pelican"], "hugo": ["hugo"]}

    results = run.bench_full_builds(tmp_path, 5, 3, peers, set())

    tools = ["hkai-publish", "hkai-publish", "hkai-publish", "Pelican", "Hugo"]
    # Three timed rounds, then one whose memory is sampled.
    assert timed == [(tool, False) for tool in tools] * 3 + [(tool, True) for tool in tools]
    assert [(r.tool, r.scenario, len(r.seconds)) for r in results] == [
        ("hkai-publish", "full build", 3), ("hkai-publish", run.UNCHECKED, 3), ("hkai-publish", run.FLOOR, 3),
        ("Pelican", "full build", 3),
        ("Hugo", "full build", 3)]


def test_memory_is_sampled_in_a_run_of_its_own(tmp_path):
    """A timed run is not slowed by sampling (it records the time and its largest process); a
    sampled run records the memory of the whole process tree, and no time. Measured from a small
    process of its own, as benchmarks/run.py is: a forked child's ru_maxrss starts at its parent's
    size, and pytest's process has grown by the time this test runs."""
    # Two children holding 60 MB each for a while: together more than either alone.
    child = "import time; b = bytearray(60 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)"
    tree = [sys.executable, "-c", f"import subprocess, sys; ps = [subprocess.Popen([sys.executable, '-c', {child!r}]) "
                                  "for _ in range(2)]; [p.wait() for p in ps]"]
    script = f"""
import json, sys
sys.path.insert(0, {str(REPO / "benchmarks")!r})
import run
timed, sampled = run.Result("t", "timed", 1), run.Result("t", "sampled", 1)
run.measure(timed, {tree!r})
run.measure(sampled, {tree!r}, sampled=True)
print(json.dumps([timed.seconds, timed.peak, sampled.seconds, sampled.peak]))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    timed_seconds, timed_peak, sampled_seconds, sampled_peak = json.loads(out.stdout)

    assert len(timed_seconds) == 1 and timed_seconds[0] >= 1.5 and 60 <= timed_peak < 110
    assert sampled_seconds == [] and sampled_peak >= 120


def _harness():
    """benchmarks/run.py as a module."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return run
