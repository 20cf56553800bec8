"""Write files and folders so they appear whole or not at all, even on Ctrl-C."""

import contextlib
import errno
import os
import stat
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import file_error


def _default_mode(kind: int) -> int:
    """What a plain open()/mkdir() would give under the current umask (mkstemp/mkdtemp use 0600/0700)."""
    umask = os.umask(0)
    os.umask(umask)
    return kind & ~umask


def _real_target(path: Path) -> Path:
    """Where writing `path` must land: through a symbolic link to the file it names (the link is kept)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _special(path: Path) -> bool:
    """An existing target that is not a regular file or a folder (a device, a named pipe, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _check_parent(parent: Path) -> None:
    """A parent that exists but is not a folder (`FILE/x`) is NotADirectoryError, as open() would say."""
    for ancestor in (parent, *parent.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(ancestor))
            return


_CHUNK = 1 << 20


def _encoded(data, encoding: str):
    if isinstance(data, (bytes, bytearray)):
        yield data
        return
    if not isinstance(data, str):  # pieces of text (render.formats.render_chunks), written about 1 MB at a time
        for piece in _joined(data):
            yield from _encoded(piece, encoding)
        return
    for start in range(0, len(data), _CHUNK):
        yield data[start:start + _CHUNK].encode(encoding)


def _joined(pieces, size: int = _CHUNK):
    """Small pieces of text (a JSON report comes one finding a piece) joined into pieces of about `size`."""
    held, length = [], 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)


def atomic_write(path, data, *, encoding="utf-8"):
    """Write `data` (str or bytes) to `path` through a temporary file in the same folder.

    A symbolic link at `path` is kept: the file it points to is replaced. An existing file keeps its
    permission bits; a new one gets what a plain open() would give under the umask.
    """
    path = _real_target(Path(path))
    if _special(path):
        data = data.encode(encoding) if isinstance(data, str) else data  # whole first: nothing half-written
        # /dev/null, /dev/stdout, a named pipe: written to as they are. A rename would replace the device node
        # itself with a regular file (as root, `-o /dev/null` would have broken /dev/null for the whole machine).
        with open(path, "wb") as handle:
            for chunk in _encoded(data, encoding):
                handle.write(chunk)
        return
    directory = path.parent if str(path.parent) else Path(".")
    _check_parent(directory)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = _default_mode(0o666)
    except NotADirectoryError:
        raise
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in _encoded(data, encoding):  # a national report is not copied whole into bytes
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
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
    _check_parent(parent)
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


def emit(text, output: str | None) -> None:
    """Print, or write the whole file at once so a failure never leaves half a report. `text` may be an iterable
    of pieces (a report too large to hold as one string), printed or written as they come."""
    if output is None or output == "-":
        # written as it is: click.echo would search every piece for colour codes to strip when the output is no
        # terminal (60 MB of text at national scale: 0.07 s), and a report never has any (the loader refuses
        # control characters, and every format escapes what it shows)
        stream = sys.stdout
        for piece in ([text] if isinstance(text, str) else _joined(text)):
            stream.write(piece)
        stream.flush()
        return
    try:
        atomic_write(output, text)
    except OSError as error:
        raise file_error(error, output, writing=True) from None
