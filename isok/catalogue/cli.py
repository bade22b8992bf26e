"""The catalogue's command: `flask --app isok billing-statement`, the network's billing statement for a period as
CSV on standard output (or XLSX into a file), for the invoicing run."""

import click
from sqlalchemy import select

from isok.catalogue import bp, reports
from isok.catalogue.models import Course


@bp.cli.command("billing-statement")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Last day (YYYY-MM-DD).")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Write an XLSX file here instead of CSV to standard output.",
)
def billing_statement_command(since, until, xlsx_path):
    """What each paying organisation owes for the courses that started in the period, under the accepted terms."""
    first, last = since.date(), until.date()
    if last < first:
        raise click.BadParameter("the last day is before the first", param_hint="--until")
    table = reports.billing_statement(reports.billing_lines(select(Course), first, last), first, last)
    if xlsx_path:
        with open(xlsx_path, "wb") as out:
            out.write(reports.xlsx_bytes(table))
        click.echo(f"{len(table.rows)} lines written to {xlsx_path}.", err=True)
    else:
        click.echo(reports.csv_bytes(table).decode("utf-8-sig"), nl=False)
