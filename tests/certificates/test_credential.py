"""The credential is Open Badges 3.0 to the letter: 1EdTech's own JSON Schema, and OB 3.0's JWT proof rules."""

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from jsonschema import Draft201909Validator, FormatChecker

from assessment.frameworks import services as framework_services
from certificates import seal_keys, seals, services
from certificates.credential import build_credential
from isok.accounts.models import Role
from isok.extensions import db
from tests.certificates.helpers import give_test_seal, new_case
from tests.certificates.samples import results
from tests.conftest import log_in

# A copy of 1EdTech's schema (see standards/README.md for where it comes from).
SCHEMA = json.loads((Path(__file__).parent / "standards" / "ob_v3p0_achievementcredential_schema.json").read_text())
VALIDATOR = Draft201909Validator(SCHEMA, format_checker=FormatChecker())
PROFILE_VALIDATOR = Draft201909Validator(
    {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/Profile"}, format_checker=FormatChecker()
)


def schema_errors(document: dict, validator=VALIDATOR) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:5000")


@pytest.fixture
def catering(make_user):
    """The sample results' qualification, published, so the credential's links answer."""
    admin = make_user(Role.ADMIN)
    framework_services.load_scales(admin)
    sample = results()
    document = {
        "code": sample["qualification"]["code"],
        "name": sample["qualification"]["name"],
        "field": sample["qualification"]["field"],
        "scale": sample["scale"]["code"],
        "units": [
            {
                "code": unit["code"],
                "name": unit["name"],
                "credits": unit["credits"],
                "outcomes": [
                    {
                        "code": o["code"],
                        "text": o["text"],
                        "criteria": {"3": {"en": "Works independently", "fi": "Toimii itsenäisesti"}},
                    }
                    for o in unit["outcomes"]
                ],
            }
            for unit in sample["units"]
        ],
    }
    version = framework_services.import_framework(admin, json.dumps(document))
    framework_services.publish_version(admin, version)
    db.session.commit()
    return version


@pytest.mark.parametrize("languages", [("fi", "en", "ar"), ("sv",), ("ti", "uk")])
def test_every_credential_validates_against_the_ob3_schema_with_zero_errors(issued, languages):
    certificate = issued(languages=languages)
    document = build_credential(certificate)
    assert schema_errors(document) == []
    assert document["credentialSubject"]["achievement"]["inLanguage"] == languages[0]


def test_the_issuer_profile_is_an_ob3_profile_listing_the_seal_keys(client, issued):
    certificate = issued()
    document = build_credential(certificate)
    profile = client.get(_path(document["issuer"]["id"]))
    assert profile.status_code == 200 and profile.mimetype == "application/ld+json"
    assert schema_errors(profile.json, PROFILE_VALIDATOR) == []
    assert profile.json["id"] == document["issuer"]["id"] and profile.json["name"] == "Savonia Vocational College"
    assert all("d" not in method["publicKeyJwk"] for method in profile.json["verificationMethod"])


def test_the_vc_jwt_follows_the_ob3_jwt_proof_rules(client, issued, counsellor):
    certificate = issued()
    log_in(client, counsellor)
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    header_part, payload_part, signature_part = token.split(".")
    header, payload = json.loads(_unb64url(header_part)), json.loads(_unb64url(payload_part))

    # JOSE header: alg, kid (or jwk), typ "JWT" if present; "Additional JOSE Headers are NOT allowed".
    assert set(header) == {"alg", "kid", "typ"} and header["typ"] == "JWT" and header["alg"] == "RS256"

    # Payload: the credential itself, with the claims each equal to the credential's own value.
    credential = {key: value for key, value in payload.items() if key not in {"iss", "sub", "nbf", "jti", "exp"}}
    assert credential == build_credential(certificate) and schema_errors(credential) == []
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["nbf"] == int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())
    assert ("exp" in payload) == ("validUntil" in credential)

    # The kid dereferences to the public key as a JWK, which the issuer profile lists; it verifies the signature.
    jwk = client.get(_path(header["kid"])).json
    assert jwk["kid"] == header["kid"] and jwk["kty"] == "RSA" and "d" not in jwk
    profile = client.get(_path(payload["iss"])).json
    listed = {method["id"]: method["publicKeyJwk"] for method in profile["verificationMethod"]}
    assert header["kid"] in profile["assertionMethod"]
    assert listed[header["kid"]] == {name: jwk[name] for name in ("kty", "n", "e")}
    public_key = RSAPublicNumbers(
        int.from_bytes(_unb64url(jwk["e"]), "big"), int.from_bytes(_unb64url(jwk["n"]), "big")
    ).public_key()
    public_key.verify(_unb64url(signature_part), f"{header_part}.{payload_part}".encode(), PKCS1v15(), hashes.SHA256())
    # The key is the seal's, and the seal names the issuer the credential names.
    assert seals.public_jwk(certificate.seal) == listed[header["kid"]]
    assert seal_keys.organisation_names(seals.chain(certificate.seal)[0]) == [credential["issuer"]["name"]]


def test_ids_are_stable_issuer_per_organisation_achievement_per_version_and_units_holder_per_client(
    issued, counsellor, make_case, signed_off, make_organisation, make_user
):
    first = issued()
    again = services.reissue_certificate(counsellor, first, ["fi", "sv"], "Swedish added", version=first.version)
    other = issued(first_name="Omar", last_name="Ali")
    db.session.commit()
    documents = [build_credential(certificate) for certificate in (first, again, other)]
    assert len({document["issuer"]["id"] for document in documents}) == 1
    assert len({document["credentialSubject"]["achievement"]["id"] for document in documents}) == 1
    assert documents[0]["credentialSubject"]["id"] == documents[1]["credentialSubject"]["id"]  # one holder
    assert documents[2]["credentialSubject"]["id"] != documents[0]["credentialSubject"]["id"]
    assert documents[0]["credentialSubject"]["id"].startswith("urn:uuid:")

    elsewhere = make_organisation(name="Joensuu Adult Education Centre")
    give_test_seal(elsewhere)
    their_counsellor = make_user(Role.COUNSELLOR, organisation=elsewhere)
    case = new_case(elsewhere, their_counsellor, first_name="Sara")
    db.session.commit()
    signed_off(case, units=[{**results()["units"][0], "outcomes": results()["units"][0]["outcomes"][:1]}])
    theirs = build_credential(services.issue_certificate(their_counsellor, case, ["fi"]))
    assert theirs["issuer"]["id"] != documents[0]["issuer"]["id"]
    assert theirs["credentialSubject"]["achievement"]["id"] == documents[0]["credentialSubject"]["achievement"]["id"]


def test_one_language_per_field_and_the_others_linked_and_answering(client, issued, catering, signed_off):
    qualification = {**results()["qualification"], "version": catering.number}
    certificate = issued(languages=("fi", "sv", "ar"))
    certificate.content = {**certificate.content, "qualification": qualification}
    db.session.commit()
    document = build_credential(certificate)
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Ravintola-alan perustutkinto" and document["name"].startswith("Osaamisen")
    assert [(related["inLanguage"], related["id"]) for related in achievement["related"]] == [
        ("sv", f"{achievement['id']}?lang=sv"),
        ("ar", f"{achievement['id']}?lang=ar"),
    ]
    swedish = client.get(_path(achievement["related"][0]["id"])).get_data(as_text=True)
    assert "Grundexamen i restaurangbranschen" in swedish and "Tillreder kalla rätter enligt recept" in swedish

    description = achievement["resultDescription"][0]
    alignment = description["alignment"][0]
    assert description["name"] == "Valmistaa kylmiä ruokia ohjeen mukaan" == alignment["targetName"]
    page = client.get(_path(alignment["targetUrl"]))  # in the reader's language...
    assert page.status_code == 200 and "Prepares cold dishes following a recipe" in page.get_data(as_text=True)
    assert "Works independently" in page.get_data(as_text=True)  # what the level means
    finnish = client.get(_path(alignment["targetUrl"]) + "?lang=fi").get_data(as_text=True)  # ...or as asked
    assert "Valmistaa kylmiä ruokia ohjeen mukaan" in finnish and "Toimii itsenäisesti" in finnish
    levels = {level["id"]: level["name"] for level in description["rubricCriterionLevel"]}
    result = document["credentialSubject"]["result"][0]
    assert result["resultDescription"] == description["id"] and levels[result["achievedLevel"]] == "Hyvä"
