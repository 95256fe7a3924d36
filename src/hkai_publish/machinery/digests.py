"""Digests of build inputs: the code and libraries that shape the output, values (documents,
pages, editions), templates with everything they include, and files. Equal digests mean equal
inputs, across runs and processes: what the build cache (cache.py) keys everything by."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable

import jinja2
import jinja2.meta

from hkai_publish.machinery.files import digest

FORMAT = 2
"""Of the cache's files and keys: bump when their layout changes."""

LIBRARIES = ("jinja2", "markdown", "babel", "pyyaml", "markupsafe", "lxml", "opencc-python-reimplemented",
             "pyahocorasick")
"""The libraries whose version shapes the site and the checks' findings (pdf.py adds WeasyPrint's)."""


def package_fingerprint() -> str:
    """This package's code, the Python version and the versions of the libraries in LIBRARIES."""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    theme = package / "hkai_publish" / "theme"  # the default templates: a project may use them as they are
    for path in sorted(theme.rglob("*")) if theme.is_dir() else ():
        if path.is_file():
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        h.update(f"{name}={installed_version(name)}\0".encode())
    h.update(f"{sys.version}\0{FORMAT}".encode())
    return h.hexdigest()


def installed_version(distribution: str) -> str:
    """The version of the installed `distribution`, or "?". Read from the name of its metadata
    folder (`jinja2-3.1.4.dist-info`), the first on sys.path as importlib.metadata takes it:
    importing that module cost a one-page rebuild 10 ms. importlib.metadata where there is none."""
    found = _installed().get(_normal_name(distribution))
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


@functools.cache
def _installed() -> dict[str, str]:
    """Distribution name (normalised) -> version, from the metadata folders on sys.path."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or gone
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                project, _, version = name.rpartition(".")[0].partition("-")
                if version:  # an egg's is followed by the Python version: -py3.11
                    found.setdefault(_normal_name(project), version.partition("-")[0])
    return found


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class Digester:
    """Stable digests of build inputs: equal digests mean equal values, across runs and processes.
    Takes text, numbers, dates, paths, sequences, mappings and dataclasses (fields only); anything
    else is a TypeError, because a value the digest cannot see would make the cache wrong.
    Dataclass instances are digested once per build: pages share documents, nav items, config."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._kinds: dict[type, bool] = {str: False}

    def hexdigest(self, *values: Any) -> str:
        parts: list[bytes] = []
        self._feed_all(values, parts)
        return digest(b"".join(parts))

    def table_key(self, *values: Any) -> tuple:
        """A key for `values` in the build cache's tables: equal keys mean equal values, as with
        hexdigest, but made with less work (thousands are made on every rebuild): text stands as
        itself, anything else as its digest (a dataclass's made once per build). It holds no
        package fingerprint: the tables are dropped whole when the code changes."""
        return tuple([value if type(value) is str else self.digest(value) for value in values])

    def digest(self, value: Any) -> bytes:
        """The 16-byte digest of `value` (once per build for a dataclass)."""
        return self._dataclass(value) if self._is_dataclass(type(value)) else bytes.fromhex(self.hexdigest(value))

    def _is_dataclass(self, kind: type) -> bool:
        # Asked of every value digested: hasattr() on a type without the attribute formats an
        # AttributeError's message each time.
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = hasattr(kind, "__dataclass_fields__")
        return found

    def seed(self, value: Any, known: str) -> None:
        """Take `known` (the digest of the inputs `value` is a pure function of) as the dataclass
        `value`'s digest: cheaper than digesting a large value (a page's HTML) again."""
        self._memo[id(value)] = (value, bytes.fromhex(known))

    def _dataclass(self, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        parts = [b"D", kind.__qualname__.encode(), b"("]
        self._feed_all([getattr(value, name) for name in names], parts)
        found = hashlib.blake2b(b"".join(parts), digest_size=16).digest()
        self._memo[id(value)] = (value, found)  # holding the value keeps its id from being reused
        return found

    def _feed_all(self, values: Iterable[Any], out: list[bytes]) -> None:
        # Text and dataclasses handled inline: a page's inputs are a few hundred of them, and
        # a call per value doubled the time a warm build spent here.
        for value in values:
            kind = type(value)
            if kind is str:
                data = value.encode("utf-8", "surrogatepass")
                out.append(b"s%d:" % len(data))
                out.append(data)
            elif self._is_dataclass(kind):
                out.append(b"@" + self._dataclass(value))
            else:
                self._feed(value, out)

    def _feed(self, value: Any, out: list[bytes]) -> None:
        kind = type(value)
        if kind is str or self._is_dataclass(kind):
            self._feed_all((value,), out)
        elif value is None or kind is bool:
            out.append(b"N" if value is None else b"T" if value else b"F")
        elif kind is int or kind is float:
            out.append(b"n" + repr(value).encode() + b";")
        elif kind is tuple or kind is list:
            out.append(b"(")
            self._feed_all(value, out)
            out.append(b")")
        elif kind is dict or kind is MappingProxyType:
            out.append(b"{")
            self._feed_all([part for item in value.items() for part in item], out)
            out.append(b"}")
        elif kind is bytes:
            out.append(b"b%d:" % len(value) + value)
        elif isinstance(value, (dt.date, dt.datetime, dt.time)):
            out.append(b"t" + kind.__name__.encode() + value.isoformat().encode() + b";")
        elif isinstance(value, Path):
            self._feed(("path", str(value)), out)
        elif isinstance(value, str):  # jinja2's Markup and friends escape differently from str
            self._feed((kind.__qualname__, str(value)), out)
        elif isinstance(value, (frozenset, set)):
            items = sorted(self.hexdigest(item) for item in value)
            self._feed(("set", *items), out)
        else:
            raise TypeError(f"cannot digest a {kind.__qualname__} for the build cache")


def template_closure(env: jinja2.Environment, name: str, memo: Any = None) -> list[str] | None:
    """`name` and every template it extends, includes or imports, however deep; None when one of
    them names another by an expression (then any template could matter). `memo` (the build
    cache) keeps what each template source refers to: parsing them costs more than a rebuild's
    rendering."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = env.loader.get_source(env, current)
        for ref in _references(env, source, memo):
            if ref is None:
                return None
            todo.append(ref)
    return sorted(seen)


def _references(env: jinja2.Environment, source: str, memo: Any) -> tuple[str | None, ...]:
    key = ("references", digest(source.encode("utf-8", "surrogatepass")))
    found = memo.lookup("jinja", key) if memo is not None else None
    if found is None:
        found = tuple(jinja2.meta.find_referenced_templates(env.parse(source)))
        if memo is not None:
            memo.store("jinja", key, found)
    return found


def template_fingerprint(env: jinja2.Environment, name: str, memo: Any = None) -> str:
    """A digest of the sources a template's output can depend on (all templates where unsure).
    A template that fails to parse gets a digest of its bytes: rendering it reports the error."""
    try:
        names = template_closure(env, name, memo)
    except (jinja2.TemplateError, OSError):
        names = None
    if names is None:
        names = sorted(env.list_templates())
    h = hashlib.blake2b(digest_size=16)
    for each in names:
        try:
            source = env.loader.get_source(env, each)[0]
        except jinja2.TemplateNotFound:
            source = "\0missing"
        h.update(each.encode() + b"\0" + source.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def file_fingerprint(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "none"
    return digest(path.read_bytes())
