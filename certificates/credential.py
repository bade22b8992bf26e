"""The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential, JSON-LD), from its snapshot.

Two forms: the plain JSON-LD document, whose integrity rests on the verification address (its `id`) and on the
sealed PDF whose SHA-256 it carries; and the same document secured as a VC-JWT (W3C VC-JOSE-COSE): a compact JWS
signed with the organisation's seal key, the seal certificate in its header.
"""

import base64
import json

from cryptography.hazmat.primitives import serialization

from certificates import seal, seals, texts
from certificates.rendering import verification_url
from isok.i18n import text_direction

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def _texts(value: dict | None, languages: list[str]) -> list[dict]:
    """VC 2.0 language value objects in the certificate's languages (English kept as the fallback)."""
    return [_value(text, code) for code, text in (value or {}).items()
            if text and (code in languages or code == "en")]


def _value(text: str, code: str) -> dict:
    return {"@value": text, "@language": code, "@direction": text_direction(code)}


def _fixed(key: str, languages: list[str], **values) -> list[dict]:
    return [_value(texts.text(code, key, **values), code) for code in languages]


def _outcome_id(base: str, unit: dict, outcome: dict) -> str:
    return f"{base}#outcome-{unit['code']}-{outcome['code']}"


def build_credential(content: dict, *, status: str, pdf_sha256: str) -> dict:
    languages = content["languages"]
    url = verification_url(content["verification_code"])
    qualification = content["qualification"]
    scale = content["scale"]
    levels = [{"id": f"{url}#level-{level['code']}", "type": ["RubricCriterionLevel"],
               "name": _texts(level["label"], languages), "level": level["code"]} for level in scale["levels"]]
    result_descriptions, results = [], []
    for unit in content["units"]:
        for outcome in unit["outcomes"]:
            outcome_id = _outcome_id(url, unit, outcome)
            result_descriptions.append({
                "id": outcome_id, "type": ["ResultDescription"], "name": _texts(outcome["text"], languages),
                "resultType": "RubricCriterionLevel", "rubricCriterionLevel": levels,
                "alignment": [{"type": ["Alignment"], "targetType": "ext:LearningOutcome",
                               "targetCode": outcome["code"], "targetName": _texts(unit["name"], languages),
                               "targetFramework": qualification.get("code")}],
            })
            results.append({"type": ["Result"], "resultDescription": outcome_id,
                            "achievedLevel": f"{url}#level-{outcome['level']['code']}",
                            "ext:shownBy": outcome["shown_by"],
                            "ext:formallyRecognised": unit["formally_recognised"]})
    holder = content["holder"]
    return {
        "@context": CONTEXT,
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _fixed("title", languages),
        "issuer": {"id": f"{url}#issuer", "type": ["Profile"], "name": content["issuer"]["name"],
                   "address": {"type": ["Address"], "addressLocality": content.get("place")}},
        "validFrom": f"{content['issued_on']}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": holder["full_name"]}],
            "achievement": {
                "id": f"{url}#achievement",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": _texts(qualification["name"], languages),
                "description": _fixed("nature", languages, issuer=content["issuer"]["name"]),
                "criteria": {"narrative": _fixed("explanation", languages)},
                "resultDescription": result_descriptions,
            },
            "result": results,
        },
        "evidence": [{"type": ["Evidence"], "id": f"{url}#pdf", "name": content["number"],
                      "ext:sha256": pdf_sha256}],
        "ext:certificateNumber": content["number"],
        "ext:status": status,
        "ext:formallyRecognised": content["formally_recognised"],
        "ext:assessors": content["assessors"],
        "ext:decidedOn": content["decided_on"],
    }


def as_vc_jwt(document: dict, issuer_seal) -> str:
    """The credential as `application/vc+jwt`, signed with the issuer's seal: the document is the JWS payload,
    unchanged, and the seal certificate chain travels in `x5c`, so a verifier sees who signed it."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
           for cert in seals.chain(issuer_seal)]
    return seal.sign_jws(payload, {"typ": "vc+jwt", "cty": "vc", "x5c": x5c}, seals.signer(issuer_seal))
