from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from isok import dashboard, permissions, routing
from isok.extensions import db
from isok.forms import ActionForm, apply
from isok.jobs import bp, services
from isok.jobs.access import VIEW_JOBS
from isok.jobs.models import FailedJob
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

PAGE_SIZE = 50


def nav(user):
    return [dashboard.NavItem(_l("Failed jobs"), url_for("jobs.failed"))] if permissions.can(user, VIEW_JOBS) else []


def _page(form=None, status=200):
    page = routing.page_number(PAGE_SIZE)
    rows = db.session.scalars(
        select(FailedJob).order_by(FailedJob.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "jobs/failed.html",
        failures=rows[:PAGE_SIZE],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        form=form or ActionForm(),
    ), status


@bp.get("/failed")
@permissions.requires(VIEW_JOBS)
def failed():
    return _page()


@bp.post("/failed/<int:failed_id>/run-again")
@permissions.requires(VIEW_JOBS)
def run_again(failed_id):
    failure = db.session.get(FailedJob, failed_id) or abort(404)
    form = ActionForm()
    if apply(form, lambda: services.run_again(current_user, failure)):
        flash(_("The job was queued again."), "success")
        return redirect(url_for("jobs.failed"))
    return _page(form, form.status)
