import email
import email.policy

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from isok import dashboard, permissions, routing
from isok.extensions import db
from isok.forms import ActionForm, apply
from isok.notices import bp, mail, registry, services
from isok.notices.access import READ_OUTBOX
from isok.notices.forms import MailChoicesForm
from isok.notices.models import MailChoice, Notice, OutboxMail
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

PAGE_SIZE = 30


def nav(user):
    if not getattr(user, "is_authenticated", False):
        return []
    unread = db.session.scalar(select(func.count()).where(Notice.user_id == user.id, Notice.read_at.is_(None)))
    items = [
        dashboard.NavItem(
            _("Notices (%(count)d new)", count=unread) if unread else _l("Notices"), url_for("notices.mine")
        )
    ]
    if permissions.can(user, READ_OUTBOX):
        items.append(dashboard.NavItem(_l("Outbox"), url_for("notices.outbox")))
    return items


def _choices_form(formdata=None) -> MailChoicesForm:
    form = MailChoicesForm(formdata=formdata)
    form.by_mail.choices = [(kind.name, kind.label) for kind in registry.of().kinds.values()]
    if formdata is None:
        unwanted = set(db.session.scalars(select(MailChoice.kind).where(MailChoice.user_id == current_user.id)))
        form.by_mail.data = [name for name, _label in form.by_mail.choices if name not in unwanted]
    return form


def _page(form=None, status=200):
    page = routing.page_number(PAGE_SIZE)
    rows = db.session.scalars(
        select(Notice)
        .where(Notice.user_id == current_user.id)
        .order_by(Notice.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    shown = [
        (notice, written)
        for notice in rows[:PAGE_SIZE]
        if mail.visible(notice) and (written := mail.write(notice)) is not None
    ]
    return render_template(
        "notices/mine.html",
        notices=shown,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        form=form or _choices_form(),
        read_form=ActionForm(),
    ), status


@bp.get("/notices")
@login_required
def mine():
    return _page()


@bp.post("/notices/read")
@login_required
def mark_read():
    form = ActionForm()
    if apply(form, lambda: services.mark_read(current_user)):
        return redirect(url_for("notices.mine"))
    return _page(status=form.status)


@bp.post("/notices/mail")
@login_required
def mail_choices():
    form = MailChoicesForm()
    form.by_mail.choices = [(kind.name, kind.label) for kind in registry.of().kinds.values()]
    if apply(form, lambda: services.set_mail_choices(current_user, set(form.by_mail.data or ()))):
        flash(_("Your choices were saved."), "success")
        return redirect(url_for("notices.mine"))
    return _page(form=form, status=form.status)


@bp.get("/admin/outbox")
@permissions.requires(READ_OUTBOX)
def outbox():
    page = routing.page_number(PAGE_SIZE)
    rows = db.session.scalars(
        select(OutboxMail).order_by(OutboxMail.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("notices/outbox.html", mails=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)


@bp.get("/admin/outbox/<int:mail_id>")
@permissions.requires(READ_OUTBOX)
def outbox_mail(mail_id):
    kept = db.session.get(OutboxMail, mail_id) or abort(404)
    parsed = email.message_from_string(kept.message, policy=email.policy.default)
    return render_template(
        "notices/outbox_mail.html",
        mail=kept,
        body=parsed.get_body(("plain",)).get_content(),
        attachments=[part.get_filename() for part in parsed.iter_attachments()],
    )
