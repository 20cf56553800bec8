"""Write an export into a folder that may be a whole static site (GitHub Pages, an nginx folder with other pages).

`export` owns only the files it writes, recorded in a small manifest in the folder (MANIFEST); everything else in the
folder (`.git/`, `CNAME`, other pages) is never touched. Each file is replaced in one rename, so a harvester never
sees half a `datasets/dcat`; all files are written to temporary files first and renamed only when every one is
complete, so a failure (or Ctrl-C) leaves the previous export as it was and no temporary file behind. A target that
is a symbolic link is followed: the folder it points to is updated.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from ..errors import InputError, file_error

MANIFEST = ".ena-grunddata-export.json"
FORMAT = 1


def target_folder(to) -> Path:
    """The folder to write into, symbolic links followed; odd targets are an input error (exit 2), never a crash."""
    shown = str(to)
    path = Path(to)
    try:
        if path.is_symlink():
            path.resolve(strict=True)
        real = path.resolve()
    except FileNotFoundError:
        raise InputError(f"is a symbolic link to {os.readlink(path)}, which does not exist", where=shown) from None
    except (OSError, RuntimeError):  # RuntimeError: Python's word for a loop of symbolic links
        raise InputError("cannot follow the path: a loop of symbolic links, or a part that cannot be read",
                         where=shown) from None
    if real.exists() and not real.is_dir():
        raise InputError("exists and is not a folder", where=shown)
    for ancestor in real.parents:  # --to FILE/site: a regular file on the way
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(f"{ancestor} is a file, not a folder", where=shown)
            break
    return real


def owned_files(folder: Path) -> set[str] | None:
    """What an earlier export wrote here (relative paths), or None when no export has written here."""
    from ..load.safety import load_json

    manifest = folder / MANIFEST
    try:
        data = load_json(manifest.read_text(encoding="utf-8"))  # a JsonProblem is a ValueError
        files = data["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) and _safe(f) for f in files):
            raise ValueError
        return set(files)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError("is not a manifest written by ena-grunddata export; remove it to export here",
                         where=str(manifest)) from None


def _safe(relative: str) -> bool:
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts


def check_ownership(folder: Path, files, owned: set[str] | None, legacy: tuple[str, ...] = ()) -> set[str]:
    """Refuse to overwrite a file export did not write; returns the set of files this folder's export owns.

    A folder exported before manifests existed (it holds `datasets/dcat`, no manifest) owns the `legacy` files.
    """
    if owned is None:
        owned = set()
        if legacy and (folder / legacy[0]).is_file():
            present = {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()}
            if present <= set(legacy):  # an old export replaced its folder whole: nothing else can be there
                owned = present
    for relative in files:
        path = folder / relative
        if relative in owned and (path.is_file() or not path.exists()):
            continue
        if path.exists() or path.is_symlink():
            kind = "a folder" if path.is_dir() else "a file"
            raise InputError(f"{kind} that export did not write is in the way (it is not listed in {MANIFEST}); "
                             "move it, or export to another folder", where=str(path))
        for parent in path.relative_to(folder).parents:  # datasets/ must be a folder (or new)
            if str(parent) != "." and (folder / parent).exists() and not (folder / parent).is_dir():
                raise InputError("is a file, but export needs a folder there", where=str(folder / parent))
    return owned


def write_site(to, files: dict[str, bytes], *, legacy: tuple[str, ...] = (), last: str | None = None) -> Path:
    """Write `files` (relative path -> bytes) into the folder `to`, owning only them; returns the real folder.

    `last` is renamed into place after the others (the harvested document, so it never points at a page that is
    not there yet).
    """
    folder = target_folder(to)
    owned = check_ownership(folder, files, owned_files(folder) if folder.is_dir() else None, legacy)
    order = sorted(files, key=lambda f: (f == last, f))
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    done = False
    try:
        _make_folder(folder, created)
        for relative in order:
            path = folder / relative
            _make_folder(path.parent, created)
            staged.append((_stage(path, files[relative], 0o644), path))
        # The manifest first names old and new files, so an interruption below never orphans a file we wrote.
        _replace(folder / MANIFEST, _manifest(owned | set(files)))
        while staged:
            temporary, path = staged[0]
            os.replace(temporary, path)
            staged.pop(0)
        for stale in sorted(owned - set(files)):
            with contextlib.suppress(FileNotFoundError):
                if (folder / stale).is_file() and not (folder / stale).is_symlink():
                    (folder / stale).unlink()
        _replace(folder / MANIFEST, _manifest(set(files)))
        done = True
    except OSError as error:
        raise file_error(error, getattr(error, "filename", None) or folder, writing=True) from None
    finally:
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if not done:
            for path in reversed(created):  # folders this run made, if still empty
                with contextlib.suppress(OSError):
                    path.rmdir()
    return folder


def _make_folder(path: Path, created: list) -> None:
    """Create missing folders, readable by a web server running as another user (existing ones are left alone)."""
    missing = []
    while not path.exists() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir()
        created.append(folder)
        folder.chmod(0o755)


def _stage(path: Path, data: bytes, mode: int) -> Path:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return Path(temporary)


def _replace(path: Path, data: bytes) -> None:
    temporary = _stage(path, data, 0o644)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _manifest(files: set[str]) -> bytes:
    document = {"written_by": "ena-grunddata export", "format": FORMAT, "files": sorted(files)}
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")
