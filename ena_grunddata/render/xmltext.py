"""XML written as text, element by element, laid out as ElementTree's `tostring` after `indent` lays it out.

A national catalog's JUnit report has hundreds of thousands of elements: building each as an ElementTree element
only to serialise it again cost twice the text format's whole run. Escaping is xml.sax.saxutils' (with the
characters ElementTree also escapes in attribute values), and characters XML 1.0 forbids even escaped are replaced
by U+FFFD, so any literal in the data gives a well-formed document.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids even escaped; a literal in the data may hold them (Turtle "\u0001").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# In an attribute value line ends and tabs are written as references, so a parser gives them back unchanged.
_IN_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


# What escaping or replacing changes: most values (IRIs, codes, counts) have none of it and are written as they are.
_CHANGED_IN_ATTRIBUTE = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_CHANGED_IN_TEXT = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def attribute_value(value) -> str:
    text = str(value)
    return xml_safe(escape(text, _IN_ATTRIBUTE)) if _CHANGED_IN_ATTRIBUTE.search(text) else text


def text_content(text: str) -> str:
    return xml_safe(escape(text)) if _CHANGED_IN_TEXT.search(text) else text


def attributes(pairs) -> str:
    """` name="value"` for each (name, value) pair, in order (names are ours, values any text)."""
    return "".join(f' {name}="{attribute_value(value)}"' for name, value in pairs)


def empty(tag: str, pairs=()) -> str:
    """An element without content: `<tag a="1" />`."""
    return f"<{tag}{attributes(pairs)} />"


def element(tag: str, pairs=(), text: str | None = None) -> str:
    """An element with text only (none or empty text: an empty element, as ElementTree writes it)."""
    if not text:
        return empty(tag, pairs)
    return f"<{tag}{attributes(pairs)}>{text_content(text)}</{tag}>"


def opening(tag: str, pairs=()) -> str:
    return f"<{tag}{attributes(pairs)}>"


def nested(tag: str, pairs, children: list, level: int) -> list[str]:
    """The pieces of an element at `level` (two spaces a level) around children already written for level + 1
    (each a string or a list of pieces); joined once by the caller. Without children: an empty element."""
    if not children:
        return [empty(tag, pairs)]
    pieces = [opening(tag, pairs)]
    inner = "\n" + "  " * (level + 1)
    for child in children:
        pieces.append(inner)
        if isinstance(child, list):
            pieces += child
        else:
            pieces.append(child)
    pieces.append("\n" + "  " * level + f"</{tag}>")
    return pieces
