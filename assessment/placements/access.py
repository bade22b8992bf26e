"""How a user reaches a placement: through the placements they may see, or through a tutor's personal link."""

from flask import abort, session
from flask_login import current_user

from assessment.placements import services as placement_services
from assessment.placements.models import Placement, TutorLink
from isok import permissions
from isok.extensions import db

LINK_SESSION_KEY = "tutor_link"


def placement_or_404(placement_id: int) -> Placement:
    return db.session.scalar(
        permissions.visible_placements(current_user).where(Placement.id == placement_id)) or abort(404)


def link_session() -> TutorLink | None:
    """The link behind this browser's link session, if it still works."""
    data = session.get(LINK_SESSION_KEY) or {}
    return placement_services.tutor_link_by_id(data.get("id"), data.get("hash"))
