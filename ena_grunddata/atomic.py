"""Write files and folders so they appear whole or not at all, even on Ctrl-C."""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import click

from .errors import file_error


def _default_mode(kind: int) -> int:
    """What a plain open()/mkdir() would give under the current umask (mkstemp/mkdtemp use 0600/0700)."""
    umask = os.umask(0)
    os.umask(umask)
    return kind & ~umask


def atomic_write(path, data, *, encoding="utf-8"):
    """Write `data` (str or bytes) to `path` through a temporary file in the same folder."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding)
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _default_mode(0o666))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def atomic_directory(path):
    """Yield a fresh staging folder; on success it replaces `path` in one rename.

    The previous folder is kept until the new one is in place, so a failure leaves it untouched.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".new", dir=parent))
    os.chmod(staging, _default_mode(0o777))  # a published folder must be readable by the web server
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = None
    if path.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=parent))
        os.rmdir(retired)
        os.rename(path, retired)
    try:
        os.rename(staging, path)
    except BaseException:
        if retired is not None:
            os.rename(retired, path)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def emit(text: str, output: str | None) -> None:
    """Print, or write the whole file at once so a failure never leaves half a report."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    try:
        atomic_write(output, text)
    except OSError as error:
        raise file_error(error, output, writing=True) from None
