"""Demo data for the ESF report: results the cases do not hold, and the report of 2025H2 submitted (frozen), with
one result recorded after the submission so the correction report has something to show."""

from sqlalchemy import select

from cases.models import EMPLOYED_RESULTS, LabourStatus
from isok.extensions import db
from isok.network.models import HalfYear
from isok.reports import services
from isok.reports.models import BetterSituation, Participation

SUBMITTED = HalfYear(2025, 2)


def load(admin) -> None:
    services.sync_participations()
    if services.submitted_report(SUBMITTED) is not None or services.today() <= SUBMITTED.ends_on:
        return
    followed = db.session.scalars(
        select(Participation).where(Participation.follow_up_on.is_not(None)).order_by(Participation.id)
    ).all()
    for participation in followed:
        employed_then = participation.follow_up_labour_status in EMPLOYED_RESULTS
        if participation.labour_status is LabourStatus.EMPLOYED and employed_then:
            services.record_results(
                admin,
                participation,
                qualification_gained=False,
                responded=True,
                better_situation=BetterSituation.PROMOTION,
            )
    services.submit_report(admin, SUBMITTED)
    late = db.session.scalar(
        select(Participation)
        .where(Participation.exit_date.between(SUBMITTED.starts_on, SUBMITTED.ends_on))
        .order_by(Participation.id)
    )
    if late is not None:  # a certificate that arrived after the submission: +1 in the correction report
        services.record_results(admin, late, qualification_gained=True, responded=None, better_situation=None)
