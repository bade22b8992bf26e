"""The public addresses credentials name: the issuers' profiles, keys and revocation lists, and the pages of the
achievements and learning outcomes (certificates.public_views answers them)."""

from urllib.parse import quote

from flask import current_app


def _public(path: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{path}"


def issuer_url(organisation_id: int) -> str:
    """The issuing organisation's public profile, the credential's `issuer.id`."""
    return _public(f"/issuers/{organisation_id}")


def key_url(organisation_id: int, thumbprint: str) -> str:
    """Where a seal's public key answers as a JWK: the VC-JWT's `kid`."""
    return _public(f"/issuers/{organisation_id}/keys/{thumbprint}")


def _qualification_path(qualification: dict) -> str:
    return f"/qualifications/{quote(qualification['code'], safe='')}/v{qualification['version']}"


def achievement_url(qualification: dict, unit_codes: list[str]) -> str:
    """The same address for every credential of this qualification version and set of units."""
    units = "+".join(quote(code, safe="") for code in sorted(unit_codes))
    return _public(f"{_qualification_path(qualification)}/units/{units}")


def outcome_url(qualification: dict, outcome_code: str) -> str:
    """The learning outcome's public page in its qualification version: an alignment's `targetUrl`."""
    return _public(f"{_qualification_path(qualification)}/outcomes/{quote(outcome_code, safe='')}")


def status_list_url(organisation_id: int, list_id: int) -> str:
    """Where an organisation's revocation list (a BitstringStatusListCredential) is published."""
    return f"{issuer_url(organisation_id)}/status/{list_id}"
