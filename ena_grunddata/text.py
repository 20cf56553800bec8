"""The one label picker: of several texts in different languages, the one to show in the user's language.

Every place that shows "the title (name, label, message) in the user's language" asks `pick`, so they all fall back
the same way and the choice never depends on the order a graph or a set hands the values out:

1. the language asked for: the same tag (case does not matter), then a regional form of it (`sv-SE` for `sv`, and
   `sv` when `sv-SE` is asked for);
2. an untagged text;
3. English (`en`, then `en-GB`…);
4. any other, the first in sorted order (by language tag, then text).

Within each step the values are sorted the same way, so two Swedish titles always give the same one. Empty and
blank texts are never picked.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FALLBACK = "en"
_MAPPINGS = (dict, MappingProxyType)  # a finding's messages: told apart without asking the Mapping ABC


def pick(values, lang: str | None) -> str | None:
    """The best text of `values` for `lang`, or None when there is no non-blank text.

    `values` is a mapping {language tag: text} (None or "" for untagged), or an iterable of rdflib Literals (other
    terms, such as IRIs, are skipped) or of (text, language tag) pairs.
    """
    if values.__class__ in _MAPPINGS or isinstance(values, Mapping):  # (the ABC's check costs more than the rest)
        exact = values.get(lang) if lang else None
        if isinstance(exact, str) and exact.strip():
            return exact  # the common case (a finding's message in the user's language): no sorting
        candidates = [(text, tag) for tag, text in values.items()]
    else:
        candidates = [pair for pair in map(_pair, values) if pair is not None]
    wanted = (lang or "").lower()
    best = None
    for text, tag in candidates:
        if not isinstance(text, str) or not text.strip():
            continue
        tag = (tag or "").lower()
        key = (_rank(tag, wanted), tag, text)
        if best is None or key < best[0]:
            best = (key, text)
    return best[1] if best is not None else None


def _pair(value) -> tuple[str, str | None] | None:
    if isinstance(value, tuple):
        return value if len(value) == 2 else None
    language = getattr(value, "language", False)  # an rdflib Literal has the attribute (None when untagged)
    if language is False or not isinstance(value, str):
        return None
    return str(value), language


def _rank(tag: str, wanted: str) -> int:
    if wanted and tag == wanted:
        return 0
    if wanted and tag and _primary(tag) == _primary(wanted):
        return 1
    if not tag:
        return 2
    if tag == FALLBACK:
        return 3
    if _primary(tag) == FALLBACK:
        return 4
    return 5


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0]
