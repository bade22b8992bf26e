"""The commands of assessment: `flask --app isok load-scales`, `flask --app isok import-framework`."""

import click

from assessment import bp
from assessment.frameworks import services
from isok.extensions import db


@bp.cli.command("load-scales")
def load_scales_command():
    """Create the assessment scales shipped with isok that are missing (idempotent)."""
    created = services.load_scales(None)
    db.session.commit()
    click.echo(f"Scales created: {', '.join(created) or 'none (all present)'}")


@bp.cli.command("import-framework")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_framework_command(path):
    """Import a framework JSON file as a new framework or a new draft version of one."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        version = services.import_framework(None, data)
    except services.FrameworkImportError as error:
        raise click.ClickException("\n".join(str(problem) for problem in error.problems)) from error
    db.session.commit()
    click.echo(f"Imported {version.framework.code} as draft version {version.number}.")
