"""Read YAML or JSON text into plain data plus a source map: JSON path -> (line, column), 1-based.

PyYAML's node API (compose) gives every node its start mark; we construct the data ourselves so that dates stay
strings (YAML 1.1 would turn 2024-01-01 into a date object) and so duplicate keys can be reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..errors import InputError
from ..load.safety import JsonProblem, load_json

MAX_NODES = 200_000  # aliases can multiply a small file into a huge tree ("billion laughs"): refuse that


@dataclass
class Source:
    name: str
    text: str
    data: object
    values: dict = field(default_factory=dict)  # path tuple -> (line, column) of the value
    keys: dict = field(default_factory=dict)  # path tuple -> (line, column) of the mapping key
    nodes: dict = field(default_factory=dict)  # path tuple -> yaml node (for writing identifiers back)
    duplicates: list = field(default_factory=list)  # (path, line, column)

    def position(self, path) -> tuple[int | None, int | None]:
        """Where to point for a problem at `path`: the value, else the nearest enclosing node."""
        path = tuple(path)
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def key_position(self, path) -> tuple[int | None, int | None]:
        return self.keys.get(tuple(path)) or self.position(path)


# libyaml's parser is about ten times faster and gives the same marks (line, column, character index).
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


# Keep timestamps as text: the description format turns them into typed literals itself.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_source(name: str, text: str) -> Source:
    """Parse YAML (JSON is a subset) or raise InputError with line and column."""
    try:
        return _read_yaml(name, text)
    except InputError as yaml_error:
        if not text.lstrip().startswith(("{", "[")):
            raise
        try:  # JSON that PyYAML's YAML 1.1 reader refuses (tabs, some escapes): no positions, but readable
            return Source(name=name, text=text, data=load_json(text))
        except JsonProblem as problem:
            if problem.message.startswith("nesting too deep"):
                raise InputError("nesting too deep to parse", where=name) from None
            if name.lower().endswith(".json") or problem.line is None or "surrogate" in problem.message \
                    or "digits" in problem.message:
                raise InputError(f"not valid JSON: {problem.message}", where=name, line=problem.line,
                                 column=problem.column) from None
            raise yaml_error from None


def _read_yaml(name: str, text: str) -> Source:
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(f"not valid YAML/JSON: {error.problem or error.context}", where=name, line=line,
                         column=column) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1 if isinstance(error.position, int) else None
        raise InputError(f"not valid YAML/JSON: character U+{error.character:04X} is not allowed"
                         if isinstance(error.character, int) else "not valid YAML/JSON: a character is not allowed",
                         where=name, line=line) from None
    except yaml.YAMLError as error:
        first = (str(error).strip().splitlines() or ["syntax error"])[0]
        raise InputError(f"not valid YAML/JSON: {first}", where=name) from None
    except RecursionError:
        raise InputError("nesting too deep to parse", where=name) from None
    source = Source(name=name, text=text, data=None)
    if node is None:
        source.data = None
        return source
    counter = [0]
    try:
        source.data = _construct(node, (), source, counter)
    except RecursionError:
        raise InputError("nesting too deep to parse", where=name) from None
    return source


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct(node, path, source: Source, counter):
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise InputError(f"the document expands to more than {MAX_NODES:,} values (aliases?)", where=source.name)
    source.values[path] = _mark(node)
    source.nodes[path] = node
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            # Keys stay as written: a language key `no` (Norwegian) must not become the boolean false.
            if not isinstance(key_node, yaml.ScalarNode):
                # str() of a list or mapping key would expand every alias inside it (450 bytes reached 2.6 GB)
                line, column = _mark(key_node)
                raise InputError("a key must be plain text, not a list or a mapping", where=source.name,
                                 line=line, column=column)
            key = key_node.value
            child = path + (key,)
            if key in result:
                source.duplicates.append((child, *_mark(key_node)))
            source.keys[child] = _mark(key_node)
            result[key] = _construct(value_node, child, source, counter)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (index,), source, counter) for index, item in enumerate(node.value)]
    return _scalar(node)


_constructor = yaml.SafeLoader("")


def _scalar(node):
    if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
        return node.value
    if node.tag == "tag:yaml.org,2002:str" or not node.tag.startswith("tag:yaml.org,2002:"):
        return node.value
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and \
            (":" in node.value or len(node.value) > _MAX_NUMBER_LENGTH):
        # YAML 1.1 sexagesimal (190:20:30 = 685230) surprises people and costs quadratic time when long;
        # numbers beyond Python's int-digit limit cannot be converted. Both stay text, as YAML 1.2 reads them.
        return node.value
    try:
        return _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        return node.value


_MAX_NUMBER_LENGTH = 4000


def json_path(path) -> str:
    """$.datasets.navet.theme[0] style."""
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum() and part:
            text += f".{part}"
        else:
            text += "[" + repr(part) + "]"
    return text
