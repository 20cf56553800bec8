"""Input that is no UTF-8 text at all: a compressed download, an archive or Office file, a PDF, an image, a database
or a UTF-16 export, under any name. Every way bytes come in (a file, standard input, a description file, a harvested
URL) says what the bytes are and what to do, in one line, exit 2 (3 for harvest: a source failed), rather than
the first byte a parser or scan stumbles on ("not valid UTF-8 at byte 1", "a literal contains U+0003").

The bytes are made by the real tools where the standard library has them (gzip, zipfile, bz2, lzma, sqlite3,
codecs); the others are the signatures the formats' specifications give (PNG, JPEG, GIF, PDF, OLE2, zstd)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sqlite3
import zipfile

import pytest

from hostile_support import assert_error, write
from httpserver import LocalServer

TURTLE = ('@prefix dcat: <http://www.w3.org/ns/dcat#> .\n'
          '<https://e.se/katalog> a dcat:Catalog .\n')


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("katalog.ttl", TURTLE)
    return buffer.getvalue()


def _sqlite(tmp_path) -> bytes:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    return path.read_bytes()


# kind -> (bytes, words the message must hold: what it is, what to do)
KINDS = {
    "gzip": (lambda _: gzip.compress(TURTLE.encode()), ("gzip-compressed", "decompress")),
    "zip": (lambda _: _zip(), ("ZIP archive", "unpack")),
    "bzip2": (lambda _: bz2.compress(TURTLE.encode()), ("bzip2-compressed", "decompress")),
    "xz": (lambda _: lzma.compress(TURTLE.encode()), ("xz-compressed", "decompress")),
    "zstd": (lambda _: b"\x28\xb5\x2f\xfd" + bytes(range(60)), ("zstd-compressed", "decompress")),
    "utf-16": (lambda _: TURTLE.encode("utf-16"), ("UTF-16", "save it as UTF-8")),
    "utf-16-be": (lambda _: b"\xfe\xff" + TURTLE.encode("utf-16-be"), ("UTF-16", "save it as UTF-8")),
    "utf-32": (lambda _: TURTLE.encode("utf-32"), ("UTF-32", "save it as UTF-8")),
    "pdf": (lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", ("PDF",)),
    "png": (lambda _: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(13), ("PNG image",)),
    "jpeg": (lambda _: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20), ("JPEG image",)),
    "gif": (lambda _: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", ("GIF image",)),
    "sqlite": (_sqlite, ("SQLite database",)),
    "xls": (lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), ("Office document",)),
}
NAMES = ["katalog.ttl", "katalog.rdf", "katalog.jsonld", "katalog.nt", "katalog.trig", "katalog.ttl.gz", "katalog"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_file_that_is_no_text_is_named_for_what_it_is(tmp_path, cli_run, kind, name):
    make, words = KINDS[kind]
    path = write(tmp_path, name, make(tmp_path))
    line = assert_error(cli_run("validate", path, "--format", "sarif"), 2, *words, where=f"{path}: ")
    assert "not UTF-8 text" in line


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_standard_input_and_forced_formats_say_the_same(tmp_path, cli_run, kind):
    make, words = KINDS[kind]
    data = make(tmp_path)
    assert_error(cli_run("validate", "-", input=data), 2, *words, where="<stdin>: ")
    assert_error(cli_run("validate", "--input-format", "turtle", "-", input=data), 2, *words, where="<stdin>: ")


@pytest.mark.parametrize("command", ["score", "describe"])
@pytest.mark.parametrize("kind", ["gzip", "utf-16", "zip"])
def test_every_command_that_reads_files_says_the_same(tmp_path, cli_run, kind, command):
    make, words = KINDS[kind]
    path = write(tmp_path, "katalog.yaml" if command == "describe" else "katalog.ttl", make(tmp_path))
    assert_error(cli_run(command, path), 2, *words, where=f"{path}: ")


def test_export_writes_nothing_for_a_compressed_file(tmp_path, cli_run):
    path = write(tmp_path, "katalog.ttl", gzip.compress(TURTLE.encode()))
    site = tmp_path / "site"
    assert_error(cli_run("export", path, "--to", site), 2, "gzip-compressed", where=f"{path}: ")
    assert not site.exists() or not any(site.iterdir())


@pytest.mark.parametrize("content_type", ["text/turtle", "application/gzip", "application/octet-stream"])
@pytest.mark.parametrize("kind", ["gzip", "zip", "utf-16", "pdf"])
def test_a_harvested_source_that_is_no_text_fails_that_source(tmp_path, cli_run, kind, content_type):
    make, words = KINDS[kind]
    with LocalServer() as server:
        server.add("/katalog", make(tmp_path), content_type=content_type)
        run = cli_run("harvest", "--store", tmp_path / "store", "--delay", "0", "--retries", "0", "--allow-private",
                      server.url("/katalog"))
    assert_error(run, 3, *words, where=server.url("/katalog"))


def test_a_utf8_byte_order_mark_is_text(tmp_path, cli_run):
    path = write(tmp_path, "katalog.ttl", ("\ufeff" + TURTLE).encode("utf-8"))
    run = cli_run("validate", path, "--format", "json")
    assert run.exit_code in (0, 1), run.stderr


def test_text_that_begins_with_a_signature_word_is_parsed_as_text(tmp_path, cli_run):
    """"BZh" and "GIF8" are letters: only the whole signatures (bzip2's block magic, GIF87a/GIF89a) count."""
    path = write(tmp_path, "katalog.ttl", "BZh9:katalog a <https://e.se/Katalog> .\n".encode())
    line = assert_error(cli_run("validate", path), 2, "BZh9", where=f"{path}:1:")
    assert "bzip2" not in line
