"""Round two, family 9 (files) and the `export --to FILE/site` defect (issue #16).

- A symbolic link inside an input folder that leads outside it is refused unless `--follow-symlinks` is given
  (links that stay inside the folder, and link loops, are fine).
- Writing keeps what the user set up: `-o` through a symbolic link replaces the file it points to and keeps the
  link; an existing file keeps its permission bits; describe's identifier write-back does the same.
- An output path below a file (`FILE/site`, `FILE/x/report.json`) is one `cannot write` line, exit 2, for every
  command that writes (before: `export` ended in exit 70, FileExistsError from atomic.py).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from hostile_support import TURTLE, assert_error, snapshot, write

REPO = Path(__file__).resolve().parents[2]
DESCRIPTION = REPO / "examples" / "describe" / "person-navet.yaml"


def folder_with_link(tmp_path: Path, target: Path) -> Path:
    folder = tmp_path / "in"
    write(folder, "good.ttl", TURTLE)
    (folder / "sub").mkdir()
    (folder / "sub" / "link.ttl").symlink_to(target)
    return folder


@pytest.mark.parametrize("kind", ["file", "folder", "dangling"])
def test_a_link_out_of_an_input_folder_is_refused_unless_asked(tmp_path, cli_run, kind):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = write(outside, "secret.ttl", TURTLE.replace("Vägnät", "Hemlig"))
    target = {"file": secret, "folder": outside, "dangling": tmp_path / "nowhere.ttl"}[kind]
    folder = folder_with_link(tmp_path, target)
    for command in (["validate"], ["score"], ["export", "--to", str(tmp_path / "site"), "--no-validate"]):
        run = cli_run(*command[:1], folder, *command[1:])
        assert_error(run, 2, "symbolic link", "--follow-symlinks", where=str(folder / "sub" / "link.ttl"))
        assert "Hemlig" not in run.stdout
    assert not (tmp_path / "site").exists()
    if kind != "dangling":
        run = cli_run("validate", "--follow-symlinks", "-f", "json", folder)
        assert run.exit_code in (0, 1), run.stderr
        assert "secret.ttl" in run.stdout or "link.ttl" in run.stdout


def test_links_inside_the_folder_and_link_loops_are_read_once(tmp_path, cli_run):
    folder = tmp_path / "in"
    write(folder, "a/good.ttl", TURTLE)
    (folder / "b").mkdir()
    (folder / "b" / "same.ttl").symlink_to(folder / "a" / "good.ttl")
    (folder / "b" / "loop").symlink_to(folder)
    run = cli_run("validate", "-f", "json", folder)
    assert run.exit_code in (0, 1), run.stderr


def test_output_through_a_symbolic_link_keeps_the_link_and_the_mode(tmp_path, cli_run):
    data = write(tmp_path, "data.ttl", TURTLE)
    real = write(tmp_path, "reports/real.json", "old\n")
    real.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(real)
    run = cli_run("validate", "-f", "json", "-o", link, data)
    assert run.exit_code in (0, 1), run.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("{")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_plain_output_file_keeps_its_mode(tmp_path, cli_run):
    data = write(tmp_path, "data.ttl", TURTLE)
    out = write(tmp_path, "report.txt", "old\n")
    out.chmod(0o600)
    assert cli_run("validate", "-o", out, data).exit_code in (0, 1)
    assert out.read_text() != "old\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_describe_write_back_keeps_the_link_and_the_mode(tmp_path, cli_run):
    real = tmp_path / "real" / "navet.yaml"
    real.parent.mkdir()
    text = DESCRIPTION.read_text("utf-8")
    lines = [line for line in text.splitlines(keepends=True) if not line.strip().startswith("identifier:")]
    real.write_text("".join(lines), "utf-8")  # identifiers removed: describe mints and writes them back
    real.chmod(0o604)
    link = tmp_path / "navet.yaml"
    link.symlink_to(real)
    run = cli_run("describe", link, "-o", tmp_path / "out.ttl")
    assert run.exit_code == 0, run.stderr
    assert "identifier" in run.stderr  # "wrote N new identifier(s) into the file"
    assert link.is_symlink()
    assert "identifier:" in real.read_text("utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o604


@pytest.mark.parametrize("command", ["export", "validate", "score", "describe"])
@pytest.mark.parametrize("depth", [1, 2])
def test_an_output_below_a_file_is_one_line_exit_2(tmp_path, cli_run, command, depth):
    data = write(tmp_path, "data.ttl", TURTLE)
    blocker = write(tmp_path, "FILE", "I am a file\n")
    target = blocker / ("x/" * (depth - 1) + ("site" if command == "export" else "out.txt"))
    before = snapshot(tmp_path)
    if command == "export":
        run = cli_run("export", data, "--to", target, "--no-validate")
    elif command == "describe":
        shutil.copy(DESCRIPTION, tmp_path / "d.yaml")
        before = snapshot(tmp_path)
        run = cli_run("describe", tmp_path / "d.yaml", "--no-write-back", "-o", target)
    else:
        run = cli_run(command, data, "-o", target)
    # export names the blocking file (its own wording); the others say `cannot write`
    assert_error(run, 2, *(("not a folder",) if command == "export" else ("cannot write",)), where=str(target))
    assert snapshot(tmp_path) == before


def test_an_output_that_is_a_named_pipe_is_written_to_not_replaced(tmp_path, cli_run):
    """`-o /dev/null`, `-o /dev/stdout`, a pipe: written as they are. A rename over them would replace the device
    node with a regular file (as root: /dev/null broken for the whole machine). A named pipe in tmp_path stands in
    for them, so the test never touches a real device."""
    import threading

    data = write(tmp_path, "data.ttl", TURTLE)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    run = cli_run("validate", "-f", "json", "-o", pipe, data)
    reader.join(10)
    assert run.exit_code in (0, 1), run.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # still a pipe, not a regular file
    assert received and received[0].startswith(b"{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl", "pipe"]  # no temporary file left
