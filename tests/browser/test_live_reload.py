"""`hkai-publish serve` in the browser: an open page reloads after an edit, shows a failed build
over the page, and recovers on the next good save."""

from __future__ import annotations

from conftest import write_project

OVERLAY = "#hkai-build-error"


def test_open_page_reloads_after_edits_and_shows_build_errors(tmp_path, context, serve_project):
    project = write_project(tmp_path)
    server = serve_project(project)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server.url + "zh-hant/intro/")
    assert page.locator("h1").inner_text() == "引言"
    page.wait_for_function("document.querySelector('script[data-hkai-live-reload]') !== null")
    page.evaluate("window.notReloaded = true")
    source = project / "content/zh-hant/intro.md"
    good = source.read_text(encoding="utf-8")

    # An edit: the page reloads by itself and shows it.
    with page.expect_event("load", timeout=20_000):
        source.write_text(good.replace("title: 引言", "title: 導言"), encoding="utf-8")
    assert page.locator("h1").inner_text() == "導言"
    assert page.evaluate("window.notReloaded") is None

    # A broken save: the page stays as it was and shows the error over it.
    page.evaluate("window.notReloaded = true")
    source.write_text(good.replace("title: 引言", "title: [導言"), encoding="utf-8")
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=20_000)
    assert "content/zh-hant/intro.md:" in overlay.inner_text()
    assert overlay.get_attribute("role") == "alert"
    assert page.evaluate("window.notReloaded") is True

    # The fix: the page reloads once more and the overlay is gone.
    with page.expect_event("load", timeout=20_000):
        source.write_text(good, encoding="utf-8")
    assert page.locator("h1").inner_text() == "引言"
    assert page.locator(OVERLAY).count() == 0
    assert problems == []
