"""The real `hkai-publish` entry point: help, exit codes, output folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import run_cli


def test_help_explains_itself():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "build" in result.stdout and "Traditional Chinese" in result.stdout
    assert "--out" in run_cli("build", "--help").stdout


def test_console_script_is_installed():
    script = shutil.which("hkai-publish") or str(Path(__import__("sys").executable).parent / "hkai-publish")
    assert subprocess.run([script, "--version"], capture_output=True, text=True).returncode == 0


def test_bad_usage_exits_2():
    assert run_cli("build", "--no-such-option").returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_build_defaults_to_the_current_folder_and_out_is_honoured(make_project, tmp_path):
    project = make_project()
    assert run_cli("build", cwd=project).returncode == 0
    assert (project / "build/site/en/intro/index.html").is_file()
    out = tmp_path / "elsewhere"
    assert run_cli("build", "--project", str(project), "--out", str(out)).returncode == 0
    assert (out / "site/zh-hant/index.html").is_file()


def test_output_folder_may_not_swallow_the_sources(make_project):
    project = make_project()
    for out in (project, project / "content", project.parent):
        result = run_cli("build", "--project", str(project), "--out", str(out))
        assert result.returncode == 1
        assert "would overwrite the sources" in result.stderr and "Traceback" not in result.stderr
    assert (project / "content/en/intro.md").is_file()


def test_a_bare_folder_builds_with_defaults(tmp_path):
    """content/ and templates/ without any pyproject.toml or catalogue still build."""
    import conftest

    project = tmp_path / "bare"
    shutil.copytree(conftest.REPO / "templates", project / "templates")
    conftest.write(project / "content/en/only.md", "---\ntitle: Only\n---\n\nText.\n")
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "build/site/zh-hant/only/index.html").is_file()


def test_a_site_only_build_loads_neither_the_pdf_stage_nor_other_commands_tools(make_project):
    """`build --only site` runs on every save: its start-up leaves out WeasyPrint and the PDF stage,
    the translators' tools and the server, and what only they need (urllib.request, ssl)."""
    report = ("import atexit, sys; atexit.register(lambda: print(*sys.modules)); "
              "from hkai_publish.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", report, "build", "--only", "site"], cwd=make_project(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert {"hkai_publish.editions.site", "hkai_publish.checks.runner", "jinja2", "markdown"} <= loaded  # the report is real
    unwanted = {"hkai_publish.editions.pdf", "hkai_publish.editions.pdfguard", "weasyprint", "lxml.html", "hkai_publish.translation.handoff",
                "hkai_publish.translation.i18n", "hkai_publish.translation.status", "hkai_publish.serve", "watchfiles", "urllib.request", "ssl"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_a_rebuild_after_an_edit_to_a_pages_text_reuses_its_front_matter(make_project):
    """The front matter is kept by its own digest: an edit below it is not read as YAML again."""
    project = make_project()
    report = ("import atexit, sys; atexit.register(lambda: print('yaml' in sys.modules)); "
              "from hkai_publish.cli import main; main()")
    run = lambda: subprocess.run([sys.executable, "-c", report, "build", "--only", "site"], cwd=project,  # noqa: E731
                                 capture_output=True, text=True, timeout=300)
    assert run().stdout.split() == ["True"]  # the first build reads it
    page = project / "content/en/intro.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = run()
    assert edited.returncode == 0 and edited.stdout.split() == ["False"], edited.stderr
    assert "One more line." in (project / "build/site/en/intro/index.html").read_text(encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace("title: ", "title: New "), encoding="utf-8")
    assert run().stdout.split() == ["True"]  # a changed front matter is read again
    assert "New " in (project / "build/site/en/intro/index.html").read_text(encoding="utf-8")


def test_handoff_and_review_check_their_languages_alike(make_project):
    project = make_project()
    for command in (("handoff",), ("review", "--no-pdf")):
        result = run_cli(*command, "--locale", "zh-Hans-CN", cwd=project)
        assert result.returncode == 2
        assert "zh-Hans-CN is not a translated language of this publication" in result.stderr
        assert "Traceback" not in result.stderr
        result = run_cli(*command, "--locale", "xx-", cwd=project)
        assert result.returncode == 2 and "unknown language 'xx-'" in result.stderr
    assert not (project / "handoff").exists() and not (project / "review").exists()
