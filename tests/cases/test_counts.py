"""The counts the start pages read (cases by counsellor and stage, clients who started validation) stay equal to the
counts of the cases themselves through every way a case is written."""

import threading
from datetime import date

from sqlalchemy import func, select

from cases import counts, services
from cases.importing import import_cases
from cases.models import Case, Client, ClientType, LabourMarketResult, Stage, StageCount
from isok.accounts.models import Organisation, Role, User
from isok.extensions import db
from isok.network import queries as network
from tests import factories


def _kept() -> dict:
    rows = db.session.execute(select(StageCount.counsellor_key, StageCount.stage, StageCount.cases)).all()
    return {(counsellor, stage): n for counsellor, stage, n in rows if n}


def _computed() -> dict:
    rows = db.session.execute(
        select(Case.counsellor_id, Case.stage, func.count(Case.id)).group_by(Case.counsellor_id, Case.stage)
    ).all()
    return {(counsellor or counts.NO_COUNSELLOR, stage): n for counsellor, stage, n in rows}


def _clients_since(since: date | None) -> int:
    stmt = select(func.count(func.distinct(Case.client_id)))
    if since is not None:
        stmt = stmt.where(Case.entry_date >= since)
    return db.session.scalar(stmt)


def _assert_in_step() -> None:
    assert _kept() == _computed()
    for since in (None, date(2025, 1, 1), date(2026, 1, 1), date(2026, 3, 2), date(2026, 6, 1), date(2027, 1, 1)):
        assert counts.clients_with_a_case_since(since) == _clients_since(since), since


def test_kept_counts_match_the_cases_after_every_kind_of_write(app, make_user, make_organisation, counsellor):
    org, other_org = counsellor.organisation, make_organisation("Oulu Guidance")
    colleague = make_user(Role.COUNSELLOR, organisation=org, name="Hanna Neuvoja")
    receiver = make_user(Role.COUNSELLOR, organisation=other_org, name="Aino Vastaanottaja")
    admin = make_user(Role.ADMIN)

    # Opened: one client with two cases, others with one, one without a counsellor.
    returning = factories.new_client(org)
    first = factories.new_case(org, counsellor, client=returning, entry_date=date(2025, 3, 1))
    second = factories.new_case(org, colleague, client=returning, entry_date=date(2026, 2, 1))
    third = factories.new_case(org, counsellor, entry_date=date(2026, 4, 1))
    unassigned = factories.new_case(org, None, entry_date=date(2026, 5, 1))
    db.session.commit()
    _assert_in_step()

    # Moved, closed by an exit, reopened.
    services.move_stage(counsellor, first, Stage.DOCUMENTATION, date(2026, 3, 1), "Documents gathered")
    services.record_exit(
        counsellor, third, exit_date=date(2026, 5, 1), labour_status=LabourMarketResult.EMPLOYED, qualification=True
    )
    db.session.commit()
    services.move_stage(counsellor, third, Stage.ASSESSMENT, date(2026, 5, 2), "Reopened for a second field")
    db.session.commit()
    _assert_in_step()

    # Handed over within the organisation, and to another organisation (accepted and declined).
    services.reassign(counsellor, first, colleague)
    transfer = services.request_transfer(admin, third, other_org)
    db.session.commit()
    services.answer_transfer(receiver, transfer, accept=True)
    declined = services.request_transfer(admin, second, other_org)
    services.answer_transfer(receiver, declined, accept=False)
    db.session.commit()
    _assert_in_step()

    # Edited: a later entry date, another counsellor, and both in one flush with a stage move.
    services.update_case(
        counsellor, second, target=None, client_type=ClientType.LONG_TERM, entry_date=date(2026, 7, 1), counsellor=None
    )
    services.update_case(
        admin,
        unassigned,
        target=None,
        client_type=ClientType.SHORT_TERM,
        entry_date=date(2024, 12, 1),
        counsellor=counsellor,
    )
    services.move_stage(admin, unassigned, Stage.CLOSED, date(2026, 5, 3), "Left the project")
    db.session.commit()
    _assert_in_step()

    # A change rolled back leaves the counts as they were.
    services.move_stage(counsellor, second, Stage.DOCUMENTATION, date(2026, 7, 2), "Documents gathered")
    db.session.flush()
    db.session.rollback()
    _assert_in_step()

    # Imported, and erased.
    rows = [
        {
            "first_name": "Imported",
            "last_name": f"Client{n}",
            "birth_date": f"1980-01-{n + 1:02d}",
            "gender": "female",
            "client_type": "long_term",
            "entry_date": f"2026-0{n + 1}-15",
            "stage": "assessment" if n % 2 else "",
            "counsellor_email": counsellor.email if n else "",
        }
        for n in range(4)
    ]
    report = import_cases(counsellor, rows, dry_run=False)
    assert report.ok, report
    services.erase_client(admin, returning)
    db.session.commit()
    _assert_in_step()

    # What the project manager's start page shows is the kept count.
    network.indicator_values()  # reads through the kept counts without failing
    assert counts.stage_counts() == {
        stage: sum(n for (_c, s), n in _computed().items() if s is stage) for stage in Stage
    }
    assert counts.stage_counts(counsellor.id) == {stage: _computed().get((counsellor.id, stage), 0) for stage in Stage}


def test_recount_rebuilds_the_counts_from_the_cases(app, make_case, counsellor):
    make_case(entry_date=date(2026, 1, 5))
    make_case(entry_date=date(2026, 2, 5), stage=Stage.DOCUMENTATION)
    db.session.execute(StageCount.__table__.delete())
    counts.recount()
    db.session.commit()
    _assert_in_step()


def test_counts_stay_right_when_cases_are_written_at_the_same_moment(app, make_user, counsellor):
    """Eight transactions at once: four open cases of one client (each with another entry date), four move cases of
    the same counsellor to other stages; every increment lands and the client counts once."""
    org = counsellor.organisation
    colleague = make_user(Role.COUNSELLOR, organisation=org)
    returning = factories.new_client(org)
    moving = [factories.new_case(org, counsellor) for _ in range(4)]
    db.session.commit()
    client_id, org_id, case_ids = returning.id, org.id, [case.id for case in moving]
    people = [counsellor.id, colleague.id]
    db.session.commit()  # the reads above began a transaction, which holds SQLite's write lock outside a request
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def open_one(n: int) -> None:
        with app.app_context():
            barrier.wait(timeout=10)  # before the first read: on SQLite a transaction outside a request writes
            actor = db.session.get(User, people[n % 2])
            services.open_case(
                actor,
                db.session.get(Client, client_id),
                organisation=db.session.get(Organisation, org_id),
                client_type=ClientType.LONG_TERM,
                entry_date=date(2026, 1, 10 + n),
                counsellor=actor,
            )
            db.session.commit()

    def move_one(n: int) -> None:
        with app.app_context():
            barrier.wait(timeout=10)
            actor = db.session.get(User, people[0])
            case = db.session.get(Case, case_ids[n])
            services.move_stage(actor, case, Stage.DOCUMENTATION, date(2026, 3, 3), "Documents gathered")
            db.session.commit()

    def run(action, n: int) -> None:
        try:
            action(n)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action, n)) for action in (open_one, move_one) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id)).where(Case.client_id == client_id)) == 4
    _assert_in_step()
    assert counts.stage_counts(counsellor.id)[Stage.DOCUMENTATION] == 4
