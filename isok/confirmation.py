"""Irreversible actions ask first, without JavaScript: the first post of the form shows what is about to happen and
changes nothing; the page's button posts the same fields again with `confirm`, and only that post acts."""

from flask import render_template, request

FIELD = "confirm"


def confirmed() -> bool:
    return request.form.get(FIELD) == "yes"


def ask_first(question: str, button: str, back_url: str, *, title: str | None = None, danger: bool = False):
    """The confirmation page for the form just posted: its fields travel along unchanged (with a fresh CSRF token)."""
    fields = [
        (name, value) for name, values in request.form.lists() if name not in ("csrf_token", FIELD) for value in values
    ]
    return render_template(
        "confirm.html",
        title=title or button,
        question=question,
        button=button,
        back_url=back_url,
        danger=danger,
        fields=fields,
        action=request.path,
    )
