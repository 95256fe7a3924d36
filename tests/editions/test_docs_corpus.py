"""A docs-style bilingual corpus (tests/data/docs-corpus: nested folders, no front matter, slugs,
extensionless links, GitHub-style and raw HTML anchors, BOMs, CRLF, drafts, aliases) builds as
it is, site and PDF, and reads back as a Docusaurus user expects."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO, parse_html, run_cli

CORPUS = REPO / "tests" / "data" / "docs-corpus"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = tmp_path_factory.mktemp("docs") / "project"
    shutil.copytree(CORPUS, project)
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales")
    result = run_cli("build", "--strict", "--project", str(project))
    assert result.returncode == 0, result.stderr
    return project


def test_pages_land_at_docusaurus_urls(built):
    site = built / "build" / "site"
    for path in ("en/intro/", "en/getting-started/", "en/guides/", "en/guides/payments/", "en/quickstart/",
                 "en/getting-started/config/", "en/guides/accounts/merchant-accounts/", "zh-hant/quickstart/"):
        assert (site / path / "index.html").is_file(), path
    assert not (site / "en/guides/accounts/kyc").exists()  # draft: true
    assert not (site / "en/_partials").exists() and not (site / "en/partials").exists()


def test_links_resolve_like_md_links(built):
    page = parse_html(built / "build/site/en/intro/index.html")
    hrefs = [a.get("href") for a in page.xpath("//div[@class='prose']//a")]
    assert "../getting-started/installation/" in hrefs
    assert "../quickstart/" in hrefs
    assert "../guides/payments/" in hrefs
    assert "../guides/payments/refunds/#partial-refunds--disputes" in hrefs
    security = parse_html(built / "build/site/en/guides/security/index.html")
    assert "../payments/webhooks/#signature" in [a.get("href") for a in security.xpath("//div[@class='prose']//a")]


def test_titles_from_headings_and_anchors(built):
    errors = parse_html(built / "build/site/en/reference/errors/index.html")
    title = errors.xpath("//article//h1")[0]
    assert title.text_content().strip() == "Error codes" and title.get("id") == "error-codes"
    assert len(errors.xpath("//h1")) == 1
    webhooks = parse_html(built / "build/site/zh-hant/guides/payments/webhooks/index.html")
    anchor = webhooks.get_element_by_id("retry-policy")  # kept inside the heading, which has its own id
    # The heading's text is "Retries " (the space before the raw anchor), whose github-slugger id
    # is retries-, as on a Docusaurus site (kaia-docs links #units-of-kaia- so).
    assert anchor.getparent().tag == "h2" and anchor.getparent().get("id") == "retries-"
    quick = parse_html(built / "build/site/en/quickstart/index.html")
    assert quick.get_element_by_id("step-1---create-a-client") is not None
    faq = parse_html(built / "build/site/zh-hant/faq/index.html")
    assert "#transaction-types" in [a.get("href") for a in faq.xpath("//div[@class='prose']//a")]


def test_navigation_and_contents_nest_by_folder(built):
    home = parse_html(built / "build/site/en/index.html")
    nested = home.xpath("//li[@class='has-children']")
    assert any("Getting started" in li.text_content() and "Installation" in li.text_content() for li in nested)
    page = parse_html(built / "build/site/en/guides/payments/refunds/index.html")
    labels = [a.text_content() for a in page.xpath("//nav[@class='sections']//ol//ol//a")]
    assert "Install" in labels  # sidebar_label, nested under its folder
    pdf = built / "build/pdf/harbourpay-docs-en.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Getting started" in text and "Accepting payments" in text


def test_aliases_and_keywords(built):
    alias = (built / "build/site/en/release-notes/index.html").read_text(encoding="utf-8")
    assert 'url=../changelog/' in alias and 'rel="canonical"' in alias
    page = parse_html(built / "build/site/en/changelog/index.html")
    assert page.xpath("//meta[@name='keywords']")[0].get("content") == "changes, releases"


def test_status_mark_all_keeps_bom_and_line_ends(built, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("build"))
    bom, crlf = project / "content/zh-hant/intro.md", project / "content/zh-hant/faq.md"
    result = run_cli("status", "mark", "--all", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf---\n") and b"source_hash" in bom.read_bytes()
    data = crlf.read_bytes()
    assert b"source_hash" in data and data.count(b"\r\n") == data.count(b"\n")
    status = run_cli("status", "--no-diff", "--project", str(project))
    assert "untracked" not in status.stdout + status.stderr


def test_handoff_round_trip_of_an_mdx_page_without_front_matter_changes_one_block(tmp_path):
    """A Docusaurus page as it is (`.mdx`, a BOM, a `# heading` for its title, no front matter):
    one sentence edited in English comes back from the translator as one block of the same file."""
    from lxml import etree

    from tests.conftest import commit_all, git

    project = tmp_path / "project"
    shutil.copytree(CORPUS, project)
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales")
    for lang in ("en", "zh-hant"):
        page = project / "content" / lang / "guides/security.md"
        page.rename(page.with_suffix(".mdx"))
    commit_all(project, "as migrated")
    assert run_cli("status", "mark", "--all", "--project", str(project)).returncode == 0
    commit_all(project, "translations tracked")
    original = project / "content/en/guides/security.mdx"
    original.write_bytes(original.read_bytes().replace(b"Rotate keys from the dashboard.",
                                                       b"Rotate keys from the dashboard every 90 days."))
    commit_all(project, "an English edit")

    result = run_cli("handoff", "--project", str(project))
    assert result.returncode == 0, result.stderr
    xliff = project / "handoff/zh-hant/xliff/guides/security.xlf"
    tree = etree.parse(str(xliff))
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert '"translation": "content/zh-hant/guides/security.mdx"' in xliff.read_text(encoding="utf-8")
    open_units = tree.xpath("//x:target[@state='needs-translation']", namespaces=ns)
    assert len(open_units) == 1, "only the edited block is to translate; git has the rest"
    assert len(tree.xpath("//x:target[@state='translated']", namespaces=ns)) >= 4
    open_units[0].text = "切勿把秘密密鑰放在網頁或應用程式內。請每 90 日在控制台更換密鑰一次。"
    open_units[0].set("state", "translated")
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")

    result = run_cli("handoff", "import", str(xliff), "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert not (project / "content/zh-hant/guides/security.md").exists()
    diff = git(project, "diff", "--unified=0", "--", "content/zh-hant/guides/security.mdx")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [line for line in changed if "source_hash" not in line] == [
        "-切勿把秘密密鑰放在網頁或應用程式內。你可以在控制台更換密鑰。",
        "+切勿把秘密密鑰放在網頁或應用程式內。請每 90 日在控制台更換密鑰一次。"], diff
    assert len(changed) == 4  # and the version it was translated from
