"""The one way this project states and solves its pairing problems: a linear model over 0/1
decisions, minimised by a MIP solver (HiGHS by default) within a time bound.

The models are small integer programs (assignments with sum constraints); an LP-based
branch-and-bound closes them far faster than a pure constraint search, and it is
deterministic for the same input.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

# A developer's knobs: another OR-Tools backend (e.g. SCIP), and parameters passed to it as a
# string. Both change the figures a solve finds, so the cache key holds them (solver_settings).
SOLVER_ENV = "MI_ETL_SOLVER"
PARAMS_ENV = "MI_ETL_SOLVER_PARAMS"
BACKEND = os.environ.get(SOLVER_ENV, "HIGHS")
_STATUS = {
    pywraplp.Solver.OPTIMAL: "OPTIMAL",
    pywraplp.Solver.FEASIBLE: "FEASIBLE",
    pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
    pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
    pywraplp.Solver.ABNORMAL: "ABNORMAL",
    pywraplp.Solver.NOT_SOLVED: "UNKNOWN",
}

Var = Any  # pywraplp.Variable (the SWIG class has no usable type information)
Expr = Any  # a pywraplp linear expression, a Var or a number


def solver_settings() -> str:
    """What the environment says about every solve: the backend and its parameters."""
    return f"{SOLVER_ENV}={BACKEND}\n{PARAMS_ENV}={os.environ.get(PARAMS_ENV, '')}"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # OPTIMAL, FEASIBLE (time bound hit), INFEASIBLE, UNKNOWN (time bound, nothing found)
    objective: float

    @property
    def solved(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class Model:
    """A minimisation over 0/1 and integer variables, built term by term."""

    def __init__(self, backend: str = BACKEND) -> None:
        solver = pywraplp.Solver.CreateSolver(backend)
        if solver is None:  # pragma: no cover - the wheel ships HiGHS
            raise RuntimeError(f"the {backend} solver is not available in this OR-Tools build")
        solver.SuppressOutput()
        self.solver = solver
        self.terms: list[tuple[float, Var]] = []
        self._count = 0

    def boolean(self, name: str = "") -> Var:
        self._count += 1
        return self.solver.BoolVar(name or f"b{self._count}")

    def fraction(self, name: str = "") -> Var:
        """A variable in [0, 1]: for assignment problems, whose LP optimum is already whole."""
        self._count += 1
        return self.solver.NumVar(0.0, 1.0, name or f"f{self._count}")

    def integer(self, lo: int, hi: int, name: str = "") -> Var:
        self._count += 1
        return self.solver.IntVar(lo, hi, name or f"i{self._count}")

    def add(self, constraint: Any) -> None:
        self.solver.Add(constraint)

    def exactly_one(self, literals: Iterable[Var]) -> None:
        self.solver.Add(self.solver.Sum(list(literals)) == 1)

    def at_most_one(self, literals: Iterable[Var]) -> None:
        items = list(literals)
        if len(items) > 1:
            self.solver.Add(self.solver.Sum(items) <= 1)

    def sum(self, items: Iterable[Expr]) -> Expr:
        return self.solver.Sum(list(items))

    def cost(self, weight: float, var: Var) -> None:
        if weight:
            self.terms.append((weight, var))

    def gap(self, left: Expr, right: Expr, bound: int, name: str) -> tuple[Var, Var]:
        """left + gap == right with an indicator that the gap is not zero (|gap| <= bound)."""
        self._count += 1
        gap = self.solver.NumVar(-bound, bound, f"gap_{name}_{self._count}")  # whole anyway: the rest is whole
        flag = self.boolean(f"has_{name}")
        self.add(left + gap == right)
        self.add(gap <= bound * flag)
        self.add(gap >= -bound * flag)
        return gap, flag

    def solve(self, time_limit: float) -> Outcome:
        objective = self.solver.Objective()
        for weight, var in self.terms:
            objective.SetCoefficient(var, objective.GetCoefficient(var) + weight)
        objective.SetMinimization()
        self.solver.SetTimeLimit(int(time_limit * 1000))
        extra = os.environ.get(PARAMS_ENV)
        if extra:
            self.solver.SetSolverSpecificParametersAsString(extra)
        with _quiet_stdout():
            status = _STATUS.get(self.solver.Solve(), "UNKNOWN")
        value = self.solver.Objective().Value() if status in ("OPTIMAL", "FEASIBLE") else float("inf")
        return Outcome(status, value)

    def value(self, var: Var) -> int:
        return int(var.solution_value() + 0.5) if var.solution_value() >= 0 else -int(-var.solution_value() + 0.5)

    def true(self, var: Var) -> bool:
        return bool(var.solution_value() > 0.5)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on the C-level stdout that no option silences: send it to /dev/null."""
    fd = 1
    try:
        sys.stdout.flush()
        saved = os.dup(fd)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
