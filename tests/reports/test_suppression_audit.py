"""The suppression audit: can any hidden figure of the published series be narrowed down from what is published?

Every public report of the project is taken as published, period and cumulative for each half-year, with its
timeline and targets. The audit writes down, on its own, what a reader knows: each table's sums (women + men + other
= total, rows into their total), the figures shown twice (table 1's total is table 3's "all" and table 8's
participants starting validation; the timeline; the targets' realised values), previous cumulative + period =
cumulative, and the inclusions ("of which" rows, bands within the total, results within the leavers). Each hidden
figure then gets the smallest and largest value those linear relations allow (scipy's linprog, HiGHS); a range
narrower than the threshold fails the audit.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pytest
from scipy.optimize import linprog

from cases import services as case_services
from cases.models import Answer, ClientType, Gender, LabourMarketResult, LabourStatus
from isok import demo
from isok.extensions import db
from isok.network import services as network_services
from isok.network.models import HalfYear
from isok.reports import publication, services

K = 5
GENDERS = ("women", "men", "other")
COLUMNS = ("total", *GENDERS)
# What the tables add up to (ESF+ rules).
SUMS = {
    "labour_status": (("unemployed", "inactive", "employed"), "total"),
    "education": (("isced_0_2", "isced_3_4", "isced_5_8"), "all"),
    "project": (("clients_long_term", "clients_short_term"), "clients_started"),
    "data_quality": (("excluded_long_term", "excluded_short_term"), "excluded"),
}
SAME = [
    (("education", "all"), ("labour_status", "total")),
    (("project", "clients_started"), ("labour_status", "total")),
]
TARGETS = {
    "clients_started_validation": ("project", "clients_started"),
    "training_participants": ("project", "training_participants"),
    "dissemination_attendees": ("project", "dissemination_attendees"),
}
CHARACTERISTICS = ("third_country_national", "foreign_background", "minority", "disability", "homeless", "rural")
# (rows whose people are among those of) (these rows), all in the same report and column.
WITHIN = [
    ([("labour_status", "long_term_unemployed")], [("labour_status", "unemployed")]),
    ([("labour_status", "inactive_not_in_education")], [("labour_status", "inactive")]),
    ([("labour_status", "self_employed")], [("labour_status", "employed")]),
    ([("age", "under_18"), ("age", "age_18_29"), ("age", "age_55_plus")], [("labour_status", "total")]),
    *(
        (
            [("characteristics", c), ("characteristics", f"{c}_declined"), ("characteristics", f"{c}_not_asked")],
            [("labour_status", "total")],
        )
        for c in CHARACTERISTICS
    ),
    ([("immediate_results", "job_searching"), ("immediate_results", "employed")], [("immediate_results", "leavers")]),
    ([("immediate_results", "education_or_training")], [("immediate_results", "leavers")]),
    ([("immediate_results", "qualification")], [("immediate_results", "leavers")]),
    ([("six_month_results", "followed_up")], [("six_month_results", "due")]),
    ([("six_month_results", "responded")], [("six_month_results", "due")]),
    ([("six_month_results", "employed_6m")], [("six_month_results", "responded")]),
    ([("six_month_results", "better_situation")], [("six_month_results", "responded")]),
    *(
        ([("data_quality", f"missing_{m}")], [("data_quality", "excluded")])
        for m in ("gender", "age", "labour_status", "isced")
    ),
    (
        [("data_quality", "excluded")],
        [("data_quality", f"missing_{m}") for m in ("gender", "age", "labour_status", "isced")],
    ),
]


def _person_figures(data: dict) -> dict:
    """{(table, row, column): value} of every person figure of a report as published."""
    figures = {}
    for table in [*data["tables"], data["data_quality"]]:
        if table["key"] == "targets":
            continue
        for row in table["rows"]:
            if row["unit"] == "persons":
                for column in COLUMNS:
                    if column in row["cells"] and column in table["columns"]:
                        figures[(table["key"], row["key"], column)] = row["cells"][column]
    return figures


def published_series(periods: list[HalfYear], as_of: date) -> dict:
    """Every public report of the project: {(period code, scope): data}."""
    return {
        (period.code, scope): publication.public_report(period, scope, K, as_of=as_of)
        for period in periods
        for scope in ("period", "cumulative")
    }


def audit(series: dict, periods: list[HalfYear], truth: dict | None = None) -> dict:
    """The feasible range of every hidden figure: {variable: (low, high)}. With `truth` (the same reports
    unsuppressed) the relations are first checked to hold for the true figures."""
    values, relations = {}, []  # relations: (coefficients, kind) with kind "=" or "<=" (sum ≤ 0)
    codes = [period.code for period in periods]
    for (code, scope), data in series.items():
        for (table, row, column), value in _person_figures(data).items():
            values[(code, scope, table, row, column)] = value
        for point in data["timeline"]:
            for kind, (table, row) in (
                ("entrants", ("labour_status", "total")),
                ("leavers", ("immediate_results", "leavers")),
            ):
                shown = ("timeline", code, scope, point["period"], kind)
                values[shown] = point[kind]
                relations.append(({shown: 1, (point["period"], "period", table, row, "total"): -1}, "="))
        for target in next(t for t in data["tables"] if t["key"] == "targets")["rows"]:
            if target["key"] in TARGETS:
                shown = ("target", code, scope, target["key"])
                values[shown] = target["cells"]["value"]
                relations.append(({shown: 1, (code, "cumulative", *TARGETS[target["key"]], "total"): -1}, "="))
                assert isinstance(target["cells"]["percent"], int) == isinstance(target["cells"]["value"], int)
    for code in codes:
        for scope in ("period", "cumulative"):

            def key(table, row, column, code=code, scope=scope):
                return (code, scope, table, row, column)

            present = {name[2:4] for name in values if name[:2] == (code, scope)}
            for table, row in present:
                if all(key(table, row, column) in values for column in COLUMNS):
                    terms = {key(table, row, "total"): 1, **{key(table, row, g): -1 for g in GENDERS}}
                    if (table, row) == ("project", "training_participants"):  # some gender not stated
                        relations.append(({name: -c for name, c in terms.items()}, "<="))
                    else:
                        relations.append((terms, "="))
            for table, (parts, total) in SUMS.items():
                for column in COLUMNS:
                    if key(table, total, column) in values:
                        relations.append(
                            ({key(table, total, column): 1, **{key(table, part, column): -1 for part in parts}}, "=")
                        )
            for (table, row), (same_table, same_row) in SAME:
                for column in COLUMNS:
                    relations.append(({key(table, row, column): 1, key(same_table, same_row, column): -1}, "="))
            for smaller, larger in WITHIN:
                for column in COLUMNS:
                    terms = defaultdict(int)
                    for (table, row), sign in [*((name, 1) for name in smaller), *((name, -1) for name in larger)]:
                        terms[key(table, row, column)] += sign
                    if all(name in values for name in terms):
                        relations.append((dict(terms), "<="))
    for index, code in enumerate(codes):
        for _code, _scope, table, row, column in [name for name in values if name[:2] == (code, "cumulative")]:
            terms = {(code, "cumulative", table, row, column): 1, (code, "period", table, row, column): -1}
            if index:
                terms[(codes[index - 1], "cumulative", table, row, column)] = -1
            relations.append((terms, "="))
    if truth is not None:
        for terms, kind in relations:
            total = sum(c * truth[name] for name, c in terms.items())
            assert (total == 0) if kind == "=" else (total <= 0), (terms, kind, total)
    return _ranges(values, relations)


def _ranges(values: dict, relations: list) -> dict:
    unknown = [name for name, value in values.items() if not isinstance(value, int)]
    position = {name: i for i, name in enumerate(unknown)}
    parent = list(range(len(unknown)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reduced = []
    for terms, kind in relations:
        hidden = [position[name] for name in terms if name in position]
        constant = sum(c * values[name] for name, c in terms.items() if name not in position)
        if not hidden:
            assert (constant == 0) if kind == "=" else (constant <= 0), "published figures contradict each other"
            continue
        for i in hidden[1:]:
            parent[find(i)] = find(hidden[0])
        reduced.append(({position[name]: c for name, c in terms.items() if name in position}, -constant, kind))
    components = defaultdict(list)
    for i in range(len(unknown)):
        components[find(i)].append(i)
    by_component = defaultdict(list)
    for relation in reduced:
        by_component[find(next(iter(relation[0])))].append(relation)
    ranges = {}
    for root, members in components.items():
        local = {i: j for j, i in enumerate(members)}
        rows = {"=": ([], []), "<=": ([], [])}
        for terms, bound, kind in by_component[root]:
            line = np.zeros(len(members))
            for i, c in terms.items():
                line[local[i]] = c
            rows[kind][0].append(line)
            rows[kind][1].append(bound)
        system = {
            "A_eq": np.array(rows["="][0]) if rows["="][0] else None,
            "b_eq": rows["="][1] or None,
            "A_ub": np.array(rows["<="][0]) if rows["<="][0] else None,
            "b_ub": rows["<="][1] or None,
            "bounds": (0, None),
            "method": "highs",
        }
        for i in members:
            objective = np.zeros(len(members))
            objective[local[i]] = 1
            low = linprog(objective, **system)
            high = linprog(-objective, **system)
            assert low.status == 0, (unknown[i], low.message)
            ranges[unknown[i]] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def _truth(periods, as_of) -> dict:
    reports = services.compute_series(periods, as_of=as_of)
    truth = {}
    for (code, scope), report in reports.items():
        data = report.as_dict()
        for (table, row, column), value in _person_figures(data).items():
            truth[(code, scope, table, row, column)] = value
        for point in data["timeline"]:
            truth[("timeline", code, scope, point["period"], "entrants")] = point["entrants"]
            truth[("timeline", code, scope, point["period"], "leavers")] = point["leavers"]
        for target in report.table("targets").rows:
            truth[("target", code, scope, target.key)] = target.cells["value"]
    return truth


def _check(periods: list[HalfYear], as_of: date) -> None:
    series = published_series(periods, as_of)
    for data in series.values():
        for name, value in _person_figures(data).items():
            assert not (isinstance(value, int) and 0 < value < K), (name, value)
    ranges = audit(series, periods, truth=_truth(periods, as_of))
    assert ranges, "the series hides something"
    narrow = {name: bounds for name, bounds in ranges.items() if bounds[1] - bounds[0] < K - 1e-6}
    assert not narrow, f"{len(narrow)} of {len(ranges)} hidden figures can be narrowed: {sorted(narrow.items())[:8]}"


def _periods(first: HalfYear, last: HalfYear) -> list[HalfYear]:
    periods, half = [], first
    while half <= last:
        periods.append(half)
        half = half.next()
    return periods


def test_the_published_series_of_the_demo_data_keeps_every_hidden_figure_hidden(app):
    demo.load()
    db.session.commit()
    today = services.today()
    _check(_periods(HalfYear(2025, 1), HalfYear.containing(today)), today)


@pytest.fixture
def generated(app, make_organisation):
    """A project of 400 people over four half-years (2025–2026), every one entered through the case services."""
    network_services.save_settings(
        None,
        name="Generated",
        code="G1",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        rule_set="esf_plus_2021_2027",
        suppression_threshold=K,
    )
    organisation = make_organisation(name="Centre")
    rng = random.Random(2026)
    as_of = date(2026, 12, 31)
    for n in range(400):
        client = case_services.register_client(
            None,
            organisation,
            first_name=f"P{n}",
            last_name="Generated",
            gender=rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 5 + [Gender.OTHER, Gender.NOT_STATED]),
            birth_date=date(rng.randint(1958, 2009), rng.randint(1, 12), rng.randint(1, 28)),
            labour_status=rng.choice(
                [*LabourStatus, LabourStatus.UNEMPLOYED, None if n % 40 == 0 else LabourStatus.INACTIVE]
            ),
            isced_level=rng.choice([0, 1, 2, 3, 3, 4, 5, 6, 7, 8]),
            third_country_national=rng.choice([Answer.YES, Answer.NO, Answer.DECLINED, Answer.NOT_ASKED]),
            disability=rng.choice([Answer.NO] * 8 + [Answer.YES, Answer.DECLINED]),
            homeless=rng.choice([Answer.NO] * 20 + [Answer.YES]),
        )
        entry = date(2025, 1, 2) + timedelta(days=rng.randint(0, 700))
        case = case_services.open_case(
            None,
            client,
            organisation=organisation,
            entry_date=entry,
            client_type=rng.choice([ClientType.LONG_TERM, ClientType.SHORT_TERM]),
        )
        leaving = entry + timedelta(days=rng.randint(20, 250))
        if leaving < date(2026, 12, 5) and rng.random() < 0.7:
            case_services.record_exit(
                None,
                case,
                exit_date=leaving,
                labour_status=rng.choice([*LabourMarketResult, None]),
                in_education=rng.random() < 0.3,
                qualification=rng.random() < 0.15,
            )
            if case.follow_up_due <= date(2026, 12, 5) and rng.random() < 0.6:
                case_services.record_follow_up(
                    None, case, on=case.follow_up_due, labour_status=rng.choice([*LabourMarketResult, None])
                )
    db.session.commit()
    services.sync_participations()
    db.session.commit()
    return as_of


def test_the_published_series_of_a_generated_project_keeps_every_hidden_figure_hidden(generated):
    _check(_periods(HalfYear(2025, 1), HalfYear(2026, 2)), generated)
