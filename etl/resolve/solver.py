"""The one way this project states and solves its pairing problems: a linear model over 0/1
decisions, minimised by HiGHS (highspy) within a time bound.

The models are small integer programs (assignments with sum constraints); an LP-based
branch-and-bound closes them far faster than a pure constraint search, and it is
deterministic for the same input. The model is written in plain Python (variables, linear
expressions, constraints as rows) and handed to HiGHS as one sparse matrix in a single call:
building it coefficient by coefficient through a solver's own API cost more than the solve.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from etl.deadline import remaining

try:  # the bare solver highspy's Highs wraps: no banner on stdout, no callbacks to pay for
    from highspy._core import _Highs as _Solver
except ImportError:  # pragma: no cover - another highspy layout
    _Solver = highspy.Highs  # type: ignore[misc]

# A developer's knob: HiGHS options for every solve, "name=value" pairs separated by ';'
# (e.g. "random_seed=7;mip_rel_gap=0"). They change the figures a solve finds, so the cache key
# holds them (solver_settings).
PARAMS_ENV = "MI_ETL_SOLVER_PARAMS"
_INF = highspy.kHighsInf


def solver_settings() -> str:
    """What the environment says about every solve: the solver and its options."""
    return f"highspy {_version()}\n{PARAMS_ENV}={os.environ.get(PARAMS_ENV, '')}"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # OPTIMAL, FEASIBLE (time bound hit), INFEASIBLE, UNKNOWN (time bound, nothing found)
    objective: float

    @property
    def solved(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class Var:
    """A decision variable of one model, by its column."""

    __slots__ = ("column",)

    def __init__(self, column: int) -> None:
        self.column = column

    def expr(self) -> Expr:
        return Expr({self.column: 1.0})

    def __add__(self, other: Term) -> Expr:
        return self.expr() + other

    __radd__ = __add__

    def __sub__(self, other: Term) -> Expr:
        return self.expr() - other

    def __rsub__(self, other: Term) -> Expr:
        return Expr.of(other) - self

    def __mul__(self, factor: float) -> Expr:
        return Expr({self.column: float(factor)})

    __rmul__ = __mul__

    def __neg__(self) -> Expr:
        return Expr({self.column: -1.0})

    def __le__(self, other: Term) -> Constraint:
        return self.expr() <= other

    def __ge__(self, other: Term) -> Constraint:
        return self.expr() >= other

    def __eq__(self, other: Term) -> Constraint:  # type: ignore[override]
        return self.expr() == other

    __hash__ = object.__hash__


class Expr:
    """A linear expression: coefficients by column, and a constant."""

    __slots__ = ("constant", "terms")

    def __init__(self, terms: dict[int, float] | None = None, constant: float = 0.0) -> None:
        self.terms = terms if terms is not None else {}
        self.constant = constant

    @staticmethod
    def of(value: Term) -> Expr:
        if isinstance(value, Expr):
            return value
        if isinstance(value, Var):
            return value.expr()
        return Expr({}, float(value))

    def __add__(self, other: Term) -> Expr:
        o = Expr.of(other)
        terms = dict(self.terms)
        for column, coef in o.terms.items():
            terms[column] = terms.get(column, 0.0) + coef
        return Expr(terms, self.constant + o.constant)

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({c: -v for c, v in self.terms.items()}, -self.constant)

    def __sub__(self, other: Term) -> Expr:
        return self + (-Expr.of(other))

    def __rsub__(self, other: Term) -> Expr:
        return Expr.of(other) - self

    def __mul__(self, factor: float) -> Expr:
        return Expr({c: v * factor for c, v in self.terms.items()}, self.constant * factor)

    __rmul__ = __mul__

    def _row(self, other: Term, lo: float, hi: float) -> Constraint:
        difference = self - other
        return Constraint(difference.terms, lo - difference.constant, hi - difference.constant)

    def __le__(self, other: Term) -> Constraint:
        return self._row(other, -_INF, 0.0)

    def __ge__(self, other: Term) -> Constraint:
        return self._row(other, 0.0, _INF)

    def __eq__(self, other: Term) -> Constraint:  # type: ignore[override]
        return self._row(other, 0.0, 0.0)

    __hash__ = None  # type: ignore[assignment]


Term = Expr | Var | float | int


@dataclass(frozen=True, slots=True)
class Constraint:
    """lo <= sum of coef * column <= hi."""

    terms: dict[int, float]
    lo: float
    hi: float


class Model:
    """A minimisation over 0/1, bounded integer and continuous variables."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integral: list[bool] = []
        self.costs: dict[int, float] = {}
        self.rows: list[Constraint] = []
        self.solution: np.ndarray | None = None

    def _var(self, lo: float, hi: float, integral: bool) -> Var:
        self.lower.append(lo)
        self.upper.append(hi)
        self.integral.append(integral)
        return Var(len(self.lower) - 1)

    def boolean(self) -> Var:
        return self._var(0.0, 1.0, True)

    def fraction(self) -> Var:
        """A variable in [0, 1]: for assignment problems, whose LP optimum is already whole."""
        return self._var(0.0, 1.0, False)

    def integer(self, lo: int, hi: int) -> Var:
        return self._var(float(lo), float(hi), True)

    def add(self, constraint: Constraint) -> None:
        self.rows.append(constraint)

    def exactly_one(self, literals: Iterable[Var]) -> None:
        self.add(self.sum(literals) == 1)

    def at_most_one(self, literals: Iterable[Var]) -> None:
        items = list(literals)
        if len(items) > 1:
            self.add(self.sum(items) <= 1)

    def sum(self, items: Iterable[Term]) -> Expr:
        """One expression of many terms, built in place (adding them one by one copies each time)."""
        terms: dict[int, float] = {}
        constant = 0.0
        for item in items:
            if isinstance(item, Var):
                terms[item.column] = terms.get(item.column, 0.0) + 1.0
            elif isinstance(item, Expr):
                for column, coef in item.terms.items():
                    terms[column] = terms.get(column, 0.0) + coef
                constant += item.constant
            else:
                constant += float(item)
        return Expr(terms, constant)

    def cost(self, weight: float, var: Var) -> None:
        if weight:
            self.costs[var.column] = self.costs.get(var.column, 0.0) + weight

    def gap(self, left: Term, right: Term, bound: int) -> tuple[Var, Var]:
        """left + gap == right with an indicator that the gap is not zero (|gap| <= bound)."""
        gap = self._var(float(-bound), float(bound), False)  # whole anyway: the rest is whole
        flag = self.boolean()
        self.add(Expr.of(left) + gap == right)
        self.add(gap <= bound * flag)
        self.add(gap >= -bound * flag)
        return gap, flag

    def solve(self, time_limit: float) -> Outcome:
        h = _Solver()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", remaining(float(time_limit)))
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 0.0)  # the prices are whole: only the optimum closes a search
        h.setOptionValue("mip_abs_gap", 0.5)
        for name, value in _params():
            h.setOptionValue(name, value)
        h.passModel(self._lp())
        h.run()
        status = h.getModelStatus()
        found = h.getInfo().primal_solution_status == 2  # a feasible solution
        if status == highspy.HighsModelStatus.kOptimal:
            name = "OPTIMAL"
        elif status == highspy.HighsModelStatus.kInfeasible:
            name = "INFEASIBLE"
        else:
            name = "FEASIBLE" if found else "UNKNOWN"
        if name in ("OPTIMAL", "FEASIBLE"):
            self.solution = np.asarray(h.getSolution().col_value)
            return Outcome(name, float(h.getInfo().objective_function_value))
        return Outcome(name, float("inf"))

    def _lp(self) -> highspy.HighsLp:
        n = len(self.lower)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = np.array([self.costs.get(c, 0.0) for c in range(n)], dtype=np.double)
        lp.col_lower_ = np.array(self.lower, dtype=np.double)
        lp.col_upper_ = np.array(self.upper, dtype=np.double)
        lp.row_lower_ = np.array([r.lo for r in self.rows], dtype=np.double)
        lp.row_upper_ = np.array([r.hi for r in self.rows], dtype=np.double)
        starts, index, value = [0], [], []
        for row in self.rows:
            for column, coef in sorted(row.terms.items()):  # canonical: how a row was built changes nothing
                if coef:
                    index.append(column)
                    value.append(coef)
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = len(self.rows)
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=np.double)
        if any(self.integral):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if whole else highspy.HighsVarType.kContinuous for whole in self.integral
            ]
        return lp

    def value(self, term: Var | Expr) -> int:
        """A variable's or an expression's value in the solution found, whole."""
        assert self.solution is not None
        expr = Expr.of(term)
        total = expr.constant + sum(coef * float(self.solution[c]) for c, coef in expr.terms.items())
        return round(total)

    def true(self, var: Var) -> bool:
        assert self.solution is not None
        return bool(self.solution[var.column] > 0.5)


def _version() -> str:
    from importlib.metadata import version

    return version("highspy")


def _params() -> list[tuple[str, bool | int | float | str]]:
    """The HiGHS options MI_ETL_SOLVER_PARAMS gives, typed as HiGHS reads them."""
    out: list[tuple[str, bool | int | float | str]] = []
    for pair in os.environ.get(PARAMS_ENV, "").split(";"):
        if "=" not in pair:
            continue
        name, _, raw = (part.strip() for part in pair.partition("="))
        value: bool | int | float | str = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            for kind in (int, float):
                try:
                    value = kind(raw)
                    break
                except ValueError:
                    continue
        out.append((name, value))
    return out
