"""The reply generator: the server's deterministic stand-in for a model, computing replies, tool
decisions and tool results from the conversation.

Nothing here is random. Given the same conversation, tools and instructions, the same steps and the same
reply come out. The rules (documented in docs/server.md):

- **Function calling** — a function tool is called when the last user message names it, or uses one of
  the words of its name ("weather" for ``get_weather``), or ``tool_choice`` requires it. Arguments
  satisfy the JSON Schema of its parameters, with values taken from the message where possible.
- **Code interpreter** — a linear equation ("3x + 11 = 14"), an arithmetic expression, Fibonacci numbers
  or a factorial in the message produce Python code, its printed result and a reply with the result.
- **File search** — stored file text is ranked by word overlap with the question; the reply quotes the
  best line with a ``【n:0†file】`` citation marker.
- Otherwise the reply restates the user's message; instructions saying "address the user as NAME"
  make the reply start with that name.

Token counts are whitespace-separated word counts.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "into",
        "is",
        "are",
        "was",
        "were",
        "be",
        "do",
        "does",
        "did",
        "what",
        "whats",
        "which",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "why",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "get",
        "set",
        "fetch",
        "find",
        "give",
        "tell",
        "show",
        "please",
        "about",
        "using",
        "use",
        "files",
        "file",
        "available",
        "have",
        "has",
        "had",
        "not",
        "no",
        "yes",
        "any",
        "some",
        "as",
        "than",
        "then",
        "so",
    )
)
_PREPOSITIONS = ("in", "on", "at", "for", "from", "to", "of", "about", "near")
_LOCATION_HINTS = ("location", "city", "place", "country", "region", "town", "address")


def count_tokens(text: str) -> int:
    """Tokens as this model counts them: whitespace-separated words."""
    return len(text.split())


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text``."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def name_words(name: str) -> list[str]:
    """The meaningful words of a function name: ``get_current_weather`` -> ``["current", "weather"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    return [w for w in words(spaced) if w not in _STOPWORDS and len(w) > 2]


def mentions_function(message: str, name: str) -> bool:
    """Whether ``message`` refers to the function ``name`` (its name, or a word of its name)."""
    if name.lower() in message.lower():
        return True
    said = {_stem(w) for w in words(message)}
    return any(_stem(w) in said for w in name_words(name))


# ----------------------------------------------------------------------------------------------------
# Function arguments from a JSON Schema


def _capitalised_after_preposition(message: str) -> str | None:
    pattern = r"\b(?:{})\s+((?:[A-Z][\w'.-]*)(?:\s+[A-Z][\w'.-]*)*)".format("|".join(_PREPOSITIONS))
    match = re.search(pattern, message)
    return match.group(1).rstrip(".'") if match else None


def _string_value(name: str, schema: Mapping[str, Any], message: str) -> str:
    if schema.get("enum"):
        options = [str(option) for option in schema["enum"]]
        lowered = message.lower()
        return next((option for option in options if option.lower() in lowered), options[0])
    hint = f"{name} {schema.get('description', '')}".lower()
    found = _capitalised_after_preposition(message)
    if found and (any(h in hint for h in _LOCATION_HINTS) or "query" not in hint):
        return found
    quoted = re.search(r"[\"“']([^\"”']{2,})[\"”']", message)
    if quoted:
        return quoted.group(1)
    return message.strip()


def _number_value(schema: Mapping[str, Any], message: str, integer: bool) -> int | float:
    minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
    maximum = schema.get("maximum", schema.get("exclusiveMaximum"))
    for text in re.findall(r"-?\d+(?:\.\d+)?", message):
        value = float(text)
        in_range = (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
        if in_range and (not integer or value.is_integer()):
            return int(value) if integer or value.is_integer() else value
    base = minimum if minimum is not None else 0
    if "exclusiveMinimum" in schema and minimum is not None:
        base = minimum + 1
    return int(base) if integer else base


def value_for(name: str, schema: Mapping[str, Any], message: str, defs: Mapping[str, Any]) -> Any:
    """A value satisfying ``schema``, taken from ``message`` where it can be."""
    if "$ref" in schema:
        target = str(schema["$ref"]).split("/")[-1]
        return value_for(name, defs.get(target, {}), message, defs)
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return value_for(name, schema[key][0], message, defs)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "string":
        return _string_value(name, schema, message)
    if kind == "integer":
        return _number_value(schema, message, integer=True)
    if kind == "number":
        return _number_value(schema, message, integer=False)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if kind == "array":
        count = int(schema.get("minItems", 1 if "items" in schema else 0))
        return [value_for(name, schema.get("items", {}), message, defs) for _ in range(count)]
    return arguments_for(schema, message, defs)


def arguments_for(
    schema: Mapping[str, Any], message: str, defs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Arguments for a function whose parameters are ``schema`` (required properties, and others found)."""
    defs = {**(defs or {}), **schema.get("$defs", {}), **schema.get("definitions", {})}
    properties: Mapping[str, Any] = schema.get("properties", {}) or {}
    required = set(schema.get("required", []) or [])
    result: dict[str, Any] = {}
    for key, sub in properties.items():
        lowered = message.lower()
        mentioned = "enum" in sub and any(str(option).lower() in lowered for option in sub["enum"])
        found = sub.get("type") == "string" and "enum" not in sub and _capitalised_after_preposition(message)
        if key in required or mentioned or found:
            result[key] = value_for(key, sub, message, defs)
    return result


# ----------------------------------------------------------------------------------------------------
# Code interpreter: safe arithmetic and linear equations

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def evaluate(expression: str, x: Fraction | None = None) -> Fraction:
    """Evaluate an arithmetic expression exactly with the ``ast`` module (no names but ``x``).

    Raises:
        ValueError: For anything but numbers, ``x``, parentheses and ``+ - * / // % **``.
    """
    tree = ast.parse(expression, mode="eval")

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            return Fraction(str(node.value))
        if isinstance(node, ast.Name) and node.id == "x" and x is not None:
            return x
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Pow):
                if right.denominator != 1 or abs(right) > 64 or abs(left) > 10**6:
                    raise ValueError("exponent too large")
                return left ** int(right)
            function = _BINARY.get(type(node.op))
            if function is None:
                raise ValueError("unsupported operator")
            if right == 0 and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod):
                raise ValueError("division by zero")
            return Fraction(function(left, right))
        raise ValueError("unsupported expression")

    return walk(tree)


def format_number(value: Fraction) -> str:
    """A number as Python would print it (``4``, ``0.5``, ``0.3333333333333333``)."""
    if value.denominator == 1:
        return str(value.numerator)
    return repr(float(value))


@dataclass(frozen=True)
class CodeRun:
    """A code interpreter call: the code, what it printed, and the sentence that reports it."""

    code: str
    logs: str
    answer: str


_EXPRESSION = re.compile(r"[-+(]*\s*\d[\d.\s]*(?:(?:\*\*|[-+*/%^])\s*[-+(]*\s*\d[\d.\s)]*)+")


def _python(expression: str, variable: str) -> str:
    text = expression.replace("^", "**").replace(variable, " x ")
    text = re.sub(r"(\d)\s*x", r"\1*x", text)
    text = re.sub(r"(\d|x)\s*\(", r"\1*(", text)
    text = re.sub(r"\)\s*\(", ")*(", text)
    return re.sub(r"\s+", " ", text).strip().replace("( ", "(").replace(" )", ")")


def solve_equation(message: str) -> CodeRun | None:
    """Solve a linear equation in one variable found in ``message`` (``"3x + 11 = 14"`` -> ``x = 1``)."""
    for match in re.finditer(r"[^=`\n?!,:;]*=[^=`\n?!,:;]*", message):
        candidate = match.group(0)
        variables = set(re.findall(r"(?<![a-zA-Z])([a-zA-Z])(?![a-zA-Z])", candidate))
        if len(variables) != 1:
            continue
        variable = variables.pop()
        left_text, right_text = candidate.split("=")
        left_text = re.sub(r"^[^\d(\-+" + variable + r"]+", "", left_text.strip())
        right_text = re.sub(r"[^\d)" + variable + r"]+$", "", right_text.strip())
        left, right = _python(left_text, variable), _python(right_text, variable)
        try:
            f0 = evaluate(left, Fraction(0)) - evaluate(right, Fraction(0))
            f1 = evaluate(left, Fraction(1)) - evaluate(right, Fraction(1))
            f2 = evaluate(left, Fraction(2)) - evaluate(right, Fraction(2))
        except (ValueError, SyntaxError, ZeroDivisionError):
            continue
        slope = f1 - f0
        if slope == 0 or f2 != f0 + 2 * slope:
            continue
        solution = -f0 / slope
        shown_left = left.replace("x", variable)
        shown_right = right.replace("x", variable)
        code = (
            "from sympy import symbols, Eq, solve\n\n"
            f"{variable} = symbols('{variable}')\n"
            f"equation = Eq({shown_left}, {shown_right})\n"
            f"solution = solve(equation, {variable})\n"
            "print(solution)"
        )
        original = f"{left_text.strip()} = {right_text.strip()}"
        return CodeRun(
            code,
            f"[{format_number(solution)}]",
            f"The solution to the equation {original} is {variable} = {format_number(solution)}.",
        )
    return None


def compute_expression(message: str) -> CodeRun | None:
    """Evaluate the first arithmetic expression in ``message`` (``"12 * (3 + 4)"`` -> 84)."""
    for match in _EXPRESSION.finditer(message):
        text = match.group(0).strip()
        while text.endswith(")") and text.count(")") > text.count("("):
            text = text[:-1].rstrip()
        text = text + ")" * (text.count("(") - text.count(")"))
        python = text.replace("^", "**")
        try:
            value = evaluate(python)
        except (ValueError, SyntaxError, ZeroDivisionError):
            continue
        code = f"result = {python}\nprint(result)"
        return CodeRun(code, format_number(value), f"The result of {text} is {format_number(value)}.")
    return None


def special_computation(message: str) -> CodeRun | None:
    """Fibonacci numbers and factorials, the two classics people ask a code interpreter for."""
    lowered = message.lower()
    if "fibonacci" in lowered:
        count = next((int(n) for n in re.findall(r"\b(\d{1,2})\b", message) if 0 < int(n) <= 50), 10)
        numbers = [0, 1]
        while len(numbers) < count:
            numbers.append(numbers[-1] + numbers[-2])
        numbers = numbers[:count]
        code = (
            "def fibonacci(n):\n"
            "    numbers = [0, 1]\n"
            "    while len(numbers) < n:\n"
            "        numbers.append(numbers[-1] + numbers[-2])\n"
            "    return numbers[:n]\n\n"
            f"print(fibonacci({count}))"
        )
        shown = ", ".join(str(n) for n in numbers)
        return CodeRun(code, str(numbers), f"Here are the first {count} Fibonacci numbers: {shown}.")
    match = re.search(r"factorial of (\d{1,3})|(\d{1,3})\s*!", lowered)
    if match:
        n = int(match.group(1) or match.group(2))
        value = math.factorial(n)
        return CodeRun(
            f"import math\n\nprint(math.factorial({n}))", str(value), f"The factorial of {n} is {value}."
        )
    return None


def code_task(message: str) -> CodeRun | None:
    """The computation a code interpreter would run for ``message``, or ``None``."""
    return solve_equation(message) or special_computation(message) or compute_expression(message)


# ----------------------------------------------------------------------------------------------------
# File search


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of a stored file."""

    file_id: str
    filename: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A ranked search result."""

    chunk: Chunk
    score: float


def chunk_text(file_id: str, filename: str, text: str, *, max_words: int = 800) -> list[Chunk]:
    """Split a file's text into chunks of at most ``max_words`` words, on paragraph boundaries."""
    chunks: list[Chunk] = []
    current: list[str] = []
    size = 0
    for paragraph in re.split(r"\n\s*\n", text):
        length = count_tokens(paragraph)
        if current and size + length > max_words:
            chunks.append(Chunk(file_id, filename, "\n\n".join(current)))
            current, size = [], 0
        current.append(paragraph.strip())
        size += length
    if current and any(current):
        chunks.append(Chunk(file_id, filename, "\n\n".join(p for p in current if p)))
    return chunks


def rank(query: str, chunks: Sequence[Chunk], *, threshold: float = 0.0, limit: int = 20) -> list[Hit]:
    """Rank chunks by the share of the query's meaningful words they contain (score 0..1)."""
    terms = {_stem(w) for w in words(query) if w not in _STOPWORDS}
    if not terms:
        return []
    hits = []
    for chunk in chunks:
        present = {_stem(w) for w in words(chunk.text)}
        score = len(terms & present) / len(terms)
        if score > 0 and score >= threshold:
            hits.append(Hit(chunk, round(score, 4)))
    hits.sort(key=lambda hit: (-hit.score, hit.chunk.filename, hit.chunk.file_id))
    return hits[:limit]


def best_line(query: str, text: str) -> str:
    """The line (or sentence) of ``text`` sharing most words with ``query``.

    Names (capitalised words inside the question) weigh three times as much as other words.
    """
    weights: dict[str, int] = {}
    for position, token in enumerate(re.findall(r"[A-Za-z0-9]+", query)):
        word = token.lower()
        if word in _STOPWORDS:
            continue
        weight = 3 if position > 0 and token[:1].isupper() else 1
        weights[_stem(word)] = max(weights.get(_stem(word), 0), weight)
    pieces = [p.strip(" -*•\t") for p in re.split(r"\n|(?<=[.!?])\s+", text) if p.strip(" -*•\t")]
    if not pieces:
        return text.strip()

    def score(piece: str) -> tuple[int, int]:
        present = {_stem(w) for w in words(piece)}
        return sum(weight for term, weight in weights.items() if term in present), -pieces.index(piece)

    return max(pieces, key=score)


# ----------------------------------------------------------------------------------------------------
# Replies


def addressed_name(instructions: str | None) -> str | None:
    """The name the instructions ask to address the user by ("address the user as Jane Doe")."""
    if not instructions:
        return None
    match = re.search(r"address the user as ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)", instructions)
    return match.group(1) if match else None


def with_name(text: str, instructions: str | None) -> str:
    """Prefix ``text`` with the addressed name, when the instructions ask for one."""
    name = addressed_name(instructions)
    return f"{name}, {text[:1].lower()}{text[1:]}" if name and text else text


def plain_reply(message: str | None) -> str:
    """The reply when no tool is involved: a restatement of the user's last message."""
    if not message:
        return "Hello! How can I help you today?"
    quoted = " ".join(message.split())
    return f'You asked: "{quoted}". Here is a deterministic answer from the harness assistant.'


def function_reply(calls: Sequence[tuple[str, str, str]]) -> str:
    """The reply that reports function outputs: ``The weather in Paris is: 22C sunny.``"""
    sentences = []
    for name, arguments, output in calls:
        subject = " ".join(name_words(name)) or name
        try:
            args = json.loads(arguments) if arguments else {}
        except ValueError:
            args = {}
        place = next(
            (
                (key, value)
                for key, value in (args.items() if isinstance(args, dict) else [])
                if isinstance(value, str) and value
            ),
            None,
        )
        if place is None:
            sentences.append(f"The {subject} is: {output}")
        else:
            preposition = "in" if any(h in place[0].lower() for h in _LOCATION_HINTS) else "for"
            sentences.append(f"The {subject} {preposition} {place[1]} is: {output}")
    return ". ".join(sentences) + ("" if sentences and sentences[-1].endswith(".") else ".")
