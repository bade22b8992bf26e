"""Every figure of the ESF report, declared once: its key, label, ESF code and SQL condition.

The report is computed from these declarations by generic SQL aggregation (services.compute_report: one GROUP BY
gender with a conditional count per row), the drill-down lists the people behind a cell with the same condition,
and the exports and the frozen reports name rows by these keys.

Populations (research §7.1), each within a date window [since, until]:
- entrants: participants with complete core data (Art. 17(5): gender, age at entry, labour status, ISCED) whose
  first entry falls in the window (tables 1–4);
- leavers: complete participants whose final exit falls in the window (table 5: results within 28 days of exit);
- follow_up: complete leavers whose six-month follow-up fell due in the window, and not after the report date
  (table 6; the result is attributed to the period the follow-up falls due in);
- excluded: participants entering in the window with some core data missing (the data-quality table).
A period report's window is the half-year; the cumulative report's runs from the project start to its end.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, not_, or_, true

from cases.models import EMPLOYED_RESULTS, Answer, ClientType, Gender, LabourMarketResult, LabourStatus
from isok.network.models import RuleSet
from isok.reports.models import Participation as P
from isok.reports.models import RecordedResult as R
from isok.translation import lazy_gettext as _l

ESF_PLUS, ESF_2014, ESF_2007 = RuleSet.ESF_PLUS_2021_2027, RuleSet.ESF_2014_2020, RuleSet.ESF_2007_2013
ALL_RULES = frozenset(RuleSet)

# --- columns: every person cell is split by gender --------------------------------------------------------------

COLUMNS = {"total": _l("Total"), "women": _l("Women"), "men": _l("Men"), "other": _l("Other")}
GENDER_COLUMNS = {"women": Gender.FEMALE, "men": Gender.MALE, "other": Gender.OTHER}


def column_condition(column: str) -> ColumnElement[bool]:
    return true() if column == "total" else P.gender == GENDER_COLUMNS[column]


# --- core data and situations -----------------------------------------------------------------------------------

MISSING = {
    "gender": (P.gender == Gender.NOT_STATED, _l("Gender not stated")),
    "age": (P.age_at_entry.is_(None), _l("Age at entry unknown (no date of birth)")),
    "labour_status": (P.labour_status.is_(None), _l("Labour-market status at entry missing")),
    "isced": (P.isced_level.is_(None), _l("Education (ISCED level) missing")),
}
CORE_COMPLETE = and_(*(not_(condition) for condition, _label in MISSING.values()))

UNEMPLOYED = P.labour_status == LabourStatus.UNEMPLOYED
INACTIVE = P.labour_status == LabourStatus.INACTIVE
EMPLOYED = P.labour_status == LabourStatus.EMPLOYED
INACTIVE_NOT_IN_EDUCATION = and_(INACTIVE, P.in_education_or_training.is_(False))
# Results are a set (research §1.5 rule 4): one labour-market status, in which the last of job searching and
# employment within 28 days wins, so the two never meet; education or training and a qualification go with either.
JOB_SEARCHING_AT_EXIT = P.exit_labour_status == LabourMarketResult.JOB_SEARCHING
EMPLOYED_AT_EXIT = P.exit_labour_status.in_(EMPLOYED_RESULTS)
EDUCATION_AT_EXIT = P.exit_in_education.is_(True)
QUALIFICATION_AT_EXIT = or_(
    P.exit_qualification.is_(True), P.qualification_certified.is_(True), R.qualification_gained.is_(True)
)
FOLLOWED_UP = P.follow_up_on.is_not(None)
# A follow-up with a labour-market status is an answer; the project manager's record overrides it.
RESPONDED = or_(R.responded.is_(True), and_(R.responded.is_(None), FOLLOWED_UP, P.follow_up_labour_status.is_not(None)))
EMPLOYED_AT_SIX_MONTHS = and_(RESPONDED, P.follow_up_labour_status.in_(EMPLOYED_RESULTS))
# Only people employed at entry can have a better situation (research §1.3, CR07/EECR06).
BETTER_AT_SIX_MONTHS = and_(RESPONDED, EMPLOYED, R.better_situation.is_not(None))


def age_between(low: int | None, high: int | None) -> ColumnElement[bool]:
    conditions = [P.age_at_entry >= low] if low is not None else []
    if high is not None:
        conditions.append(P.age_at_entry <= high)
    return and_(*conditions)


def isced_between(low: int, high: int) -> ColumnElement[bool]:
    return P.isced_level.between(low, high)


# --- declarations -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object  # a lazy translation
    condition: ColumnElement[bool]
    codes: dict = field(default_factory=dict)  # RuleSet -> ESF indicator code
    level: int = 0  # 1: an "of which" row under the row before it
    rules: frozenset = ALL_RULES  # the rule sets that report this row
    sums_into: str | None = None  # the key of the row this one adds up to, with its siblings (suppression)

    def code(self, rule_set: RuleSet) -> str | None:
        return self.codes.get(rule_set)


@dataclass(frozen=True)
class PeopleTable:
    key: str
    number: int
    title: object
    population: str
    indicators: tuple[Indicator, ...]
    note: object = None

    def rows(self, rule_set: RuleSet) -> list[Indicator]:
        return [indicator for indicator in self.indicators if rule_set in indicator.rules]


def population(name: str, since: date | None, until: date | None, as_of: date) -> ColumnElement[bool]:
    """The people a table counts, in the window [since, until] (either end open when None)."""

    def within(column, end=until):
        return and_(column >= since if since else true(), column <= end if end else true())

    if name == "entrants":
        return and_(CORE_COMPLETE, within(P.entry_date))
    if name == "leavers":
        return and_(CORE_COMPLETE, within(P.exit_date))
    if name == "follow_up":
        return and_(CORE_COMPLETE, within(P.follow_up_due, min(until, as_of) if until else as_of))
    if name == "excluded":
        return and_(not_(CORE_COMPLETE), within(P.entry_date))
    raise KeyError(name)


LABOUR_STATUS = PeopleTable(
    "labour_status",
    1,
    _l("Participants by labour-market status at entry"),
    "entrants",
    (
        Indicator(
            "unemployed",
            _l("Unemployed, including long-term unemployed"),
            UNEMPLOYED,
            {ESF_PLUS: "EECO02", ESF_2014: "CO01"},
            sums_into="total",
        ),
        Indicator(
            "long_term_unemployed",
            _l("of which long-term unemployed"),
            and_(UNEMPLOYED, P.long_term_unemployed.is_(True)),
            {ESF_PLUS: "EECO03", ESF_2014: "CO02"},
            level=1,
        ),
        Indicator("inactive", _l("Inactive"), INACTIVE, {ESF_PLUS: "EECO04", ESF_2014: "CO03"}, sums_into="total"),
        Indicator(
            "inactive_not_in_education",
            _l("of which not in education or training"),
            INACTIVE_NOT_IN_EDUCATION,
            {ESF_2014: "CO04"},
            level=1,
        ),
        Indicator(
            "employed",
            _l("Employed, including self-employed"),
            EMPLOYED,
            {ESF_PLUS: "EECO05", ESF_2014: "CO05"},
            sums_into="total",
        ),
        Indicator("self_employed", _l("of which self-employed"), and_(EMPLOYED, P.self_employed.is_(True)), level=1),
        Indicator("total", _l("Total participants"), or_(UNEMPLOYED, INACTIVE, EMPLOYED), {ESF_PLUS: "EECO01"}),
    ),
    note=_l("Each participant has exactly one status; the total is their sum."),
)

AGE = PeopleTable(
    "age",
    2,
    _l("Participants by age at entry"),
    "entrants",
    (
        Indicator("under_18", _l("Below 18 years"), age_between(None, 17), {ESF_PLUS: "EECO06"}, rules={ESF_PLUS}),
        Indicator("age_18_29", _l("18–29 years"), age_between(18, 29), {ESF_PLUS: "EECO07"}, rules={ESF_PLUS}),
        Indicator(
            "age_55_plus", _l("55 years and above"), age_between(55, None), {ESF_PLUS: "EECO08"}, rules={ESF_PLUS}
        ),
        Indicator("under_25", _l("Below 25 years"), age_between(None, 24), {ESF_2014: "CO06"}, rules={ESF_2014}),
        Indicator("over_54", _l("Above 54 years"), age_between(55, None), {ESF_2014: "CO07"}, rules={ESF_2014}),
        Indicator(
            "over_54_jobless",
            _l("Above 54, unemployed or inactive and not in education or training"),
            and_(age_between(55, None), or_(UNEMPLOYED, INACTIVE_NOT_IN_EDUCATION)),
            {ESF_2014: "CO08"},
            level=1,
            rules={ESF_2014},
        ),
        Indicator("age_15_24", _l("Young people 15–24 years"), age_between(15, 24), rules={ESF_2007}),
        Indicator("age_55_64", _l("Older workers 55–64 years"), age_between(55, 64), rules={ESF_2007}),
    ),
    note=_l("The bands follow the programme period; they do not cover every age."),
)

EDUCATION = PeopleTable(
    "education",
    3,
    _l("Participants by education at entry (ISCED 2011)"),
    "entrants",
    (
        Indicator(
            "isced_0",
            _l("ISCED 0: less than primary education"),
            isced_between(0, 0),
            rules={ESF_2014, ESF_2007},
            sums_into="all",
        ),
        Indicator(
            "isced_0_2",
            _l("ISCED 0–2: lower secondary or less"),
            isced_between(0, 2),
            {ESF_PLUS: "EECO09"},
            rules={ESF_PLUS},
            sums_into="all",
        ),
        Indicator(
            "isced_1_2",
            _l("ISCED 1–2: primary or lower secondary"),
            isced_between(1, 2),
            {ESF_2014: "CO09"},
            rules={ESF_2014, ESF_2007},
            sums_into="all",
        ),
        Indicator(
            "isced_3_4",
            _l("ISCED 3–4: upper secondary or post-secondary"),
            isced_between(3, 4),
            {ESF_PLUS: "EECO10", ESF_2014: "CO10"},
            rules={ESF_PLUS, ESF_2014},
            sums_into="all",
        ),
        Indicator("isced_3", _l("ISCED 3: upper secondary"), isced_between(3, 3), rules={ESF_2007}, sums_into="all"),
        Indicator(
            "isced_4",
            _l("ISCED 4: post-secondary non-tertiary"),
            isced_between(4, 4),
            rules={ESF_2007},
            sums_into="all",
        ),
        Indicator(
            "isced_5_8",
            _l("ISCED 5–8: tertiary"),
            isced_between(5, 8),
            {ESF_PLUS: "EECO11", ESF_2014: "CO11"},
            rules={ESF_PLUS, ESF_2014},
            sums_into="all",
        ),
        Indicator(
            "isced_5_6", _l("ISCED 5–6 (1997): tertiary"), isced_between(5, 8), rules={ESF_2007}, sums_into="all"
        ),
        Indicator("all", _l("All participants"), P.isced_level.is_not(None)),
    ),
    note=_l("Highest level completed at entry. ISCED 0 is shown apart where the programme period groups from 1."),
)

CHARACTERISTIC_LABELS = {
    "third_country_national": (_l("Third-country nationals"), {ESF_PLUS: "EECO13"}),
    "foreign_background": (_l("Participants with a foreign background"), {ESF_PLUS: "EECO14"}),
    "minority": (_l("Minorities, including marginalised communities such as Roma"), {ESF_PLUS: "EECO15"}),
    "disability": (_l("Participants with disabilities"), {ESF_PLUS: "EECO12", ESF_2014: "CO16"}),
    "homeless": (_l("Homeless or affected by housing exclusion"), {ESF_PLUS: "EECO16", ESF_2014: "CO18"}),
    "rural": (_l("Participants from rural areas"), {ESF_PLUS: "EECO17", ESF_2014: "CO19"}),
}


def _characteristics() -> tuple[Indicator, ...]:
    rows = []
    for name, (label, codes) in CHARACTERISTIC_LABELS.items():
        column = getattr(P, name)
        rows += [
            Indicator(name, label, column == Answer.YES, codes),
            Indicator(f"{name}_declined", _l("of which: declined to answer"), column == Answer.DECLINED, level=1),
            Indicator(f"{name}_not_asked", _l("of which: not asked"), column == Answer.NOT_ASKED, level=1),
        ]
    rows.append(
        Indicator(
            "migrant_foreign_minority",
            _l("Migrants, participants with a foreign background, minorities"),
            or_(P.third_country_national == Answer.YES, P.foreign_background == Answer.YES, P.minority == Answer.YES),
            {ESF_2014: "CO15"},
            rules={ESF_2014},
        )
    )
    return tuple(rows)


CHARACTERISTICS_TABLE = PeopleTable(
    "characteristics",
    4,
    _l("Other characteristics of participants"),
    "entrants",
    _characteristics(),
    note=_l("“Declined” and “not asked” rows count people without an answer; they are not part of the row above."),
)

IMMEDIATE_RESULTS = PeopleTable(
    "immediate_results",
    5,
    _l("Immediate results of leavers (within 4 weeks of exit)"),
    "leavers",
    (
        Indicator("leavers", _l("Leavers"), true()),
        Indicator(
            "job_searching",
            _l("Engaged in job searching upon leaving"),
            JOB_SEARCHING_AT_EXIT,
            {ESF_PLUS: "EECR01"},
            rules={ESF_PLUS, ESF_2007},
        ),
        Indicator(
            "job_searching",
            _l("Inactive at entry, engaged in job searching upon leaving"),
            and_(JOB_SEARCHING_AT_EXIT, INACTIVE),
            {ESF_2014: "CR01"},
            rules={ESF_2014},
        ),
        Indicator(
            "education_or_training",
            _l("In education or training upon leaving"),
            EDUCATION_AT_EXIT,
            {ESF_PLUS: "EECR02", ESF_2014: "CR02"},
        ),
        Indicator(
            "qualification",
            _l("Gaining a qualification upon leaving"),
            QUALIFICATION_AT_EXIT,
            {ESF_PLUS: "EECR03", ESF_2014: "CR03"},
        ),
        Indicator(
            "employed",
            _l("In employment, including self-employment, upon leaving"),
            EMPLOYED_AT_EXIT,
            {ESF_PLUS: "EECR04", ESF_2014: "CR04"},
        ),
    ),
    note=_l(
        "Job searching and employment exclude each other: the last of them within 28 days counts. Education "
        "or training and a qualification are counted beside either."
    ),
)

SIX_MONTH_RESULTS = PeopleTable(
    "six_month_results",
    6,
    _l("Results six months after leaving"),
    "follow_up",
    (
        Indicator("due", _l("Leavers whose six-month follow-up is due"), true()),
        Indicator("followed_up", _l("Followed up"), FOLLOWED_UP, level=1),
        Indicator("responded", _l("Answered"), RESPONDED, level=1),
        Indicator(
            "employed_6m",
            _l("In employment, including self-employment, six months after leaving"),
            EMPLOYED_AT_SIX_MONTHS,
            {ESF_PLUS: "EECR05", ESF_2014: "CR06"},
        ),
        Indicator(
            "better_situation",
            _l("With a better labour-market situation six months after leaving"),
            BETTER_AT_SIX_MONTHS,
            {ESF_PLUS: "EECR06", ESF_2014: "CR07"},
        ),
    ),
    note=_l("Counted in the period the follow-up falls due. The response rate is answers divided by leavers due."),
)

LONG_TERM, SHORT_TERM = P.client_type == ClientType.LONG_TERM, P.client_type == ClientType.SHORT_TERM

EXCLUDED = PeopleTable(
    "data_quality",
    0,
    _l("Participants left out of the indicators"),
    "excluded",
    (
        *(Indicator(f"missing_{key}", label, condition) for key, (condition, label) in MISSING.items()),
        Indicator("excluded", _l("People left out (any core data missing)"), true()),
        Indicator("excluded_long_term", _l("of which long-term clients"), LONG_TERM, level=1, sums_into="excluded"),
        Indicator("excluded_short_term", _l("of which short-term clients"), SHORT_TERM, level=1, sums_into="excluded"),
    ),
    note=_l(
        "ESF counts a participant only when gender, age, labour-market status and education are all known; "
        "the project figures of table 8 count the same people."
    ),
)

# The people rows of the project table (table 8): the same population as tables 1–4.
CLIENTS = PeopleTable(
    "project",
    8,
    _l("Project-specific figures"),
    "entrants",
    (
        Indicator("clients_started", _l("Participants starting validation"), true()),
        Indicator(
            "clients_long_term", _l("of which long-term clients"), LONG_TERM, level=1, sums_into="clients_started"
        ),
        Indicator(
            "clients_short_term", _l("of which short-term clients"), SHORT_TERM, level=1, sums_into="clients_started"
        ),
    ),
)

PEOPLE_TABLES = (LABOUR_STATUS, AGE, EDUCATION, CHARACTERISTICS_TABLE, IMMEDIATE_RESULTS, SIX_MONTH_RESULTS)
DRILLABLE = {table.key: table for table in (*PEOPLE_TABLES, EXCLUDED, CLIENTS)}


def indicator(table_key: str, row_key: str, rule_set: RuleSet) -> tuple[PeopleTable, Indicator] | None:
    """The declaration behind a person cell, for the drill-down; None when there is no such row."""
    table = DRILLABLE.get(table_key)
    if table is None:
        return None
    for row in table.rows(rule_set):
        if row.key == row_key:
            return table, row
    return None


# --- what a reader knows besides the sums ----------------------------------------------------------------------

# Inclusions: the people counted in the rows on the left are among those of the rows on the right (in every
# column), e.g. the long-term unemployed among the unemployed, or three age bands within all participants. Rows
# a rule set does not report are left out. Public reports hide small numbers against these as well as the sums.
INCLUSIONS = (
    (("labour_status.long_term_unemployed",), ("labour_status.unemployed",)),
    (("labour_status.inactive_not_in_education",), ("labour_status.inactive",)),
    (("labour_status.self_employed",), ("labour_status.employed",)),
    (("age.under_18", "age.age_18_29", "age.age_55_plus"), ("labour_status.total",)),
    (("age.under_25", "age.over_54"), ("labour_status.total",)),
    (("age.over_54_jobless",), ("age.over_54",)),
    (("age.age_15_24", "age.age_55_64"), ("labour_status.total",)),
    *(
        (
            (f"characteristics.{name}", f"characteristics.{name}_declined", f"characteristics.{name}_not_asked"),
            ("labour_status.total",),
        )
        for name in CHARACTERISTIC_LABELS
    ),
    *(
        ((f"characteristics.{name}",), ("characteristics.migrant_foreign_minority",))
        for name in ("third_country_national", "foreign_background", "minority")
    ),
    (
        ("characteristics.migrant_foreign_minority",),
        ("characteristics.third_country_national", "characteristics.foreign_background", "characteristics.minority"),
    ),
    (("characteristics.migrant_foreign_minority",), ("labour_status.total",)),
    (("immediate_results.job_searching", "immediate_results.employed"), ("immediate_results.leavers",)),
    (("immediate_results.education_or_training",), ("immediate_results.leavers",)),
    (("immediate_results.qualification",), ("immediate_results.leavers",)),
    (("six_month_results.followed_up",), ("six_month_results.due",)),
    (("six_month_results.responded",), ("six_month_results.due",)),
    (("six_month_results.employed_6m",), ("six_month_results.responded",)),
    (("six_month_results.better_situation",), ("six_month_results.responded",)),
    *(((f"data_quality.missing_{key}",), ("data_quality.excluded",)) for key in MISSING),
    (("data_quality.excluded",), tuple(f"data_quality.missing_{key}" for key in MISSING)),
)


# --- consistency checks on the computed tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    label: object
    test: Callable[[dict], bool]  # receives {table key: {row key: {column: value}}}


def _cells(figures, table, row):
    return figures.get(table, {}).get(row, {})


CHECKS = (
    Check(
        "status_total",
        _l("Total participants equals unemployed + inactive + employed"),
        lambda f: all(
            _cells(f, "labour_status", "total").get(c, 0)
            == sum(_cells(f, "labour_status", r).get(c, 0) for r in ("unemployed", "inactive", "employed"))
            for c in COLUMNS
        ),
    ),
    Check(
        "results_within_leavers",
        _l("Job searching + employed does not exceed the leavers"),
        lambda f: all(
            _cells(f, "immediate_results", "job_searching").get(c, 0)
            + _cells(f, "immediate_results", "employed").get(c, 0)
            <= _cells(f, "immediate_results", "leavers").get(c, 0)
            for c in COLUMNS
        ),
    ),
)

# --- figures that are not about ESF participants ----------------------------------------------------------------

# The project table's other rows, in order; the people rows of CLIENTS follow the stages.
CASE_ROWS = {
    "validation_started": _l("Validation processes started (cases opened)"),
    "stage_identification": _l("Cases reaching identification"),
    "stage_documentation": _l("Cases reaching documentation"),
    "stage_assessment": _l("Cases reaching assessment"),
    "stage_certification": _l("Cases reaching certification"),
    "stage_closed": _l("Cases closed"),
}
OTHER_PROJECT_ROWS = {
    "units_recognised": _l("Qualification units recognised"),
    "study_months_saved": _l("Study months saved (clients leaving)"),
    "training_participants": _l("Counsellor and teacher training participants"),
    "training_organisations": _l("Organisations sending training participants"),
    "dissemination_events": _l("Dissemination events"),
    "dissemination_attendees": _l("Dissemination event attendees (not participants)"),
}
