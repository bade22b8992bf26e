"""Who reads which framework versions, and who sets a case's target qualification."""

from sqlalchemy import Select, false, select

from assessment.frameworks.models import FrameworkVersion, VersionStatus
from cases.access import can_manage_case
from cases.models import Case
from isok.permissions import MANAGE_FRAMEWORKS, VIEW_FRAMEWORKS, can


def visible_framework_versions(user) -> Select:
    """Published and retired versions for readers; drafts only for those who maintain frameworks."""
    if not can(user, VIEW_FRAMEWORKS):
        return select(FrameworkVersion).where(false())
    if can(user, MANAGE_FRAMEWORKS):
        return select(FrameworkVersion)
    return select(FrameworkVersion).where(FrameworkVersion.status != VersionStatus.DRAFT)


def can_set_target_qualification(user, case: Case) -> bool:
    return can_manage_case(user, case)
