"""Suppression comments in the data (README, "Suppressions"): which resource a comment belongs to, what it
suppresses, and the findings about suppressions themselves."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from policy_data import PREFIXES, SHAPES, write


def run(run_cli, tmp_path, text, name="data.ttl", *extra):
    shapes = write(tmp_path, "shapes.ttl", SHAPES)
    data = write(tmp_path, name, text)
    result = run_cli("validate", "--no-config", "--shapes", shapes, "--format", "json", *extra, data)
    return result, json.loads(result.stdout) if result.stdout.startswith("{") else None


def keys(entries):
    return sorted((f["code"], f["focus"]) for f in entries)


def test_a_comment_above_a_resource_suppresses_its_finding(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
# ena-grunddata: ignore[EX-DESCRIPTION] a is described elsewhere, on paper
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" .

<https://example.se/b> a ex:Thing ; dcterms:modified "2024-01-01" .
""")
    assert keys(printed["findings"]) == [("EX-DESCRIPTION", "https://example.se/b")]
    [suppressed] = printed["suppressed"]
    assert (suppressed["code"], suppressed["focus"], suppressed["suppressed"], suppressed["suppressed_by"]) == (
        "EX-DESCRIPTION", "https://example.se/a", "a is described elsewhere, on paper", "comment")


def test_a_comment_inside_a_description_belongs_to_that_resource_and_what_is_nested_in_it(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
<https://example.se/a> a ex:Thing ;
    # ena-grunddata: ignore[EX-DESCRIPTION, EX-MODIFIED] reason: both rules do not apply to a
    dcterms:title "A" ;
    ex:part [ a ex:Thing ; dcterms:title "nested" ] .

<https://example.se/b> a ex:Thing ; dcterms:modified "2024-01-01" .
""")
    # a and its blank-node part are silenced (both codes used), b is not
    assert keys(printed["findings"]) == [("EX-DESCRIPTION", "https://example.se/b")]
    assert sorted(f["code"] for f in printed["suppressed"]) == ["EX-DESCRIPTION", "EX-DESCRIPTION", "EX-MODIFIED",
                                                                "EX-MODIFIED"]


def test_an_end_of_line_comment_belongs_to_the_resource_it_is_written_in(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
<https://example.se/a> a ex:Thing ; dcterms:modified "2024" .  # ena-grunddata: ignore[EX-DESCRIPTION] not applicable
<https://example.se/b> a ex:Thing ; dcterms:modified "2024" .
""")
    assert keys(printed["findings"]) == [("EX-DESCRIPTION", "https://example.se/b")]


def test_suppressed_findings_do_not_count_toward_fail_on(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
# ena-grunddata: ignore[EX-DESCRIPTION] not applicable here
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" .
""", "data.ttl", "--fail-on", "warning")
    assert printed["findings"] == [] and printed["summary"]["warning"] == 0
    assert result.exit_code == 0


def test_an_unused_suppression_is_a_warning(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
# ena-grunddata: ignore[EX-TITLE] a has a title anyway
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" ; dcterms:description "A" .
""", "data.ttl", "--fail-on", "warning")
    assert [(f["code"], f["severity"], f["value"], f["line"]) for f in printed["findings"]] == [
        ("SUPPRESSION-UNUSED", "warning", "EX-TITLE", 4)]
    assert result.exit_code == 1


def test_a_suppression_without_a_reason_still_suppresses_but_is_a_warning(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
# ena-grunddata: ignore[EX-DESCRIPTION]
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" .
""")
    assert [(f["code"], f["focus"]) for f in printed["findings"]] == [
        ("SUPPRESSION-NO-REASON", "https://example.se/a")]
    assert keys(printed["suppressed"]) == [("EX-DESCRIPTION", "https://example.se/a")]


@pytest.mark.parametrize("comment", ["# ena-grunddata: ignore EX-DESCRIPTION because", "# ena-grunddata: ignore[]",
                                     "# ena-grunddata: ignore[EX DESCRIPTION!] x", "# ena-grunddata: skip[EX-A] x"])
def test_an_unreadable_directive_is_a_warning_and_suppresses_nothing(run_cli, tmp_path, comment):
    result, printed = run(run_cli, tmp_path, PREFIXES + f"""
{comment}
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" .
""")
    assert sorted(f["code"] for f in printed["findings"]) == ["EX-DESCRIPTION", "SUPPRESSION-SYNTAX"]


def test_a_hash_inside_an_iri_or_a_literal_is_not_a_comment(run_cli, tmp_path):
    result, printed = run(run_cli, tmp_path, PREFIXES + """
<https://example.se/a> a ex:Thing ; dcterms:modified "2024" ;
    dcterms:title "see # ena-grunddata: ignore[EX-DESCRIPTION] in the docs" .
""")
    assert keys(printed["findings"]) == [("EX-DESCRIPTION", "https://example.se/a")]
    assert "suppressed" not in printed


def test_the_finding_s_location_is_kept_in_every_format(run_cli, tmp_path):
    shapes = write(tmp_path, "shapes.ttl", SHAPES)
    data = write(tmp_path, "data.ttl", PREFIXES + """
# ena-grunddata: ignore[EX-DESCRIPTION] described on paper
<https://example.se/a> a ex:Thing ; dcterms:modified "2024-01-01" .
""")
    base = ["validate", "--no-config", "--shapes", shapes, data, "--format"]
    text = run_cli(*base, "text").stdout
    assert "Suppressed (not counted):" in text and "described on paper" in text
    assert "described on paper" in run_cli(*base, "markdown").stdout
    assert "described on paper" in run_cli(*base, "html").stdout
    junit = run_cli(*base, "junit").stdout
    assert re.search(r'<testcase [^>]*name="EX-DESCRIPTION https://example.se/a"[^>]*>\s*<skipped message="comment: '
                     r'described on paper"', junit)
    sarif = json.loads(run_cli(*base, "sarif").stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "EX-DESCRIPTION"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "described on paper"}]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 5  # 2 prefix lines, a blank line, the comment


def test_suppression_in_a_description_file(run_cli, tmp_path):
    """The starter of `init --domain foretag` with every TODO replaced: only two warnings cannot be fixed honestly
    (fee financing, the end of a register that is still kept); with a suppression each, --fail-on warning passes."""
    starter = run_cli("init", "--domain", "foretag").stdout
    text = fill_starter(starter)
    assert "TODO" not in text.split("\n", 3)[-1].replace("Replace every TODO", "")
    path = write(tmp_path, "katalog.yaml", text)
    before = run_cli("validate", "--no-config", "--fail-on", "warning", "--format", "json", path)
    codes = sorted(f["code"] for f in json.loads(before.stdout)["findings"])
    assert codes == ["SE-AGENT-CLASSIFICATION-RECOMMENDED", "SE-PERIOD-ENDDATE-RECOMMENDED"]
    assert before.exit_code == 1
    text = text.replace("  agency:\n", "  # ena-grunddata: ignore[SE-AGENT-CLASSIFICATION-RECOMMENDED] the agency is "
                                       "not regulated to charge fees\n  agency:\n", 1)
    text = re.sub(r"(\n    temporal:)", "\n    # ena-grunddata: ignore[SE-PERIOD-ENDDATE-RECOMMENDED] the register is "
                                        r"still kept: its coverage has no end\1", text, count=1)
    write(tmp_path, "katalog.yaml", text)
    after = run_cli("validate", "--no-config", "--fail-on", "warning", "--format", "json", path)
    printed = json.loads(after.stdout)
    assert after.exit_code == 0, printed["findings"]
    assert sorted(f["code"] for f in printed["suppressed"]) == codes


TODO_VALUES = {
    "base": "https://data.bolagsverket.se/", "homepage": "https://bolagsverket.se/",
    "email": "oppnadata@bolagsverket.se", "version": '"1.2"', "landing_page": "https://bolagsverket.se/register",
    "quality": "https://bolagsverket.se/kvalitet", "access_url": "https://api.bolagsverket.se/v1",
    "endpoint_url": "https://api.bolagsverket.se/v1",
    "endpoint_description": "https://api.bolagsverket.se/v1/openapi.json", "page": "https://bolagsverket.se/api",
}


def fill_starter(text: str) -> str:
    """Every TODO replaced by a plain value, as an author would; plus what the starter leaves out (a phone, an
    address, a title and description for the service documentation page)."""
    lines = []
    for line in text.splitlines():
        if "TODO" in line and not line.lstrip().startswith("#"):
            key = line.split(":", 1)[0].strip().lstrip("- ")
            if key in TODO_VALUES:
                indent = line[:len(line) - len(line.lstrip())]
                comment = "   # " + line.split("   # ", 1)[1] if "   # " in line else ""
                dash = "- " if line.lstrip().startswith("- ") else ""
                line = f"{indent}{dash}{key}: {TODO_VALUES[key]}{comment}"
            elif "2000-01-01" in line:
                line = line.replace('"TODO: 2000-01-01"', '"2000-01-01"')
            else:
                line = re.sub(r'"TODO: ([^"]*)"', lambda m: '"' + m.group(1).replace("t.ex. ", "") + '"', line)
        lines.append(line)
    text = "\n".join(lines) + "\n"
    text = text.replace('    # phone: "+46 8 123 456 00"', '    phone: "+46 771 670 670"\n'
                        "    address: {street: Stuvarvägen 21, postal_code: 851 81, locality: Sundsvall, "
                        "country: Sverige}")
    text = text.replace("\ndatasets:\n", "\ndocuments:\n  api-page:\n    id: https://bolagsverket.se/api\n"
                        '    title: {sv: "Tjänstebeskrivning", en: "Service description"}\n'
                        '    description: {sv: "Tillgänglighet och villkor.", en: "Availability and terms."}\n'
                        "\ndatasets:\n", 1)
    return text
