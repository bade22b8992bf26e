"""Notices people actually get: in the app, in each person's own language, and by e-mail where they want it (or in
the administrator's outbox while no mail server is configured). Features declare their kinds of notices and the
audited changes that tell someone (`isok.notices.registry`)."""

from flask import Blueprint, Flask

bp = Blueprint("notices", __name__, template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    from isok import fields, hooks
    from isok.jobs import queue
    from isok.notices import access, data_rights, mail, registry, services, views

    registry.init_app(app)
    access.init_app(app)
    fields.declare(app, *access.FIELD_SETS)
    app.register_blueprint(bp)  # routes: views.py
    hooks.nav(app, views.nav)
    hooks.export_data(app, data_rights.notices_part)
    hooks.erasure(app, data_rights.erase_notices)
    queue.task(app, mail.send_notice_mail, name=services.SEND_MAIL, retries=8, retry_delay=60)
