"""Who may do what in the material bank.

The network's members (administrators, project managers, counsellors, teachers) use every published material and
share their organisation's own; administrators also keep every organisation's materials and withdraw what should
not be there. Workplace tutors and clients see what is meant for them (their audience) and whatever is public.
Anyone, signed in or not, sees the materials whose licence is public (Creative Commons). A withdrawn material is
seen only by those who keep it; what others reach of it is a page that says it was withdrawn. Everything else is
not found (404), so ids reveal nothing.
"""

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from isok import permissions
from isok.accounts.models import Role
from isok.materials.models import AUDIENCE_BITS, PUBLIC_LICENCES, Audience, Material, MaterialStatus, mask_of

USE_MATERIALS = "use_materials"  # every published material of the network, whatever its audience
SHARE_MATERIALS = "share_materials"  # add and edit one's own organisation's materials, see their problem reports
WITHDRAW_MATERIALS = "withdraw_materials"  # take any organisation's material out of the bank, with a reason

ADMIN, MANAGER, COUNSELLOR, TEACHER = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR, Role.TEACHER

GRANTS = {
    USE_MATERIALS: {ADMIN, MANAGER, COUNSELLOR, TEACHER},
    SHARE_MATERIALS: {ADMIN, MANAGER, COUNSELLOR, TEACHER},
    WITHDRAW_MATERIALS: {ADMIN},
}
# The audience a role belongs to, for those who do not use the whole bank.
AUDIENCE_OF = {Role.WORKPLACE_TUTOR: Audience.TUTORS, Role.CLIENT: Audience.CLIENTS}


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def _kept_scope(user):
    if not permissions.can(user, SHARE_MATERIALS):
        return false()
    if ADMIN in user.roles:
        return true()
    return Material.organisation_id == user.organisation_id if user.organisation_id else false()


def reader_scope(user) -> tuple[bool, tuple[Audience, ...]]:
    """Which published materials a user finds: every one (a member), or the public ones and those of these
    audiences. The SQL condition below and the search's bitmaps are both made from it."""
    if permissions.can(user, USE_MATERIALS):
        return True, ()
    if not _signed_in(user):
        return False, ()
    return False, tuple(sorted({AUDIENCE_OF[role] for role in user.roles if role in AUDIENCE_OF}))


def _meant_for(user):
    """Published materials the user may use: all for members; the public ones and their audience's for others."""
    published = Material.status == MaterialStatus.PUBLISHED
    every, audiences = reader_scope(user)
    if every:
        return published
    conditions: list[ColumnElement[bool]] = [Material.licence.in_(PUBLIC_LICENCES)]
    if audiences:
        conditions.append(Material.audience_mask.op("&")(mask_of(audiences, AUDIENCE_BITS)) != 0)
    return and_(published, or_(*conditions))


def usable_condition(user):
    """The WHERE clause of the materials the user finds in the bank."""
    return _meant_for(user)


def _meant_for_one(user, material: Material) -> bool:
    if permissions.can(user, USE_MATERIALS) or material.licence.public:
        return True
    audiences = {AUDIENCE_OF[role] for role in getattr(user, "roles", ()) if role in AUDIENCE_OF}
    return _signed_in(user) and not audiences.isdisjoint(material.audiences)


def can_use(user, material: Material) -> bool:
    """May open it and its files: published and meant for the user, or kept by the user."""
    return can_keep(user, material) or (not material.withdrawn and _meant_for_one(user, material))


def could_use(user, material: Material) -> bool:
    """Whether the user could use it were it not withdrawn: they are told that it was, and why."""
    return can_keep(user, material) or _meant_for_one(user, material)


def kept_materials(user):
    return select(Material).where(_kept_scope(user))


def can_keep(user, material: Material) -> bool:
    """Edit it, add file versions, read its problem reports: its organisation's sharers, administrators."""
    if not permissions.can(user, SHARE_MATERIALS):
        return False
    return ADMIN in user.roles or (
        user.organisation_id is not None and material.organisation_id == user.organisation_id
    )


def can_share_for(user, organisation_id: int | None) -> bool:
    """Whether the user may share a material in the name of this organisation."""
    if not permissions.can(user, SHARE_MATERIALS) or organisation_id is None:
        return False
    return ADMIN in user.roles or organisation_id == user.organisation_id


def can_withdraw(user, material: Material) -> bool:
    return permissions.can(user, WITHDRAW_MATERIALS) and not material.withdrawn


def can_report(user, material: Material) -> bool:
    """The network's members tell the owner what is wrong with a material (not the makers themselves)."""
    return permissions.can(user, USE_MATERIALS) and not material.withdrawn


def init_app(app) -> None:
    for capability, roles in GRANTS.items():
        permissions.GRANTS.setdefault(capability, roles)
    for rule in (can_keep, can_withdraw, can_report):
        app.jinja_env.globals[f"{rule.__name__}_material"] = rule
