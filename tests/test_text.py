"""The one label picker (ena_grunddata/text.py): the same choice everywhere, never dependent on set order.

Expected values are reasoned from the rule: the language asked for (same tag, then a regional form), then untagged,
then English, then the first in sorted order; blank texts never count.
"""

from __future__ import annotations

import itertools

import pytest
from rdflib import BNode, Literal, URIRef

from ena_grunddata.text import pick


@pytest.mark.parametrize("values,lang,expected", [
    # the language asked for wins over everything else
    ([("Titel", "sv"), ("Title", "en"), ("Titre", None)], "sv", "Titel"),
    ([("Titel", "sv"), ("Title", "en"), ("Titre", None)], "en", "Title"),
    # case of the tag does not matter, on either side
    ([("Titel", "SV"), ("Title", "en")], "sv", "Titel"),
    ([("Titel", "sv"), ("Title", "en")], "SV", "Titel"),
    # a regional form counts for the language, but the plain tag comes first
    ([("Title", "en"), ("Titel", "sv-SE")], "sv", "Titel"),
    ([("Titel i Finland", "sv-FI"), ("Titel", "sv")], "sv", "Titel"),
    ([("Title", "en"), ("Titel", "sv")], "sv-SE", "Titel"),
    # a tag that only starts with the same letters is another language
    ([("Title", "en"), ("Otsikko", "svx")], "sv", "Title"),
    # not there: untagged before English
    ([("Title", "en"), ("Titel utan språk", None)], "de", "Titel utan språk"),
    ([("Title", "en"), ("Titel utan språk", "")], "de", "Titel utan språk"),
    # no untagged: English, the plain tag before a regional one
    ([("Titel", "sv"), ("Colour", "en-GB"), ("Color", "en")], "de", "Color"),
    ([("Titel", "sv"), ("Colour", "en-GB")], "de", "Colour"),
    # nothing that fits: the smallest language tag, then the smallest text
    ([("Titre", "fr"), ("Titel", "de"), ("Otsikko", "fi")], "sv", "Titel"),
    ([("b", "fr"), ("a", "fr")], "sv", "a"),
    # two texts in the language asked for: the smaller one, whatever the order given
    ([("Zebra", "sv"), ("Apa", "sv")], "sv", "Apa"),
    # blank texts never win
    ([("", "sv"), ("Title", "en")], "sv", "Title"),
    ([("   ", "sv"), ("Titre", "fr")], "sv", "Titre"),
    ([("", "sv")], "sv", None),
    ([], "sv", None),
    # no language asked for: untagged, then English
    ([("Titel", "sv"), ("Title", "en")], None, "Title"),
    ([("Titel", "sv"), ("Plain", None)], "", "Plain"),
])
def test_pairs(values, lang, expected):
    assert pick(values, lang) == expected


def test_the_order_values_come_in_never_matters():
    values = [("Titel", "sv"), ("Andra titeln", "sv"), ("Title", "en"), ("Plain", None), ("Titre", "fr")]
    for lang, expected in (("sv", "Andra titeln"), ("en", "Title"), ("de", "Plain"), ("fr", "Titre")):
        assert {pick(list(order), lang) for order in itertools.permutations(values)} == {expected}


def test_rdflib_literals_and_other_terms():
    values = {URIRef("https://example.se/x"), BNode(), Literal("Titel", lang="sv"), Literal("Title", lang="en"),
              Literal("2024-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))}
    assert pick(values, "sv") == "Titel"
    assert pick(values, "en") == "Title"
    assert pick(values, "fi") == "2024-01-01"  # a typed literal has no language: it counts as untagged
    assert pick([URIRef("https://example.se/x")], "sv") is None  # an IRI is not a text
    assert isinstance(pick([Literal("Titel", lang="sv")], "sv"), str)


@pytest.mark.parametrize("mapping,lang,expected", [
    ({"sv": "Titel", "en": "Title"}, "sv", "Titel"),
    ({"sv": "Titel", "en": "Title"}, "fi", "Title"),
    ({"sv": "Titel", "": "Plain", "en": "Title"}, "fi", "Plain"),
    ({"sv": "Titel", None: "Plain"}, "fi", "Plain"),
    ({"sv": "", "en": "Title"}, "sv", "Title"),
    ({"sv-SE": "Titel", "en": "Title"}, "sv", "Titel"),
    ({"fr": "Titre", "de": "Titel"}, "sv", "Titel"),
    ({}, "sv", None),
])
def test_mappings_of_language_to_text(mapping, lang, expected):
    assert pick(mapping, lang) == expected
