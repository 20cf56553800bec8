"""Reading bytes: files, folders, standard input and URLs become Documents (never parsed here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import InputError, UsageError, file_error
from .formats import choose_format, format_from_extension, looks_like_description_file
from .model import ACCEPT_HEADER, DESCRIPTION_EXTENSIONS, Document, Limits, is_url, normalise_format
from .safety import check_text

# --------------------------------------------------------------------------------------------- reading bytes


def expand_sources(sources, *, follow_symlinks: bool = False) -> list[str]:
    """Turn folders into the RDF and description files below them (sorted, hidden folders skipped).

    A symbolic link inside a folder that leads outside it (to a file or a folder) is refused unless
    `follow_symlinks`: naming a folder must not make the tool read /etc or a home folder through a planted link.
    """
    expanded = []
    for source in sources:
        source = str(source)
        if source == "-" or is_url(source):
            expanded.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in _walk(path, follow_symlinks) if is_loadable_name(p, path))
            expanded.extend(str(p) for p in found)
        else:
            expanded.append(source)
    return expanded


def _walk(root: Path, follow_symlinks: bool):
    """Every file below `root`, iteratively; links inside `root` that lead outside it are refused (or followed)."""
    real_root = Path(os.path.realpath(root))
    seen = {real_root}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            raise file_error(error, folder) from None
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue  # hidden files and folders are never read
            if entry.is_symlink():
                real = Path(os.path.realpath(path))
                inside = real == real_root or real_root in real.parents
                if not inside and not follow_symlinks:
                    raise InputError(f"is a symbolic link to {real}, outside the folder {root}; not followed "
                                     "(name the target itself, or use --follow-symlinks)", where=str(path))
                if real.is_dir():
                    if real not in seen:  # a link loop is walked once
                        seen.add(real)
                        stack.append(path)
                elif real.is_file():
                    yield path
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                yield path


def is_loadable_name(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).parts
    if any(part.startswith(".") for part in relative):
        return False
    suffix = path.suffix.lower()
    if suffix in DESCRIPTION_EXTENSIONS:
        return looks_like_description_file(path)
    return format_from_extension(path.name) is not None


def read_documents(sources, *, input_format=None, limits: Limits | None = None) -> list[Document]:
    limits = limits or Limits()
    forced = normalise_format(input_format)
    documents = []
    for source in expand_sources(sources, follow_symlinks=limits.follow_symlinks):
        documents.append(read_document(source, forced=forced, limits=limits))
    return documents


def read_document(source: str, *, forced=None, limits: Limits) -> Document:
    content_type = None
    base = None
    if source == "-":
        name = "<stdin>"
        data = _read_capped(sys.stdin.buffer, name, limits.max_input_bytes)
    elif is_url(source):
        from .. import http  # only when the user gave a URL: offline by default

        response = http.fetch(source, accept=ACCEPT_HEADER, max_bytes=limits.max_input_bytes,
                              allow_private=limits.allow_private)
        # The name is what messages and reports show: never a token or password from the URL.
        name, data, content_type, base = http.redact(source), response.content, response.content_type, response.url
    else:
        name = source
        path = Path(source)
        if path.is_dir():
            raise InputError("is a folder with no RDF or description files", where=name)
        try:
            size = path.stat().st_size
            if size > limits.max_input_bytes:
                raise InputError(too_large(size, limits.max_input_bytes), where=name)
            with path.open("rb") as handle:
                data = _read_capped(handle, name, limits.max_input_bytes)
        except OSError as error:
            raise file_error(error, name) from None
        except ValueError:  # "embedded null byte": no file can have that name
            raise InputError("not a possible file name (it contains a NUL character)", where=name) from None
    check_text(data, name)
    data = strip_bom(data)
    fmt = forced or choose_format(name, content_type, data)
    return Document(name=name, data=data, format=fmt, base=base or base_for(name))


def too_large(size, limit) -> str:
    return f"input is {size:,} bytes, over the limit of {limit:,} bytes (raise it with --max-input-bytes)"


def _read_capped(stream, name, limit) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"input is over the limit of {limit:,} bytes (raise it with --max-input-bytes)",
                         where=name)
    return data


def strip_bom(data: bytes) -> bytes:
    # Windows editors write a UTF-8 byte-order mark that rdflib's Turtle parser rejects.
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def base_for(name: str) -> str:
    """Relative IRIs resolve against this base. Never a local path: that would leak into published data."""
    if is_url(name):
        return name
    return "https://relative.invalid/" + Path(name).name.replace(" ", "%20") if name != "<stdin>" \
        else "https://relative.invalid/stdin"



def read_inputs(sources, *, input_format=None, limits: Limits | None = None) -> list[Document]:
    """The documents behind the user's sources; none at all is a usage or input error."""
    sources = list(sources)
    if not sources:
        raise UsageError("no input given (name files, folders, URLs or - for standard input)")
    documents = read_documents(sources, input_format=input_format, limits=limits or Limits())
    if not documents:
        raise InputError("no RDF or description files found", where=", ".join(map(str, sources)))
    return documents

