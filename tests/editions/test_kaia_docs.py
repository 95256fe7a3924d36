"""Real documentation nobody here wrote: ../shared/corpora/kaia-docs (Docusaurus, English and
Traditional Chinese, 141 page pairs, MIT; see its SOURCE.md), copied as it is into a publication
with only `allow_raw_html = true`. It builds with no error; what it reports are its own flaws
(images the corpus does not carry, links to pages it left out, anchors that are broken on
docs.kaia.io too), and the idioms it uses come out rendered."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from tests.conftest import REPO, parse_html, run_cli

CORPUS = REPO.parent / "shared" / "corpora" / "kaia-docs"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/kaia-docs is not beside the checkout")


@pytest.fixture(scope="module")
def kaia(tmp_path_factory):
    project = tmp_path_factory.mktemp("kaia") / "project"
    shutil.copytree(CORPUS / "en", project / "content/en")
    shutil.copytree(CORPUS / "zh-hant", project / "content/zh-hant")
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales")
    (project / "pyproject.toml").write_text('[tool.hkai-publish]\ntitle = "Kaia Docs"\n'
                                            'base_url = "https://docs.kaia.io/"\nallow_raw_html = true\n')
    result = run_cli("build", "--only", "site", "--project", str(project))
    return project, result


def _codes(stderr: str) -> Counter:
    return Counter(re.findall(r"^\S+:\d+: \[([a-z-]+)\]", stderr, re.M))


def test_it_builds_as_it_is_with_no_error(kaia):
    project, result = kaia
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(error)" not in result.stderr and "Traceback" not in result.stderr
    pages = list((project / "build/site").rglob("index.html"))
    assert len(pages) > 260
    codes = _codes(result.stderr)
    # Its own flaws: all 588 images are under /img/ (Docusaurus's static/, not in the corpus).
    assert codes["missing-image"] == len(re.findall(r"\[missing-image\] image '/img/", result.stderr))
    # What must not come back: false alarms fixed on this corpus.
    assert not re.search(r"\[zh-punctuation\][^\n]*「[^」]*(iros:|ice\(\)|\.env)", result.stderr)
    assert codes["broken-link"] < 140 and codes["broken-anchor"] < 40


def test_its_idioms_are_rendered(kaia):
    project, _ = kaia
    site = project / "build/site"
    callouts = tabs = code = 0
    for page in site.glob("*/**/index.html"):
        assert "\x02" not in page.read_text(encoding="utf-8"), f"a Markdown placeholder left in {page}"
        root = parse_html(page)
        callouts += len(root.xpath("//*[contains(concat(' ', @class, ' '), ' callout ')]"))
        tabs += len(root.xpath("//div[@class='tabs']//div[@class='tab-panel']"))
        code += len(root.xpath("//pre[.//span[@class]]"))
        # Never a shell comment in a code block turned into a heading, nor a `:::` left as text.
        assert not [p for p in root.xpath("//p") if (p.text or "").startswith(":::")], page
    assert callouts > 100 and tabs > 10 and code > 500
