"""`hkai-publish serve` over plain HTTP: what it serves, how it rebuilds, how it stops.
The browser's side of live reload is in tests/browser/test_live_reload.py."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from urllib.parse import urljoin

from lxml import html

from conftest import CONFIG, run_cli, write

MARKER = b"data-hkai-live-reload"


def fetch(url: str) -> tuple[int, dict, bytes]:
    """Status, headers and body, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def first_event(server) -> dict:
    """The first Server-Sent Event of the reload stream: the current build and its error."""
    url = urljoin(server.url, "/__hkai-publish__/events")
    with urllib.request.urlopen(url, timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        for line in stream:
            if line.startswith(b"data: "):
                return json.loads(line[6:])
    raise AssertionError("the event stream ended without an event")


def test_serves_the_build_under_the_base_url_path_with_the_reload_script(make_project, serve_project):
    project = make_project()
    server = serve_project(project)
    assert server.url.endswith("/hkai/")

    status, headers, body = fetch(server.url + "en/intro/")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert MARKER in body and body.index(MARKER) < body.index(b"</body>")
    build_id = first_event(server)["build"]
    assert json.dumps(build_id).encode() in body
    # The published files never carry the script; other files are served as they are.
    on_disk = project / "build/site/en/intro/index.html"
    assert MARKER not in on_disk.read_bytes()
    assert body.replace(MARKER, b"") != on_disk.read_bytes()
    assert fetch(server.url + "assets/style.css")[2] == (project / "build/site/assets/style.css").read_bytes()
    assert fetch(server.url + "sitemap.xml")[2] == (project / "build/site/sitemap.xml").read_bytes()

    status, headers, _ = fetch(urljoin(server.url, "/"))
    assert status == 302 and headers["Location"] == "/hkai/"


def test_listens_on_this_computer_only(make_project, serve_project):
    server = serve_project(make_project())
    port = int(server.url.split(":")[2].split("/")[0])
    others = {socket.gethostbyname(socket.gethostname())}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outward address
            others.add(probe.getsockname()[0])
        except OSError:
            pass  # no network at all
    for address in others - {"127.0.0.1", "0.0.0.0"}:
        with socket.socket() as client:
            client.settimeout(2)
            assert client.connect_ex((address, port)) != 0, f"reachable on {address}"


def test_unknown_paths_get_the_404_page_of_their_language(make_project, serve_project):
    server = serve_project(make_project())
    for path, lang in (("zh-hant/no-such-page/", "zh-Hant-HK"), ("no-such-page", "en-HK"),
                       ("assets/", "en-HK")):
        status, _, body = fetch(server.url + path)
        assert status == 404, path
        assert html.fromstring(body).get("lang") == lang
        assert MARKER in body
    assert fetch(urljoin(server.url, "/elsewhere/"))[0] == 404


def test_rebuilds_on_change_reports_errors_and_recovers(make_project, serve_project):
    project = make_project()
    server = serve_project(project)
    page = server.url + "en/intro/"
    intro = project / "content/en/intro.md"
    good = intro.read_text(encoding="utf-8")

    seen = len(server.lines)
    intro.write_text(good.replace("bustling metropolis", "harbour city"), encoding="utf-8")
    server.wait_for(r"Rebuilt the site after changes to .*intro\.md in [\d.]+ s", after=seen)
    assert b"harbour city" in fetch(page)[2]
    assert first_event(server)["error"] is None

    seen = len(server.lines)
    intro.write_text(good.replace("title: Introduction", "title: [unclosed"), encoding="utf-8")
    error = server.wait_for(r"content/en/intro\.md:\d+: .*", after=seen).group(0)
    server.wait_for(r"still serving the last good build", after=seen)
    assert error in first_event(server)["error"]
    assert b"harbour city" in fetch(page)[2], "the last good build stays in place"

    seen = len(server.lines)
    intro.write_text(good, encoding="utf-8")
    server.wait_for(r"Rebuilt the site after changes", after=seen)
    assert first_event(server)["error"] is None
    assert b"bustling metropolis" in fetch(page)[2]

    assert server.interrupt() == 0
    assert server.lines[-1] == "Stopped."
    assert not any("Traceback" in line for line in server.lines)


def test_a_config_saved_by_renaming_is_still_watched(make_project, serve_project):
    """Editors that save by writing a new file and renaming it over the old one."""
    project = make_project()
    server = serve_project(project)
    for title in ("First Title", "Second Title"):
        seen = len(server.lines)
        new = write(project / "pyproject.toml.new", CONFIG.replace("Navigating Innovation", title))
        os.replace(new, project / "pyproject.toml")
        server.wait_for(r"Rebuilt the site after changes to .*pyproject\.toml", after=seen)
        assert title.encode() in fetch(server.url + "en/")[2]


def test_a_busy_port_is_a_clear_usage_error(make_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--project", str(make_project()), "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} is already in use" in result.stderr
    assert "--port 0 picks a free one" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli("serve", "--port", "70000").returncode == 2


def test_a_rebuild_in_the_server_leaves_nothing_frozen_for_the_collector(make_project, tmp_path):
    """Only the one-shot command freezes the collector (at exit): a build that froze what it
    loaded would keep, in the server, every rebuild's leftovers until it stops."""
    import gc

    from hkai_publish.serve import LiveState, rebuild

    said = []
    gc.unfreeze()
    rebuild(make_project(), tmp_path / "out", LiveState(), said.append, "Built")
    assert said[-1].startswith("Built in"), said
    assert gc.get_freeze_count() == 0


def test_serves_the_search_index_with_types_a_browser_accepts(make_project, serve_project):
    project = make_project()
    server = serve_project(project)
    bundle = project / "build/site/zh-hant/pagefind"
    expected = {".js": "text/javascript", ".json": "application/json", ".pf_meta": "application/octet-stream",
                ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream",
                ".pagefind": "application/octet-stream"}
    seen = set()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        status, headers, body = fetch(server.url + "zh-hant/pagefind/" + path.relative_to(bundle).as_posix())
        assert status == 200, path
        assert {k.lower(): v for k, v in headers.items()}["content-type"] == expected[path.suffix], path
        assert body == path.read_bytes() and MARKER not in body
        seen.add(path.suffix)
    assert seen == set(expected)
