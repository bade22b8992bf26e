from flask import render_template, url_for
from sqlalchemy import select

from isok import dashboard, permissions, routing
from isok.extensions import db
from isok.jobs import bp
from isok.jobs.access import VIEW_JOBS
from isok.jobs.models import FailedJob
from isok.translation import lazy_gettext as _l

PAGE_SIZE = 50


def nav(user):
    return [dashboard.NavItem(_l("Failed jobs"), url_for("jobs.failed"))] if permissions.can(user, VIEW_JOBS) else []


@bp.get("/failed")
@permissions.requires(VIEW_JOBS)
def failed():
    page = routing.page_number(PAGE_SIZE)
    rows = db.session.scalars(
        select(FailedJob).order_by(FailedJob.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("jobs/failed.html", failures=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)
