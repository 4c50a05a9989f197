"""A small evaluator of the Go template language as Helm charts use it, to read a team's chart
without running ``helm``.

It covers what course charts are written with: ``{{ .Values.x.y }}``, ``.Release``, ``.Chart``,
pipelines with the common Sprig functions (``default``, ``quote``, ``toYaml``, ``nindent``,
``printf``, ``b64enc``, ...), ``if``/``else``/``with``/``range``, variables, ``define`` and
``include``, ``.Files.Get``, trim markers (``{{-``, ``-}}``) and comments. Anything else
evaluates to :data:`UNKNOWN`, which prints as ``helm`` (as :func:`helm_to_yaml` always did) and
is taken as true by ``if``: a condition sekit cannot evaluate keeps its first branch.

It never runs anything of the team's: it only walks text. Work is bounded (nesting, loop
items, output size) so that a template written to loop without end stops with
:class:`TemplateError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sekit.grade.gofunctions import FUNCTIONS, MAX_ITEMS, UNKNOWN
from sekit.grade.gofunctions import printed as _printed
from sekit.grade.gofunctions import truthy as _truthy

MAX_DEPTH = 30
MAX_OUTPUT = 2_000_000
# A comment runs to its "*/" (it may hold "{{ }}" of a commented-out line), an action to "}}".
ACTION = re.compile(r"\{\{(-\s)?(/\*.*?\*/|.*?)(\s-)?\}\}", re.DOTALL)
TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:\\.|[^"\\])*"|`[^`]*`)
      | (?P<open>\()
      | (?P<number>-?\d+(?:\.\d+)?)(?![\w.])
      | (?P<word>[$.\w][\w.$-]*)
    )""",
    re.VERBOSE,
)


class TemplateError(ValueError):
    """The template is not one this evaluator can read (or it does not stop)."""


@dataclass
class Node:
    kind: str  # text | action | if | range | with | define
    text: str = ""
    branches: list[tuple[str, list[Node]]] = field(default_factory=list)  # (condition, body)
    otherwise: list[Node] = field(default_factory=list)


def parse(source: str) -> list[Node]:
    """The template's tree (text, actions and blocks), trim markers applied."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in ACTION.finditer(source):
        text = source[position : match.start()]
        if match.group(1):
            text = text.rstrip()
        pieces.append(("text", text))
        pieces.append(("trim" if match.group(3) else "action", match.group(2).strip()))
        position = match.end()
    pieces.append(("text", source[position:]))
    flat: list[tuple[str, str]] = []
    trim_next = False
    for kind, text in pieces:
        if kind == "text":
            flat.append(("text", text.lstrip() if trim_next else text))
            trim_next = False
        else:
            flat.append(("action", text))
            trim_next = kind == "trim"
    nodes, rest = _block(flat, 0, top=True)
    if rest != len(flat):
        raise TemplateError("an {{ end }} without a block")
    return nodes


def _block(flat: list[tuple[str, str]], index: int, *, top: bool = False) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    while index < len(flat):
        kind, text = flat[index]
        if kind == "text":
            if text:
                nodes.append(Node("text", text))
            index += 1
            continue
        if text.startswith("/*"):
            index += 1
            continue
        word = text.split(None, 1)[0] if text else ""
        if word in ("end", "else"):
            if top:
                raise TemplateError(f"{{{{ {word} }}}} outside a block")
            return nodes, index
        if word in ("if", "range", "with", "define", "block"):
            block = Node("define" if word == "block" else word)
            condition = text[len(word) :].strip()
            index += 1
            while True:
                body, index = _block(flat, index)
                block.branches.append((condition, body))
                if index >= len(flat):
                    raise TemplateError(f"{{{{ {word} }}}} without an {{{{ end }}}}")
                closing = flat[index][1]
                index += 1
                if closing == "end":
                    break
                after = closing[len("else") :].strip()
                if after.startswith(("if ", "with ")):
                    condition = after.split(None, 1)[1]
                    continue
                block.otherwise, index = _block(flat, index)
                if index >= len(flat) or flat[index][1] != "end":
                    raise TemplateError(f"{{{{ {word} }}}} without an {{{{ end }}}}")
                index += 1
                break
            nodes.append(block)
            continue
        nodes.append(Node("action", text))
        index += 1
    if not top:
        raise TemplateError("a block without an {{ end }}")
    return nodes, index


@dataclass
class Scope:
    dot: Any
    root: Mapping[str, Any]
    variables: dict[str, Any]


class Renderer:
    """Renders templates that share one set of ``define`` blocks (a chart's)."""

    def __init__(self, files: Callable[[str], str | None] | None = None) -> None:
        self.defines: dict[str, list[Node]] = {}
        self.files = files or (lambda _: None)
        self.written = 0

    def learn(self, source: str) -> list[Node]:
        """Parse a template, keep its ``define`` blocks, return its tree."""
        nodes = parse(source)
        for node in nodes:
            if node.kind == "define":
                name = _literal(node.branches[0][0])
                if isinstance(name, str):
                    self.defines[name] = node.branches[0][1]
        return nodes

    def render(self, nodes: list[Node], root: Mapping[str, Any]) -> str:
        return self._nodes(nodes, Scope(root, root, {"$": root}), 0)

    def _nodes(self, nodes: list[Node], scope: Scope, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise TemplateError("templates nested too deeply (include calls itself?)")
        out: list[str] = []
        for node in nodes:
            if node.kind == "text":
                out.append(node.text)
            elif node.kind == "action":
                value = self._action(node.text, scope, depth)
                if value is not None:
                    out.append(_printed(value))
            elif node.kind in ("if", "with"):
                out.append(self._choice(node, scope, depth))
            elif node.kind == "range":
                out.append(self._range(node, scope, depth))
            self.written += len(out[-1]) if out else 0
            if self.written > MAX_OUTPUT:
                raise TemplateError("the chart renders to more than 2 MB: not read")
        return "".join(out)

    def _choice(self, node: Node, scope: Scope, depth: int) -> str:
        for condition, body in node.branches:
            value = self._pipeline(condition, scope, depth)
            if value is UNKNOWN or _truthy(value):
                inner = scope if node.kind == "if" else Scope(value, scope.root, scope.variables)
                return self._nodes(body, inner, depth + 1)
        return self._nodes(node.otherwise, scope, depth + 1)

    def _range(self, node: Node, scope: Scope, depth: int) -> str:
        condition, body = node.branches[0]
        names: list[str] = []
        match = re.match(r"^(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*(.*)$", condition, re.DOTALL)
        if match:
            names = [n for n in match.group(1, 2) if n]
            condition = match.group(3)
        value = self._pipeline(condition, scope, depth)
        if value is UNKNOWN:
            items: list[tuple[Any, Any]] = [(UNKNOWN, UNKNOWN)]
        elif isinstance(value, Mapping):
            items = sorted(value.items(), key=lambda kv: str(kv[0]))
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(value)]
        else:
            items = []
        if not items:
            return self._nodes(node.otherwise, scope, depth + 1)
        out = []
        for key, item in items[:MAX_ITEMS]:
            variables = dict(scope.variables)
            if len(names) == 2:
                variables[names[0]], variables[names[1]] = key, item
            elif names:
                variables[names[0]] = item
            out.append(self._nodes(body, Scope(item, scope.root, variables), depth + 1))
        return "".join(out)

    def _action(self, text: str, scope: Scope, depth: int) -> Any:
        match = re.match(r"^(\$\w+)\s*:?=\s*(.*)$", text, re.DOTALL)
        if match:
            scope.variables[match.group(1)] = self._pipeline(match.group(2), scope, depth)
            return None
        if text.startswith(("template ", "include ")) and not text.startswith("include ("):
            text = "include " + text.split(None, 1)[1]
        return self._pipeline(text, scope, depth)

    def _pipeline(self, text: str, scope: Scope, depth: int) -> Any:
        value: Any = None
        for number, command in enumerate(_split(text, "|")):
            tokens = _tokens(command)
            if not tokens:
                return UNKNOWN
            value = self._command(tokens, scope, depth, None if number == 0 else [value])
        return value

    def _command(self, tokens: list[Any], scope: Scope, depth: int, piped: list[Any] | None) -> Any:
        head, args = tokens[0], tokens[1:]
        if isinstance(head, str) and head.endswith(".Files.Get") and len(args) == 1:
            name = self._operand(args[0], scope, depth)
            return self.files(name) if isinstance(name, str) else UNKNOWN
        if isinstance(head, str) and (head in FUNCTIONS or head in ("include", "tpl", "required")):
            values = [self._operand(a, scope, depth) for a in args] + (piped or [])
            if head == "include":
                return self._include(values, depth)
            if head == "tpl":
                return self._tpl(values, depth)
            if head == "required":
                return values[-1] if values else UNKNOWN
            try:
                return FUNCTIONS[head](*values)
            except Exception:  # a function applied to what sekit cannot know
                return UNKNOWN
        if args or piped:
            return UNKNOWN  # a method call or an unknown function
        return self._operand(head, scope, depth)

    def _tpl(self, values: list[Any], depth: int) -> Any:
        """``tpl TEXT CONTEXT``: a string of the values rendered as a template."""
        if len(values) < 2 or not isinstance(values[0], str):
            return UNKNOWN
        root = values[1] if isinstance(values[1], Mapping) else {}
        return self._nodes(parse(values[0]), Scope(root, root, {"$": root}), depth + 1)

    def _include(self, values: list[Any], depth: int) -> Any:
        if len(values) < 2 or not isinstance(values[0], str) or values[0] not in self.defines:
            return UNKNOWN
        dot = values[1]
        root = dot if isinstance(dot, Mapping) and "Values" in dot else {}
        scope = Scope(dot, root, {"$": root})
        return self._nodes(self.defines[values[0]], scope, depth + 1).strip()

    def _operand(self, token: Any, scope: Scope, depth: int) -> Any:
        if isinstance(token, Sub):
            return self._pipeline(token.text, scope, depth)
        if isinstance(token, Lit):
            return token.value
        if not isinstance(token, str):
            return UNKNOWN
        if token == ".":
            return scope.dot
        if token.startswith("$"):
            name, _, path = token.partition(".")
            base = scope.variables.get(name, UNKNOWN)
            return _walk(base, path)
        if token.startswith("."):
            return _walk(scope.dot, token[1:])
        if token in ("true", "false"):
            return token == "true"
        if token == "nil":
            return None
        if token in FUNCTIONS:
            return self._command([token], scope, depth, [])
        return UNKNOWN


def _walk(value: Any, path: str) -> Any:
    for part in filter(None, path.split(".")):
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside strings and parentheses."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in '"`':
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


@dataclass(frozen=True)
class Lit:
    """A literal: a string or a number."""

    value: Any


@dataclass(frozen=True)
class Sub:
    """A parenthesised sub-expression: a pipeline of its own."""

    text: str


def _tokens(text: str) -> list[Any]:
    """Words, literals and parenthesised sub-expressions (:class:`Sub`); [] when unreadable."""
    found: list[Any] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            return []
        if match.group("open"):
            end = _closing(text, match.end())
            if end < 0:
                return []
            found.append(Sub(text[match.end() : end]))
            position = end + 1
            continue
        position = match.end()
        if match.group("string") is not None:
            found.append(Lit(_literal(match.group("string"))))
        elif match.group("number") is not None:
            number = match.group("number")
            found.append(Lit(float(number) if "." in number else int(number)))
        else:
            found.append(match.group("word"))
    return found


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis that closes the one before ``start``, or -1."""
    depth, quote = 1, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in '"`':
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _literal(text: str) -> Any:
    text = text.strip()
    if text.startswith("`") and text.endswith("`"):
        return text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        return UNKNOWN
