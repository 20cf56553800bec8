"""export beside a static site: only its own files (listed in the manifest) are written or removed, each file is
replaced whole, a symbolic link is followed, and odd targets work or fail with exit 2 and one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from ena_grunddata.load import load
from ena_grunddata.publish import site
from ena_grunddata.publish.site import MANIFEST
from publish_data import CATALOG_TTL, INVALID_TTL, catalog_graph, write_catalog

OWN = {"datasets/dcat", "datasets/dcat.ttl", "datasets/dcat.jsonld", "index.html"}


def static_site(folder: Path) -> dict[str, bytes]:
    """A GitHub Pages style site: a git repository, a CNAME, another page and an asset folder."""
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "CNAME").write_text("data.example.se\n")
    (folder / "about.html").write_text("<h1>Om oss</h1>\n")
    (folder / "datasets").mkdir()
    (folder / "datasets" / "README.txt").write_text("our own notes beside the catalog\n")
    return everything(folder)


def everything(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders an export may have left (they all start with a dot and end in .tmp/.new/.old)."""
    return [str(p) for p in folder.rglob(".*") if p.suffix in (".tmp", ".new", ".old")]


def test_export_into_a_site_keeps_git_cname_and_other_pages(tmp_path, run_cli):
    target = tmp_path / "site"
    target.mkdir()
    before = static_site(target)
    result = run_cli("export", write_catalog(tmp_path), "--to", target, "--no-validate")
    assert result.exit_code == 0, result.stderr
    after = everything(target)
    assert {k: after[k] for k in before} == before  # .git/, CNAME, about.html, datasets/README.txt untouched
    assert set(after) - set(before) == OWN | {MANIFEST}
    assert set(json.loads((target / MANIFEST).read_text())["files"]) == OWN
    assert isomorphic(load([target / "datasets/dcat"]).graph, catalog_graph())
    # Again, with a smaller catalog: its own files change, the rest stays.
    assert run_cli("export", write_catalog(tmp_path, INVALID_TTL, "small.ttl"), "--to", target,
                   "--no-validate").exit_code == 0
    again = everything(target)
    assert {k: again[k] for k in before} == before
    assert len(load([target / "datasets/dcat.ttl"]).graph) == 3
    assert not leftovers(tmp_path)


def test_files_no_longer_exported_are_removed_and_only_those(tmp_path):
    target = tmp_path / "site"
    site.write_site(target, {"a.txt": b"1", "sub/b.txt": b"2"})
    (target / "mine.txt").write_text("mine")
    site.write_site(target, {"a.txt": b"3"})
    assert sorted(everything(target)) == [MANIFEST, "a.txt", "mine.txt"]
    assert not (target / "sub").exists() or not any((target / "sub").iterdir())


def test_a_symbolic_link_target_updates_the_folder_it_points_to(tmp_path, run_cli):
    real = tmp_path / "www" / "html"
    real.mkdir(parents=True)
    static_site(real)
    link = tmp_path / "current"
    link.symlink_to(real, target_is_directory=True)
    result = run_cli("export", write_catalog(tmp_path), "--to", link, "--no-validate")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link itself is left as it was
    assert (real / "datasets/dcat").is_file() and (real / "CNAME").is_file()
    assert not leftovers(tmp_path)


def test_export_to_the_current_folder(tmp_path):
    (tmp_path / "src").mkdir()
    source = write_catalog(tmp_path / "src")
    target = tmp_path / "public"
    target.mkdir()
    (target / "CNAME").write_text("data.example.se\n")
    result = subprocess.run([sys.executable, "-m", "ena_grunddata", "export", str(source), "--to", ".",
                             "--no-validate"], cwd=target, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (target / "datasets/dcat").is_file() and (target / "CNAME").read_text() == "data.example.se\n"
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("make, words", [
    (lambda root: root / "file.txt" / "site", "is a file, not a folder"),  # --to FILE/site
    (lambda root: root / "file.txt", "exists and is not a folder"),  # --to FILE
    (lambda root: root / "file.txt" / "a" / "b", "is a file, not a folder"),
    (lambda root: _dangling(root), "does not exist"),  # a symbolic link to nowhere
    (lambda root: _loop(root), "cannot follow"),  # a loop of symbolic links
    (lambda root: _blocked(root, "datasets"), "export needs a folder there"),  # datasets is a file
    (lambda root: _blocked(root, "index.html", folder=True), "a folder that export did not write"),
    (lambda root: _blocked(root, "index.html"), "a file that export did not write"),  # the site's own home page
    (lambda root: _bad_manifest(root), "is not a manifest written by ena-grunddata export"),
])
def test_odd_targets_fail_with_exit_2_and_one_line(tmp_path, run_cli, make, words):
    root = tmp_path / "root"
    root.mkdir()
    (root / "file.txt").write_text("a file\n")
    target = make(root)
    before = everything(root)
    result = run_cli("export", write_catalog(tmp_path), "--to", target, "--no-validate")
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ") and \
        words in result.stderr
    assert everything(root) == before and not leftovers(tmp_path)


def _dangling(root: Path) -> Path:
    (root / "link").symlink_to(root / "missing")
    return root / "link"


def _loop(root: Path) -> Path:
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    return root / "a"


def _blocked(root: Path, name: str, folder: bool = False) -> Path:
    target = root / "site"
    target.mkdir()
    if folder:
        (target / name).mkdir()
    else:
        (target / name).write_text("not ours\n")
    return target


def _bad_manifest(root: Path) -> Path:
    target = root / "site"
    target.mkdir()
    (target / MANIFEST).write_text('{"files": ["../../etc/passwd"]}')
    return target


def test_a_folder_on_a_read_only_file_system_is_exit_2(tmp_path, run_cli):
    target = Path("/proc/ena-grunddata-export")  # /proc takes no new folders, for root as for anyone (CI is root)
    result = run_cli("export", write_catalog(tmp_path), "--to", target, "--no-validate")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_earlier_export_without_a_manifest_is_taken_over(tmp_path, run_cli):
    """A folder written by an export before manifests existed holds only export files: it is updated in place."""
    target = tmp_path / "public"
    (target / "datasets").mkdir(parents=True)
    for name in OWN:
        (target / name).write_text("old\n")
    result = run_cli("export", write_catalog(tmp_path), "--to", target, "--no-validate")
    assert result.exit_code == 0, result.stderr
    assert (target / "index.html").read_text() != "old\n"
    assert set(json.loads((target / MANIFEST).read_text())["files"]) == OWN


def test_a_harvester_never_reads_half_a_document(tmp_path):
    """While exports replace datasets/dcat again and again, every read gets one whole version."""
    target = tmp_path / "site"
    versions = [CATALOG_TTL.encode() * 40, INVALID_TTL.encode() * 40]
    site.write_site(target, {"datasets/dcat": versions[0]})
    stop = threading.Event()
    seen = set()

    def read():
        while not stop.is_set():
            seen.add((target / "datasets/dcat").read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for index in range(60):
            site.write_site(target, {"datasets/dcat": versions[index % 2]})
    finally:
        stop.set()
        reader.join()
    assert seen <= set(versions) and seen
    assert not leftovers(tmp_path)


def test_an_interrupted_export_leaves_the_previous_one_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "site"
    site.write_site(target, {"datasets/dcat": b"old", "index.html": b"old page"})
    calls = {"n": 0}
    real_replace = os.replace

    def interrupted(source, destination):
        calls["n"] += 1
        if calls["n"] == 2:  # after the manifest, before the first file
            raise KeyboardInterrupt
        return real_replace(source, destination)

    monkeypatch.setattr(site.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        site.write_site(target, {"datasets/dcat": b"new", "index.html": b"new page"})
    monkeypatch.setattr(site.os, "replace", real_replace)
    assert (target / "datasets/dcat").read_bytes() == b"old" and (target / "index.html").read_bytes() == b"old page"
    assert not leftovers(tmp_path)
    site.write_site(target, {"datasets/dcat": b"new", "index.html": b"new page"})  # and the next one works
    assert (target / "datasets/dcat").read_bytes() == b"new"
