"""Demo seals and certificates. Every demo organisation gets a generated (self-signed) seal naming it. For every case in
the certification stage whose results are signed off, one certificate: the first was revoked (a misspelt name) and
issued again; a second, if there is one, was re-issued, so the demo shows every status. Cases without signed-off
results are skipped."""

from sqlalchemy import select

from cases.models import Case, Stage
from certificates import access, content, seals, services
from certificates.forms import default_languages
from certificates.models import Certificate
from isok import demo as demo_data
from isok.extensions import db


def load_demo_seals(admin) -> None:
    for name, *_rest in demo_data.DEMO_ORGANISATIONS:
        organisation = demo_data.organisation(name)
        if organisation is not None and seals.active_seal(organisation.id) is None:
            seals.generate_seal(admin, organisation)


def load_demo_certificates(admin) -> None:
    load_demo_seals(admin)
    cases = db.session.scalars(select(Case).where(Case.stage == Stage.CERTIFICATION).order_by(Case.id)).all()
    ready = [case for case in cases if not _has_certificate(case) and content.results_for(case)]
    if not ready:
        return
    counsellor = demo_data.account("counsellor@example.org")
    issued = []
    for case in ready:
        issuer = counsellor if counsellor and access.can_issue_certificate(counsellor, case) else admin
        issued.append(services.issue_certificate(issuer, case, default_languages(case.client)))
    first = issued[0]
    services.revoke_certificate(admin, first, "Demo: the holder's name was misspelt.")
    services.issue_certificate(admin, first.case, first.languages)
    if len(issued) > 1:
        services.reissue_certificate(
            admin, issued[1], issued[1].languages, "Demo: a unit was recognised after the first version."
        )
    db.session.flush()


def _has_certificate(case) -> bool:
    return db.session.scalar(select(Certificate.id).where(Certificate.case_id == case.id).limit(1)) is not None
