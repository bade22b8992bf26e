"""Revocation that software can read: W3C Bitstring Status List v1.0.

Each issuing organisation publishes revocation lists of 131,072 entries (the specification's minimum, so one entry
says nothing about who it is). Every certificate takes a random free place in its organisation's current list, and
its credential's `credentialStatus` names that place. A place's bit is 1 when the certificate is revoked or
replaced; the list is built from the certificates' status whenever it is asked for, so revoking or replacing shows
at once. The list credential is signed like the certificates' credentials (VC-JWT with the issuer's seal key).
"""

import base64
import gzip
import secrets
from datetime import datetime

from sqlalchemy import select

from certificates.addresses import issuer_url, status_list_url
from certificates.models import Certificate, CertificateStatus, StatusList
from isok.database import utcnow
from isok.extensions import db

LENGTH = 131_072  # bits: the minimum of Bitstring Status List v1.0, for group privacy
FILL = 0.5  # a list takes new places until half of them are used; then a new list starts
PURPOSE = "revocation"


def list_url(status_list: StatusList) -> str:
    return status_list_url(status_list.organisation_id, status_list.id)


def assign_place(certificate: Certificate, organisation_id: int) -> None:
    """Give the certificate a random free place in the organisation's current revocation list."""
    current = db.session.scalar(
        select(StatusList).where(StatusList.organisation_id == organisation_id).order_by(StatusList.id.desc()).limit(1)
    )
    used = (
        set()
        if current is None
        else set(
            db.session.scalars(select(Certificate.status_list_index).where(Certificate.status_list_id == current.id))
        )
    )
    if current is None or len(used) >= current.length * FILL:
        current = StatusList(organisation_id=organisation_id, purpose=PURPOSE, length=LENGTH)
        db.session.add(current)
        db.session.flush()
        used = set()
    index = secrets.randbelow(current.length)
    while index in used:  # at most half are taken, so this ends after two draws on average
        index = secrets.randbelow(current.length)
    certificate.status_list, certificate.status_list_id, certificate.status_list_index = current, current.id, index


def entry(certificate: Certificate) -> dict | None:
    """The credential's `credentialStatus`: a BitstringStatusListEntry, or None for a certificate without a place."""
    if certificate.status_list is None:
        return None
    url = list_url(certificate.status_list)
    return {
        "id": f"{url}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": certificate.status_list.purpose,
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": url,
    }


def encode(bits_set: list[int], length: int) -> str:
    """The specification's encodedList: bit 0 is the most significant bit of the first byte; GZIP, then base64url
    without padding, with the multibase prefix `u`."""
    bitstring = bytearray(length // 8)
    for index in bits_set:
        bitstring[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bitstring), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def list_credential(status_list: StatusList) -> dict:
    """The BitstringStatusListCredential as it stands now: a 1 for every certificate no longer valid."""
    revoked = db.session.scalars(
        select(Certificate.status_list_index).where(
            Certificate.status_list_id == status_list.id, Certificate.status != CertificateStatus.VALID
        )
    ).all()
    url = list_url(status_list)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(status_list.organisation_id),
        "validFrom": _iso(utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode(revoked, status_list.length),
        },
    }
