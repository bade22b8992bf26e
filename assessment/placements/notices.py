"""The tutor link notice: a workplace tutor is sent their personal placement link, by mail to their own address and
in their own language (and in their notices, for a tutor who already signs in).

The link's token is never stored in the clear: the notice keeps it encrypted for its tutor (as the second factor
keeps its secrets) until it is written, and it opens nothing once the link is revoked, expires or has another tutor.
"""

import base64

from flask import Flask
from flask_babel import format_date

from assessment.placements.models import TutorLink
from isok.accounts import second_factor
from isok.accounts.models import Organisation
from isok.database import utcnow
from isok.extensions import db
from isok.notices import registry, services
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

KIND = "tutor_link"
_PURPOSE = "tutor link"


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(KIND, _l("Placement links sent to you"), write, visible))


def tell_tutor(link: TutorLink, token: str) -> None:
    sealed = base64.b64encode(second_factor.seal(token, link.user_id, _PURPOSE)).decode()
    services.tell(registry.Tell(link.user_id, KIND, link.id, {"token": sealed}, case_id=link.placement.case_id))


def _working_link(notice) -> TutorLink | None:
    link = db.session.get(TutorLink, notice.object_id)
    return link if link is not None and link.user_id == notice.user_id and link.works(utcnow()) else None


def visible(user, notice) -> bool:
    return user is not None and _working_link(notice) is not None


def write(notice) -> registry.Written | None:
    link = _working_link(notice)
    token = second_factor.unseal(base64.b64decode(notice.params["token"]), notice.user_id, _PURPOSE) if link else None
    if token is None:
        return None
    placement = link.placement
    workplace = db.session.get(Organisation, placement.workplace_id)
    return registry.Written(
        _("Your link to the placement at %(workplace)s", workplace=workplace.name),
        _(
            "You are the workplace tutor of a placement from %(start)s to %(end)s. The link below opens only this "
            "placement, where you follow it and give your ratings. It is personal: do not pass it on. It works "
            "until %(date)s.",
            start=format_date(placement.start_date, "long"),
            end=format_date(placement.ends_on, "long"),
            date=format_date(link.expires_at, "long"),
        ),
        registry.link("assessment.link_landing", token=token),
    )
