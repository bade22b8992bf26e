"""Published statistics never single anyone out (security anchors F5): a property over many random tables."""

from hypothesis import given, settings
from hypothesis import strategies as st

from isok.reports.exports import publish
from isok.reports.suppression import suppress

counts = st.integers(min_value=0, max_value=40)
tables = st.integers(1, 5).flatmap(lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns),
                                                            min_size=1, max_size=6))


def _lines(rows, columns):
    for i in range(rows + 1):
        yield [(i, j) for j in range(columns + 1)]
    for j in range(columns + 1):
        yield [(i, j) for i in range(rows + 1)]


@settings(max_examples=1000, deadline=None)
@given(tables, st.sampled_from([3, 5, 10]))
def test_no_small_cell_is_published_and_none_can_be_recovered(table, k):
    result = suppress(table, k)
    rows, columns = len(table), len(table[0])
    full = [[*row, sum(row)] for row in table]
    full.append([sum(full[i][j] for i in range(rows)) for j in range(columns + 1)])
    for i in range(rows + 1):
        for j in range(columns + 1):
            value = result.values[i][j]
            assert value is None or value == full[i][j], "published values are the true counts"
            assert value is None or not 0 < value < k, "no published cell counts 1..k-1 people"
    for line in _lines(rows, columns):
        hidden = [cell for cell in line if result.values[cell[0]][cell[1]] is None]
        assert len(hidden) != 1, f"a hidden cell of {line} follows from the rest of the line"


@settings(max_examples=200, deadline=None)
@given(tables)
def test_nothing_is_hidden_when_no_cell_is_small(table):
    big = [[value + 5 if value else 0 for value in row] for row in table]
    if any(0 < sum(row) < 5 for row in big):
        return
    result = suppress(big, 5)
    assert all(value is not None for row in result.values for value in row)


def test_a_small_cell_and_its_partner_are_hidden():
    result = suppress([[3, 10, 12]], 5)
    assert result.values[0] == [None, None, 12, 25]
    assert [result.shown(0, j, 5) for j in range(4)] == ["<5", "x", 12, 25]


def test_a_lone_small_cell_hides_its_total():
    result = suppress([[2, 0]], 5)
    assert result.values[0] == [None, 0, None]


def _row(key, cells, **extra):
    return {"key": key, "label": key, "code": None, "level": 0, "unit": "persons", "sums_into": None,
            "drill": True, "cells": cells, **extra}


def test_publishing_a_report_hides_small_person_cells_but_not_organisations():
    data = {
        "tables": [
            {"key": "labour_status", "rows": [
                _row("unemployed", {"total": 12, "women": 9, "men": 3, "other": 0}, sums_into="total"),
                _row("inactive", {"total": 8, "women": 4, "men": 4, "other": 0}, sums_into="total"),
                _row("employed", {"total": 10, "women": 5, "men": 5, "other": 0}, sums_into="total"),
                _row("total", {"total": 30, "women": 18, "men": 12, "other": 0})]},
            {"key": "entities", "rows": [_row("companies", {"total": 2}, unit="organisations")]},
            {"key": "targets", "rows": [_row("training_participants", {"target": 70, "value": 3, "percent": 4})]},
        ],
        "data_quality": {"key": "data_quality", "rows": [_row("excluded", {"total": 1, "women": 0, "men": 0,
                                                                           "other": 0})]},
    }
    published = publish(data, 5)
    status = {row["key"]: row["cells"] for row in published["tables"][0]["rows"]}
    assert status["unemployed"]["men"] == "<5" and status["inactive"]["women"] == "<5"
    assert all(cell not in (1, 2, 3, 4) for cells in status.values() for cell in cells.values())
    assert published["tables"][1]["rows"][0]["cells"] == {"total": 2}
    assert published["tables"][2]["rows"][0]["cells"] == {"target": 70, "value": "<5", "percent": "x"}
    assert published["data_quality"]["rows"][0]["cells"]["total"] == "<5"
    assert data["tables"][0]["rows"][0]["cells"]["men"] == 3, "the internal figures are left exact"
