"""Three-valued (Kleene) evaluation of the entitlement rules for one situation.

Per entitlement: a status, why (conditions met, with values and dated parameters), why not (the
first failing condition) and the unknown facts that could change it; then the questions ranked.
Imports only rights modules and the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rights.conditions import (
    All,
    AnyOf,
    Arith,
    Compare,
    Condition,
    Const,
    EntitlementRef,
    Expr,
    FactRef,
    Known,
    Num,
    ParamRef,
)
from rights.model import (
    STATUS_LABELS_NL,
    EntitlementResult,
    Evaluation,
    Figure,
    Question,
    Range,
    format_number_nl,
)
from rights.rules import Entitlement, RuleBook, default_rulebook
from rights.situation import FactValue, Situation
from rights.vocabulary import Fact

Truth = bool | None  # None = unknown

OP_NL = {
    "==": "",
    "!=": "niet ",
    "<": "minder dan ",
    "<=": "hoogstens ",
    ">": "meer dan ",
    ">=": "minstens ",
    "in": "één van ",
    "not_in": "geen van ",
    "between": "tussen ",
    "not_between": "niet tussen ",
    "has": "met ",
    "has_not": "zonder ",
    "has_any": "met één van ",
    "has_none": "met geen van ",
    "has_all": "met al deze: ",
    "lacks_some": "niet met al deze: ",
}
GRANTED = frozenset({"already_has", "automatic_check"})
ELIGIBLE = frozenset({"already_has", "automatic_check", "likely"})


@dataclass(frozen=True)
class Outcome:
    """A three-valued truth with its explanation: leaves met, first leaf failed, facts missing."""

    value: Truth
    met: tuple[str, ...] = ()
    failed: str | None = None
    unknowns: frozenset[str] = frozenset()
    progress: int = 0  # conditions met before `failed`: picks the closest alternative of an any


@dataclass(frozen=True)
class _Interval:
    """A number known between low and high, plus what it was computed from."""

    low: float
    high: float
    figures: tuple[Figure, ...] = ()
    ranged: frozenset[str] = frozenset()  # facts answered as a range


@dataclass(frozen=True)
class _State:
    status: str
    why: tuple[str, ...]
    why_not: str | None
    unknowns: frozenset[str]
    granted: Outcome
    eligible: Outcome


def all_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Kleene AND: false if any is false (the first failure explains), else unknown if any is."""
    items = list(outcomes)
    met = tuple(text for outcome in items if outcome.value for text in outcome.met)
    for outcome in items:
        if outcome.value is False:
            return Outcome(False, failed=outcome.failed, progress=len(met) + outcome.progress)
    unknown = [outcome for outcome in items if outcome.value is None]
    if unknown:
        return Outcome(None, met=met, unknowns=frozenset().union(*(o.unknowns for o in unknown)))
    return Outcome(True, met=met)


def any_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Kleene OR: true if any is true (first success explains), else unknown if any is unknown.

    When all alternatives fail, the one that got furthest explains why (then the first one).
    """
    items = list(outcomes)
    for outcome in items:
        if outcome.value is True:
            return Outcome(True, met=outcome.met)
    unknown = [outcome for outcome in items if outcome.value is None]
    if unknown:
        return Outcome(None, unknowns=frozenset().union(*(o.unknowns for o in unknown)))
    failures = [outcome for outcome in items if outcome.failed]
    if not failures:
        return Outcome(False)
    closest = max(failures, key=lambda outcome: outcome.progress)  # first one on a tie
    return Outcome(False, failed=closest.failed, progress=closest.progress)


def not3(value: Truth) -> Truth:
    return None if value is None else not value


def compare_numbers(op: str, x: _Interval, t: _Interval) -> Truth:
    """x <op> t where both may be ranges: decided only when the whole range is on one side."""
    if op == "<":
        return True if x.high < t.low else False if x.low >= t.high else None
    if op == "<=":
        return True if x.high <= t.low else False if x.low > t.high else None
    if op == ">":
        return True if x.low > t.high else False if x.high <= t.low else None
    if op == ">=":
        return True if x.low >= t.high else False if x.high < t.low else None
    if op in ("==", "!="):
        equal: Truth = None
        if x.low == x.high == t.low == t.high:
            equal = True
        elif x.high < t.low or x.low > t.high:
            equal = False
        return equal if op == "==" else not3(equal)
    raise ValueError(f"unknown numeric operator {op!r}")


class _Evaluator:
    def __init__(self, book: RuleBook, situation: Situation, on: date) -> None:
        self.book = book
        self.situation = situation
        self.on = on
        self.states: dict[str, _State] = {}
        self.derived = {fact.derives: fact.id for fact in book.facts.values() if fact.derives}

    # ---------------------------------------------------------------- facts and numbers

    def value(self, fact_id: str) -> FactValue | None:
        value = self.situation.value(fact_id)
        if value is None and fact_id in self.derived:
            born = self.situation.value(self.derived[fact_id])
            if isinstance(born, date):
                on = self.on
                return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return value

    def number(self, expr: Expr) -> tuple[_Interval | None, frozenset[str]]:
        """Evaluate an expression to an interval, or None with the facts that are missing."""
        if isinstance(expr, Num):
            return _Interval(expr.value, expr.value), frozenset()
        if isinstance(expr, ParamRef):
            figure = self.book.parameters[expr.parameter_id].on(self.on)
            if figure is None:
                return None, frozenset()
            return _Interval(figure.value, figure.value, (figure,)), frozenset()
        if isinstance(expr, FactRef):
            value = self.value(expr.fact_id)
            if value is None:
                return None, frozenset({expr.fact_id})
            if isinstance(value, Range):
                return _Interval(
                    value.low, value.high, ranged=frozenset({expr.fact_id})
                ), frozenset()
            return _Interval(float(value), float(value)), frozenset()
        return self._arith(expr)

    def _arith(self, expr: Arith) -> tuple[_Interval | None, frozenset[str]]:
        parts = [self.number(item) for item in expr.items]
        missing = frozenset().union(*(m for _, m in parts))
        known = [interval for interval, _ in parts]
        if any(interval is None for interval in known) or missing:
            return None, missing
        result = known[0]
        assert result is not None
        for other in known[1:]:
            assert other is not None
            if expr.op == "add":
                low, high = result.low + other.low, result.high + other.high
            elif expr.op == "sub":
                low, high = result.low - other.high, result.high - other.low
            else:
                products = [
                    a * b for a in (result.low, result.high) for b in (other.low, other.high)
                ]
                low, high = min(products), max(products)
            result = _Interval(
                low, high, result.figures + other.figures, result.ranged | other.ranged
            )
        return result, missing

    # ---------------------------------------------------------------- conditions

    def condition(self, node: Condition) -> Outcome:
        if isinstance(node, Const):
            return Outcome(node.value)
        if isinstance(node, All):
            return all_of(self.condition(item) for item in node.items)
        if isinstance(node, AnyOf):
            return any_of(self.condition(item) for item in node.items)
        if isinstance(node, Known):
            fact = self.book.facts[node.fact_id]
            known = self.value(node.fact_id) is not None
            text = f"{_label(fact)}: {'gekend' if known else 'niet gekend'}"
            return _leaf(known != node.negated, text)
        if isinstance(node, EntitlementRef):
            return self._reference(node)
        return self._compare(node)

    def _reference(self, node: EntitlementRef) -> Outcome:
        state = self.states[node.entitlement_id]
        basis = state.granted if node.level == "granted" else state.eligible
        name = self.book.entitlement(node.entitlement_id).name_nl
        label = STATUS_LABELS_NL[state.status]
        if node.level == "granted" and basis.value is False:
            label = "nog niet toegekend"  # its own status (e.g. likely) would read as a yes
        text = f"{name} – {label[:1].lower()}{label[1:]}"
        value = not3(basis.value) if node.negated else basis.value
        if value is None:
            return Outcome(None, unknowns=basis.unknowns)
        return _leaf(value, text)

    def _compare(self, node: Compare) -> Outcome:
        fact = self.book.facts[node.fact_id]
        observed = self.value(node.fact_id)
        if fact.type in ("integer", "money"):
            return self._compare_number(node, fact, observed)
        if observed is None:
            return Outcome(None, unknowns=frozenset({node.fact_id}))
        value = _compare_codes(node.op, observed, node.value)
        text = f"{_label(fact)}: {_describe(fact, observed)}"
        if not (value and node.op in ("==", "has")):  # a met equality says it all
            text += f" (voorwaarde: {OP_NL[node.op]}{_describe(fact, node.value)})"
        return _leaf(value, text)

    def _compare_number(self, node: Compare, fact: Fact, observed: FactValue | None) -> Outcome:
        bounds = node.value if node.op in ("between", "not_between") else (node.value,)
        evaluated = [self.number(expr) for expr in bounds]
        missing = frozenset().union(*(m for _, m in evaluated))
        if observed is None:
            missing |= {node.fact_id}
        thresholds = [interval for interval, _ in evaluated]
        if missing or any(t is None for t in thresholds):
            return Outcome(None, unknowns=missing)
        x = _as_interval(observed, node.fact_id)
        if node.op in ("between", "not_between"):
            low, high = thresholds
            assert low is not None and high is not None
            inside = all_of(
                [Outcome(compare_numbers(">=", x, low)), Outcome(compare_numbers("<=", x, high))]
            ).value
            value = inside if node.op == "between" else not3(inside)
        else:
            assert thresholds[0] is not None
            value = compare_numbers(node.op, x, thresholds[0])
        if value is None:
            ranged = frozenset().union(x.ranged, *(t.ranged for t in thresholds if t))
            return Outcome(None, unknowns=ranged or missing)
        unit = fact.unit
        required = " en ".join(_format_interval(t, unit) for t in thresholds if t)
        figures = tuple(dict.fromkeys(f for t in thresholds if t for f in t.figures))
        detail = "".join(
            f"; {f.label_nl}: {f.value_nl()} ({f.caption_nl(self.on)})" for f in figures
        )
        text = f"{_label(fact)}: {_format_interval(x, unit)}"
        if not (value and node.op == "==" and not detail):  # a met equality says it all
            text += f" (voorwaarde: {OP_NL[node.op]}{required}{detail})"
        return _leaf(value, text)

    # ---------------------------------------------------------------- entitlements

    def entitlement(self, entitlement: Entitlement) -> _State:
        already = self.condition(entitlement.already_has_if)
        applies = self._optional(entitlement.applies_if, True)
        automatic = all_of([applies, self._optional(entitlement.automatic_if, False)])
        likely = all_of([applies, self._optional(entitlement.likely_if, False)])
        granted = any_of([already, automatic])
        eligible = any_of([granted, likely])

        def state(
            status: str,
            why: Iterable[str] = (),
            why_not: str | None = None,
            unknowns: frozenset[str] = frozenset(),
        ) -> _State:
            return _State(status, tuple(dict.fromkeys(why)), why_not, unknowns, granted, eligible)

        if already.value is True:
            return state("already_has", already.met)
        if applies.value is False:
            return state("not_applicable", why_not=applies.failed)
        if automatic.value is True:
            return state("automatic_check", automatic.met)
        if likely.value is True:
            # Still undecided whether it comes automatically: those facts are worth asking.
            upgrade = automatic.unknowns if automatic.value is None else frozenset()
            return state("likely", likely.met, automatic.failed, upgrade)
        if automatic.value is False and likely.value is False:
            failed = likely.failed if entitlement.likely_if is not None else automatic.failed
            return state("unlikely", why_not=failed or automatic.failed)
        open_routes = [route for route in (automatic, likely) if route.value is None]
        why = [text for route in open_routes for text in route.met]
        closed = next((route.failed for route in (automatic, likely) if route.value is False), None)
        unknowns = frozenset().union(*(route.unknowns for route in open_routes))
        return state("possible", why, closed, unknowns)

    def _optional(self, condition: Condition | None, default: bool) -> Outcome:
        return Outcome(default) if condition is None else self.condition(condition)

    def result(self, entitlement: Entitlement, state: _State) -> EntitlementResult:
        figures = tuple(
            figure
            for parameter_id in entitlement.figures
            if (figure := self.book.parameters[parameter_id].on(self.on)) is not None
        )
        order = list(self.book.facts)
        return EntitlementResult(
            id=entitlement.id,
            name_nl=entitlement.name_nl,
            level=entitlement.level,
            grant_mode=entitlement.grant_mode,
            status=state.status,
            why=state.why,
            why_not=state.why_not,
            unknowns=tuple(sorted(state.unknowns, key=order.index)),
            office_kinds=entitlement.office_kinds,
            apply_at=entitlement.apply_at,
            documents=entitlement.documents,
            figures=figures,
            sources=entitlement.sources,
            notes=entitlement.notes,
        )

    def questions(self) -> tuple[Question, ...]:
        """Unknown facts ranked by how many undecided entitlements they appear in."""
        appears: dict[str, list[str]] = {}
        settles: dict[str, int] = {}
        for entitlement in self.book.entitlements:
            unknowns = self.states[entitlement.id].unknowns
            for fact_id in unknowns:
                appears.setdefault(fact_id, []).append(entitlement.id)
            if len(unknowns) == 1:
                (only,) = unknowns
                settles[only] = settles.get(only, 0) + 1
        order = list(self.book.facts)
        ranked = sorted(
            appears, key=lambda f: (-len(appears[f]), -settles.get(f, 0), order.index(f))
        )
        return tuple(_question(self.book.facts[f], appears[f], settles.get(f, 0)) for f in ranked)


def evaluate(
    situation: Situation, on: date | None = None, rulebook: RuleBook | None = None
) -> Evaluation:
    """Evaluate every entitlement with the parameters valid on `on` (default: today)."""
    book = rulebook or default_rulebook()
    day = on or date.today()
    evaluator = _Evaluator(book, situation, day)
    for entitlement in book.evaluation_order:
        evaluator.states[entitlement.id] = evaluator.entitlement(entitlement)
    results = tuple(evaluator.result(e, evaluator.states[e.id]) for e in book.entitlements)
    return Evaluation(day, results, evaluator.questions())


# -------------------------------------------------------------------- formatting helpers


def _leaf(value: Truth, text: str) -> Outcome:
    if value is True:
        return Outcome(True, met=(text,))
    if value is False:
        return Outcome(False, failed=text)
    return Outcome(None)


def _label(fact: Fact) -> str:
    return fact.label_nl[:1].upper() + fact.label_nl[1:]


def _as_interval(value: FactValue, fact_id: str) -> _Interval:
    if isinstance(value, Range):
        return _Interval(value.low, value.high, ranged=frozenset({fact_id}))
    assert isinstance(value, int | float)
    return _Interval(float(value), float(value))


def _format_interval(interval: _Interval, unit: str | None) -> str:
    if interval.low == interval.high:
        return format_number_nl(interval.low, unit)
    return f"tussen {format_number_nl(interval.low)} en {format_number_nl(interval.high, unit)}"


def _compare_codes(op: str, observed: FactValue, required: object) -> bool:
    """Boolean, choice and multi-choice operators (multi-choice answers are complete lists)."""
    if op in ("==", "!="):
        return (observed == required) == (op == "==")
    if op in ("in", "not_in"):
        assert isinstance(required, tuple)
        return (observed in required) == (op == "in")
    assert isinstance(observed, frozenset)
    if op in ("has", "has_not"):
        return (required in observed) == (op == "has")
    assert isinstance(required, tuple)
    if op in ("has_any", "has_none"):
        return bool(observed.intersection(required)) == (op == "has_any")
    return observed.issuperset(required) == (op == "has_all")


def _describe(fact: Fact, value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, frozenset | tuple):
        codes = sorted(value) if isinstance(value, frozenset) else value
        labels = [fact.option_label(code) for code in codes]
        return ", ".join(labels) if labels else "geen"
    return fact.option_label(str(value))


def _question(fact: Fact, entitlement_ids: list[str], settles: int) -> Question:
    return Question(
        fact_id=fact.id,
        text_nl=fact.question_nl,
        answer_type=fact.type,
        options=fact.options,
        unit=fact.unit,
        minimum=fact.minimum,
        maximum=fact.maximum,
        accepts_range=fact.accepts_range,
        entitlement_ids=tuple(entitlement_ids),
        settles=settles,
    )
