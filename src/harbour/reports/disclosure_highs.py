"""One block of the audit loaded into HiGHS once (scipy's bundled binding), with a
warm start between objectives; scipy.optimize.linprog if the binding is missing."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, vstack

INF = math.inf
DUAL_SIMPLEX, PRIMAL_SIMPLEX = 1, 4  # HiGHS's simplex_strategy values


@dataclass
class Block:
    """One independent programme: its entries and the relations among them."""

    entries: np.ndarray  # entry indices, the programme's columns
    a_eq: csr_matrix
    b_eq: np.ndarray
    a_ub: csr_matrix
    b_ub: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


class Programme:
    """One block loaded into HiGHS once; `optimise` changes only the objective, so each
    solve starts from the last optimal basis. Falls back to scipy.optimize.linprog (a
    fresh solve each time) if scipy's bundled HiGHS binding is not importable."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.width = len(block.entries)
        self.cost = np.zeros(self.width)
        self.strategy = DUAL_SIMPLEX
        self.highs = _load(block)

    def optimise(
        self, cost: np.ndarray, *, near: bool = False
    ) -> tuple[str, float, np.ndarray | None]:
        """Minimise cost @ x: ("optimal", value, x) or ("unbounded", -inf, None).
        near: the last optimum is a good start (one entry's objective after another's):
        the primal simplex goes on from it; far objectives do better with the dual."""
        if self.highs is None:
            return _linprog(self.block, cost)
        core, highs = self.highs
        strategy = PRIMAL_SIMPLEX if near else DUAL_SIMPLEX
        if strategy != self.strategy:
            highs.setOptionValue("simplex_strategy", strategy)
            self.strategy = strategy
        changed = np.flatnonzero(cost != self.cost)
        if len(changed):
            highs.changeColsCost(len(changed), changed.astype(np.int32), cost[changed])
            self.cost = cost.copy()
        highs.run()
        status = highs.getModelStatus()
        if status in (
            core.HighsModelStatus.kUnbounded,
            core.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            # The true table is feasible, so "unbounded or infeasible" is unbounded.
            return "unbounded", -INF, None
        if status != core.HighsModelStatus.kOptimal:
            highs.clearSolver()  # retry once from scratch before giving up
            highs.run()
            status = highs.getModelStatus()
            if status != core.HighsModelStatus.kOptimal:
                raise ArithmeticError(
                    f"the audit programme failed: {highs.modelStatusToString(status)}"
                )
        solution = np.array(highs.getSolution().col_value, dtype=np.float64)
        return "optimal", float(highs.getInfo().objective_function_value), solution

    def set_upper(self, upper: np.ndarray) -> None:
        self.block = Block(
            self.block.entries,
            self.block.a_eq,
            self.block.b_eq,
            self.block.a_ub,
            self.block.b_ub,
            self.block.lower,
            upper,
        )
        if self.highs is not None:
            core, highs = self.highs
            top = np.where(np.isinf(upper), core.kHighsInf, upper)
            highs.changeColsBounds(
                self.width, np.arange(self.width, dtype=np.int32), self.block.lower, top
            )


HIGHS_MODULE = "scipy.optimize._highspy._core"


def _highs_core() -> Any:
    """scipy's binding of HiGHS. Importing it the usual way imports all of
    scipy.optimize first (fft, special, spatial...: about 0.4 s of a cold start, more
    than the audit of a dashboard); the extension itself needs none of it, so it is
    loaded from its file and registered under its own name, where a later import of
    scipy.optimize finds it. Any other layout: the usual import."""
    if HIGHS_MODULE in sys.modules:
        return sys.modules[HIGHS_MODULE]
    try:
        import scipy

        folder = Path(scipy.__file__).parent / "optimize" / "_highspy"
        path = str(next(folder.glob("_core*" + next(iter(EXTENSION_SUFFIXES), ".so"))))
        loader = ExtensionFileLoader(HIGHS_MODULE, path)
        spec = spec_from_file_location(HIGHS_MODULE, path, loader=loader)
        if spec is None:
            raise ImportError(HIGHS_MODULE)
        module = module_from_spec(spec)
        loader.exec_module(module)
        sys.modules[HIGHS_MODULE] = module
        return module
    except (ImportError, OSError, StopIteration):
        from scipy.optimize._highspy import _core

        return _core


def _load(block: Block) -> tuple[Any, Any] | None:
    try:
        core = _highs_core()
    except ImportError:  # pragma: no cover - no HiGHS binding at all: use linprog
        return None
    matrix = vstack([block.a_eq, block.a_ub]).tocsc()
    n_eq = block.a_eq.shape[0]
    lp = core.HighsLp()
    lp.num_col_ = len(block.entries)
    lp.num_row_ = matrix.shape[0]
    lp.a_matrix_.num_col_ = len(block.entries)
    lp.a_matrix_.num_row_ = matrix.shape[0]
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.col_cost_ = np.zeros(len(block.entries))
    lp.col_lower_ = block.lower.astype(float)
    lp.col_upper_ = np.where(np.isinf(block.upper), core.kHighsInf, block.upper).astype(float)
    rhs = np.concatenate([block.b_eq, block.b_ub]).astype(float)
    lhs = rhs.copy()
    lhs[n_eq:] = -core.kHighsInf
    lp.row_lower_ = lhs
    lp.row_upper_ = rhs
    highs = core._Highs()
    highs.setOptionValue("output_flag", False)
    # Presolve would hide an unbounded direction behind "unbounded or infeasible" and
    # re-run on every solve; the blocks are small and sparse, the simplex does well.
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("threads", 1)
    if highs.passModel(lp) == core.HighsStatus.kError:
        return None
    return core, highs


def _linprog(block: Block, cost: np.ndarray) -> tuple[str, float, np.ndarray | None]:
    from scipy.optimize import linprog

    bounds = [
        (low, None if math.isinf(high) else high)
        for low, high in zip(block.lower, block.upper, strict=True)
    ]
    solved = linprog(
        cost,
        A_ub=block.a_ub if block.a_ub.shape[0] else None,
        b_ub=block.b_ub if block.a_ub.shape[0] else None,
        A_eq=block.a_eq if block.a_eq.shape[0] else None,
        b_eq=block.b_eq if block.a_eq.shape[0] else None,
        bounds=bounds,
        method="highs",
    )
    if solved.status == 3:
        return "unbounded", -INF, None
    if solved.status != 0:
        raise ArithmeticError(f"the audit programme failed: {solved.message}")
    return "optimal", float(solved.fun), np.asarray(solved.x, dtype=float)
