"""The public version of the ESF report: small numbers hidden so that no hidden one can be worked out from anything
published in any public report of the project.

Every public report of a period and its cumulative twin is one step of a series that starts at the project's
first half-year (isok.reports.suppression protects the series). Each person figure is a key; the relations a reader
knows are built here: women + men + other = total, rows that add up to a total (`sums_into`), the same figure in two
places (table 1's total is table 3's "all participants", table 8's participants starting validation, the timeline's
entrants and the target's realised value), previous cumulative + period = cumulative, and the inclusions declared
in indicators.INCLUSIONS. Published reports follow the project's rule set only.
"""

import copy
from dataclasses import dataclass
from datetime import date

from isok.network.models import HalfYear
from isok.reports import indicators, services
from isok.reports.suppression import Series

GENDERS = ("women", "men", "other")
PERSON_COLUMNS = ("total", *GENDERS)
# Figures shown in two places: (table, row) -> the (table, row) they are.
SAME_FIGURES = {
    ("education", "all"): ("labour_status", "total"),
    ("project", "clients_started"): ("labour_status", "total"),
}
TARGET_FIGURES = {
    "clients_started_validation": ("project", "clients_started"),
    "training_participants": ("project", "training_participants"),
    "dissemination_attendees": ("project", "dissemination_attendees"),
}
TIMELINE_FIGURES = {"entrants": ("labour_status", "total"), "leavers": ("immediate_results", "leavers")}
# Rows whose total may count people of unstated gender: the rest is a figure nobody sees.
UNSTATED_GENDER_ROWS = {("project", "training_participants")}
TOTAL_ONLY_TABLES = {"data_quality"}  # published without the gender split, which its missing genders would skew


def public_report(period: HalfYear, scope: str, k: int, *, as_of: date | None = None) -> dict:
    """The public report of a half-year (period or cumulative figures), protected with every public report of the
    project's half-years up to it."""
    first = HalfYear.containing(services.window(period, "cumulative")[0] or period.starts_on)
    periods, half = [], min(first, period)
    while half <= period:
        periods.append(half)
        half = half.next()
    reports = services.compute_series(periods, rule_set=services.report_rule_set(), as_of=as_of)
    steps = [
        (half.code, reports[(half.code, "period")].as_dict(), reports[(half.code, "cumulative")].as_dict())
        for half in periods
    ]
    protection = protect(steps, k, first_is_cumulative=_same_window(periods[0]))
    return published(reports[(period.code, scope)].as_dict(), protection)


def _same_window(period: HalfYear) -> bool:
    return services.window(period, "period") == services.window(period, "cumulative")


# --- the series ------------------------------------------------------------------------------------------------


class Keys:
    """Names every person figure of the series once, whichever table or place shows it."""

    def __init__(self, first_code: str, first_is_cumulative: bool):
        self.first_code, self.first_is_cumulative = first_code, first_is_cumulative

    def cell(self, code: str, scope: str, table: str, row: str, column: str) -> tuple:
        table, row = SAME_FIGURES.get((table, row), (table, row))
        if scope == "cumulative" and code == self.first_code and self.first_is_cumulative:
            scope = "period"
        return ("cell", code, scope, table, row, column)

    def unstated(self, code: str, scope: str, table: str, row: str) -> tuple:
        return ("unstated", *self.cell(code, scope, table, row, "total")[1:5])


def person_rows(table: dict) -> list[dict]:
    return [row for row in table["rows"] if row["unit"] == "persons"]


def person_columns(table: dict, row: dict | None = None) -> list[str]:
    """The person columns published of a table, or of one of its rows (some rows have a total only)."""
    columns = [column for column in table["columns"] if column in PERSON_COLUMNS]
    columns = ["total"] if table["key"] in TOTAL_ONLY_TABLES else columns
    return [column for column in columns if row is None or column in row["cells"]]


def _tables(data: dict) -> list[dict]:
    return [table for table in [*data["tables"], data["data_quality"]] if table["key"] != "targets"]


@dataclass
class Protection:
    series: Series
    keys: Keys


class Structure:
    """Which rows of the tables move together in a candidate move, read from one report's tables.

    A move is a product: the same change in every cell of a set of rows (a *profile*: what one more person, or one
    person counted under another gender, would change), in a pair of columns, in a period and its cumulative
    figures. Rows that add up to table 1's total (labour-market status, education band, client type) move as a
    profile, so every total and every figure shown twice stays as it is; other rows move alone, or with the rows an
    inclusion ties them to.
    """

    def __init__(self, data: dict):
        self.columns: dict[tuple, list[str]] = {}
        self.blocks: dict[tuple, list[tuple]] = {}  # (table, total row) -> its parts
        for table in _tables(data):
            for row in person_rows(table):
                self.columns[(table["key"], row["key"])] = person_columns(table, row)
            for target in {row["sums_into"] for row in person_rows(table) if row.get("sums_into")}:
                total = SAME_FIGURES.get((table["key"], target), (table["key"], target))
                parts = [(table["key"], row["key"]) for row in person_rows(table) if row.get("sums_into") == target]
                self.blocks.setdefault(total, []).append(parts)
        self.parents: dict[tuple, list[tuple]] = {}  # a row's people are among the parent's
        self.reasons: dict[tuple, list[tuple]] = {}  # a row's people are among those of these rows together
        for smaller, larger in indicators.INCLUSIONS:
            into = self.parents if len(larger) == 1 else self.reasons
            for name in smaller:
                into.setdefault(_pair(name), []).extend(_pair(other) for other in larger)

    def profiles(self, row: tuple) -> list[set]:
        """The sets of rows that can move with this one, smallest first."""
        row = SAME_FIGURES.get(row, row)
        sets = [{row} | profile for profile in self._block_profiles(row)]
        sets += [
            found | {reason} for found in list(sets) for member in found for reason in self.reasons.get(member, [])
        ]
        for parent in self.parents.get(row, []):
            sets += [{row} | grown for grown in self.profiles(parent)]
        return sorted(sets, key=len)

    def _block_profiles(self, row: tuple) -> list[set]:
        """Profiles through the blocks the row is in: a part with its total, and with one part of every other
        block of that total."""
        for total, blocks in self.blocks.items():
            if row == total or any(row in parts for parts in blocks):
                choices = [[part for part in parts if row not in parts or part == row] for parts in blocks]
                profiles = [{total}]
                for parts in choices:
                    profiles = [profile | {part} for profile in profiles for part in parts]
                return profiles
        return [set()]


def _pair(name: str) -> tuple:
    table, _dot, row = name.partition(".")
    return table, row


def _column_patterns(column: str, genders_present: bool) -> list[dict]:
    if not genders_present:
        return [{"total": 1}]
    if column == "total":
        return [{"total": 1, gender: 1} for gender in GENDERS]
    return [*({column: 1, other: -1} for other in GENDERS if other != column), {column: 1, "total": 1}]


def protect(steps: list[tuple[str, dict, dict]], k: int, *, first_is_cumulative: bool) -> Protection:
    """Protect a series of (half-year code, period report, cumulative report) from the project's first half-year."""
    pattern = Series(k)
    keys = Keys(steps[0][0], first_is_cumulative)
    structure = Structure(steps[0][1])

    def candidates(key):
        _cell, code, _scope, table, row, column = key
        for rows in structure.profiles((table, row)):
            genders = all(set(GENDERS) <= set(structure.columns.get(r, ())) for r in rows)
            for columns in _column_patterns(column, genders):
                yield {
                    keys.cell(code, scope, *r, c): a
                    for scope in ("period", "cumulative")
                    for r in rows
                    for c, a in columns.items()
                }

    previous = None
    for code, period_data, cumulative_data in steps:
        values, unpublished, equations, inequalities = {}, {}, [], []
        for scope, data in (("period", period_data), ("cumulative", cumulative_data)):
            _figures(keys, code, scope, data, values, unpublished, equations, inequalities)
        if previous is not None:
            for key in [key for key in values if key[0] == "cell" and key[2] == "cumulative"]:
                _, _code, _scope, table, row, column = key
                equations.append(
                    _relation(
                        {
                            key: 1,
                            keys.cell(previous, "cumulative", table, row, column): -1,
                            keys.cell(code, "period", table, row, column): -1,
                        }
                    )
                )

        def extensions(move, code=code, previous=previous):
            """Carry a move into the next period: back through its period figures, or on through its cumulative."""
            open_slice = {
                key[3:]: a
                for key, a in move.items()
                if key[0] == "cell" and key == keys.cell(previous, "cumulative", *key[3:])
            }
            return [
                {**move, **{keys.cell(code, "period", *rest): -a for rest, a in open_slice.items()}},
                {**move, **{keys.cell(code, "cumulative", *rest): a for rest, a in open_slice.items()}},
            ]

        values.update(unpublished)
        pattern.add_step(
            values,
            sensitive=[key for key in values if key[0] == "cell"],
            candidates=candidates,
            extensions=extensions,
            unpublished=unpublished,
            equations=equations,
            inequalities=inequalities,
        )
        previous = code
    return Protection(pattern, keys)


def _relation(terms: dict) -> dict:
    """Coefficients by key, keys that name one figure merged."""
    merged = {}
    for key, coefficient in terms.items():
        merged[key] = merged.get(key, 0) + coefficient
    return {key: coefficient for key, coefficient in merged.items() if coefficient}


def _figures(keys: Keys, code, scope, data, values, unpublished, equations, inequalities) -> None:
    """One report's person figures, with the relations they carry within it."""
    present = set()
    for table in _tables(data):
        for row in person_rows(table):
            columns = person_columns(table, row)
            present.add(f"{table['key']}.{row['key']}")
            cell = {column: keys.cell(code, scope, table["key"], row["key"], column) for column in columns}
            for column, key in cell.items():
                values[key] = int(row["cells"].get(column) or 0)
            if set(GENDERS) <= set(columns):
                terms = {cell["total"]: 1, **{cell[g]: -1 for g in GENDERS}}
                if (table["key"], row["key"]) in UNSTATED_GENDER_ROWS:
                    rest = keys.unstated(code, scope, table["key"], row["key"])
                    unpublished[rest] = values[cell["total"]] - sum(values[cell[g]] for g in GENDERS)
                    terms[rest] = -1
                equations.append(_relation(terms))
        for target in {row["sums_into"] for row in person_rows(table) if row.get("sums_into")}:
            parts = [row["key"] for row in person_rows(table) if row.get("sums_into") == target]
            for column in person_columns(table):
                equations.append(
                    _relation(
                        {
                            keys.cell(code, scope, table["key"], target, column): 1,
                            **{keys.cell(code, scope, table["key"], part, column): -1 for part in parts},
                        }
                    )
                )
    for smaller, larger in indicators.INCLUSIONS:
        if not present.issuperset((*smaller, *larger)):
            continue
        tables = {name.partition(".")[0] for name in (*smaller, *larger)}
        columns = ["total"] if tables & TOTAL_ONLY_TABLES else list(PERSON_COLUMNS)
        for column in columns:
            terms = {}
            for names, sign in ((smaller, 1), (larger, -1)):
                for name in names:
                    table, _dot, row = name.partition(".")
                    key = keys.cell(code, scope, table, row, column)
                    terms[key] = terms.get(key, 0) + sign
            inequalities.append(_relation(terms))


# --- the published copy ----------------------------------------------------------------------------------------


def published(data: dict, protection: Protection) -> dict:
    """A copy of a report with the series' pattern applied: hidden counts as "<k" (small) or "x" (hidden to protect
    a small one), and every figure shown elsewhere or derived from them (rates, target percentages, the timeline)
    hidden with them."""
    pattern, keys = protection.series, protection.keys
    out = copy.deepcopy(data)
    code, scope = out["period"], out["scope"]
    for table in _tables(out):
        if table["key"] in TOTAL_ONLY_TABLES:
            table["columns"] = person_columns(table)
            for row in table["rows"]:
                row["cells"] = {"total": row["cells"].get("total")}
        for row in person_rows(table):
            for column in person_columns(table, row):
                row["cells"][column] = pattern.shown(keys.cell(code, scope, table["key"], row["key"], column))
        _hide_rates(table)
    for table in out["tables"]:
        if table["key"] == "targets":
            for row in table["rows"]:
                if row["key"] in TARGET_FIGURES:
                    shown = pattern.shown(keys.cell(code, "cumulative", *TARGET_FIGURES[row["key"]], "total"))
                    row["cells"]["value"] = shown
                    if not isinstance(shown, int):
                        row["cells"]["percent"] = "x"
    for point in out["timeline"]:
        for kind, (table, row) in TIMELINE_FIGURES.items():
            point[kind] = pattern.shown(keys.cell(point["period"], "period", table, row, "total"))
    out["suppression"] = {"threshold": pattern.k}
    return out


def _hide_rates(table: dict) -> None:
    """A rate is shown only where the counts it is made of are shown."""
    rows = {row["key"]: row for row in table["rows"]}
    if "response_rate" not in rows:
        return
    for column, value in rows["response_rate"]["cells"].items():
        parts = (rows["due"]["cells"].get(column), rows["responded"]["cells"].get(column))
        if value is not None and not all(isinstance(part, int) for part in parts):
            rows["response_rate"]["cells"][column] = "x"
