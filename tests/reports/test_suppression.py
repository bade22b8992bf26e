"""Complementary suppression (isok.reports.suppression) on small hand-made series, and the public report built
with it. The whole published series is audited by linear programming in test_suppression_audit.py."""

from isok.network.models import HalfYear
from isok.reports import publication
from isok.reports.suppression import Series
from tests.reports.test_services import AS_OF


def _row(values: dict, name: str) -> dict:
    return {(name, column): value for column, value in values.items()}


def _row_equation(name: str) -> dict:
    return {(name, "total"): 1, (name, "women"): -1, (name, "men"): -1}


def test_a_small_cell_is_hidden_with_a_move_that_keeps_every_sum():
    series = Series(5)
    values = {**_row({"total": 12, "women": 3, "men": 9}, "a"), **_row({"total": 20, "women": 10, "men": 10}, "b")}
    swap = {("a", "women"): 1, ("a", "men"): -1}
    series.add_step(
        values,
        sensitive=values,
        candidates=lambda key: [swap],
        extensions=lambda move: [],
        equations=[_row_equation("a"), _row_equation("b")],
    )
    assert series.shown(("a", "women")) == "<5" and series.shown(("a", "men")) == "x"
    assert series.shown(("a", "total")) == 12 and series.shown(("b", "women")) == 10
    assert series.width(swap) == 12 and not series.uncovered


def test_a_candidate_that_breaks_a_sum_or_is_too_narrow_is_refused():
    series = Series(5)
    values = _row({"total": 4, "women": 2, "men": 2}, "a")
    breaks_the_total = {("a", "women"): 1}
    too_narrow = {("a", "women"): 1, ("a", "men"): -1}  # women can move from 0 to 4 only
    wide = {("a", "women"): 1, ("a", "total"): 1}  # one more woman: no upper limit
    series.add_step(
        values,
        sensitive=values,
        candidates=lambda key: [breaks_the_total, too_narrow, wide],
        extensions=lambda move: [],
        equations=[_row_equation("a")],
    )
    assert series.moves[0] == wide and not series.uncovered
    assert not series.balanced(breaks_the_total) and series.width(too_narrow) == 4


def test_an_inclusion_narrows_a_move():
    series = Series(5)
    values = {**_row({"total": 10, "women": 2, "men": 8}, "all"), **_row({"total": 9, "women": 2, "men": 7}, "sub")}
    inclusions = [{("sub", column): 1, ("all", column): -1} for column in ("total", "women", "men")]
    alone = {("sub", "women"): 1, ("sub", "men"): -1}  # sub's women are all's already
    series.add_step(
        values,
        sensitive=values,
        candidates=lambda key: [alone],
        extensions=lambda move: [],
        equations=[_row_equation("all"), _row_equation("sub")],
        inequalities=inclusions,
    )
    assert series.width(alone) == 1 and series.uncovered  # from -1 (men would pass 8) to 0


def test_a_move_reaching_the_cumulative_figures_is_carried_into_the_next_period():
    series = Series(5)
    first = {("p1", "w"): 2, ("p1", "m"): 20, ("p1", "t"): 22}
    sums = [{("p1", "t"): 1, ("p1", "w"): -1, ("p1", "m"): -1}]
    move = {("p1", "w"): 1, ("p1", "m"): -1}
    series.add_step(first, sensitive=first, candidates=lambda key: [move], extensions=lambda m: [], equations=sums)
    second = {("p2", "w"): 10, ("p2", "m"): 10, ("p2", "t"): 20, ("c2", "w"): 12, ("c2", "m"): 30, ("c2", "t"): 42}
    through_period = {**move, ("p2", "w"): -1, ("p2", "m"): 1}
    time = [{("c2", x): 1, ("p1", x): -1, ("p2", x): -1} for x in "wmt"]
    sums2 = [{("p2", "t"): 1, ("p2", "w"): -1, ("p2", "m"): -1}, {("c2", "t"): 1, ("c2", "w"): -1, ("c2", "m"): -1}]
    series.add_step(
        second,
        sensitive=second,
        candidates=lambda key: [],
        extensions=lambda m: [through_period],
        equations=[*time, *sums2],
    )
    assert series.moves == [through_period]
    assert series.shown(("c2", "w")) == 12 and series.shown(("p2", "w")) == "x"


def test_the_public_report_hides_small_numbers_and_what_would_give_them_away(population):
    data = publication.public_report(HalfYear(2025, 2), "period", 5, as_of=AS_OF)
    assert data["suppression"] == {"threshold": 5} and data["rule_set"] == "esf_plus_2021_2027"
    for table in [*data["tables"], data["data_quality"]]:
        for row in table["rows"]:
            if row["unit"] == "persons":
                assert not any(isinstance(v, int) and 0 < v < 5 for v in row["cells"].values()), row
    assert data["data_quality"]["columns"] == ["total"]
    assert all(point["entrants"] in ("<5", "x") for point in data["timeline"])
    targets = next(table for table in data["tables"] if table["key"] == "targets")
    assert all(row["cells"]["percent"] == "x" for row in targets["rows"] if not isinstance(row["cells"]["value"], int))
