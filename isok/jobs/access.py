"""Who sees the job queue's failures: administrators, who can act on them (or call the developer)."""

from isok import permissions
from isok.accounts.models import Role

VIEW_JOBS = "view_jobs"  # the failed jobs with their errors

GRANTS = {VIEW_JOBS: {Role.ADMIN}}


def init_app(app) -> None:
    for capability, roles in GRANTS.items():
        permissions.GRANTS.setdefault(capability, roles)
