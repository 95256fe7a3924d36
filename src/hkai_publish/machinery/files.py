"""Reading sources safely (UTF-8 with a clear error, paths that stay inside their folder), the
few writes the translator commands make to sources, and the folder a build's outputs wait in."""

from __future__ import annotations

import copy
import datetime as dt
import errno
import fcntl
import hashlib
import os
import posixpath
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hkai_publish.errors import PublishError


def read_text(path: Path, error: type[PublishError] = PublishError) -> str:
    """A source file's text as UTF-8 (a BOM tolerated); invalid bytes name the file and line."""
    return decode_text(read_bytes(path, error), path, error)


def read_bytes(path: Path, error: type[PublishError] = PublishError) -> bytes:
    """A source file's bytes; one that cannot be read (no permission, a link to nothing, not a
    regular file, which could block for ever) is `error` naming it."""
    try:
        with open(path, "rb", opener=_nonblocking) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise error("not a regular file (a pipe, socket or device?): refusing to read it", path, 1)
            return handle.read()
    except OSError as exc:
        raise error(f"cannot read the file: {describe_os_error(exc)}", path, 1) from None


def _nonblocking(path: str, flags: int) -> int:
    # Opening a FIFO for reading waits for a writer: non-blocking, it returns at once, to be refused.
    return os.open(path, flags | os.O_NONBLOCK)


def describe_os_error(exc: OSError) -> str:
    """What an OSError means for a source file, in a person's words."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops"
    if exc.errno == errno.ENOENT:
        return "a symbolic link to a file that does not exist" if os.path.islink(exc.filename or "") else "it does not exist"
    return exc.strerror or str(exc)


def decode_text(data: bytes, path: Path, error: type[PublishError] = PublishError) -> str:
    """read_text for bytes already read from `path`."""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line) from None


def encode_like(text: str, original: bytes | None) -> bytes:
    """`text` (as read_text gives it: no BOM, LF line ends) as UTF-8 in the form of the file it
    came from: with its BOM, and with CRLF line ends where it had them. A command that writes a
    source changes only what it means to change."""
    data = text.encode("utf-8")
    if original is None:
        return data
    if original.count(b"\r\n") * 2 > original.count(b"\n"):
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    return data


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, once links are followed, stays inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write a source-side file (catalogue, translated page) only if its bytes change, through a
    temporary file so an interrupted write never leaves half a file. True if it was written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def source_date() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH where set, so the same sources give the same files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


def digest(data: bytes) -> str:
    """The digest the build cache and the checks know a file's bytes by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Spool:
    """A folder beside the output folder where rendered pages wait, on disk rather than in memory,
    until the build is checked and written: then it becomes the new output folder (or its files
    replace their old versions), and a failed build discards it. It stays locked while its build
    runs, so that another build removes it only once its build died (see remove_dead_spools).

    A `flat` spool, for a build expected to replace files in the output folder where they are,
    keeps every file at the top of the folder, named by a digest of its path: then a rebuild that
    changes every page (a template edit) makes and removes no folder per page. On a file system
    that makes new inodes skip those freed in the last minutes (ext4 without a journal, as on
    this machine), those folders cost more than the pages (see docs/benchmarks.md)."""

    def __init__(self, out_dir: Path, flat: bool = False):
        out_dir = out_dir.resolve()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.render-", dir=out_dir.parent))
        self._lock = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.prefix = ""
        """Of the paths given to keep() (a stage's outputs lack the stage's folder, `site/`)."""
        self.flat = flat

    def within(self, prefix: str) -> Spool:
        """This spool as a stage sees it: paths relative to `prefix`."""
        view = copy.copy(self)
        view.prefix = self.prefix + prefix
        return view

    def path(self, path: str) -> Path:
        """Where the output at `path` (relative to the output folder) waits; refused outside it.
        Judged by the path's text: the folder is this build's own, and it writes no links there
        (following links to be sure cost 16 system calls a page)."""
        normal = posixpath.normpath(path)
        if normal in (".", "..") or normal.startswith(("/", "../")):
            raise PublishError(f"refusing to write outside the output folder: {path}")
        return self.folder / (_flat_name(normal) if self.flat else normal)

    def keep(self, path: str, data: bytes) -> Path:
        """Write `data` for the output at prefix + `path`; where it was written."""
        target = self.path(self.prefix + path)
        if not self.flat:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def unfold(self, paths: list[str]) -> None:
        """Give a flat spool the output folder's shape, to become it: each of `paths` (every file
        it holds) moved to its place. For a build that found the output folder changed by another
        once it came to write, after all."""
        if not self.flat:
            return
        for path in paths:
            source = self.path(path)
            target = self.folder / posixpath.normpath(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        self.flat = False

    def discard(self) -> None:
        """Remove what is left of the folder (nothing once it became the output folder), and unlock."""
        shutil.rmtree(self.folder, ignore_errors=True)
        os.close(self._lock)


def _flat_name(path: str) -> str:
    """A flat spool's name for the file at `path`: 32 hex digits (no top folder of a build has such a name)."""
    return hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def remove_dead_spools(out_dir: Path) -> None:
    """The spools of builds of `out_dir` that were killed: a running build's spool is locked."""
    for folder in out_dir.parent.glob(f".{out_dir.name}.render-*"):
        try:
            handle = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:
            pass
        finally:
            os.close(handle)


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the build: its path relative to the output folder, and its bytes, or the file
    they wait in (see files.Spool) with their digest and size: a large site's pages together
    take more memory than all the rest of a build."""

    path: str
    body: bytes | None
    file: Path | str | None = None
    """Where the bytes wait, if not in `body` (a str where made in thousands: cheaper than a Path)."""
    sha: str = ""
    size: int = 0

    @classmethod
    def spooled(cls, spool: Spool, path: str, data: bytes) -> Output:
        """An output kept at `path` in `spool` (where its path lacks the spool's prefix, `site/`)."""
        return cls(path, None, spool.keep(path, data), digest(data), len(data))

    @property
    def data(self) -> bytes:
        if self.body is not None:
            return self.body
        with open(self.file, "rb") as handle:
            return handle.read()

    @property
    def digest(self) -> str:
        return self.sha or digest(self.data)

    @property
    def length(self) -> int:
        return self.size if self.body is None else len(self.body)
