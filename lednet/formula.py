"""Arithmetic formulas over indicator ids, parsed into a whitelisted tree and never eval'd.

A derived indicator's formula (``ed_revenue_spend * 1000 / population_16_64``) and a cross-field
check (``jobs_created_full_time + jobs_created_part_time == jobs_created_total``) are both read
from the catalogue. Python's own parser builds the tree; only numbers, indicator names, the four
arithmetic operators, unary minus, parentheses and one comparison are allowed through.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_ARITHMETIC: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARISON: dict[type, str] = {
    ast.Eq: "==",
    ast.LtE: "<=",
    ast.GtE: ">=",
    ast.Lt: "<",
    ast.Gt: ">",
}


class FormulaError(ValueError):
    """The formula text uses something outside the allowed grammar."""


@dataclass(frozen=True)
class Formula:
    """A parsed arithmetic expression; ``names`` are the indicator ids it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str] = field(default_factory=frozenset)

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """Value of the formula, or None when an input is missing or a divisor is zero."""
        return _evaluate(self.tree, values)


@dataclass(frozen=True)
class Comparison:
    """``left OP right``, where both sides are formulas; used by cross-field checks."""

    text: str
    left: Formula
    op: str
    right: Formula

    @property
    def names(self) -> frozenset[str]:
        return self.left.names | self.right.names


def parse_formula(text: str) -> Formula:
    """Parse an arithmetic formula, raising FormulaError for anything not allowed."""
    tree = _parse(text)
    if isinstance(tree, ast.Compare):
        raise FormulaError("a formula cannot contain a comparison")
    names = _check(tree)
    return Formula(text=text, tree=tree, names=frozenset(names))


def parse_comparison(text: str) -> Comparison:
    """Parse ``a + b == c`` style rules: exactly one comparison between two formulas."""
    tree = _parse(text)
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1:
        raise FormulaError("a check must be one comparison, such as 'a + b == c'")
    op_type = type(tree.ops[0])
    if op_type not in _COMPARISON:
        raise FormulaError("allowed comparisons are ==, <=, >=, < and >")
    left_tree, right_tree = tree.left, tree.comparators[0]
    left = Formula(ast.unparse(left_tree), left_tree, frozenset(_check(left_tree)))
    right = Formula(ast.unparse(right_tree), right_tree, frozenset(_check(right_tree)))
    return Comparison(text=text, left=left, op=_COMPARISON[op_type], right=right)


def compare(op: str, left: float, right: float, tolerance: float = 0.0) -> bool:
    """Apply a comparison operator, allowing ``tolerance`` of slack for rounding."""
    if op == "==":
        return abs(left - right) <= tolerance
    if op == "<=":
        return left <= right + tolerance
    if op == ">=":
        return left + tolerance >= right
    if op == "<":
        return left < right + tolerance
    return left + tolerance > right


def _parse(text: str) -> ast.expr:
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty")
    try:
        module = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot parse {text!r}: {exc.msg}") from exc
    return module.body


def _check(node: ast.AST) -> set[str]:
    """Walk the tree, rejecting any node type outside the grammar; return the names used."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return _check(node.left) | _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _check(node.operand)
    raise FormulaError(f"{ast.unparse(node)!r} is not allowed; use numbers, ids, + - * / and ()")


def _evaluate(node: ast.expr, values: Mapping[str, float | None]) -> float | None:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        return float(node.value)
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        return None if value is None else float(value)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return None if operand is None else -operand
    assert isinstance(node, ast.BinOp)
    left = _evaluate(node.left, values)
    right = _evaluate(node.right, values)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Div) and right == 0:
        return None
    return _ARITHMETIC[type(node.op)](left, right)
