"""Round two (issue #16), families 3, 4 and 7:

- 3: the refusal of entity declarations and DTDs holds in every encoding the XML parser accepts; a description
  that is not UTF-8 is refused the same way by every command.
- 4: --timeout covers description files (their `extra:` statements included) and harvest's change computation.
- 7: control characters, escape sequences, bidi overrides and line breaks in values, file names and server-sent
  text never start a line of their own in error lines, the text report or harvest's output; the Markdown report
  renders data inert.
"""

from __future__ import annotations

import codecs
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ena_grunddata.errors import terminal_lines, terminal_text
from ena_grunddata.render.markdown import cell
from hostile_support import assert_error, write
from httpserver import LocalServer

LAUGHS = """<?xml version="1.0" encoding="{enc}"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcterms="http://purl.org/dc/terms/">
<rdf:Description rdf:about="https://example.se/a"><dcterms:title>&b;</dcterms:title></rdf:Description></rdf:RDF>
"""
EXTERNAL = """<?xml version="1.0" encoding="{enc}"?>
<!DOCTYPE rdf:RDF SYSTEM "file:///etc/hostname">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcterms="http://purl.org/dc/terms/">
<rdf:Description rdf:about="https://example.se/a"><dcterms:title>x</dcterms:title></rdf:Description></rdf:RDF>
"""
ENCODINGS = {
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.format(enc="UTF-16").encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.format(enc="UTF-16").encode("utf-16-be"),
    "utf-16-le": lambda t: t.format(enc="UTF-16LE").encode("utf-16-le"),
    "utf-16-be": lambda t: t.format(enc="UTF-16BE").encode("utf-16-be"),
    "utf-32": lambda t: t.format(enc="UTF-32").encode("utf-32"),
    "iso-8859-1": lambda t: t.format(enc="ISO-8859-1").encode("latin-1"),
    "us-ascii": lambda t: t.format(enc="US-ASCII").encode("ascii"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.format(enc="UTF-8").encode(),
}


@pytest.mark.parametrize("document", ["laughs", "external"])
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("command", ["validate", "score"])
def test_entity_declarations_and_dtds_are_refused_in_every_encoding(tmp_path, cli_run, audit, document, encoding,
                                                                    command):
    data = ENCODINGS[encoding](LAUGHS if document == "laughs" else EXTERNAL)
    source = write(tmp_path, "catalog.rdf", data)
    run = cli_run(command, "-f", "json", source)
    assert_error(run, 2, where=str(source))
    assert "aaaaaaaaaa" not in run.stdout
    assert not [arg for event, arg in audit if event == "open" and str(arg).endswith("/etc/hostname")]


def test_wide_rdfxml_without_entities_is_refused_clearly(tmp_path, cli_run):
    plain = LAUGHS.replace('<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
                           "").replace("&b;", "x")
    source = write(tmp_path, "wide.rdf", ENCODINGS["utf-16-le-bom"](plain))
    assert_error(cli_run("validate", source), 2, "UTF-16", where=str(source))


@pytest.mark.parametrize("command", ["validate", "describe", "score", "export"])
def test_a_description_that_is_not_utf8_is_refused_by_every_command(tmp_path, cli_run, command):
    source = write(tmp_path, "katalog.yaml", "base: https://example.se/\ncatalog:\n  title: {sv: Vägnät}\n"
                   .encode("latin-1"))
    args = {"export": ["--to", tmp_path / "site", "--no-validate"]}.get(command, [])
    run = cli_run(command, source, *args)
    assert_error(run, 2, "not valid UTF-8", where=f"{source}:3")
    assert "\ufffd" not in run.stdout and not (tmp_path / "site").exists()


# --------------------------------------------------------------------------------------------- family 4


def slow_extra(n: int = 300_000) -> str:
    literal = "\\\\u00e4" * n  # rdflib's N-Triples parser takes time in the square of the escapes in one line
    return ("base: https://example.se/\ncatalog:\n  title: {sv: x}\nextra:\n"
            f"  - '<https://example.se/a> <https://example.se/p> \"{literal}\" .'\n")


@pytest.mark.parametrize("command", ["describe", "validate"])
def test_timeout_covers_the_extra_statements_of_a_description(tmp_path, cli_run, command):
    source = write(tmp_path, "slow.yaml", slow_extra())
    run = cli_run(command, "--timeout", 1, source)
    assert_error(run, 2, "time budget exceeded", where=str(source))
    assert run.cpu_seconds is None or run.cpu_seconds < 60


def test_timeout_covers_harvest_change_computation(tmp_path, cli_run, monkeypatch):
    """A stand-in for a graph whose hashing takes long: the budget stops it, the store keeps nothing new."""
    import time as clock

    from ena_grunddata.harvest import changes

    real = changes.Statements.finish

    def slow(self, *args, **kwargs):
        clock.sleep(5)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(changes.Statements, "finish", slow)
    source = write(tmp_path, "c.ttl", "<https://example.se/a> a <http://www.w3.org/ns/dcat#Catalog> .\n")
    run = cli_run("harvest", "--store", tmp_path / "s", "--timeout", 1, source)
    assert_error(run, 2, "time budget exceeded")
    assert run.seconds < 4
    assert not list((tmp_path / "s").glob("sources/*/snapshot.nt"))


# --------------------------------------------------------------------------------------------- family 7

HOSTILE = ["\n::error::injected", "\r\n##vso[task.setvariable variable=x]1", "\x1b[2J\x1b[31mred", "a\u202egnp.exe",
           "line\u2028sep", "c1\x85next", "bell\x07", "nul\x00"]
COMMAND_LINE = re.compile(r"^(::|##vso\[|\x1b)")


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_text_leaves_no_control_character(text):
    shown = terminal_text(text)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", shown)
    assert "\n" not in shown


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_lines_escape_each_line_as_terminal_text_does(text):
    """A block of lines (the text report's unit) is escaped line by line: its only line feeds are its own."""
    lines = ["plain", f"value: {text}", "after"]
    shown = terminal_lines(lines)
    assert shown.split("\n") == ["plain", f"value: {terminal_text(text)}", "after", ""]
    assert terminal_lines(["plain", "after"]) == "plain\nafter\n" and terminal_lines([]) == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8")), max_size=4))
def test_terminal_lines_are_terminal_text_line_by_line(lines):
    """terminal_lines' shortcut (a line str.isprintable accepts needs no escape) gives terminal_text's result for
    any text: every character terminal_text escapes is one isprintable refuses."""
    assert terminal_lines(lines) == "".join(terminal_text(line) + "\n" for line in lines)


def test_every_character_terminal_text_escapes_is_one_isprintable_refuses():
    from ena_grunddata.errors import _UNSAFE_FOR_TERMINAL

    escaped = [chr(code) for code in range(0x110000) if _UNSAFE_FOR_TERMINAL.match(chr(code))]
    assert len(escaped) > 70 and not [c for c in escaped if c.isprintable()]


def assert_no_injected_line(text: str) -> None:
    for line in text.splitlines():
        assert not COMMAND_LINE.match(line), repr(line)
    assert not re.search("[\x1b\x07\u202e\u2028\x85]", text), repr(text)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_values_in_reports_cannot_start_a_line_or_go_live(tmp_path, cli_run, fmt):
    nasty = "x\\n::error::injected \\u001b[31m \\u202e [click](https://evil.example/) ![i](https://evil.example/i.png) @octocat"
    source = write(tmp_path, "c.ttl", "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
                   "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
                   f'<https://example.se/ds> a dcat:Dataset ; dcterms:title "{nasty}"@sv ; '
                   f'dcterms:issued "{nasty}" .\n')
    run = cli_run("validate", "-f", fmt, source)
    assert run.exit_code in (0, 1, 2), run.stderr
    assert_no_injected_line(run.stdout + run.stderr)
    if fmt == "markdown":
        assert "](https://" not in run.stdout and "@octocat" not in run.stdout


def test_a_file_name_with_a_line_break_stays_on_the_error_line(tmp_path, cli_run):
    source = write(tmp_path, "bad\n::error::name.ttl", "this is not turtle")
    run = cli_run("validate", source)
    assert run.exit_code == 2
    assert len([line for line in run.stderr.splitlines() if line.strip()]) == 1
    assert_no_injected_line(run.stderr)


def test_server_sent_text_cannot_start_a_line_in_harvest_output(tmp_path, cli_run):
    with LocalServer() as server:
        server.add("/catalog", "@prefix x: <https://e.se/> .\nx:a x:b \"\n::error::server\x1b[31m", status=200,
                   content_type="text/turtle")
        server.add("/store", "boom\n::error::from-store \x1b]0;title\x07", status=500, content_type="text/plain")
        run = cli_run("harvest", "--store", tmp_path / "s", "--delay", 0, "--allow-private", "--retries", 0,
                      server.url("/catalog"))
        assert run.exit_code == 3
        assert_no_injected_line(run.stdout + run.stderr)
        data = write(tmp_path, "c.ttl", "<https://example.se/a> a <http://www.w3.org/ns/dcat#Catalog> .\n")
        run = cli_run("publish", data, "--to", server.url("/store"), "--allow-private", "--no-validate",
                      "--retries", 0)
        assert run.exit_code == 3
        assert_no_injected_line(run.stdout + run.stderr)


@pytest.mark.parametrize("value", ["[x](https://evil.example/)", "![i](https://evil.example/i.png)", "@octocat",
                                   "https://evil.example/", "www.evil.example", "<img src=x onerror=alert(1)>",
                                   "**bold** _it_ `code` ~~s~~", "#1", "a|b\nc", "x\u202ey"])
def test_markdown_cells_are_inert(value):
    shown = cell(value)
    assert "](" not in shown.replace("\\](", "").replace("\\]\\(", "")
    assert "@octocat" not in shown and "https://" not in shown and "www.e" not in shown
    assert "<" not in shown and "\n" not in shown and "\u202e" not in shown
    assert not re.search(r"(?<!\\)[*_`~|#\[\]]", shown)


def test_the_serve_log_cannot_start_a_line(tmp_path, capsys):
    """`serve` logs to standard error through terminal_text: a source file whose name breaks lines, and a request
    whose target holds escapes, each stay on their one log line."""
    import threading

    from ena_grunddata import http
    from ena_grunddata.publish.serve import make_app, make_server

    source = write(tmp_path, "bad\n::error::name\x1b[31m.ttl", "this is not turtle")
    app = make_app([source], validate=False, poll_interval=0, strict=False)  # log: the default, standard error
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        http.request("GET", f"http://127.0.0.1:{server.server_port}/%0A::error::req%1B[31m\u202e", allow_private=True,
                     retries=0)
    finally:
        server.shutdown()
        server.server_close()
    logged = capsys.readouterr().err
    assert "warning:" in logged and "::error::name" in logged and "/%0A::error::req" in logged
    assert_no_injected_line(logged)
