"""`hkai-publish serve`: build, serve build/site on localhost, rebuild on change, reload open pages.

The reload script is added to HTML responses by this server only; build/ never contains it, so what
is previewed is byte for byte what is published, plus one script tag.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import posixpath
import queue
import secrets
import threading
import time
import traceback
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles

from hkai_publish.build import BuildOptions, build
from hkai_publish.sources.config import load_config
from hkai_publish.errors import PublishError, display_path
from hkai_publish.editions.site import base_path

log = logging.getLogger(__name__)

EVENTS_PATH = "/__hkai-publish__/events"
"""Server-Sent Events: the current build's id and error, sent again after every build."""
WATCHED = ("content", "templates", "locales", "static")  # static: static_dir's default
CONFIG_FILE = "pyproject.toml"
_RELOAD_JS = (Path(__file__).with_name("live_reload.js")).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """What open pages need to know about the latest build."""

    build_id: str
    """Changes with every build, good or bad, and with every server start."""
    error: str | None = None
    """The failed build's report, or None when the last build succeeded."""
    url_prefix: str = "/"
    """The path part of base_url: the site is served under it, as it will be published."""
    default_folder: str = ""
    """The default language's folder, whose 404 page answers for unknown paths."""


class LiveState:
    """The latest BuildStatus, shared between the build loop and the request threads."""

    def __init__(self) -> None:
        self._token = secrets.token_hex(4)
        self._count = 0
        self._changed = threading.Condition()
        self.status = BuildStatus(f"{self._token}-0")
        self.stopping = threading.Event()

    def publish(self, error: str | None, url_prefix: str | None = None, default_folder: str | None = None) -> None:
        with self._changed:
            self._count += 1
            self.status = BuildStatus(f"{self._token}-{self._count}", error,
                                      url_prefix or self.status.url_prefix,
                                      default_folder or self.status.default_folder)
            self._changed.notify_all()

    def stop(self) -> None:
        """End the event streams now rather than at their next heartbeat."""
        with self._changed:
            self.stopping.set()
            self._changed.notify_all()

    def wait_for_change(self, seen: str | None, timeout: float) -> BuildStatus:
        """The status once its build_id differs from `seen`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.status.build_id != seen or self.stopping.is_set(), timeout)
            return self.status


def serve(project: Path, port: int, out_dir: Path | None = None, echo=print) -> None:
    """Build, then serve and rebuild until Ctrl-C. Raises OSError if the port cannot be had."""
    project = project.resolve()
    out_dir = (out_dir or project / "build").resolve()
    state = LiveState()
    handler = partial(PreviewHandler, state=state, directory=str(out_dir / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)  # bind first: a busy port fails fast
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    changes: queue.Queue[set[str]] = queue.Queue()
    try:
        # Watch before the first build, so that a save during it is not missed.
        for ready in start_watchers(project, state.stopping, changes):
            ready.wait(10)
        rebuild(project, out_dir, state, echo, "Built", only=None)
        url = f"http://127.0.0.1:{server.server_port}{state.status.url_prefix}"
        watched = ", ".join(f"{name}/" for name in WATCHED if (project / name).is_dir())
        echo(f"Serving {url} (Ctrl-C to stop). Watching {watched} and {CONFIG_FILE}.")
        while True:
            changed = wait_for_changes(changes)
            names = sorted(display_path(p) for p in changed)
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            # Saves rebuild the site only: an editor waits for the page, not for the PDFs, which
            # the first build made and `hkai-publish build` remakes.
            rebuild(project, out_dir, state, echo, f"Rebuilt the site after changes to {', '.join(names[:3])}{more}")
    finally:
        state.stop()
        server.shutdown()
        server.server_close()


def rebuild(project: Path, out_dir: Path, state: LiveState, echo, done: str, only: str | None = "site") -> None:
    """Build once into out_dir, tell the terminal and the open pages how it went."""
    started = time.perf_counter()
    try:
        config = load_config(project)
        result = build(config, BuildOptions(out_dir, only=only))
        lines = result.report(strict=False)
        failed = result.failed(strict=False)
    except PublishError as exc:
        config, lines, failed = None, str(exc).splitlines(), True
    except Exception:  # a bug in this project: say so, keep serving the last good build
        config, lines, failed = None, ["Internal error (please report it):", traceback.format_exc()], True
    # Pages first, terminal second: once the terminal says it, the pages have been told.
    if failed:
        state.publish("\n".join(lines))
        lines.append("The build failed; still serving the last good build. Save a fix to rebuild.")
    else:
        state.publish(None, base_path(config), config.default_locale.folder)
        lines.append(f"{done} in {time.perf_counter() - started:.2f} s.")
    for line in lines:
        echo(line)


def start_watchers(project: Path, stop: threading.Event, changes: queue.Queue) -> list[threading.Event]:
    """Watch the source folders recursively, and the project folder (not its build/ or .venv/)
    for the config file: editors that save by renaming would end a watch on the file itself.
    Returns one event per watcher, set once it is watching."""
    folders = [project / name for name in WATCHED if (project / name).is_dir()]
    config = str(project / CONFIG_FILE)
    jobs = [(folders, True, watchfiles.DefaultFilter()), ([project], False, lambda _change, path: path == config)]
    started = []
    for paths, recursive, keep in jobs:
        if paths:
            started.append(threading.Event())
            threading.Thread(target=_watch, args=(paths, recursive, keep, stop, changes, started[-1]),
                             daemon=True, name="watch").start()
    return started


def _watch(paths: list[Path], recursive: bool, keep, stop: threading.Event, changes: queue.Queue,
           started: threading.Event) -> None:
    # A short rust_timeout with yield_on_timeout makes the first (empty) batch arrive soon after the
    # watch is in place: that is the moment it is safe to build and announce the server.
    try:
        for batch in watchfiles.watch(*paths, watch_filter=keep, recursive=recursive, stop_event=stop,
                                      debounce=1000, step=100, rust_timeout=200, yield_on_timeout=True,
                                      raise_interrupt=False):
            started.set()
            if batch:
                changes.put({path for _change, path in batch})
    except Exception as exc:  # e.g. the system's limit on watched folders: serving goes on
        log.error("cannot watch %s (%s); restart `serve` to pick up changes",
                  ", ".join(display_path(p) for p in paths), exc)
    finally:
        started.set()


def wait_for_changes(changes: queue.Queue) -> set[str]:
    """The next batch of changed paths, merged with any that arrived while waiting."""
    while True:
        try:
            changed = changes.get(timeout=0.5)  # a timeout keeps Ctrl-C responsive
            break
        except queue.Empty:
            continue
    while not changes.empty():
        changed |= changes.get_nowait()
    return changed


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files from build/site under the base_url's path, HTML with the reload script added."""

    # By name, not by the system's mime.types, which may lack these: the search box imports
    # pagefind.js as a module, which a browser runs only if served as JavaScript; Pagefind's own
    # files (.pf_*, and its WebAssembly in .pagefind) are gzip data that it unpacks itself.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".json": "application/json", ".wasm": "application/wasm",
                      ".pagefind": "application/octet-stream", ".pf_meta": "application/octet-stream",
                      ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream"}

    def __init__(self, *args, state: LiveState, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            return self.send_events()
        super().do_GET()

    def translate_path(self, path: str) -> str:
        prefix = self.state.status.url_prefix
        path = urlsplit(path).path
        if not path.startswith(prefix):
            return os.path.join(self.directory, ".not-found")
        return super().translate_path("/" + path[len(prefix):])

    def send_head(self):
        path, prefix = urlsplit(self.path).path, self.state.status.url_prefix
        if path in ("/", prefix.rstrip("/")) and path != prefix:
            return self.redirect(prefix)
        target = Path(self.translate_path(self.path))
        if target.is_dir() and urlsplit(self.path).path.endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            return self.send_html(HTTPStatus.OK, target.read_bytes())
        return super().send_head()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND)  # a published site has no folder listings either

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != HTTPStatus.NOT_FOUND:
            return super().send_error(code, message, explain)
        page = self.not_found_page()
        body = page.read_bytes() if page else b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
        stream = self.send_html(HTTPStatus.NOT_FOUND, body)
        if self.command != "HEAD":
            self.wfile.write(stream.getvalue())

    def not_found_page(self) -> Path | None:
        """The 404 page of the language the URL is in, else the default language's."""
        prefix = self.state.status.url_prefix
        path = urlsplit(self.path).path
        folder = path[len(prefix):].split("/", 1)[0] if path.startswith(prefix) else ""
        for name in (folder, self.state.status.default_folder):
            page = Path(self.directory) / posixpath.basename(name) / "404.html"
            if name and page.is_file():
                return page
        return None

    def send_html(self, status: HTTPStatus, body: bytes) -> BytesIO:
        body = inject_reload(body, self.state.status.build_id)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        # A preview must never show a stale stylesheet or page after a rebuild.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        try:
            while not self.state.stopping.is_set():
                status = self.state.wait_for_change(seen, timeout=15)
                if status.build_id == seen:
                    self.wfile.write(b": still here\n\n")  # finds closed tabs, keeps proxies awake
                else:
                    data = json.dumps({"build": status.build_id, "error": status.error}, ensure_ascii=False)
                    self.wfile.write(f"data: {data}\n\n".encode("utf-8"))
                    seen = status.build_id
                self.wfile.flush()
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, None):
                raise

    def log_message(self, format: str, *args) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def inject_reload(html: bytes, build_id: str) -> bytes:
    """The page with the live-reload script before </body> (or at the end)."""
    script = _RELOAD_JS.replace("BUILD_ID", json.dumps(build_id)).replace("EVENTS_PATH", json.dumps(EVENTS_PATH))
    tag = f"<script data-hkai-live-reload>\n{script}</script>\n".encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]
