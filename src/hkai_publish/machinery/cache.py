"""The build cache: what the last good build was made from, so that a rebuild redoes only what
changed. A wrong cache is worse than none, so every entry is keyed by a digest of *all* that
made it (sources, templates with what they include, catalogue, config, this package's code),
and an output is reused only while the file the last build wrote is still there, unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import stat as statmodule
import pickle
import time
from pathlib import Path
from typing import Any, Hashable, Iterable

import jinja2
import jinja2.bccache

from hkai_publish.machinery.digests import FORMAT, Digester, package_fingerprint
from hkai_publish.machinery import files as _files
from hkai_publish.machinery.files import Output, digest

log = logging.getLogger(__name__)

FOLDER = ".cache"
"""Inside the output folder: deleting build/ deletes the cache too. Deploy build/site, not build/."""

LAZY_TABLES = {"markdown-html": "markdown"}
"""Tables kept in a file of their own and loaded when first looked up, each with the table whose
keys it shares: an entry is kept while that table keeps its key. The pages' HTML is read only
where a page is rendered again, and loading all of it took a tenth of a one-page rebuild."""


class CacheDamaged(Exception):
    """A table the cache's entries rely on cannot be read (the build is made again without it)."""


RACY_NS = 3 * 10**9
"""A source changed less than this before the last build read it may change again with the same
size and times (a file system's clock ticks coarsely: two seconds on FAT): its digest is not
reused (git's index calls such entries racily clean)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Record:
    """What the last good build wrote at one output path."""

    key: str | None
    """Digest of the inputs the output was made from; None for outputs made every time."""
    sha: str
    size: int
    mtime_ns: int


class BuildCache:
    """Read once at the start of a build; saved only after a build was written, so a failed
    build leaves it (and the output folder) as the last good build left them.

    Besides the record of each output, it keeps tables of values by key (Markdown renderings,
    parsed front matter): a table keeps the entries the last build used, so it does not grow.
    They are pickle files (the large LAZY_TABLES each in its own), trusted as the output folder
    itself is."""

    def __init__(self, out_dir: Path, enabled: bool = True):
        self.out_dir = out_dir.resolve()
        self.folder = self.out_dir / FOLDER
        self.enabled = enabled
        self.package = package_fingerprint()
        self.digester = Digester()
        self.records: dict[str, Record] = {}
        self.dirs: dict[str, int] = {}
        self.keys: dict[str, str] = {}
        """Output path -> key, for outputs made this build from a key."""
        self.reused: set[str] = set()
        self.files: dict[str, tuple[bytes | None, str]] = {}
        """Source path -> its bytes (None where it was found unchanged, and not read) and their
        digest (see fingerprint_sources)."""
        self.sources: dict[str, tuple[int, int, int, int, str]] = {}
        """Source path -> (inode, size, mtime, ctime, digest), as the last build read them."""
        self.sources_read_ns = 0
        """When the last build started reading them."""
        self._read_sources: tuple[int, dict[str, tuple[int, int, int, int, str]]] | None = None
        self.intact = False
        """Whether the output folder is exactly what the last build wrote: only then are its
        files reused and updated in place."""
        self._tables: dict[str, dict[str, Any]] | None = None
        """Loaded on first use: a build whose sources did not change never needs them."""
        self._lazy: dict[str, dict[str, Any]] = {}
        """The LAZY_TABLES loaded so far."""
        self._lazy_added: dict[str, list[tuple[Any, Any]]] = {}
        """Entries of LAZY_TABLES appended to tables.added, until their table is loaded."""
        self._lazy_new: dict[str, dict[str, Any]] = {}
        """Entries of LAZY_TABLES stored by this build."""
        self._used: dict[str, dict[str, Any]] = {}
        self._tables_id: str | None = None
        self._last: tuple[str, tuple, int] | None = None
        """(source fingerprint, problems, PDF pages) of the last build."""
        self._this: tuple[str, tuple, int] | None = None
        self._manifest_stat: tuple[int, int, int] | None = None
        if enabled:
            self._load()

    # -- reading ---------------------------------------------------------------------------

    def _read(self, name: str) -> dict | None:
        """A pickle of this cache made by this version of the code, or None."""
        try:
            state = pickle.loads((self.folder / name).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return None
        if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("package") != self.package:
            return None  # another version of the code made it: trust nothing
        return state

    def _load(self) -> None:
        self._manifest_stat = self._stat_manifest()
        state = self._read("manifest.pickle")
        if state is None:
            return
        self.records = {path: Record(*fields) for path, fields in state["outputs"].items()}
        self.dirs = state["dirs"]
        self._last = state["last"]
        self.sources_read_ns, self.sources = state["sources"]
        self.intact = self._outputs_intact()

    def _load_tables(self) -> dict[str, dict[str, Any]]:
        """The tables as the last build left them: tables.pickle, then the entries that later
        builds added to tables.added (appending costs less than rewriting tens of megabytes)."""
        if self._tables is None:
            state = self._read("tables.pickle") if self.enabled else None
            self._tables = state["tables"] if state else {}
            self._tables_id = state["id"] if state else None
            if state:
                for table, key, value in self._added(state["id"]):
                    if table in LAZY_TABLES:
                        self._lazy_added.setdefault(table, []).append((key, value))
                    else:
                        self._tables.setdefault(table, {})[key] = value
        return self._tables

    def _load_lazy(self, table: str) -> dict[str, Any]:
        """One of LAZY_TABLES as the last build left it. Its file is that of the tables.pickle
        loaded (the same id): any other is stale, and an entry of the other tables may rely on
        it (see CacheDamaged)."""
        if table not in self._lazy:
            self._load_tables()
            state = self._read(f"tables.{table}.pickle") if self._tables_id else None
            entries = state["entries"] if state and state.get("id") == self._tables_id else {}
            for key, value in self._lazy_added.pop(table, []):
                entries[key] = value
            self._lazy[table] = entries
        return self._lazy[table]

    def _added(self, base: str) -> list[tuple[str, Any, Any]]:
        """Entries appended for the tables.pickle whose id is `base` (any other file's are stale)."""
        entries = []
        try:
            with open(self.folder / "tables.added", "rb") as handle:
                while True:
                    record = pickle.load(handle)
                    if record[0] == base:
                        entries.extend(record[1])
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, IndexError):
            pass  # an entry cut short by a crash is lost, not misread: the file ends there
        return entries

    def _outputs_intact(self) -> bool:
        """Whether the output folder holds exactly what the last build wrote there (by size and
        modification time, as git's index does; a folder's time changes when a file is added)."""
        out = str(self.out_dir)  # os.path, not pathlib: thousands of calls on every rebuild
        try:
            for folder, mtime_ns in self.dirs.items():
                if os.stat(os.path.join(out, folder)).st_mtime_ns != mtime_ns:
                    return False
            for path, record in self.records.items():
                st = os.stat(os.path.join(out, path))
                if st.st_size != record.size or st.st_mtime_ns != record.mtime_ns:
                    return False
        except OSError:
            return False
        return bool(self.records)

    def fingerprint_sources(self, project_dir: Path, folders: Iterable[Path], *extra: Any) -> str:
        """A digest of every byte a publication is made from (its pyproject.toml and every file in
        `folders`), with the project's place, this package's code, SOURCE_DATE_EPOCH and `extra`
        (what the build was asked for). Keeps each file's bytes for the loader (see source).
        A file's digest is the last build's where the file is as it found it, by inode, size,
        modification and change time (as git's index does; a change time cannot be set back)
        and was not changed just before it looked (RACY_NS); such a file is not even read.
        Hashing every source took 7 % of the instructions of a rebuild after a one-page edit
        (1000 documents per language), and reading them another 4 % of its time."""
        started = time.time_ns()
        known, trusted_before = self.sources, self.sources_read_ns - RACY_NS
        read: dict[str, tuple[int, int, int, int, str]] = {}
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{project_dir}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0{self.package}\0{extra!r}\0".encode())
        config = project_dir / "pyproject.toml"
        h.update(config.read_bytes() if config.is_file() else b"\0none")
        for folder in folders:
            seen_folders: set[tuple[int, int]] = set()
            for root, dirs, files in os.walk(folder, followlinks=True):
                dirs[:] = sorted(d for d in dirs if _first_visit(os.path.join(root, d), seen_folders))
                for name in sorted(files):
                    path = os.path.join(root, name)
                    last = known.get(path)
                    data: bytes | None = None
                    try:
                        stat = _signature(os.stat(path)) if last is not None and last[3] < trusted_before else None
                    except OSError:
                        stat = None
                    if stat is not None and last[:4] == stat:
                        sha, steady = last[4], True
                    else:
                        found = _read_source(path)
                        if found is None:  # unreadable, a link to nothing, a pipe: the loaders say so
                            h.update(f"\0{path}\0unreadable".encode())
                            continue
                        before, data, after = found
                        stat, sha = _signature(before), digest(data)
                        # Written while it was read: these bytes may be neither version. Not recorded.
                        steady = _signature(after) == stat
                    if steady:
                        read[path] = (*stat, sha)
                    self.files[path] = data, sha
                    h.update(f"\0{path}\0{stat[1]}\0{sha}".encode())
        self._read_sources = started, read
        return h.hexdigest()

    def source(self, path: Path) -> tuple[bytes | None, str] | None:
        """A source file's bytes as fingerprint_sources read them (once a build; None where it
        found the file unchanged since the last build and did not read it), and their digest, if
        it saw the file. Handed over once: the loader keeps what it needs of them, and all of
        them together are as large as the content folder."""
        return self.files.pop(str(path), None)

    def previous_build(self, sources: str) -> tuple[list[Any], tuple, int] | None:
        """The last build's (outputs, problems, PDF pages), read back from the output folder, if it
        was made from the same sources (see fingerprint_sources) and its files are all still there."""
        if not self.intact or self._last is None or self._last[0] != sources:
            return None

        # Left where they are, by digest and size: _outputs_intact found each file as written.
        out = str(self.out_dir)
        outputs = [Output(path, None, os.path.join(out, path), record.sha, record.size)
                   for path, record in self.records.items()]
        self.reused.update(self.records)
        return outputs, *self._last[1:]

    def key(self, *values: Any) -> str:
        """The cache key of an output made from `values` (with this package's fingerprint)."""
        return self.digester.hexdigest(self.package, *values)

    def table_key(self, *values: Any) -> tuple:
        """The key of an entry in the tables made from `values` (see Digester.table_key)."""
        return self.digester.table_key(*values)

    def reuse(self, path: str, key: str) -> bytes | None:
        """The bytes the last build wrote at `path` if it made them from the same key."""
        found = self.reuse_file(path, key)
        if found is None:
            return None
        try:
            with open(found[0], "rb") as handle:
                return handle.read()
        except OSError:
            self.reused.discard(path)
            return None

    def reuse_file(self, path: str, key: str) -> tuple[str, str, int] | None:
        """(file, digest, size) of what the last build wrote at `path` if it made it from the same
        key: left on disk, where _outputs_intact found it as written (a page's bytes are read
        only if a check needs them, or if the build folder must be written afresh)."""
        self.keys[path] = key
        record = self.records.get(path)
        if not self.intact or record is None or record.key != key:
            return None
        self.reused.add(path)
        return os.path.join(self.out_dir, path), record.sha, record.size  # no pathlib: 2000 calls a build

    def within(self, prefix: str) -> CacheView:
        """This cache as a stage sees it: output paths relative to `prefix` (`site/`, `pdf/`)."""
        return CacheView(self, prefix)

    def lookup(self, table: str, key: Hashable) -> Any | None:
        """The value stored under `key` in `table` by this build or (if enabled) an earlier one."""
        value = self._used.get(table, {}).get(key)  # stored by this build
        if value is None:
            value = (self._load_lazy(table) if table in LAZY_TABLES else self._load_tables().get(table, {})).get(key)
            if value is not None:
                self._used.setdefault(table, {})[key] = value
        return value

    def store(self, table: str, key: Hashable, value: Any) -> None:
        """Keep `value` for the rest of this build, and (if enabled) for the next ones."""
        self._load_tables()  # first, so that saving keeps what is there
        self._used.setdefault(table, {})[key] = value
        if table in LAZY_TABLES:
            self._lazy_new.setdefault(table, {})[key] = value

    # -- writing (after the outputs were written) -------------------------------------------

    def unchanged(self, output: Any) -> bool:
        """Whether the last build wrote exactly this output (a site.Output) and it is still there."""
        if not self.intact:
            return False
        if output.path in self.reused:
            return True
        record = self.records.get(output.path)
        return record is not None and record.size == output.length and record.sha == output.digest

    def remember(self, sources: str, problems: tuple, pdf_pages: int) -> None:
        """This build's sources fingerprint, problems and PDF page count, saved with it."""
        self._this = (sources, tuple(problems), pdf_pages)

    def still_intact(self) -> bool:
        """Whether the output folder is still what the last build wrote (asked again under the
        build lock: another build may have written since this one started, and a build that
        writes either rewrites the manifest or, without a cache, removes it)."""
        self.intact = self.intact and self._stat_manifest() == self._manifest_stat
        return self.intact

    def _stat_manifest(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.folder / "manifest.pickle")
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def save(self, outputs: Iterable[Any]) -> None:
        """Record what was just written to the output folder, the values used from tables, and
        what remember() was told."""
        if not self.enabled:
            return
        try:
            self._save(outputs, self._this)
        except OSError as exc:  # a cache that cannot be saved costs time on the next build, nothing else
            log.warning("could not save the build cache in %s: %s", self.folder, exc)

    def _save(self, outputs: Iterable[Any], last: tuple[str, tuple, int] | None) -> None:
        records, folders = {}, {"."}
        for output in outputs:
            old = self.records.get(output.path)
            if old is not None and output.path in self.reused:  # not written this build
                sha, size, mtime_ns = old.sha, old.size, old.mtime_ns
            else:
                st = os.stat(os.path.join(self.out_dir, output.path))
                sha, size, mtime_ns = output.digest, st.st_size, st.st_mtime_ns
            records[output.path] = (self.keys.get(output.path), sha, size, mtime_ns)
            parent = os.path.dirname(output.path)
            while parent and parent not in folders:
                folders.add(parent)
                parent = os.path.dirname(parent)
        self.folder.mkdir(exist_ok=True)
        touched = self._touched_folders(records) if self.intact else None
        dirs = {folder: self.dirs[folder] if touched is not None and folder not in touched and folder in self.dirs
                else os.stat(os.path.join(self.out_dir, folder)).st_mtime_ns for folder in sorted(folders)}
        self._save_tables()
        old_records = {path: (r.key, r.sha, r.size, r.mtime_ns) for path, r in self.records.items()}
        sources = self._read_sources or (self.sources_read_ns, self.sources)
        if (self.intact and records == old_records and dirs == self.dirs and last == self._last
                and sources[1] == self.sources):
            return  # a build that changed nothing: the manifest is still true
        manifest = {"format": FORMAT, "package": self.package, "outputs": records, "dirs": dirs, "last": last,
                    "sources": sources}
        _dump_atomic(self.folder / "manifest.pickle", manifest)

    def _touched_folders(self, records: dict[str, tuple]) -> set[str]:
        """The folders whose time a build written in place may have changed: those of the files
        it wrote or removed, and the folders above them. The others are as _outputs_intact found
        them (a rebuild after an edit writes a few files of thousands)."""
        touched = {"."}
        for path in [p for p in records if p not in self.reused] + [p for p in self.records if p not in records]:
            parent = os.path.dirname(path)
            while parent and parent not in touched:
                touched.add(parent)
                parent = os.path.dirname(parent)
        return touched

    def _save_tables(self) -> None:
        """Append new entries while the tables are mostly in use; else rewrite them with only
        the entries this build used, so they do not grow without end."""
        tables = self._tables or {}
        used = {table: entries for table, entries in self._used.items() if table not in LAZY_TABLES}
        new = [(table, key, value) for table, entries in used.items() for key, value in entries.items()
               if key not in tables.get(table, {})]
        new += [(table, key, value) for table, entries in self._lazy_new.items() for key, value in entries.items()]
        total = sum(len(entries) for entries in tables.values())
        unused = total - sum(1 for table, entries in used.items() for key in entries if key in tables.get(table, {}))
        if not new and not unused:
            return
        if self._tables_id and unused <= total // 10:
            with open(self.folder / "tables.added", "ab") as handle:
                pickle.dump((self._tables_id, new), handle, protocol=pickle.HIGHEST_PROTOCOL)
            return
        base = os.urandom(8).hex()
        used = {table: dict(entries) for table, entries in used.items()}  # copies: pruned below
        for table, keeper in LAZY_TABLES.items():
            # Each entry the table it goes with keeps: from this build, else from the last. One
            # that is in neither (its file was lost) takes the other table's entry with it.
            known, mine, kept = self._load_lazy(table), self._used.get(table, {}), used.get(keeper, {})
            entries = {key: mine[key] if key in mine else known[key] for key in kept if key in mine or key in known}
            for key in kept.keys() - entries.keys():
                del kept[key]
            _dump_atomic(self.folder / f"tables.{table}.pickle",
                         {"format": FORMAT, "package": self.package, "id": base, "entries": entries})
        _dump_atomic(self.folder / "tables.pickle",
                     {"format": FORMAT, "package": self.package, "id": base, "tables": used})
        (self.folder / "tables.added").unlink(missing_ok=True)


def _first_visit(folder: str, seen: set[tuple[int, int]]) -> bool:
    """Whether a folder (a link to one, perhaps) is new to the walk: a link to a folder above
    would have it walk for ever."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    place = (info.st_dev, info.st_ino)
    if place in seen:
        return False
    seen.add(place)
    return True


def _read_source(path: str) -> tuple[os.stat_result, bytes, os.stat_result] | None:
    """(stat before, bytes, stat after) of a regular file; None for anything else or an error.
    Opened without blocking: opening a FIFO for reading waits for a writer, for ever."""
    try:
        with open(path, "rb", opener=lambda name, flags: _files._nonblocking(name, flags)) as handle:
            before = os.fstat(handle.fileno())
            if not statmodule.S_ISREG(before.st_mode):
                return None
            data = handle.read()
            return before, data, os.fstat(handle.fileno())
    except OSError:
        return None


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a source file is as it was: inode, size, modification and change time."""
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class CacheView:
    """A BuildCache for one stage, whose output paths lack the stage's folder prefix."""

    def __init__(self, cache: BuildCache, prefix: str):
        self.cache, self.prefix = cache, prefix
        self.digester = cache.digester
        self.bytecode = TemplateBytecode(cache)

    def key(self, *values: Any) -> str:
        return self.cache.key(*values)

    def table_key(self, *values: Any) -> tuple:
        return self.cache.table_key(*values)

    def reuse(self, path: str, key: str) -> bytes | None:
        return self.cache.reuse(self.prefix + path, key)

    def lookup(self, table: str, key: Hashable) -> Any | None:
        return self.cache.lookup(table, key)

    def store(self, table: str, key: Hashable, value: Any) -> None:
        self.cache.store(table, key, value)

    def reuse_file(self, path: str, key: str) -> tuple[str, str, int] | None:
        return self.cache.reuse_file(self.prefix + path, key)


class TemplateBytecode(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept in the build cache's tables: compiling the templates costs
    a rebuild more than rendering the few pages that changed. Jinja checks the source's checksum
    and the Python version itself."""

    def __init__(self, cache: BuildCache):
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.cache.lookup("jinja", (bucket.key, bucket.checksum))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.store("jinja", (bucket.key, bucket.checksum), bucket.bytecode_to_string())


def _dump_atomic(path: Path, value: Any) -> None:
    """Pickle `value` into `path`, whole or not at all; streamed, since the tables' pickle is as
    large as the site."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)
