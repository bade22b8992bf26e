"""The foundation's Flask commands: `demo`, `create-user`, `reset-second-factor`, `backup`, `restore` and `serve`.

Features add theirs on their blueprint (`Blueprint(..., cli_group=None)` and `@bp.cli.command`)."""

import contextlib
import signal

import click
import pyotp
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler, run_simple

from isok import demo as demo_data
from isok.accounts import second_factor, services
from isok.accounts.models import Role, User
from isok.backup import backup_command, restore_command
from isok.config import DEFAULT_DEMO_PASSWORD
from isok.extensions import db
from isok.jobs import beside


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data (idempotent) and print the demo accounts."""
    accounts = demo_data.load()
    db.session.commit()
    password = current_app.config["DEMO_PASSWORD"]
    hint = ", set ISOK_DEMO_PASSWORD to choose another" if password == DEFAULT_DEMO_PASSWORD else ""
    click.echo(f"Demo accounts (password: {password}{hint}):")
    for email, roles in accounts:
        click.echo(f"  {email:28} {roles}")
    if current_app.config["REQUIRE_MFA"]:
        secret = current_app.config["DEMO_TOTP_SECRET"]
        uri = pyotp.TOTP(secret).provisioning_uri(name="demo accounts", issuer_name=second_factor.ISSUER)
        click.echo(
            f"Second factor of every demo account: add the key {second_factor.grouped(secret)} to an "
            f"authenticator app,\n  or open {uri} on the phone (set ISOK_REQUIRE_MFA=0 for no second factor)"
        )


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
@with_appcontext
def create_user_command(email, name, roles):
    """Create a user and print a one-time link with which they set their password."""
    try:
        user = services.create_user(None, email=email, name=name, roles={Role(r) for r in roles})
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    token = services.issue_password_link(user, user)
    db.session.commit()
    click.echo(f"{current_app.config['PUBLIC_URL'].rstrip('/')}/password/{token}")


@click.command("reset-second-factor")
@click.option("--email", required=True)
@with_appcontext
def reset_second_factor_command(email):
    """Remove a user's second factor, for when no administrator can log in to do it: they set up a new one."""
    user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    second_factor.reset(None, user)
    db.session.commit()
    click.echo(f"The second factor of {user.email} was reset; they set up a new one at their next login.")


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, without the server's and Python's versions in the Server header (they tell an
    attacker which known holes to try)."""

    def version_string(self) -> str:
        return "isok"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option(
    "--consumer/--no-consumer",
    default=True,
    show_default=True,
    help="Run a job consumer beside the server (`flask jobs-consumer` as a child process).",
)
@with_appcontext
def serve_command(host, port, consumer):
    """Serve the app on Werkzeug's threaded server, as `make run` does (`flask run` names its versions)."""
    # Ctrl-C stops the server, and through it the consumer, however it was started: a shell that starts a command
    # in the background makes it ignore SIGINT, which Python and the consumer's exec would otherwise inherit.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with beside.consumer_process() if consumer else contextlib.nullcontext():
        run_simple(host, port, current_app._get_current_object(), threaded=True, request_handler=_QuietRequestHandler)


def init_app(app) -> None:
    for command in (
        demo_command,
        create_user_command,
        reset_second_factor_command,
        backup_command,
        restore_command,
        serve_command,
    ):
        app.cli.add_command(command)
