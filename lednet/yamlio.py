"""YAML loading that remembers where each value came from, so errors can name the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import CatalogueError


class LineDict(dict):  # type: ignore[type-arg,unused-ignore]
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg,unused-ignore]
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and records lines."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file safely; a syntax error becomes a CatalogueError naming the line."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CatalogueError(path, None, "file not found") from exc
        except UnicodeDecodeError as exc:
            bad_line = path.read_bytes().count(b"\n", 0, exc.start) + 1
            raise CatalogueError(path, bad_line, "not UTF-8 text (a £ or dash saved in another "
                                 "encoding?); save the file as UTF-8") from exc

    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CatalogueError(path, line, f"YAML syntax: {problem}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(path, None, f"YAML syntax: {exc}") from exc
