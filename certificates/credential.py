"""The certificate as an Open Badges 3.0 AchievementCredential (a W3C Verifiable Credential 2.0), from its snapshot.

Two forms: the plain JSON-LD document, and the same document secured as a VC-JWT following OB 3.0's JSON Web Token
proof format: the credential is the JWT payload with the claims `iss`, `sub`, `nbf`, `jti` (and `exp` when it has
a `validUntil`), and the only JOSE headers are `alg`, `kid` and `typ: JWT`. The `kid` is an address that answers
the seal's public key as a JWK, and the issuer's profile (its `issuer.id`) lists it.

Languages the OB 3.0 way: every text field is one string, in the credential's language (the certificate's first);
the achievement states that language (`inLanguage`) and links the same achievement in the certificate's other
languages (`related`), each address answering in its language.
"""

import json
import uuid
from datetime import datetime
from urllib.parse import quote

from certificates import seal, seals, status_list, texts
from certificates.addresses import achievement_url, issuer_url, key_url, outcome_url
from certificates.rendering import verification_url
from isok.i18n import localized

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
# The W3C controlled-identifier vocabulary: how the issuer profile lists its keys (verificationMethod, JsonWebKey).
KEYS_CONTEXT = "https://www.w3.org/ns/cid/v1"


def issuer_id(certificate) -> int:
    """The issuing organisation. Snapshots made before organisations had profiles lack it; the case's
    organisation issued those."""
    return certificate.content["issuer"].get("id", certificate.case.organisation_id)


def subject_id(content: dict) -> str:
    """The holder's identifier (`credentialSubject.id`, the JWT's `sub`): kept in the snapshot since it was
    introduced, else derived from the certificate's verification address, which never changes."""
    return (
        content["holder"].get("id")
        or uuid.uuid5(uuid.NAMESPACE_URL, verification_url(content["verification_code"])).urn
    )


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_credential(certificate) -> dict:
    """The OB 3.0 AchievementCredential of an issued certificate, from what it stated when issued."""
    content = certificate.content
    lang = content["languages"][0]

    def say(value: dict | None) -> str:
        return localized(value, lang)

    url = verification_url(content["verification_code"])
    qualification = content["qualification"]
    issuer = content["issuer"]
    achievement_id = achievement_url(qualification, [unit["code"] for unit in content["units"]])
    levels = [
        {
            "id": f"{achievement_id}#level-{quote(level['code'], safe='')}",
            "type": ["RubricCriterionLevel"],
            "name": say(level["label"]),
            "level": level["code"],
        }
        for level in content["scale"]["levels"]
    ]
    result_descriptions, results = [], []
    for unit in content["units"]:
        for outcome in unit["outcomes"]:
            description_id = f"{achievement_id}#outcome-{quote(outcome['code'], safe='')}"
            alignment = {
                "type": ["Alignment"],
                "targetType": "ext:LearningOutcome",
                "targetName": say(outcome["text"]),
                "targetUrl": outcome_url(qualification, outcome["code"]),
                "targetCode": outcome["code"],
                "targetFramework": say(qualification["name"]),
            }
            result_descriptions.append(
                {
                    "id": description_id,
                    "type": ["ResultDescription"],
                    "name": say(outcome["text"]),
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": levels,
                    "alignment": [alignment],
                    "ext:unit": {"code": unit["code"], "name": say(unit["name"])},
                }
            )
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": description_id,
                    "achievedLevel": f"{achievement_id}#level-{quote(outcome['level']['code'], safe='')}",
                    "status": "Completed",
                    "ext:shownBy": outcome["shown_by"],
                    "ext:formallyRecognised": unit["formally_recognised"],
                }
            )
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": say(qualification["name"]),
        "description": texts.text(lang, "nature", issuer=issuer["name"]),
        "criteria": {"narrative": texts.text(lang, "explanation")},
        "humanCode": qualification["code"],
        "version": str(qualification["version"]),
        "inLanguage": lang,
        "related": [
            {
                "id": f"{achievement_id}?lang={other}",
                "type": ["Related"],
                "inLanguage": other,
                "version": str(qualification["version"]),
            }
            for other in content["languages"][1:]
        ],
        "resultDescription": result_descriptions,
    }
    if qualification.get("field"):
        achievement["fieldOfStudy"] = say(qualification["field"])
    credits = sum(unit.get("credits") or 0 for unit in content["units"])
    if credits:
        achievement["creditsAvailable"] = credits
    profile = {"id": issuer_url(issuer_id(certificate)), "type": ["Profile"], "name": issuer["name"]}
    validity = {"validFrom": _iso(certificate.issued_at)}
    if certificate.valid_until is not None:
        validity["validUntil"] = _iso(certificate.valid_until)
    status = status_list.entry(certificate)
    if issuer.get("municipality"):
        profile["address"] = {"type": ["Address"], "addressLocality": issuer["municipality"]}
    return {
        "@context": CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": texts.text(lang, "title"),
        "description": texts.text(lang, "nature", issuer=issuer["name"]),
        "issuer": profile,
        **validity,
        "awardedDate": _iso(certificate.issued_at),
        "credentialSubject": {
            "id": subject_id(content),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": content["holder"]["full_name"],
                }
            ],
            "achievement": achievement,
            "result": results,
        },
        "evidence": [
            {
                "id": f"{url}#pdf",
                "type": ["Evidence"],
                "name": content["number"],
                "description": f"SHA-256 {certificate.pdf_sha256}",
                "ext:sha256": certificate.pdf_sha256,
            }
        ],
        **({"credentialStatus": status} if status else {}),
        "ext:certificateNumber": content["number"],
        "ext:formallyRecognised": content["formally_recognised"],
        "ext:assessors": content["assessors"],
        "ext:decidedOn": content["decided_on"],
    }


def issuer_profile(organisation, seal_records) -> dict:
    """The organisation's OB 3.0 Profile (its `id` is every credential's `issuer.id`), also a controller document
    listing its seals' public keys: a VC-JWT's `kid` is one of them, and answers as that JWK on its own."""
    url = issuer_url(organisation.id)
    keys = [key_url(organisation.id, seals.key_thumbprint(record)) for record in seal_records]
    profile = {
        "@context": [*CONTEXT, KEYS_CONTEXT],
        "id": url,
        "type": ["Profile"],
        "name": organisation.name,
        "verificationMethod": [
            {"id": key, "type": "JsonWebKey", "controller": url, "publicKeyJwk": seals.public_jwk(record)}
            for key, record in zip(keys, seal_records, strict=True)
        ],
        "assertionMethod": keys,
    }
    if organisation.municipality:
        profile["address"] = {"type": ["Address"], "addressLocality": organisation.municipality}
    if organisation.business_id:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": organisation.business_id,
                "identifierType": "ext:FinnishBusinessId",
            }
        ]
    return profile


def _numeric_date(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def jwt_claims(document: dict) -> dict:
    """OB 3.0's JWT claims, each the credential's own value: issuer, subject, validity and id (the issuer may be
    its profile or just its address, as in a status list)."""
    issuer = document["issuer"]
    claims = {
        "iss": issuer if isinstance(issuer, str) else issuer["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": _numeric_date(document["validFrom"]),
        "jti": document["id"],
    }
    if "validUntil" in document:
        claims["exp"] = _numeric_date(document["validUntil"])
    return claims


def as_vc_jwt(document: dict, issuer_seal) -> str:
    """The credential as a VC-JWT signed with the issuer's seal: the credential and its claims in the payload, and
    no JOSE header beyond `alg`, `kid` and `typ`."""
    payload = json.dumps({**document, **jwt_claims(document)}, ensure_ascii=False, separators=(",", ":")).encode()
    header = {"kid": key_url(issuer_seal.organisation_id, seals.key_thumbprint(issuer_seal)), "typ": "JWT"}
    return seal.sign_jws(payload, header, seals.signer(issuer_seal))
