"""A strict YAML loader for hand-written definitions: a key written twice is an error, dates stay text."""

from __future__ import annotations

from collections.abc import Hashable

import yaml


class StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice instead of keeping the last one."""


def _mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            continue  # construct_mapping reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"键 {key!r} 重复", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# Dates stay text: PyYAML would turn a placeholder "2026-12-03" into a date and crash on 2026-02-30.
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_problem(exc: Exception) -> tuple[str, str]:
    """Where a YAML error is (第 3 行第 5 列) and the parser's own words."""
    mark = getattr(exc, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "未知位置"
    return where, getattr(exc, "problem", None) or str(exc)
