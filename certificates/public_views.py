"""What credentials point to, public like the verify page: the issuers' profiles, keys and revocation lists, and
the pages of the achievements and learning outcomes in a qualification version (published or retired, never a
draft)."""

import json

from flask import abort, current_app, render_template, request
from sqlalchemy import select

from assessment.frameworks.models import Framework, FrameworkUnit, FrameworkVersion, LearningOutcome, VersionStatus
from certificates import addresses, bp, credential, seal, seals, status_list, texts
from certificates.models import StatusList
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.translation import force_locale


def _json(document: dict, mimetype: str):
    response = current_app.response_class(json.dumps(document, ensure_ascii=False, indent=2), mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from wallets and web pages
    return response


@bp.get("/issuers/<int:organisation_id>")
def issuer_profile(organisation_id):
    """The organisation's OB 3.0 Profile, with the public keys of its seals (old ones too: what they signed
    stays verifiable)."""
    organisation = db.session.get(Organisation, organisation_id)
    records = seals.seals_of(organisation_id) if organisation else []
    if not records:
        abort(404)  # an organisation that never had a seal has issued nothing
    return _json(credential.issuer_profile(organisation, records), "application/ld+json")


@bp.get("/issuers/<int:organisation_id>/keys/<thumbprint>")
def issuer_key(organisation_id, thumbprint):
    """A seal's public key as a JWK: what a VC-JWT's `kid` dereferences to."""
    for record in seals.seals_of(organisation_id):
        if seals.key_thumbprint(record) == thumbprint:
            jwk = seals.public_jwk(record)
            algorithm = seal.jws_algorithm(seals.chain(record)[0].public_key())
            return _json(
                {**jwk, "kid": addresses.key_url(organisation_id, thumbprint), "use": "sig", "alg": algorithm},
                "application/jwk+json",
            )
    abort(404)


@bp.get("/issuers/<int:organisation_id>/status/<int:list_id>")
def status_list_credential(organisation_id, list_id):
    """The organisation's revocation list as it stands now, signed with its seal (VC-JWT, like its credentials)."""
    found = db.session.get(StatusList, list_id)
    issuer_seal = seals.active_seal(organisation_id)
    if found is None or found.organisation_id != organisation_id or issuer_seal is None:
        abort(404)
    token = credential.as_vc_jwt(status_list.list_credential(found), issuer_seal)
    response = current_app.response_class(token, mimetype="application/jwt")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"  # a revocation shows at once
    return response


def _version_or_404(code: str, number: int) -> FrameworkVersion:
    version = db.session.scalar(
        select(FrameworkVersion)
        .join(Framework)
        .where(
            Framework.code == code, FrameworkVersion.number == number, FrameworkVersion.status != VersionStatus.DRAFT
        )
    )
    return version or abort(404)


def _language() -> str | None:
    """The page's language: ?lang= when it names a certificate language (the `related` achievements use it)."""
    lang = request.args.get("lang")
    return lang if lang in texts.LANGUAGES else None


def _render(template: str, **context):
    lang = _language()
    if lang is None:
        return render_template(template, **context)
    with force_locale(lang):
        return render_template(template, **context)


@bp.get("/qualifications/<code>/v<int:number>/units/<path:units>")
def achievement(code, number, units):
    """The achievement credentials of this qualification version and set of units name."""
    version = _version_or_404(code, number)
    wanted = units.split("+")
    found = db.session.scalars(
        select(FrameworkUnit)
        .where(FrameworkUnit.version_id == version.id, FrameworkUnit.code.in_(wanted))
        .order_by(FrameworkUnit.position)
    ).all()
    if not wanted or len(found) != len(set(wanted)):
        abort(404)
    return _render("certificates/public/achievement.html", version=version, units=found)


@bp.get("/qualifications/<code>/v<int:number>/outcomes/<path:outcome_code>")
def learning_outcome(code, number, outcome_code):
    """A learning outcome of the qualification version, with what each level of its scale means."""
    version = _version_or_404(code, number)
    outcomes = db.session.scalars(
        select(LearningOutcome)
        .join(FrameworkUnit)
        .where(FrameworkUnit.version_id == version.id, LearningOutcome.code == outcome_code)
        .order_by(FrameworkUnit.position, LearningOutcome.position)
    ).all()
    if not outcomes:
        abort(404)
    return _render("certificates/public/outcome.html", version=version, outcomes=outcomes)
