"""Hostile input that a file in tests/data/bad/ cannot express (catalogue commands, signals, FIFOs,
permissions, editors' files), and what the print stylesheet makes of a translation."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli, snapshot, write_project
from hkai_publish.editions.pdf import css_content, css_counter

PO = Path("locales/zh_Hant_HK/LC_MESSAGES/messages.po")


def test_a_translation_cannot_close_the_print_stylesheets_string():
    # What a msgstr with two NULs gave before: the middle part was pasted into the CSS as it was.
    translated = "第 \x00counter(page)\x00 頁\x00} body::before { content: \"pwned\" } x {\x00共"
    css = css_content(translated)
    assert css.startswith('"第 " counter(page) " 頁" "} body::before')
    assert "pwned\\\"" in css and css.count('"') % 2 == 0
    assert css_content("Page %s of %s" % (css_counter("page"), css_counter("pages"))) == \
        '"Page " counter(page) " of " counter(pages)'
    with pytest.raises(ValueError):
        css_counter("page) } body { x")


def test_a_closing_tag_in_a_translation_stays_inside_the_style_element():
    assert "</style>" not in css_content("</style><script>alert(1)</script>")


@pytest.fixture
def nul_catalogue(tmp_path) -> Path:
    project = write_project(tmp_path)
    po = project / PO
    po.write_bytes(po.read_bytes().replace('msgstr "目錄"'.encode(), 'msgstr "目\x00錄"'.encode(), 1))
    assert b"\x00" in po.read_bytes()
    return project


def test_i18n_compile_refuses_a_control_character_at_its_line(nul_catalogue):
    line = next(n for n, text in enumerate((nul_catalogue / PO).read_bytes().split(b"\n"), 1) if b"\x00" in text)
    result = run_cli("i18n", "compile", "--strict", cwd=nul_catalogue)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{PO}:{line}: control character U+0000 in the catalogue")
    assert not (nul_catalogue / PO).with_suffix(".mo").exists()


def test_handoff_import_refuses_a_catalogue_with_a_control_character(nul_catalogue, tmp_path):
    returned = tmp_path / "returned" / "messages.po"
    returned.parent.mkdir()
    shutil.copyfile(nul_catalogue / PO, returned)
    shutil.copyfile(REPO / PO, nul_catalogue / PO)
    result = run_cli("handoff", "import", str(returned), cwd=nul_catalogue)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "control character U+0000 in the catalogue" in result.stderr
    assert (nul_catalogue / PO).read_bytes() == (REPO / PO).read_bytes()


# ---- Files that are not plain readable files -------------------------------------------------------
def test_editors_lock_backup_and_swap_files_are_passed_by(tmp_path):
    project = write_project(tmp_path)
    en = project / "content/en"
    (en / ".#intro.md").symlink_to("someone@host.4242:1700000000")  # Emacs' lock: a link to nowhere
    for name in ("intro.md~", "#intro.md#", ".intro.md.swp", ".ethics.md.swo"):
        shutil.copyfile(en / "intro.md", en / name)
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    folders = {p.name for p in (project / "build/site/en").iterdir() if p.is_dir()} - {"pagefind"}  # the search index
    assert folders == {"ethics", "intro"}


def test_a_fifo_in_content_is_an_error_not_a_hang(tmp_path):
    project = write_project(tmp_path)
    os.mkfifo(project / "content/en/pipe.md")
    result = run_cli("build", "--only", "site", cwd=project)  # run_cli's timeout fails a hang
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("content/en/pipe.md:1: not a regular file")


def test_a_fifo_among_the_assets_is_not_read(tmp_path):
    project = write_project(tmp_path)
    os.mkfifo(project / "templates/assets/pipe.css")
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "build/site/assets/pipe.css").exists()


def _refuse(monkeypatch, module, name: str, path: Path) -> None:
    """Make `module.name` (an opener or os.scandir) raise PermissionError for `path`, as it does
    for a file or folder mode 000 to anyone but root (and the tests may run as root)."""
    original = getattr(module, name)

    def refusing(target, *args):
        if Path(target) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return original(target, *args)

    monkeypatch.setattr(module, name, refusing)


@pytest.mark.parametrize("what", ["page", "catalogue", "folder"])
def test_an_unreadable_source_is_a_located_error(tmp_path, monkeypatch, what):
    from hkai_publish.build import BuildOptions, build
    from hkai_publish.errors import PublishError
    from hkai_publish.machinery import files
    from hkai_publish.sources import content
    from hkai_publish.sources.config import load_config

    project = write_project(tmp_path)
    (project / "content/en/more").mkdir()
    shutil.copyfile(project / "content/en/intro.md", project / "content/en/more/page.md")
    target = {"page": project / "content/en/ethics.md", "catalogue": project / PO,
              "folder": project / "content/en/more"}[what]
    if what == "folder":
        _refuse(monkeypatch, content.os, "scandir", target)
    else:
        _refuse(monkeypatch, files, "_nonblocking", target)
    monkeypatch.chdir(project)
    with pytest.raises(PublishError) as raised:
        build(load_config(project), BuildOptions(project / "build", write=False, only="site", jobs=1))
    assert raised.value.path == target
    assert "Permission denied" in str(raised.value)
    assert str(raised.value).startswith(f"{target.relative_to(project)}{':1' if what != 'folder' else ''}: cannot read the")


# ---- Signals --------------------------------------------------------------------------------------
FORKED_CHILD_GETS_SIGTERM = """
import os, signal
from hkai_publish import cli
cli._BUILD_PID = os.getpid()
signal.signal(signal.SIGTERM, cli._interrupt)
pid = os.fork()
if pid == 0:
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(100000))
    except BaseException:
        pass  # as an at-fork hook does with an exception: printed, and the child goes on
    print("still running", flush=True)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(status))
"""


def test_a_worker_stopped_as_it_starts_ends_at_once():
    # The pool forks workers all along (each takes one chunk); one stopped before it resets
    # SIGTERM used to go on waiting for work, and the build waited for it for ever.
    result = subprocess.run([sys.executable, "-c", FORKED_CHILD_GETS_SIGTERM], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["exit", str(128 + signal.SIGTERM)]


def test_sigterm_stops_a_build_as_ctrl_c_does(tmp_path):
    pages = {f"p{i:03}.md": f"---\ntitle: Page {i}\norder: {i + 3}\n---\n\n" + ("Some text here. " * 100 + "\n\n") * 20
             for i in range(150)}
    project = write_project(tmp_path, en=pages)
    assert run_cli("build", "--only", "site", cwd=project).returncode == 0
    before = snapshot(project / "build")
    process = subprocess.Popen([sys.executable, "-m", "hkai_publish", "build", "--no-cache", "--jobs", "2"],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert process.poll() is None, "the build ended before it could be stopped"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)  # the workers too: they hold the pipe open
    assert process.returncode == 1
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert stderr.strip().endswith("Aborted!")
    assert snapshot(project / "build") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith(".build.") and p.name != ".build.lock"]


def test_a_stylesheet_that_reads_outside_the_publication_is_named_at_its_line(tmp_path):
    project = write_project(tmp_path)
    style = project / "templates/assets/print.css"
    text = style.read_text(encoding="utf-8") + "\nbody { background: url(file:///etc/hostname); }\n"
    style.write_text(text, encoding="utf-8")
    result = run_cli("build", "--only", "pdf", cwd=project)
    assert result.returncode == 1
    line = text.count("\n")
    assert result.stderr.startswith(f"templates/assets/print.css:{line}: [pdf-fetch] refused to read "
                                    "'file:///etc/hostname': outside the publication"), result.stderr
    assert "Traceback" not in result.stderr
