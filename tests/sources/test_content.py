"""Reading the sources: the content walk lists what rglob lists, and a link out of content/ is refused."""

from __future__ import annotations

from conftest import run_cli


def test_the_content_walk_lists_what_rglob_lists_and_flags_links(tmp_path):
    from hkai_publish.sources.content import markdown_files

    folder = tmp_path / "en"
    for name in ("b.md", "a.md", "a/c.md", "a/b/d.md", "a.md.d/e.md", "z/notes.txt", "x.md/y.md", ".hidden.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "secret.md").write_text("secret", encoding="utf-8")
    (folder / "leak.md").symlink_to(outside / "deep" / "secret.md")
    (folder / "linked").symlink_to(outside / "deep", target_is_directory=True)

    found = markdown_files(folder)

    assert [path for path, _ in found] == sorted(folder.rglob("*.md"))
    assert [path.name for path, is_link in found if is_link] == ["leak.md"]
    assert not any("secret" in str(path) for path, _ in found)  # a linked folder is not entered


def test_a_language_folder_that_links_outside_content_is_refused(make_project, tmp_path):
    project = make_project()
    elsewhere = tmp_path / "elsewhere"
    (project / "content" / "zh-hant").rename(elsewhere)
    (project / "content" / "zh-hant").symlink_to(elsewhere, target_is_directory=True)

    result = run_cli("build", "--project", str(project))

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "links to a file outside content/; refusing to read it" in result.stderr
