"""A flow document (YAML or JSON text) read with bounds, the same for the API and the command line.

What a client can make the parser do is bounded before anything is built: anchors and aliases are
refused as the document is composed (an alias is how a few hundred bytes become millions of nodes, or
a node that contains itself), and so is nesting deeper than MAX_FLOW_DEPTH or more than MAX_FLOW_NODES
nodes in all. The byte size is capped by the caller (`serve --max-flow-bytes`). Reading a large
document takes a good part of a second: the API does it in a thread.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

from showdesk.domain.errors import InvalidInput, Unprocessable

# A flow nests four deep (flow > blocks > block > quality); the rest is room for what comes later.
MAX_FLOW_DEPTH = 20
# Every key, value and collection counts; a flow of the largest size has some tens of thousands.
MAX_FLOW_NODES = 100_000

if yaml.__with_libyaml__:  # libyaml scans and parses; the composer below stays Python, to refuse early
    from yaml._yaml import CParser as _Parser
else:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class FlowTooComplex(Unprocessable):
    """A flow document beyond what ShowDesk reads: aliases, too deep, too many nodes."""

    code = "flow_too_complex"


def _too_deep() -> FlowTooComplex:
    return FlowTooComplex(f"the flow nests deeper than {MAX_FLOW_DEPTH} levels, the limit for a flow document")


def _too_many() -> FlowTooComplex:
    return FlowTooComplex(f"the flow has more than {MAX_FLOW_NODES} values, the limit for a flow document")


class _FlowLoader(Composer, _Parser, SafeConstructor, Resolver):
    """PyYAML's safe loader whose composer refuses anchors and aliases and counts as it goes."""

    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            mark = event.start_mark
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise FlowTooComplex(
                f"anchors and aliases (&name, *name) are not allowed in a flow document{where}: write each block out"
            )
        self._nodes += 1
        if self._nodes > MAX_FLOW_NODES:
            raise _too_many()
        if not isinstance(event, CollectionStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_FLOW_DEPTH:
            raise _too_deep()
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_float(self, node: ScalarNode) -> float:
        value = float(super().construct_yaml_float(node))
        if not math.isfinite(value):
            raise InvalidInput("the flow is not valid: numbers must be finite (no .nan or .inf)", code="invalid_flow")
        return value

    yaml_constructors = {**SafeConstructor.yaml_constructors, "tag:yaml.org,2002:float": construct_yaml_float}


def _refuse_constant(name: str) -> Any:
    raise InvalidInput(f"the flow is not valid JSON: {name} is not a number JSON allows", code="invalid_flow")


def _check_json_shape(value: Any) -> None:
    """Depth and node count of parsed JSON, counted as the YAML reader counts them, without recursion."""
    nodes = 1
    stack: list[tuple[Any, int]] = [(value, 1)]  # a collection and its depth (the document's is 1)
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            nodes += 2 * len(item)  # keys and values
            children: Any = item.values()
        elif isinstance(item, list):
            nodes += len(item)
            children = item
        else:
            continue
        if depth > MAX_FLOW_DEPTH:
            raise _too_deep()
        if nodes > MAX_FLOW_NODES:
            raise _too_many()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def read_flow_document(raw: bytes, as_json: bool = False) -> Any:
    """The flow in `raw`: JSON when `as_json`, else YAML (JSON is YAML too).

    Raises InvalidInput (`invalid_flow`) for text that is not UTF-8, YAML or JSON, and FlowTooComplex
    (`flow_too_complex`, 422) for a document past the limits above.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the flow must be UTF-8 text", code="invalid_flow") from exc
    if as_json:
        try:
            value = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise _too_deep() from exc
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"the flow is not valid YAML or JSON: {exc}", code="invalid_flow") from exc
        _check_json_shape(value)
        return value
    loader = _FlowLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise InvalidInput(f"the flow is not valid YAML or JSON: {exc}", code="invalid_flow") from exc
    finally:
        loader.dispose()
