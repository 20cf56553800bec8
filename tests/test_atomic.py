"""Atomic outputs: whole or not at all, and with the permissions a plain write would give."""

import os

import pytest

from ena_grunddata.atomic import atomic_directory, atomic_write


def test_written_file_has_umask_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "report.txt", "hej")
    finally:
        os.umask(previous)
    assert (tmp_path / "report.txt").read_text() == "hej"
    assert oct((tmp_path / "report.txt").stat().st_mode & 0o777) == oct(0o644)


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    """Interrupted half-way through writing (text is written in encoded pieces): the old file stays whole."""
    from ena_grunddata import atomic

    target = tmp_path / "out.ttl"
    target.write_text("old")

    def exploding(data, encoding):
        yield b"half of the new "
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "_encoded", exploding)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_directory_is_swapped_in_whole_and_readable(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.txt").write_text("old")
    previous = os.umask(0o022)
    try:
        with atomic_directory(site) as staging:
            (staging / "new.txt").write_text("new")
    finally:
        os.umask(previous)
    assert sorted(p.name for p in site.iterdir()) == ["new.txt"]
    assert oct(site.stat().st_mode & 0o777) == oct(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_failure_inside_directory_keeps_the_previous_folder(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_directory(site) as staging:
            (staging / "half.txt").write_text("half")
            raise RuntimeError("boom")
    assert sorted(p.name for p in site.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_text_given_in_pieces_is_written_whole_or_not_at_all(tmp_path):
    """A report too large for one string comes as pieces (render.formats.render_chunks): the file gets all of them,
    in order; a piece that fails half-way leaves the old file and no temporary."""
    target = tmp_path / "report.json"
    atomic_write(target, iter(["{", "\"å\":", "[]", "}\n"]))
    assert target.read_bytes() == '{"å":[]}\n'.encode("utf-8")

    def failing():
        yield "new "
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        atomic_write(target, failing())
    assert target.read_text(encoding="utf-8") == '{"å":[]}\n'
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]
