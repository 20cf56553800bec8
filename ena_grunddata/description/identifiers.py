"""Write minted identifiers back into the author's file by inserting one line per entity: nothing else in the
text changes, so comments, blank lines, quoting and key order survive."""

from __future__ import annotations

import json

import yaml

from .source import Source


def write_back(source: Source, minted: dict) -> str | None:
    """The text with `identifier: <uuid>` inserted into each entity of `minted` (path -> identifier), or None when
    an entity is written in a way we cannot safely insert into (flow style `{…}` in YAML)."""
    insertions = []  # (offset, text)
    lines = source.text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    is_json = source.text.lstrip().startswith("{")
    newline = "\r\n" if "\r\n" in source.text else "\n"
    seen = set()
    for path, identifier in minted.items():
        node = source.nodes.get(tuple(path))
        if not isinstance(node, yaml.MappingNode) or id(node) in seen:
            return None  # not a mapping, or one mapping shared by several entries through a YAML alias
        seen.add(id(node))
        if is_json or node.flow_style:
            if not node.value:
                return None
            first_key = node.value[0][0]
            start = node.start_mark.index + 1  # just after "{"
            indent = " " * first_key.start_mark.column
            same_line = first_key.start_mark.line == node.start_mark.line
            separator = " " if same_line else newline + indent
            insertions.append((start, f'{separator}"identifier": {json.dumps(identifier)},'
                               if is_json else f" identifier: {identifier},"))
            continue
        if not node.value:
            return None
        first_key = node.value[0][0]
        line = first_key.start_mark.line
        column = first_key.start_mark.column
        prefix = lines[line][:column]
        if prefix.strip() and not prefix.strip().startswith("-"):
            return None
        if prefix.strip().startswith("-"):  # "- key: …" in a list item: put the new key on its own line below
            insertions.append((offsets[line + 1] if line + 1 < len(offsets) else len(source.text),
                               " " * column + f"identifier: {identifier}{newline}"))
        else:
            insertions.append((offsets[line], " " * column + f"identifier: {identifier}{newline}"))
    text = source.text
    for offset, addition in sorted(insertions, reverse=True):
        text = text[:offset] + addition + text[offset:]
    return text
