"""Certificate notices: issued or revoked (to the client), and seals about to expire (to the administrators, by a
daily job)."""

from flask import Flask
from flask_babel import format_date
from sqlalchemy import select

from cases import access as case_access
from cases.models import Case
from certificates import seals
from certificates.models import Certificate, OrganisationSeal
from isok.accounts.models import Role, User, UserRole
from isok.extensions import db
from isok.jobs import queue
from isok.notices import registry, services
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

CERTIFICATE, SEAL = "certificate", "seal_expiring"


def init_app(app: Flask) -> None:
    registry.kind(
        app,
        registry.Kind(CERTIFICATE, _l("Your certificates issued or revoked"), write_certificate, certificate_visible),
    )
    registry.kind(app, registry.Kind(SEAL, _l("Seal certificates about to expire"), write_seal, seal_visible))
    for action in ("issue_certificate", "revoke_certificate"):
        registry.on_audit(app, action, told_of_certificate)
    queue.periodic(app, queue.crontab(minute="0", hour="5"), tell_of_expiring_seals)


def told_of_certificate(entry) -> list[registry.Tell]:
    certificate = db.session.get(Certificate, entry.object_id)
    return [
        registry.Tell(
            certificate.case.client.user_id,
            CERTIFICATE,
            certificate.id,
            {"action": entry.action},
            case_id=certificate.case_id,
        )
    ]


def certificate_visible(user, notice) -> bool:
    case_id = select(Certificate.case_id).where(Certificate.id == notice.object_id).scalar_subquery()
    return db.session.scalar(case_access.visible_cases(user).where(Case.id == case_id)) is not None


def write_certificate(notice) -> registry.Written | None:
    certificate = db.session.get(Certificate, notice.object_id)
    if certificate is None:
        return None
    if notice.params["action"] == "revoke_certificate":
        subject = _("Your certificate %(number)s was revoked", number=certificate.number)
        body = _("The certificate is no longer valid. Your counsellor can tell you why and what comes next.")
    else:
        subject = _("Your certificate %(number)s was issued", number=certificate.number)
        body = _("You can download it from the page of your certificates.")
    return registry.Written(subject, body, registry.link("certificates.mine"))


def tell_of_expiring_seals() -> None:
    """The daily job: tell every administrator, once per seal, of a seal certificate that expires within 60 days."""
    expiring = seals.seals_needing_attention()
    admins = db.session.scalars(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True))
    ).all()
    for record in expiring:
        for admin_id in admins:
            if not services.already_told(admin_id, SEAL, record.id):
                services.tell(registry.Tell(admin_id, SEAL, record.id))
    db.session.commit()


def seal_visible(user, notice) -> bool:
    return Role.ADMIN in user.roles


def write_seal(notice) -> registry.Written | None:
    record = db.session.get(OrganisationSeal, notice.object_id)
    if record is None:
        return None
    return registry.Written(
        _(
            "The seal of %(organisation)s expires on %(date)s",
            organisation=record.organisation.name,
            date=format_date(record.not_valid_after, "long"),
        ),
        _("Install a new seal before then: after it, the organisation cannot issue certificates."),
        registry.link("certificates.seal_overview"),
    )
