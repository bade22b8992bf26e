"""What features declare: the kinds of notices, and which audited changes tell whom.

Every change worth telling someone about is already written to the audit trail in its transaction, so a feature
says "after this audited action, tell these people" (`on_audit`), and the notices are added to the same
transaction: they exist exactly when the change committed. Their mails are queued at that commit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, url_for
from sqlalchemy import event

from isok.audit import AuditEntry
from isok.extensions import db

_EXTENSION = "isok.notices"


@dataclass(frozen=True)
class Written:
    """A notice in words, in the language it is rendered in."""

    subject: str
    body: str
    url: str = ""
    attachments: list[tuple[str, str, str | bytes]] = field(default_factory=list)  # (filename, type, content)
    footer: str = ""  # why a person without an account gets the mail, when the general reason does not fit


@dataclass(frozen=True)
class Kind:
    """A kind of notice: `write(notice) -> Written | None` (None: the object is gone) and `visible(user, notice)`,
    whether the recipient may still see what it is about (checked when shown and again before it is mailed; `user`
    is None for a person without an account, told at `notice.email`)."""

    name: str
    label: object  # lazy text: what the settings form calls it
    write: Callable
    visible: Callable


@dataclass(frozen=True)
class Tell:
    """Whom to tell of what: an account (`user_id`), or a person without one at `email`, written in `locale`."""

    user_id: int | None
    kind: str
    object_id: int | None
    params: dict = field(default_factory=dict)
    case_id: int | None = None  # the case the notice is about, if any
    email: str | None = None
    locale: str | None = None


@dataclass
class Registry:
    kinds: dict[str, Kind] = field(default_factory=dict)
    on_audit: dict[str, list[Callable]] = field(default_factory=dict)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = Registry()
    from isok.notices.services import queue_mails

    for name, listener in (("before_flush", _tell_after_audited_changes), ("after_flush", queue_mails)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def of(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions[_EXTENSION]


def kind(app: Flask, declared: Kind) -> None:
    of(app).kinds[declared.name] = declared


def on_audit(app: Flask, action: str, fn: Callable[[AuditEntry], list[Tell]]) -> None:
    """After an audited `action`, add the notices `fn(entry)` names (the actor is never told of their own act)."""
    of(app).on_audit.setdefault(action, []).append(fn)


def link(endpoint: str, **values) -> str:
    """A full address into the app, also from a job (which has no request: the public address stands in)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)


def _tell_after_audited_changes(session, _context, _instances) -> None:
    from isok.notices import services

    registry = current_app.extensions.get(_EXTENSION)
    if registry is None:
        return
    for entry in [obj for obj in session.new if isinstance(obj, AuditEntry) and obj.action in registry.on_audit]:
        for fn in registry.on_audit[entry.action]:
            for told in fn(entry):
                if told.email or (told.user_id is not None and told.user_id != entry.actor_id):
                    services.tell(told)
