"""Administration of the organisations' seals: upload one, generate a demonstration one, see which expire soon."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from certificates import bp, seal_keys, seal_tokens, seals
from certificates.forms import SealUploadForm, TokenSealForm
from certificates.models import OrganisationSeal
from isok import dashboard, permissions
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.forms import ActionForm, act, apply
from isok.permissions import MANAGE_ORGANISATIONS
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

MAX_UPLOAD_BYTES = 256 * 1024  # a key with a long chain is a few kilobytes


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _seal_page(organisation, *, form=None, token_form=None, status=200):
    return render_template(
        "certificates/seal.html",
        organisation=organisation,
        history=seals.seals_of(organisation.id),
        current=seals.active_seal(organisation.id),
        form=form or SealUploadForm(formdata=None),
        token_form=token_form or TokenSealForm(formdata=None),
        token_configured=seal_tokens.configured(),
        generate_form=ActionForm(),
        expires_soon=seals.expires_soon,
    ), status


@bp.get("/admin/organisations/<int:organisation_id>/seal")
@permissions.requires(MANAGE_ORGANISATIONS)
def organisation_seal(organisation_id):
    return _seal_page(_organisation_or_404(organisation_id))


def _read(field) -> bytes | None:
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise seal_keys.SealMaterialError(_("The file is larger than a seal key and its chain can be."), field.name)
    return data


def _install_upload(organisation, form: SealUploadForm) -> OrganisationSeal:
    pkcs12, key_pem, chain_pem = _read(form.pkcs12), _read(form.key_pem), _read(form.chain_pem)
    if pkcs12:
        return seals.upload_pkcs12(current_user, organisation, pkcs12, form.password.data)
    if key_pem and chain_pem:
        return seals.upload_pem(current_user, organisation, key_pem, chain_pem, form.password.data)
    field = "chain_pem" if key_pem else "key_pem" if chain_pem else "pkcs12"
    raise seal_keys.SealMaterialError(
        _("Choose a PKCS#12 file, or a PEM key together with its certificate chain."), field
    )


@bp.post("/admin/organisations/<int:organisation_id>/seal")
@permissions.requires(MANAGE_ORGANISATIONS)
def upload_seal(organisation_id):
    organisation = _organisation_or_404(organisation_id)
    form = SealUploadForm()
    if apply(form, lambda: _install_upload(organisation, form), default_field="pkcs12"):
        flash(
            _(
                "The seal of %(organisation)s is now %(subject)s.",
                organisation=organisation.name,
                subject=form.result.subject,
            ),
            "success",
        )
        return redirect(url_for("certificates.organisation_seal", organisation_id=organisation.id))
    return _seal_page(organisation, form=form, status=400)


@bp.post("/admin/organisations/<int:organisation_id>/seal/token")
@permissions.requires(MANAGE_ORGANISATIONS)
def token_seal(organisation_id):
    organisation = _organisation_or_404(organisation_id)
    form = TokenSealForm()
    if apply(
        form,
        lambda: seals.use_token_key(current_user, organisation, form.key_label.data, _read(form.token_chain_pem)),
        default_field="token_chain_pem",
    ):
        flash(
            _(
                "The seal of %(organisation)s is now %(subject)s, with its key in the hardware token.",
                organisation=organisation.name,
                subject=form.result.subject,
            ),
            "success",
        )
        return redirect(url_for("certificates.organisation_seal", organisation_id=organisation.id))
    return _seal_page(organisation, token_form=form, status=400)


@bp.post("/admin/organisations/<int:organisation_id>/seal/generate")
@permissions.requires(MANAGE_ORGANISATIONS)
def generate_seal(organisation_id):
    organisation = _organisation_or_404(organisation_id)
    act(
        lambda: seals.generate_seal(current_user, organisation),
        _("%(organisation)s has a new self-signed seal.", organisation=organisation.name),
    )
    return redirect(url_for("certificates.organisation_seal", organisation_id=organisation.id))


@bp.get("/admin/seals")
@permissions.requires(MANAGE_ORGANISATIONS)
def seal_overview():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    current = {
        record.organisation_id: record
        for record in db.session.scalars(select(OrganisationSeal).where(OrganisationSeal.retired_at.is_(None)))
    }
    return render_template(
        "certificates/seals.html", organisations=organisations, current=current, expires_soon=seals.expires_soon
    )


# --- where admins see seals --------------------------------------------------------------------------------------


def organisation_panel(user, organisation):
    if not permissions.can(user, MANAGE_ORGANISATIONS):
        return None
    current = seals.active_seal(organisation.id)
    return dashboard.Panel(
        "certificates/panels/organisation_seal.html",
        {
            "organisation": organisation,
            "current": current,
            "expires_soon": current is not None and seals.expires_soon(current),
        },
        order=10,
    )


def expiring_seals_panel(user):
    if not permissions.can(user, MANAGE_ORGANISATIONS):
        return None
    attention = seals.seals_needing_attention()
    if not attention:
        return None
    return dashboard.Panel("certificates/panels/seal_alerts.html", {"seals": attention}, order=5)


def nav(user):
    if permissions.can(user, MANAGE_ORGANISATIONS):
        return [dashboard.NavItem(_l("Seals"), url_for("certificates.seal_overview"))]
    return []
