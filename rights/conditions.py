"""Condition and expression trees of the rule format, and their compilation from YAML.

Compilation checks every name (fact, option, parameter, entitlement, definition) and pushes
`not` down to the leaves, so every leaf can explain itself. Standard library only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# ------------------------------------------------------------------ expressions (numbers)


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class ParamRef:
    parameter_id: str


@dataclass(frozen=True)
class FactRef:
    fact_id: str


@dataclass(frozen=True)
class Arith:
    op: str  # add | sub | mul
    items: tuple[Expr, ...]


Expr = Num | ParamRef | FactRef | Arith

# ------------------------------------------------------------------ conditions


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Compare:
    """fact <op> value; value is an Expr, a (low, high) pair of Expr, a code or codes, or a bool."""

    fact_id: str
    op: str
    value: Any


@dataclass(frozen=True)
class Known:
    fact_id: str
    negated: bool = False


@dataclass(frozen=True)
class EntitlementRef:
    """Another entitlement's outcome: `eligible` (has it, automatic or likely) or `granted`."""

    entitlement_id: str
    level: str = "eligible"
    negated: bool = False


Condition = Const | All | AnyOf | Compare | Known | EntitlementRef

NEGATED_OP = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "in": "not_in",
    "not_in": "in",
    "between": "not_between",
    "not_between": "between",
    "has": "has_not",
    "has_not": "has",
    "has_any": "has_none",
    "has_none": "has_any",
    "has_all": "lacks_some",
    "lacks_some": "has_all",
}
NUMERIC_OPS = frozenset({"==", "!=", "<", "<=", ">", ">=", "between", "not_between"})
OPS_BY_TYPE: dict[str, frozenset[str]] = {
    "integer": NUMERIC_OPS,
    "money": NUMERIC_OPS,
    "boolean": frozenset({"==", "!="}),
    "choice": frozenset({"==", "!=", "in", "not_in"}),
    "multi_choice": frozenset({"has", "has_not", "has_any", "has_none", "has_all", "lacks_some"}),
    "date": frozenset(),
}
LIST_OPS = frozenset({"in", "not_in", "has_any", "has_none", "has_all", "lacks_some"})
GROUP_KEYS = ("all", "any", "not", "use", "fact", "known", "entitlement")
REF_LEVELS = ("eligible", "granted")


def suggestion(name: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for a likely typo, or ''."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class CompileContext:
    """What a condition may refer to, and where problems go (path -> English message)."""

    facts: Mapping[str, Any]  # fact id -> rules.Fact
    parameters: Mapping[str, Any]
    entitlement_ids: frozenset[str]
    definitions: Mapping[str, Any]  # name -> raw YAML condition
    report: Callable[[str, str], None]
    refs: set[str] = field(default_factory=set)
    parameters_used: set[str] = field(default_factory=set)
    stack: list[str] = field(default_factory=list)


def compile_condition(raw: Any, ctx: CompileContext, path: str, negate: bool = False) -> Condition:
    """YAML condition -> Condition tree in negation normal form (problems go to ctx.report)."""
    if isinstance(raw, bool):
        return Const(raw != negate)
    if not isinstance(raw, dict):
        ctx.report(path, f"a condition must be a mapping or true/false, got {raw!r}")
        return Const(False)
    kinds = [key for key in GROUP_KEYS if key in raw]
    if len(kinds) != 1:
        ctx.report(
            path, f"a condition needs exactly one of {', '.join(GROUP_KEYS)}; got {sorted(raw)}"
        )
        return Const(False)
    kind = kinds[0]
    if kind in ("all", "any"):
        return _compile_group(raw, kind, ctx, path, negate)
    if kind == "not":
        _only_keys(raw, {"not"}, ctx, path)
        return compile_condition(raw["not"], ctx, f"{path}.not", not negate)
    if kind == "use":
        return _compile_use(raw, ctx, path, negate)
    if kind == "known":
        _only_keys(raw, {"known"}, ctx, path)
        if raw["known"] not in ctx.facts:
            ctx.report(f"{path}.known", _unknown_fact(raw["known"], ctx))
        return Known(str(raw["known"]), negated=negate)
    if kind == "entitlement":
        return _compile_ref(raw, ctx, path, negate)
    return _compile_compare(raw, ctx, path, negate)


def _only_keys(raw: dict[str, Any], allowed: set[str], ctx: CompileContext, path: str) -> None:
    for key in raw:
        if key not in allowed:
            ctx.report(f"{path}.{key}", f"unexpected key '{key}'{suggestion(key, allowed)}")


def _unknown_fact(name: Any, ctx: CompileContext) -> str:
    return f"unknown fact '{name}'{suggestion(name, ctx.facts)}"


def _compile_group(
    raw: dict[str, Any], kind: str, ctx: CompileContext, path: str, negate: bool
) -> Condition:
    _only_keys(raw, {kind}, ctx, path)
    items = raw[kind]
    if not isinstance(items, list):
        ctx.report(f"{path}.{kind}", f"'{kind}' needs a list of conditions")
        return Const(False)
    compiled = tuple(
        compile_condition(item, ctx, f"{path}.{kind}[{index}]", negate)
        for index, item in enumerate(items)
    )
    # De Morgan: not(all) = any(not ...), not(any) = all(not ...)
    return All(compiled) if (kind == "all") != negate else AnyOf(compiled)


def _compile_use(raw: dict[str, Any], ctx: CompileContext, path: str, negate: bool) -> Condition:
    _only_keys(raw, {"use"}, ctx, path)
    name = raw["use"]
    if name not in ctx.definitions:
        ctx.report(f"{path}.use", f"unknown definition '{name}'{suggestion(name, ctx.definitions)}")
        return Const(False)
    if name in ctx.stack:
        cycle = " -> ".join([*ctx.stack[ctx.stack.index(name) :], name])
        ctx.report(f"{path}.use", f"definition cycle: {cycle}")
        return Const(False)
    ctx.stack.append(name)
    try:
        return compile_condition(ctx.definitions[name], ctx, f"{path}<{name}>", negate)
    finally:
        ctx.stack.pop()


def _compile_ref(raw: dict[str, Any], ctx: CompileContext, path: str, negate: bool) -> Condition:
    _only_keys(raw, {"entitlement", "is"}, ctx, path)
    target = raw["entitlement"]
    level = raw.get("is", "eligible")
    if target not in ctx.entitlement_ids:
        ctx.report(
            f"{path}.entitlement",
            f"unknown entitlement '{target}'{suggestion(target, ctx.entitlement_ids)}",
        )
        return Const(False)
    if level not in REF_LEVELS:
        ctx.report(f"{path}.is", f"'is' must be one of {', '.join(REF_LEVELS)}, got {level!r}")
    ctx.refs.add(target)
    return EntitlementRef(target, level if level in REF_LEVELS else "eligible", negated=negate)


def _compile_compare(
    raw: dict[str, Any], ctx: CompileContext, path: str, negate: bool
) -> Condition:
    fact_id = raw["fact"]
    fact = ctx.facts.get(fact_id)
    if fact is None:
        ctx.report(f"{path}.fact", _unknown_fact(fact_id, ctx))
        return Const(False)
    ops = [key for key in raw if key != "fact"]
    allowed = OPS_BY_TYPE[fact.type]
    if len(ops) != 1 or ops[0] not in allowed:
        ctx.report(
            path,
            f"fact '{fact_id}' ({fact.type}) needs exactly one operator of "
            f"{', '.join(sorted(allowed)) or 'none'}; got {ops}"
            + (suggestion(ops[0], allowed) if len(ops) == 1 else ""),
        )
        return Const(False)
    op = ops[0]
    value = _compile_operand(fact, op, raw[op], ctx, f"{path}.{op}")
    return Compare(fact_id, NEGATED_OP[op] if negate else op, value)


def _compile_operand(fact: Any, op: str, raw: Any, ctx: CompileContext, path: str) -> Any:
    if fact.type in ("integer", "money"):
        if op in ("between", "not_between"):
            if not (isinstance(raw, list) and len(raw) == 2):
                ctx.report(path, "'between' needs a list of two values [low, high]")
                return (Num(0), Num(0))
            return (
                compile_expr(raw[0], ctx, f"{path}[0]"),
                compile_expr(raw[1], ctx, f"{path}[1]"),
            )
        return compile_expr(raw, ctx, path)
    if fact.type == "boolean":
        if not isinstance(raw, bool):
            ctx.report(
                path, f"fact '{fact.id}' is boolean: compare with true or false, got {raw!r}"
            )
            return False
        return raw
    codes = {option.code for option in fact.options}
    values = raw if op in LIST_OPS else [raw]
    if op in LIST_OPS and not (isinstance(raw, list) and raw):
        ctx.report(path, f"'{op}' needs a non-empty list of options of fact '{fact.id}'")
        return ()
    for value in values:
        if value not in codes:
            ctx.report(
                path,
                f"unknown option '{value}' for fact '{fact.id}'{suggestion(value, codes)}",
            )
    return tuple(values) if op in LIST_OPS else raw


def compile_expr(raw: Any, ctx: CompileContext, path: str) -> Expr:
    """Number | {param} | {fact} (numeric) | {add|mul: [...]} | {sub: [a, b]}."""
    if isinstance(raw, bool) or raw is None:
        ctx.report(path, f"expected a number or a numeric expression, got {raw!r}")
        return Num(0)
    if isinstance(raw, int | float):
        return Num(float(raw))
    if not (isinstance(raw, dict) and len(raw) == 1):
        ctx.report(
            path,
            f"expected a number, {{param}}, {{fact}}, {{add}}, {{sub}} or {{mul}}, got {raw!r}",
        )
        return Num(0)
    ((key, value),) = raw.items()
    if key == "param":
        if value not in ctx.parameters:
            ctx.report(
                f"{path}.param", f"unknown parameter '{value}'{suggestion(value, ctx.parameters)}"
            )
            return Num(0)
        ctx.parameters_used.add(value)
        return ParamRef(value)
    if key == "fact":
        fact = ctx.facts.get(value)
        if fact is None:
            ctx.report(f"{path}.fact", _unknown_fact(value, ctx))
            return Num(0)
        if fact.type not in ("integer", "money"):
            ctx.report(f"{path}.fact", f"fact '{value}' is {fact.type}, not a number")
            return Num(0)
        return FactRef(value)
    if key in ("add", "sub", "mul"):
        wanted_two = key == "sub"
        if not isinstance(value, list) or len(value) < 2 or (wanted_two and len(value) != 2):
            ctx.report(
                f"{path}.{key}",
                f"'{key}' needs a list of {'two' if wanted_two else 'two or more'} values",
            )
            return Num(0)
        return Arith(
            key,
            tuple(compile_expr(item, ctx, f"{path}.{key}[{i}]") for i, item in enumerate(value)),
        )
    ctx.report(
        path, f"unknown expression '{key}'{suggestion(key, ('param', 'fact', 'add', 'sub', 'mul'))}"
    )
    return Num(0)
