"""`flask material-previews`: draw the previews of the files kept before the bank made them (once, after an
upgrade; new files get theirs when they are added)."""

import click
from sqlalchemy import select

from isok.extensions import db
from isok.materials import bp, previews, services
from isok.materials.models import MaterialFile


@bp.cli.command("material-previews")
def previews_command():
    """Draw the missing previews of the bank's current pictures and PDFs."""
    ids = db.session.scalars(
        select(MaterialFile.id)
        .where(MaterialFile.preview_sha256.is_(None), MaterialFile.superseded_at.is_(None))
        .where(MaterialFile.media_type.in_(previews.PREVIEWED))
        .order_by(MaterialFile.id)
    ).all()
    made = 0
    for file_id in ids:
        made += services.add_preview(db.session.get(MaterialFile, file_id))
        db.session.commit()
    click.echo(f"{made} previews drawn, {len(ids) - made} files without one.")
