"""A CLI-wide property (issue #16, family 1): every command, with generated arguments and generated inputs,
ends with exit 0, 1, 2 or 3 and at most one line per error, never an internal error (70) or a traceback.

Arguments are drawn from each command's own options (read from click, so new options are fuzzed too) and a pool
of odd values: extreme numbers, control characters, missing and odd paths (a path below a file, a folder, a symbolic
link out of the folder; never a device: see test_hostile_files.py for those), loopback URLs nothing listens on. Inputs are valid documents in every format,
mutated, description files with extreme numbers, and random bytes. No traffic leaves the machine: every URL is
loopback on a closed port. `serve` is left out (it would serve forever); its loader is the one fuzzed here.
Bounded: ENA_FUZZ_CLI_EXAMPLES examples (default 60, about a minute or two on a busy 2-vCPU machine).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import click
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ena_grunddata.commands.cli import COMMANDS, cli

EXAMPLES = int(os.environ.get("ENA_FUZZ_CLI_EXAMPLES", 60))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("ENA_FUZZ_RANDOM"),
                suppress_health_check=list(HealthCheck))
RUNNABLE = [name for name in COMMANDS if name != "serve"]
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there in CI

DOCUMENTS = {
    "c.ttl": '@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n'
             '<https://example.se/c> a dcat:Catalog ; dcterms:title "Katalog"@sv ; dcat:dataset <https://example.se/d> .\n'
             '<https://example.se/d> a dcat:Dataset ; dcterms:title "Vägnät"@sv ; dcterms:issued "2024-13-45"^^'
             '<http://www.w3.org/2001/XMLSchema#date> .\n',
    "c.nt": '<https://example.se/d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
            '<http://www.w3.org/ns/dcat#Dataset> .\n',
    "c.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns:dcat="http://www.w3.org/ns/dcat#"><dcat:Dataset rdf:about="https://example.se/d"/></rdf:RDF>\n',
    "c.jsonld": '{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": "https://example.se/d", '
                '"@type": "dcat:Dataset", "dcat:keyword": 1' + "0" * 5000 + '}',
    "d.yaml": "base: https://example.se/\ncatalog:\n  title: {sv: Katalog}\n  publisher: org\nagents:\n  org:\n"
              "    name: {sv: Org}\ndatasets:\n  ds:\n    title: {sv: Vägnät}\n    issued: 190:20:30\n"
              "    keyword: {sv: [" + "9" * 5000 + "]}\n",
    "d.json": '{"base": "https://example.se/", "catalog": {"title": {"sv": "K\\ud800"}}}',
    "sources.yaml": f"sources:\n  - url: {CLOSED}/catalog\n    max_pages: true\n  - path: c.ttl\n",
}
HOSTILE_FRAGMENTS = ["\x00", "\ud800", "\n::error::x", "\x1b[31m", "\u202e", "[" * 300, "{" * 300,
                     '<!ENTITY x "y">', "9" * 5000, "-1", "1e999", "nan", "\xff", "@context", "&amp;" * 50]
VALUES = ["", "-", "0", "-1", "1", "2", "1e999", "nan", "inf", "-0.5", "99999999999999999999999", "x" * 300,
          "\x00", "\n::error::x", "\u202e", "sv", "en", "xx", "text", "json", "markdown", "html", "sarif", "junit",
          "turtle", "rdfxml", "jsonld", "ntriples", "fast", "pyshacl", "auto", "violation", "info", "datasets",
          "grunddata", "publisher=https://example.se/org", "trafik", "http://[::1", f"{CLOSED}/x",
          f"{CLOSED}/store/search", "https://", "file:///etc/hostname", "ftp://127.0.0.1/x"]
PATHS = ["c.ttl", "c.nt", "c.rdf", "c.jsonld", "d.yaml", "d.json", "sources.yaml", "missing.ttl", "folder",
         "c.ttl/below-a-file", "out.txt", "site", "store", "link-out", "random.bin", "mutated.ttl"]


# The last line of the text report that the gate of export, publish and serve writes on standard error
# (messages.py "text.summary", in English or Swedish).
GATE_SUMMARY = re.compile(r"\d+ \w+, \d+ \w+, \d+ \w+ (in|i) \d+ \w+ (from|från) \d+ \w+: ")


def options_of(name: str) -> list[tuple[str, bool]]:
    command = cli.get_command(click.Context(cli), name)
    found = []
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            found.append((param.opts[-1], bool(param.is_flag)))
    return found


@st.composite
def invocations(draw):
    name = draw(st.sampled_from(RUNNABLE))
    options = options_of(name)
    args = [name]
    for _ in range(draw(st.integers(0, 4))):
        option, flag = draw(st.sampled_from(options))
        args.append(option)
        if not flag:
            args.append(draw(st.one_of(st.sampled_from(VALUES), st.sampled_from(PATHS), st.text(max_size=12))))
    if name == "publish":
        args += ["--to", f"{CLOSED}/store", "--retries", "0"]
    if name == "harvest":
        args += ["--delay", "0", "--retries", "0", "--store", "store"]
    args += draw(st.lists(st.sampled_from(PATHS + ["-", f"{CLOSED}/catalog", "folder"]), max_size=3))
    stdin = draw(st.one_of(st.none(), st.binary(max_size=200), st.sampled_from(list(DOCUMENTS.values()))))
    random_bytes = draw(st.binary(max_size=300))
    base = draw(st.sampled_from(sorted(DOCUMENTS)))
    mutated = DOCUMENTS[base]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(mutated)))
        mutated = mutated[:at] + draw(st.sampled_from(HOSTILE_FRAGMENTS)) + mutated[at:]
    return args, stdin, random_bytes, mutated


def prepare(folder: Path, random_bytes: bytes, mutated: str) -> None:
    for file_name, text in DOCUMENTS.items():
        (folder / file_name).write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "random.bin").write_bytes(random_bytes)
    (folder / "mutated.ttl").write_text(mutated, encoding="utf-8", errors="surrogatepass")
    (folder / "folder").mkdir()
    shutil.copy(folder / "c.ttl", folder / "folder" / "inner.ttl")
    outside = folder.parent / (folder.name + "-outside.ttl")
    outside.write_text(DOCUMENTS["c.ttl"], encoding="utf-8")
    (folder / "folder" / "link-out.ttl").symlink_to(outside)
    (folder / "link-out").symlink_to(outside)


@FUZZ
@given(invocations())
def test_every_command_ends_in_a_designed_exit(case):
    args, stdin, random_bytes, mutated = case
    folder = Path(tempfile.mkdtemp(prefix="ena-fuzz-cli-"))
    previous = os.getcwd()
    try:
        prepare(folder, random_bytes, mutated)
        os.chdir(folder)
        result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False,
                                    env={"ENA_GRUNDDATA_TOKEN": None, "CI": "true"})
    finally:
        os.chdir(previous)
        shutil.rmtree(folder, ignore_errors=True)
        (folder.parent / (folder.name + "-outside.ttl")).unlink(missing_ok=True)
    stderr = result.stderr
    assert result.exit_code in (0, 1, 2, 3), (args, result.exit_code, stderr[-2000:])
    assert "internal error" not in stderr and "Traceback" not in stderr + result.stdout, (args, stderr[-2000:])
    lines = stderr.splitlines()
    summaries = [index for index, line in enumerate(lines) if GATE_SUMMARY.match(line)]
    if summaries:  # export, publish, serve refusing a catalog: the text report first (README), then one line
        lines = lines[summaries[-1] + 1:]
    for line in lines:  # one line per error: nothing spills onto a line of its own
        assert not line.startswith((" ", "\t", "File ", "For reference")), (args, stderr[-2000:])
