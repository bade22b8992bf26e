from unittest import mock

from certificates import seals, services
from isok.extensions import db
from tests.access import ANONYMOUS, LOGIN, MISSING_ID, NOT_FOUND, OK, PUBLIC, SIGNED_IN, Access, client_case, expect
from tests.certificates.helpers import MATRIX_MARK, give_test_seal, install_world_results

VIEWERS = ["admin", "project_manager", "counsellor"]
ISSUERS = ["admin", "counsellor"]
ALL_CASES = ["admin", "project_manager"]  # they see every organisation's cases


def build_world(world):
    """A certificate and a finished bulk issue in each organisation; the home one belongs to the home client."""
    install_world_results()
    world.seal, world.other_seal = give_test_seal(world.org), give_test_seal(world.other_org)
    world.case, world.other_case = client_case(world, "own"), client_case(world, "foreign")
    for case in (world.case, world.other_case):
        case.client.last_name = MATRIX_MARK  # their results count as signed off (install_world_results)
    with (
        mock.patch("certificates.rendering.render_certificate_pdf", return_value=b"%PDF-1.7 matrix"),
        mock.patch("certificates.seal.seal_pdf", side_effect=lambda pdf, signer, **kw: pdf),
    ):
        world.certificate = services.issue_certificate(world.users["counsellor"], world.case, ["fi", "en"])
        world.other_certificate = services.issue_certificate(world.other_users["counsellor"], world.other_case, ["fi"])
    world.bulk = services.start_bulk_issue(world.users["counsellor"], [world.case], ["fi"], "en")
    world.other_bulk = services.start_bulk_issue(world.other_users["counsellor"], [world.other_case], ["fi"], "en")
    db.session.flush()


def _case(w, r):
    return {"case_id": w.case.id}


def _other_case(w, r):
    return {"case_id": w.other_case.id}


def _missing_case(w, r):
    return {"case_id": MISSING_ID}


def _cert(w, r):
    return {"certificate_id": w.certificate.id}


def _other_cert(w, r):
    return {"certificate_id": w.other_certificate.id}


def _missing_cert(w, r):
    return {"certificate_id": MISSING_ID}


def _languages(w, r):
    return {"languages": ["fi", "en"]}


def _per_object(endpoint, method, allowed, *, seen_everywhere, params, data=lambda w, r: {}):
    """own / foreign / missing variants of an object route: what is not visible or missing answers 404."""
    own, other, missing = params
    return [
        Access(endpoint, method, expect(allowed), params=own, data=data, variant="own"),
        Access(
            endpoint,
            method,
            expect(allowed, **{r: NOT_FOUND for r in allowed if r not in seen_everywhere}),
            params=other,
            data=data,
            variant="foreign",
        ),
        Access(endpoint, method, expect(allowed, ok=NOT_FOUND), params=missing, data=data, variant="missing"),
    ]


CASE_PARAMS = (_case, _other_case, _missing_case)
NOWHERE = expect(SIGNED_IN, ok=NOT_FOUND, anonymous=NOT_FOUND)
CERT_PARAMS = (_cert, _other_cert, _missing_cert)
QUERY = {"languages": ["fi", "en"]}

ROUTES = [
    *_per_object("certificates.for_case", "GET", VIEWERS, seen_everywhere=ALL_CASES, params=CASE_PARAMS),
    *_per_object(
        "certificates.preview",
        "GET",
        ISSUERS,
        seen_everywhere=["admin"],
        params=tuple(lambda w, r, p=p: {**p(w, r), **QUERY} for p in CASE_PARAMS),
    ),
    *_per_object(
        "certificates.preview_pdf",
        "GET",
        ISSUERS,
        seen_everywhere=["admin"],
        params=tuple(lambda w, r, p=p: {**p(w, r), **QUERY} for p in CASE_PARAMS),
    ),
    *_per_object("certificates.issue", "POST", ISSUERS, seen_everywhere=["admin"], data=_languages, params=CASE_PARAMS),
    *_per_object("certificates.detail", "GET", VIEWERS, seen_everywhere=ALL_CASES, params=CERT_PARAMS),
    *_per_object(
        "certificates.revoke",
        "POST",
        ISSUERS,
        seen_everywhere=["admin"],
        data=lambda w, r: {"reason": "Matrix"},
        params=CERT_PARAMS,
    ),
    *_per_object(
        "certificates.reissue", "POST", ISSUERS, seen_everywhere=["admin"], data=_languages, params=CERT_PARAMS
    ),
    # Downloads: staff who see the case and the client it belongs to; for everyone else the file does not exist.
    Access("certificates.download", "GET", expect([*VIEWERS, "client"], other=NOT_FOUND), params=_cert, variant="own"),
    Access("certificates.download", "GET", expect(ALL_CASES, other=NOT_FOUND), params=_other_cert, variant="foreign"),
    Access("certificates.download", "GET", expect(other=NOT_FOUND), params=_missing_cert, variant="missing"),
    Access(
        "certificates.credential", "GET", expect([*VIEWERS, "client"], other=NOT_FOUND), params=_cert, variant="own"
    ),
    Access("certificates.credential", "GET", expect(ALL_CASES, other=NOT_FOUND), params=_other_cert, variant="foreign"),
    Access("certificates.credential", "GET", expect(other=NOT_FOUND), params=_missing_cert, variant="missing"),
    Access(
        "certificates.signed_credential",
        "GET",
        expect([*VIEWERS, "client"], other=NOT_FOUND),
        params=_cert,
        variant="own",
    ),
    Access(
        "certificates.signed_credential",
        "GET",
        expect(ALL_CASES, other=NOT_FOUND),
        params=_other_cert,
        variant="foreign",
    ),
    Access("certificates.signed_credential", "GET", expect(other=NOT_FOUND), params=_missing_cert, variant="missing"),
    Access("certificates.index", "GET", expect(VIEWERS)),
    Access("certificates.start_bulk", "POST", expect(ISSUERS)),
    Access(
        "certificates.bulk_progress", "GET", expect(ISSUERS), params=lambda w, r: {"bulk_id": w.bulk.id}, variant="own"
    ),
    Access(
        "certificates.bulk_progress",
        "GET",
        expect(ISSUERS, counsellor=NOT_FOUND),
        params=lambda w, r: {"bulk_id": w.other_bulk.id},
        variant="foreign",
    ),
    Access(
        "certificates.bulk_progress",
        "GET",
        expect(ISSUERS, ok=NOT_FOUND),
        params=lambda w, r: {"bulk_id": MISSING_ID},
        variant="missing",
    ),
    Access("certificates.mine", "GET", expect(["client"])),
    # Seals: administrators, for any organisation.
    Access("certificates.seal_overview", "GET", expect(["admin"])),
    *[
        Access(endpoint, method, expect(["admin"]), params=lambda w, r: {"organisation_id": w.other_org.id})
        for endpoint, method in [
            ("certificates.organisation_seal", "GET"),
            ("certificates.upload_seal", "POST"),
            ("certificates.generate_seal", "POST"),
            ("certificates.token_seal", "POST"),
        ]
    ],
    *[
        Access(
            endpoint,
            method,
            expect(["admin"], ok=NOT_FOUND),
            params=lambda w, r: {"organisation_id": MISSING_ID},
            variant="missing",
        )
        for endpoint, method in [
            ("certificates.organisation_seal", "GET"),
            ("certificates.upload_seal", "POST"),
            ("certificates.generate_seal", "POST"),
            ("certificates.token_seal", "POST"),
        ]
    ],
    Access("certificates.verify_form", "GET", PUBLIC),
    Access(
        "certificates.verify",
        "GET",
        PUBLIC,
        params=lambda w, r: {"code": w.certificate.verification_code},
        variant="own",
    ),
    Access(
        "certificates.verify",
        "GET",
        expect(SIGNED_IN, ok=NOT_FOUND, anonymous=NOT_FOUND),
        params=lambda w, r: {"code": "AAAA-BBBB-CCCC-DDDD"},
        variant="unknown code",
    ),
    # What credentials point to: public, like the verify page; what does not exist (or is a draft) is not found.
    Access(
        "certificates.issuer_profile",
        "GET",
        PUBLIC,
        params=lambda w, r: {"organisation_id": w.org.id},
        variant="issuer",
    ),
    Access(
        "certificates.issuer_profile",
        "GET",
        NOWHERE,
        params=lambda w, r: {"organisation_id": MISSING_ID},
        variant="missing",
    ),
    Access(
        "certificates.issuer_key",
        "GET",
        PUBLIC,
        params=lambda w, r: {"organisation_id": w.org.id, "thumbprint": seals.key_thumbprint(w.seal)},
        variant="key",
    ),
    Access(
        "certificates.issuer_key",
        "GET",
        NOWHERE,
        params=lambda w, r: {"organisation_id": w.org.id, "thumbprint": "unknown"},
        variant="unknown key",
    ),
    Access(
        "certificates.status_list_credential",
        "GET",
        PUBLIC,
        params=lambda w, r: {"organisation_id": w.org.id, "list_id": w.certificate.status_list_id},
        variant="list",
    ),
    Access(
        "certificates.status_list_credential",
        "GET",
        NOWHERE,
        params=lambda w, r: {"organisation_id": w.org.id, "list_id": w.other_certificate.status_list_id},
        variant="another issuer's",
    ),
    Access(
        "certificates.achievement",
        "GET",
        PUBLIC,
        params=lambda w, r: {"code": "ACCESS-Q", "number": w.published_version.number, "units": "U1+U2"},
        variant="published",
    ),
    Access(
        "certificates.achievement",
        "GET",
        NOWHERE,
        params=lambda w, r: {"code": "ACCESS-Q", "number": w.draft_version.number, "units": "U1"},
        variant="draft",
    ),
    Access(
        "certificates.learning_outcome",
        "GET",
        PUBLIC,
        params=lambda w, r: {"code": "ACCESS-Q", "number": w.published_version.number, "outcome_code": "U1.1"},
        variant="published",
    ),
    Access(
        "certificates.learning_outcome",
        "GET",
        NOWHERE,
        params=lambda w, r: {"code": "ACCESS-Q", "number": w.draft_version.number, "outcome_code": "U1.1"},
        variant="draft",
    ),
]

assert all(a.expected[ANONYMOUS] in (LOGIN, OK, NOT_FOUND) for a in ROUTES)
