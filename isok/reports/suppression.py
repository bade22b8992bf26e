"""Complementary cell suppression over a series of linked tables, published one period at a time.

The method is cell suppression as statistics offices practise it (the hypercube idea of τ-ARGUS, Repsilber 1994,
Giessing & Repsilber 2002), extended along the time axis:

- primary suppression hides every person count from 1 to k−1;
- complementary suppression then hides, for each primary cell, a *move*: a set of cells whose values can all change
  together by ±t (as if some people of one profile were counted under another gender, or more of them came) without
  breaking any relation a reader knows (totals, women + men + other, the same figure in two
  tables, previous cumulative + period = cumulative) while every count stays ≥ 0 and every inclusion ("of which",
  disjoint bands within a total) still holds. The largest and smallest t the move allows bound how far a reader can
  narrow each of its cells; a move is taken only when that range is at least k wide. A hidden cell therefore
  cannot be worked out to within fewer than k values from everything published, whichever equations are combined
  (tests/reports/test_suppression_audit.py checks this with a linear programme over the whole series).
- periods are protected in order, and what earlier periods published stays as published: a move that reached the
  last cumulative figure is extended into the next period (through the next cumulative figure, or back through the
  next period's figure), so the series keeps every hidden cell hidden.

This module knows nothing of reports: it works on keys, values and relations, and takes the candidate moves from
its caller (isok.reports.publication builds them from the tables' structure); it checks every candidate against
the relations before it trusts it.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable

Key = Hashable
Move = dict  # {key: coefficient}


class Series:
    """The suppression pattern of a series of published steps (periods), built one step at a time."""

    def __init__(self, k: int):
        self.k = k
        self.values: dict[Key, int] = {}
        self.hidden: set[Key] = set()
        self.primary: set[Key] = set()
        self.equations: list[Move] = []  # each: sum of coefficient × value = 0
        self.inequalities: list[Move] = []  # each: sum of coefficient × value ≤ 0
        self._equations_of: dict[Key, list[int]] = defaultdict(list)
        self._inequalities_of: dict[Key, list[int]] = defaultdict(list)
        self.moves: list[Move] = []
        self.uncovered: set[Key] = set()  # hidden cells no move k wide was found for (the audit would show them)

    def add_step(
        self,
        values: dict[Key, int],
        *,
        sensitive: Iterable[Key],
        candidates: Callable[[Key], Iterable],
        extensions: Callable[[Move], Iterable],
        unpublished: Iterable[Key] = (),
        equations: Iterable[Move] = (),
        inequalities: Iterable[Move] = (),
    ) -> None:
        """Add a step's figures and relations, and protect them.

        `sensitive` keys counting 1..k−1 are hidden, each with a move from `candidates(key)`; moves of earlier
        steps that the new relations break are replaced by one of `extensions(move)`; `unpublished` keys (figures
        a reader never sees) count as hidden from the start.
        """
        new = set(values) - set(self.values)
        self.values.update(values)
        for equation in equations:
            self._add(equation, self.equations, self._equations_of)
        for inequality in inequalities:
            self._add(inequality, self.inequalities, self._inequalities_of)
        self.hidden |= set(unpublished)
        allowed = new | self.hidden
        for index, move in enumerate(self.moves):
            if not self.balanced(move):
                self.moves[index] = self._choose(move, extensions(move), allowed)
        primaries = sorted((key for key in sensitive if key in new and 0 < self.values[key] < self.k), key=repr)
        self.hidden |= set(primaries)
        self.primary |= set(primaries)
        covered = {key for move in self.moves for key in move}
        for key in primaries:
            if key not in covered:
                move = self._choose({key: 1}, candidates(key), new | self.hidden)
                self.moves.append(move)
                covered |= set(move)

    def shown(self, key: Key):
        """The value as published: the number, "<k" for a small count, "x" for a cell hidden to protect one."""
        if key not in self.hidden:
            return self.values[key]
        return f"<{self.k}" if key in self.primary else "x"

    # --- moves --------------------------------------------------------------------------------------------------

    def balanced(self, move: Move) -> bool:
        """Whether every sum a reader knows still holds when the move's cells change together."""
        indexes = {i for key in move for i in self._equations_of[key]}
        return all(sum(c * move.get(key, 0) for key, c in self.equations[i].items()) == 0 for i in indexes)

    def width(self, move: Move) -> float:
        """How far the move's cells can all change together, every count ≥ 0 and every inclusion kept."""
        low, high = -math.inf, math.inf
        for key, coefficient in move.items():
            value = self.values[key]
            if coefficient > 0:
                low = max(low, -value / coefficient)
            else:
                high = min(high, value / -coefficient)
        for index in {i for key in move for i in self._inequalities_of[key]}:
            inequality = self.inequalities[index]
            rate = sum(coefficient * move.get(key, 0) for key, coefficient in inequality.items())
            slack = -sum(coefficient * self.values[key] for key, coefficient in inequality.items())
            if rate > 0:
                high = min(high, slack / rate)
            elif rate < 0:
                low = max(low, slack / rate)
        return high - low

    def _choose(self, fallback: Move, candidates: Iterable[Move], allowed: set[Key]) -> Move:
        """The candidate that hides the fewest new cells (then the smallest values) among those that keep every
        sum and are k wide; without one, the widest balanced candidate, its cells marked uncovered."""
        best, widest = None, None
        for move in candidates:
            if not all(key in self.values and (key in allowed or key in self.hidden) for key in move):
                continue
            if not self.balanced(move):
                continue
            width = self.width(move)
            cost = (
                sum(1 for key in move if key not in self.hidden),
                sum(self.values[key] for key in move if key not in self.hidden),
            )
            if width >= self.k and (best is None or cost < best[0]):
                best = (cost, move)
            if widest is None or width > widest[0]:
                widest = (width, move)
        if best is not None:
            chosen = best[1]
        else:
            chosen = widest[1] if widest else fallback
            self.uncovered |= set(chosen)
        self.hidden |= set(chosen)
        return chosen

    @staticmethod
    def _add(relation: Move, relations: list, index_of: dict) -> None:
        relation = {key: coefficient for key, coefficient in relation.items() if coefficient}
        if not relation:
            return
        relations.append(relation)
        for key in relation:
            index_of[key].append(len(relations) - 1)
