"""The one message catalogue (ena_grunddata/messages.py): complete, consistent, used, and the only one.

The catalogue is checked against the source, not against pasted output: every id has both languages with the same
placeholders, every id is asked for somewhere and every id asked for exists, and no other module may start a word
table of its own (a dict literal with "en" and "sv" keys) or switch on the language ("sv" compared in code).
"""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from pathlib import Path

import pytest

from ena_grunddata import messages
from ena_grunddata.messages import LANGUAGES, MESSAGES, alternatives, both, count, severity, tr
from ena_grunddata.report import Finding, Report

PACKAGE = Path(messages.__file__).resolve().parent
CATALOGUE = PACKAGE / "messages.py"
TEMPLATE_CALL = re.compile(r"""\bt\(\s*["']([^"']+)["']""")  # {{ t("html.title") }} in render/templates/
LOOKUPS = {"tr", "both"}  # messages.tr(id, lang, …) and messages.both(id, …)

# Modules allowed to hold a dict literal with "en" and "sv" keys, each with its reason. (None today: the
# description format's help texts are Field arguments, the shapes' messages are Turtle.)
TABLES_ALLOWED: dict[str, str] = {}


def python_files():
    return sorted(PACKAGE.rglob("*.py"))


def templates():
    return sorted((PACKAGE / "render" / "templates").glob("*.j2"))


def catalogue_nodes(tree) -> set[int]:
    """The nodes of the MESSAGES literal itself (its keys do not count as uses)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "MESSAGES" for t in targets):
                return {id(n) for n in ast.walk(node)}
    return set()


def constants_in(text: str, catalogue: bool = False) -> set[str]:
    """The string literals of a Python source (for the catalogue module: outside its MESSAGES table)."""
    tree = ast.parse(text)
    skip = catalogue_nodes(tree) if catalogue else set()
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip}


def lookups_in(text: str) -> list[tuple[int, str]]:
    """(line, id) of every tr("…")/both("…") with a literal id in a Python source."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        first = node.args[0]
        if name in LOOKUPS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
    return found


def string_constants() -> set[str]:
    """Every string literal in the package (outside the catalogue's own table) and every t("…") in templates."""
    found = set()
    for path in python_files():
        found |= constants_in(path.read_text(encoding="utf-8"), catalogue=path == CATALOGUE)
    for path in templates():
        found.update(TEMPLATE_CALL.findall(path.read_text(encoding="utf-8")))
    return found


def asked_for() -> list[tuple[str, str]]:
    """(where, id) of every lookup with a literal id: tr("…")/both("…") in Python, t("…") in templates."""
    found = []
    for path in python_files():
        found.extend((f"{path.relative_to(PACKAGE)}:{line}", key)
                     for line, key in lookups_in(path.read_text(encoding="utf-8")))
    for path in templates():
        found.extend((path.name, key) for key in TEMPLATE_CALL.findall(path.read_text(encoding="utf-8")))
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ------------------------------------------------------------------------------------------------ the catalogue


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_id_has_every_language_and_the_same_placeholders(key):
    texts = MESSAGES[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in LANGUAGES), key
    assert placeholders(texts["sv"]) == placeholders(texts["en"]), key


def test_ids_are_dotted_lower_case_names():
    assert [key for key in MESSAGES if not re.fullmatch(r"[a-z]+(\.[a-z_]+)+", key)] == []


def test_every_id_is_used_somewhere():
    used = string_constants()
    assert sorted(set(MESSAGES) - used) == [], "dead entries: remove them, or use them"


def test_every_id_asked_for_exists():
    calls = asked_for()
    assert len(calls) > 50  # the scan sees the lookups (a scan that finds nothing would pass anything)
    assert [(where, key) for where, key in calls if key not in MESSAGES] == []


def test_the_scans_see_lookups_and_uses():
    source = ('from ena_grunddata import messages\nfrom ena_grunddata.messages import both, tr\n'
              'a = tr("no.such_id", "sv")\nb = messages.both("report.value", x=1)\nc = tr(key, "sv")\n'
              'IDS = {"x": "kind.dataset"}\n')
    assert lookups_in(source) == [(3, "no.such_id"), (4, "report.value")]  # a lookup by variable is not seen
    assert {"no.such_id", "report.value", "kind.dataset"} <= constants_in(source)
    catalogue = 'MESSAGES = {"kind.dataset": {"en": "dataset", "sv": "datamängd"}}\nX = "kind.catalog"\n'
    assert constants_in(catalogue, catalogue=True) == {"kind.catalog"}  # the table's own keys are no use
    assert TEMPLATE_CALL.findall('<th>{{ t("score.points") }}</th>{{ t( \'kind.catalog\' ) | capital }}') == [
        "score.points", "kind.catalog"]


# ------------------------------------------------------------------------------------------------ the only one


def dict_tables(path: Path) -> list[int]:
    """Lines of dict literals with both "en" and "sv" keys: a word table of its own."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"en", "sv"} <= keys:
                lines.append(node.lineno)
    return lines


def language_switches(path: Path) -> list[int]:
    """Lines that compare something with "sv" (`"i" if lang == "sv" else "in"`): a word table in disguise."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value == "sv" for o in operands):
                lines.append(node.lineno)
    return lines


def test_no_other_module_holds_a_word_table():
    found = {str(path.relative_to(PACKAGE)): lines for path in python_files()
             if path != CATALOGUE and str(path.relative_to(PACKAGE)) not in TABLES_ALLOWED
             and (lines := dict_tables(path))}
    assert found == {}, "put the words in ena_grunddata/messages.py and ask for them with tr()/both()"


def test_no_module_switches_on_the_language():
    found = {str(path.relative_to(PACKAGE)): lines for path in python_files()
             if path != CATALOGUE and (lines := language_switches(path))}
    assert found == {}, "put both texts in ena_grunddata/messages.py instead of choosing in code"


class _Source:
    """Stands in for a Path: the checks only read the text."""

    def __init__(self, text: str):
        self.text = text

    def read_text(self, encoding=None) -> str:
        return self.text


def test_the_checks_see_a_table_and_a_switch():
    source = _Source('WORDS = {"en": {"value": "value"}, "sv": {"value": "värde"}}\n'
                     'x = "i" if lang == "sv" else "in"\n'
                     'messages = {"en": en, "sv": sv}\n')
    assert dict_tables(source) == [1, 3]
    assert language_switches(source) == [2]


# ------------------------------------------------------------------------------------------------ looking up


def test_a_text_in_each_language_with_its_placeholders():
    assert tr("export.summary", "en", n=2, s=1, t=30) == "2 datasets, 1 data services, 30 triples"
    assert tr("export.summary", "sv", n=2, s=1, t=30) == "2 datamängder, 1 datatjänster, 30 tripplar"


def test_an_unknown_language_falls_back_to_english_and_a_regional_tag_counts():
    assert tr("severity.warning", "fi") == "warning"
    assert tr("severity.warning", None) == "warning"
    assert tr("severity.warning", "sv-SE") == "varning"
    assert tr("severity.warning", "SV") == "varning"


def test_an_unknown_id_is_a_bug():
    with pytest.raises(KeyError):
        tr("no.such_id", "en")


def test_both_gives_every_language_and_values_may_depend_on_the_language():
    made = both("schema.pattern", key="issued", value="2024-13", what=lambda lang: tr("schema.pattern.date", lang))
    assert made == {"en": "'issued': '2024-13' is not a date (YYYY-MM-DD, a date-time or a year)",
                    "sv": "'issued': '2024-13' är inte ett datum (ÅÅÅÅ-MM-DD, datum och tid, eller ett år)"}


def test_counts_agree_in_number():
    assert [count(n, "violation", "en") for n in (1, 2)] == ["1 violation", "2 violations"]
    assert [count(n, "violation", "sv") for n in (1, 2)] == ["1 fel", "2 fel"]
    assert [count(n, "info", "sv") for n in (1, 2)] == ["1 upplysning", "2 upplysningar"]
    assert alternatives(["a", "b", "c"], "sv") == "a eller b eller c"
    assert alternatives(["a"], "en") == "a"


# ------------------------------------------------------------------------------------------------ one word per concept


def one_of_each() -> Report:
    findings = [Finding(code=f"TEST-{s.upper()}", severity=s, focus="https://example.se/ds", path=None,
                        messages={"en": "m", "sv": "m"}) for s in ("violation", "warning", "info")]
    return Report(findings, profiles=["test"], sources=["data.ttl"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_says_info_the_same_way_in_swedish(fmt):
    from ena_grunddata.render.formats import render

    page = render(one_of_each(), fmt, lang="sv")
    assert severity("info", "sv") == "upplysning" and severity("info", "sv", plural=True) == "upplysningar"
    assert "upplysning" in page.lower()
    for other in ("noteringar", "notering ", " info ", ">info<", "| info |"):
        assert other not in page, other


def test_the_export_page_says_it_the_same_way():
    from ena_grunddata.publish.export import status_html

    assert ">1 upplysning<" in status_html(Counter(info=1), "sv")
    assert ">2 upplysningar<" in status_html(Counter(info=2), "sv")
    assert ">1 info<" in status_html(Counter(info=1), "en")
    assert ">1 fel, 2 varningar<" in status_html(Counter(violation=1, warning=2), "sv")
