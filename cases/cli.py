"""The commands of cases: `flask --app isok import-cases`, `flask --app isok erase-expired-clients`."""

import click
from sqlalchemy import func, select

from cases import bp, importing, services
from isok.accounts.models import User
from isok.extensions import db
from isok.imports import ImportFileError, iter_table


@bp.cli.command("import-cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be imported, changing nothing.")
@click.option("--user", "email", help="Import as this user (their organisation is the default organisation).")
def import_cases_command(file, dry_run, email):
    """Import clients and cases from a CSV or XLSX file (all rows or none)."""
    actor = db.session.scalar(select(User).where(func.lower(User.email) == email.lower())) if email else None
    if email and actor is None:
        raise click.ClickException(f"No user with the email {email}.")
    try:
        with open(file, "rb") as stream:  # read as the rows are checked: a long file is never whole in memory
            report = importing.import_cases(actor, iter_table(file, stream), dry_run=dry_run)
    except ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    for line in report.applied:
        click.echo(f"  {line}")
    for error in report.errors:
        click.echo(f"line {error.line}, {error.column or '-'}: {error.message}", err=True)
    if not report.ok:
        db.session.rollback()
        raise click.ClickException(f"{len(report.errors)} errors; nothing was imported.")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(report.applied)} rows would be imported.")
    else:
        db.session.commit()
        click.echo(f"Imported {len(report.applied)} clients and cases.")


@bp.cli.command("erase-expired-clients")
@click.option(
    "--years",
    type=click.IntRange(1, 50),
    required=True,
    help="The retention period: years since the client's last case ended.",
)
@click.option("--dry-run", is_flag=True, help="List the clients that would be erased, changing nothing.")
def erase_expired_clients_command(years, dry_run):
    """Erase the personal data of every client past the retention period (for a scheduled job).

    Each client is erased and committed on its own, as the Erase button does; the audit trail names no actor.
    """
    due = services.clients_due_for_erasure(years)
    for client in due:
        if dry_run:
            click.echo(f"  would erase client #{client.id}")
            continue
        services.erase_client(None, client)
        db.session.commit()
        click.echo(f"  erased client #{client.id}")
    click.echo(f"{'Would erase' if dry_run else 'Erased'}: {len(due)} (retention period {years} years).")
