"""The command of certificates: `flask --app isok make-seal`."""

import click

from certificates import bp, seal


@bp.cli.command("make-seal")
@click.option("--organisation", default="isok demo", help="Organisation named in the seal certificate.")
@click.option("--force", is_flag=True, help="Replace an existing seal.")
def make_seal_command(organisation, force):
    """Create a self-signed seal key and certificate for certificates (demonstration and tests)."""
    key_path, cert_path = seal.seal_paths()
    if key_path.exists() and not force:
        raise click.ClickException(f"a seal exists at {key_path}; use --force to replace it")
    seal.make_seal(key_path, cert_path, organisation)
    click.echo(f"Seal key: {key_path}\nSeal certificate: {cert_path}")
