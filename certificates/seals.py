"""Seal operations: give an organisation its seal, find the seal it issues with, and the signer that applies it.

Plain functions taking the acting user; they flush and audit, the caller commits.
"""

from datetime import timedelta

from cryptography import x509
from sqlalchemy import select

from certificates import seal, seal_keys, seal_tokens
from certificates.models import OrganisationSeal, SealSource
from isok import audit
from isok.database import utcnow
from isok.extensions import db
from isok.translation import gettext as _

EXPIRY_WARNING = timedelta(days=60)  # admins are told this long before a seal certificate expires
_signers: dict[tuple[int, str], seal.SealSigner] = {}
_SIGNERS_KEPT = 32


class SealUnavailable(RuntimeError):
    """The organisation has no usable seal; the message says why and what to do, translated."""


def active_seal(organisation_id: int) -> OrganisationSeal | None:
    return db.session.scalar(
        select(OrganisationSeal).where(
            OrganisationSeal.organisation_id == organisation_id, OrganisationSeal.retired_at.is_(None)
        )
    )


def seals_of(organisation_id: int) -> list[OrganisationSeal]:
    """Every seal the organisation has had, the current one first."""
    return db.session.scalars(
        select(OrganisationSeal)
        .where(OrganisationSeal.organisation_id == organisation_id)
        .order_by(OrganisationSeal.retired_at.is_not(None), OrganisationSeal.id.desc())
    ).all()


def seal_for_issue(organisation) -> OrganisationSeal:
    """The seal the organisation issues with now; refuse, saying why, when it has none that can seal."""
    current = active_seal(organisation.id)
    if current is None:
        raise SealUnavailable(
            _(
                "%(organisation)s has no seal yet, so it cannot issue certificates. An administrator "
                "can give it one on the organisation's page.",
                organisation=organisation.name,
            )
        )
    if current.not_valid_after <= utcnow():
        raise SealUnavailable(
            _(
                "The seal of %(organisation)s expired on %(date)s, so it cannot issue certificates. "
                "An administrator must install a new seal.",
                organisation=organisation.name,
                date=current.not_valid_after.date().isoformat(),
            )
        )
    try:
        seal_keys.check_names(chain(current)[0], organisation.name)
    except seal_keys.SealMaterialError as error:
        raise SealUnavailable(
            _(
                "The seal of %(organisation)s names someone else (%(subject)s), for instance after a "
                "change of name. An administrator must install a seal naming the organisation.",
                organisation=organisation.name,
                subject=current.subject,
            )
        ) from error
    return current


def expires_soon(record: OrganisationSeal) -> bool:
    return record.not_valid_after - utcnow() <= EXPIRY_WARNING


def seals_needing_attention() -> list[OrganisationSeal]:
    """Current seals that have expired or expire within EXPIRY_WARNING, soonest first."""
    return db.session.scalars(
        select(OrganisationSeal)
        .where(OrganisationSeal.retired_at.is_(None), OrganisationSeal.not_valid_after <= utcnow() + EXPIRY_WARNING)
        .order_by(OrganisationSeal.not_valid_after)
    ).all()


def chain(record: OrganisationSeal) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(record.certificate_chain.encode())


def public_jwk(record: OrganisationSeal) -> dict:
    return seal_keys.public_jwk(chain(record)[0].public_key())


def key_thumbprint(record: OrganisationSeal) -> str:
    """The seal key's JWK thumbprint (RFC 7638): its name in the VC-JWT's `kid` and in the issuer profile."""
    return seal_keys.jwk_thumbprint(public_jwk(record))


def signer(record: OrganisationSeal) -> seal.SealSigner | seal_tokens.TokenSigner:
    """The signer applying this seal, kept per process: decrypting and checking a key costs more than a seal, and a
    key in the hardware token is found there once."""
    if record.in_token:
        try:
            return seal_tokens.signer(record.token_key_label, chain(record))
        except seal_tokens.TokenUnavailable as error:
            raise SealUnavailable(
                _(
                    "The seal key of %(organisation)s is in the hardware token, which cannot be used now: %(reason)s",
                    organisation=record.organisation.name,
                    reason=str(error),
                )
            ) from error
    cache_key = (record.id, record.fingerprint)
    if cache_key not in _signers:
        try:
            key = seal_keys.decrypt_key(record.encrypted_key, record.organisation_id, record.fingerprint)
        except seal_keys.KeyUnreadable as error:
            raise SealUnavailable(
                _(
                    "The seal key of %(organisation)s cannot be read: the installation's seal "
                    "encryption key has changed. An administrator must install the seal again.",
                    organisation=record.organisation.name,
                )
            ) from error
        if len(_signers) >= _SIGNERS_KEPT:
            _signers.pop(next(iter(_signers)))
        _signers[cache_key] = seal.SealSigner.from_key(key, chain(record))
    return _signers[cache_key]


# --- giving an organisation its seal -----------------------------------------------------------------------------


def install_seal(
    user, organisation, material: seal_keys.SealMaterial | seal_tokens.TokenMaterial, source: SealSource
) -> OrganisationSeal:
    """Make `material` the organisation's seal; the seal it had is retired (kept for what it signed). A key in
    memory is stored encrypted; a key in the hardware token stays there, and the seal keeps its label."""
    seal_keys.check_names(material.certificate, organisation.name)
    certificate = material.certificate
    digest = seal_keys.fingerprint(certificate)
    if db.session.scalar(select(OrganisationSeal.id).where(OrganisationSeal.fingerprint == digest)) is not None:
        raise seal_keys.SealMaterialError(_("This certificate is already installed as a seal."))
    previous = active_seal(organisation.id)
    if previous is not None:
        previous.retired_at = utcnow()
        audit.record(user, "retire_seal", previous, changes=audit.changes_of(previous, ["retired_at"]))
    record = OrganisationSeal(
        organisation=organisation,
        source=source,
        subject=certificate.subject.rfc4514_string()[:500],
        issuer=certificate.issuer.rfc4514_string()[:500],
        fingerprint=digest,
        certificate_chain=material.chain_pem(),
        encrypted_key=(
            None
            if isinstance(material, seal_tokens.TokenMaterial)
            else seal_keys.encrypt_key(material.key_der(), organisation.id, digest)
        ),
        token_key_label=material.key_label if isinstance(material, seal_tokens.TokenMaterial) else None,
        not_valid_before=certificate.not_valid_before_utc,
        not_valid_after=certificate.not_valid_after_utc,
        created_by_id=user.id if user else None,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        user,
        "install_seal",
        record,
        changes=audit.snapshot(
            record,
            ["organisation_id", "source", "subject", "issuer", "fingerprint", "not_valid_after", "token_key_label"],
        ),
    )
    return record


def generate_seal(user, organisation) -> OrganisationSeal:
    """Give the organisation a self-signed seal naming it (demonstrations and tests: nobody outside trusts it)."""
    material = seal_keys.self_signed(organisation.name, organisation.business_id)
    return install_seal(user, organisation, material, SealSource.GENERATED)


def upload_pkcs12(user, organisation, data: bytes, password: str | None) -> OrganisationSeal:
    return install_seal(user, organisation, seal_keys.from_pkcs12(data, password), SealSource.UPLOADED)


def upload_pem(user, organisation, key_pem: bytes, chain_pem: bytes, password: str | None) -> OrganisationSeal:
    return install_seal(user, organisation, seal_keys.from_pem(key_pem, chain_pem, password), SealSource.UPLOADED)


def use_token_key(user, organisation, key_label: str, chain_pem: bytes | None) -> OrganisationSeal:
    """Make the key labelled `key_label` in the hardware token the organisation's seal, with its certificate chain
    from `chain_pem` or else from the token."""
    return install_seal(user, organisation, seal_tokens.material(key_label, chain_pem), SealSource.HSM)
