import base64
import io
import json
import re
import subprocess
import threading

import pypdf
import pytest
import zxingcpp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certificates import content, rendering, seal, seal_keys, seals, services
from certificates.credential import build_credential
from certificates.models import BulkIssueItem, BulkStatus, Certificate, CertificateStatus, ItemStatus, SealSource
from isok import storage
from isok.accounts.models import OrganisationType, Role
from isok.audit import AuditEntry
from isok.extensions import db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return " ".join(text.split())


def actions():
    return [(e.action, e.object_id) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- what a certificate states -----------------------------------------------------------------------------------


def test_content_is_refused_until_results_are_signed_off(make_case, signed_off):
    case = make_case()
    with pytest.raises(content.NotSignedOff):
        content.gather_content(case, ["fi"])
    signed_off(case, units=[{**content_unit(), "outcomes": [not_demonstrated()]}])
    with pytest.raises(content.NotSignedOff):
        content.gather_content(case, ["fi"])


def content_unit():
    from tests.certificates.samples import results

    return results()["units"][0]


def not_demonstrated():
    return content_unit()["outcomes"][2]


def test_content_keeps_only_demonstrated_outcomes_in_the_chosen_languages(make_case, signed_off):
    case = make_case()
    signed_off(case)
    snapshot = content.gather_content(case, ["ar", "fi", "en"])
    assert snapshot["languages"] == ["fi", "en", "ar"]  # official languages first
    assert snapshot["holder"] == {
        "first_name": "Amina",
        "last_name": "Hassan",
        "full_name": "Amina Hassan",
        "birth_date": "1990-04-12",
    }
    assert [o["code"] for o in snapshot["units"][0]["outcomes"]] == ["U1.1", "U1.2"]
    assert snapshot["issuer"]["name"] == "Savonia Vocational College" and snapshot["place"] == "Kuopio"
    assert snapshot["formally_recognised"] is True
    assert snapshot["decided_on"] == "2026-03-05"


def test_content_holds_the_latin_spelling_of_a_name_in_another_script(make_case, signed_off):
    case = make_case(first_name="أمينة", last_name="حسن")
    signed_off(case)
    assert "latin_name" not in content.gather_content(case, ["fi"])["holder"]
    case.client.latin_name = "Amina Hassan"
    assert content.gather_content(case, ["fi"])["holder"]["latin_name"] == "Amina Hassan"
    case.client.first_name, case.client.last_name = "Amina", "Hassan"
    assert "latin_name" not in content.gather_content(case, ["fi"])["holder"]  # the same name twice says nothing


def test_only_an_education_provider_states_formal_recognition(make_case, signed_off, make_organisation):
    company = make_organisation(name="Hotel Kallavesi Oy", type=OrganisationType.COMPANY)
    case = make_case(organisation=company)
    signed_off(case)
    snapshot = content.gather_content(case, ["en"])
    assert snapshot["formally_recognised"] is False
    assert not any(unit["formally_recognised"] for unit in snapshot["units"])


# --- issuing -----------------------------------------------------------------------------------------------------


def test_issue_numbers_seals_stores_and_audits(issued, counsellor, tmp_path):
    first = issued()
    second = issued(first_name="Omar", last_name="Ali")
    year = first.issued_at.year
    assert (first.number, second.number) == (f"ISOK-{year}-000001", f"ISOK-{year}-000002")
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", first.verification_code)  # 160 bits, base32, grouped
    assert first.verification_code != second.verification_code
    data = storage.read_bytes(first.pdf_sha256)
    assert len(data) == first.pdf_size
    status = seal.seal_status(data, seals.chain(first.seal))
    assert status.intact and status.valid and status.trusted and status.unchanged_since
    assert ("issue_certificate", first.id) in actions()


def test_the_pdf_states_names_outcomes_and_levels_in_each_language(issued, tmp_path):
    certificate = issued(languages=("fi", "sv", "en", "ru", "ti", "uk"))
    text = pdf_text(storage.read_bytes(certificate.pdf_sha256), tmp_path)
    for expected in (
        "Amina Hassan",
        certificate.number,
        "Osaamisen tunnistamisen todistus",
        "Valmistaa kylmiä ruokia ohjeen mukaan",
        "3 Hyvä",
        "Haastattelu, Näyttö työpaikalla",
        "Intyg över validering av kunnande",
        "Tillreder kalla rätter enligt recept",
        "3 God",
        "Validation certificate",
        "Prepares cold dishes following a recipe",
        "5 Excellent",
        "It is not a degree",
        "Matti Opettaja",
        "Vocational teacher",
        "Savonia Vocational College",
        "Kuopio",
        "Свидетельство о подтверждении компетенций",
        "Готовит холодные блюда по рецепту",
        "3 Хорошо",
        "ምስክር ወረቀት ኣፍልጦ ክእለት",
        "ዝሑል መግቢ ብመምርሒ ተዳልው",
        "ቃለ-መሕትት",
        "Свідоцтво про підтвердження компетентностей",
        "Kiitettävä",
        "5. maaliskuuta 2026",
        "12. huhtikuuta 1990",
        "5 mars 2026",
        "12 апреля 1990 г.",
    ):
        assert expected in text, expected
    assert "Plans the menu of a week" not in text  # not demonstrated: not on the certificate
    assert rendering.verification_url(certificate.verification_code) in text.replace(" ", "")


def test_every_page_carries_the_qr_code_and_the_verification_address(issued, tmp_path):
    certificate = issued(languages=("fi", "ar", "en"))
    path = tmp_path / "c.pdf"
    path.write_bytes(storage.read_bytes(certificate.pdf_sha256))
    url = rendering.verification_url(certificate.verification_code)
    pages = len(pypdf.PdfReader(path).pages)
    assert pages >= 3
    subprocess.run(["pdftoppm", "-r", "120", "-png", str(path), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    for number, image in enumerate(sorted(tmp_path.glob("page-*.png")), start=1):
        codes = zxingcpp.read_barcodes(Image.open(image))
        assert [code.text for code in codes] == [url], f"page {number}"
        text = subprocess.run(  # noqa: S603
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert url in text.replace(" ", "") and certificate.number in text, f"page {number}"
    assert number == pages


def test_every_script_is_drawn_with_embedded_fonts(issued, tmp_path):
    certificate = issued(languages=("en", "ar", "fa", "ti"))
    path = tmp_path / "c.pdf"
    path.write_bytes(storage.read_bytes(certificate.pdf_sha256))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    rows = fonts.splitlines()[2:]
    assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), fonts  # embedded, subset, with Unicode map
    assert any("DejaVu-Sans" in row for row in rows) and any("Abyssinica" in row for row in rows)


def test_right_to_left_sections_are_marked_rtl(issued):
    certificate = issued(languages=("en", "ar", "fa"))
    sections = rendering.render_sections(certificate.content)
    assert [re.search(r'<section class="sheet" lang="(\w+)" dir="(\w+)"', s).groups() for s in sections] == [
        ("en", "ltr"),
        ("ar", "rtl"),
        ("fa", "rtl"),
    ]
    assert "شهادة الاعتراف بالكفاءات" in sections[1] and "يحضّر الأطباق الباردة وفق الوصفة" in sections[1]


def test_a_changed_byte_breaks_the_seal_for_pyhanko_and_pdfsig(issued, tmp_path):
    certificate = issued()
    data = bytearray(storage.read_bytes(certificate.pdf_sha256))
    intact, tampered = tmp_path / "intact.pdf", tmp_path / "tampered.pdf"
    intact.write_bytes(data)
    index = data.index(b"Hassan") if b"Hassan" in data else 200
    data[index] ^= 0x01
    tampered.write_bytes(data)
    assert seal.seal_status(bytes(data), seals.chain(certificate.seal)).intact is False
    ok = subprocess.run(["pdfsig", str(intact)], capture_output=True, text=True)  # noqa: S603, S607
    bad = subprocess.run(["pdfsig", str(tampered)], capture_output=True, text=True)  # noqa: S603, S607
    assert "Signature is Valid" in ok.stdout
    assert "Signature is Valid" not in bad.stdout


def test_numbers_stay_unique_when_issued_concurrently(app):
    numbers, errors = [], []

    def take():
        with app.app_context():
            try:
                numbers.append(services._next_number(2031))
                db.session.commit()
            except Exception as error:
                errors.append(error)

    db.session.rollback()
    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"ISOK-2031-{n:06d}" for n in range(1, 7)]


def test_only_staff_of_the_case_may_issue(make_case, signed_off, make_user, make_organisation):
    case = make_case()
    signed_off(case)
    outsider = make_user(Role.COUNSELLOR, organisation=make_organisation())
    teacher = make_user(Role.TEACHER)
    for user in (outsider, teacher):
        with pytest.raises(services.CertificateError):
            services.issue_certificate(user, case, ["fi"])


# --- revoking and re-issuing -------------------------------------------------------------------------------------


def test_revoke_needs_a_reason_and_the_current_version(issued, counsellor):
    certificate = issued()
    with pytest.raises(services.CertificateError) as error:
        services.revoke_certificate(counsellor, certificate, "  ")
    assert error.value.field == "reason"
    with pytest.raises(services.CertificateError) as error:
        services.revoke_certificate(counsellor, certificate, "Wrong person", version=certificate.version + 1)
    assert error.value.field == "version"
    services.revoke_certificate(counsellor, certificate, "Wrong person", version=certificate.version)
    db.session.commit()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revocation_reason == "Wrong person"
    assert ("revoke_certificate", certificate.id) in actions()
    with pytest.raises(services.CertificateError):
        services.revoke_certificate(counsellor, certificate, "Again")


def test_reissue_gives_a_new_number_and_marks_the_old_replaced(issued, counsellor):
    old = issued()
    new = services.reissue_certificate(counsellor, old, ["fi", "so"], "Somali added", version=old.version)
    db.session.commit()
    assert old.status == CertificateStatus.REPLACED and new.status == CertificateStatus.VALID
    assert new.replaces == old and old.replaced_by == new
    assert new.number != old.number and new.verification_code != old.verification_code
    assert new.languages == ["fi", "so"]
    assert ("replace_certificate", old.id) in actions() and ("issue_certificate", new.id) in actions()


# --- exports -----------------------------------------------------------------------------------------------------


def test_the_credential_is_an_open_badge_from_the_snapshot(issued):
    certificate = issued()
    document = build_credential(certificate)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == rendering.verification_url(certificate.verification_code)
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Ravintola-alan perustutkinto" and achievement["inLanguage"] == "fi"
    assert [r["achievedLevel"].rsplit("-", 1)[1] for r in document["credentialSubject"]["result"]] == ["3", "5"]
    assert achievement["resultDescription"][0]["alignment"][0]["targetCode"] == "U1.1"
    assert document["issuer"]["name"] == "Savonia Vocational College"
    assert document["evidence"][0]["ext:sha256"] == certificate.pdf_sha256


# --- bulk issue --------------------------------------------------------------------------------------------------


def test_bulk_issue_goes_on_past_a_failing_case(app, counsellor, make_case, signed_off):
    ready = [make_case(first_name=f"Ready{n}") for n in range(2)]
    for case in ready:
        signed_off(case)
    unsigned = make_case(first_name="Unsigned")
    job = services.start_bulk_issue(counsellor, [ready[0], unsigned, ready[1]], ["fi", "en"], "en")
    db.session.commit()  # the job runs at the commit (tests run the queue's jobs at once)
    job_id = job.id
    items = db.session.scalars(
        select(BulkIssueItem).where(BulkIssueItem.bulk_id == job_id).order_by(BulkIssueItem.id)
    ).all()
    assert [item.status for item in items] == [ItemStatus.ISSUED, ItemStatus.FAILED, ItemStatus.ISSUED]
    assert "not signed off" in items[1].error
    assert items[0].certificate.case_id == ready[0].id
    assert items[0].bulk.status == BulkStatus.FINISHED


def test_sections_render_as_plain_data_only(issued):
    certificate = issued()
    snapshot = certificate.content
    assert pypdf.PdfReader(io.BytesIO(rendering.render_certificate_pdf(snapshot, preview=True))).pages


def test_a_p256_seal_signs_a_credential_with_es256(org):
    key = ec.generate_private_key(ec.SECP256R1())
    record = seals.install_seal(None, org, seal_keys.self_signed(org.name, key=key), SealSource.GENERATED)
    token = seal.sign_jws(b'{"id":"urn:example"}', {"typ": "JWT"}, seals.signer(record))
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
    signature = base64.urlsafe_b64decode(signature_part + "=" * (-len(signature_part) % 4))
    assert header["alg"] == "ES256" and len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key.public_key().verify(der, f"{header_part}.{payload_part}".encode(), ec.ECDSA(hashes.SHA256()))


# --- one valid certificate per case -----------------------------------------------------------------------------


def test_a_case_has_one_valid_certificate_issuing_again_means_replacing(issued, counsellor):
    certificate = issued()
    with pytest.raises(services.CertificateError, match=f"already has a valid certificate, {certificate.number}"):
        services.issue_certificate(counsellor, certificate.case, ["fi"])
    with pytest.raises(services.CertificateError) as error:
        services.reissue_certificate(counsellor, certificate, ["fi"], "  ")
    assert error.value.field == "reason"
    new = services.reissue_certificate(counsellor, certificate, ["fi"], "The holder's name was misspelt")
    db.session.commit()
    assert (certificate.status, certificate.replacement_reason) == (
        CertificateStatus.REPLACED,
        "The holder's name was misspelt",
    )
    assert certificate.replaced_at is not None and certificate.replaced_by == new
    services.revoke_certificate(counsellor, new, "Issued in error")
    db.session.commit()
    again = services.issue_certificate(counsellor, certificate.case, ["fi"])  # nothing valid left: a new one
    assert again.status == CertificateStatus.VALID


def test_the_database_refuses_a_second_valid_certificate_for_a_case(issued):
    first = issued()
    second = Certificate(
        case_id=first.case_id,
        number="ISOK-2099-000001",
        verification_code="RACE",
        content=first.content,
        languages=["fi"],
        pdf_sha256=first.pdf_sha256,
        pdf_size=1,
    )
    db.session.add(second)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_bulk_issue_replaces_nothing(app, counsellor, issued, make_case, signed_off):
    certified = issued()
    fresh = make_case(first_name="Fresh")
    signed_off(fresh)
    job = services.start_bulk_issue(counsellor, [certified.case, fresh], ["fi"], "en")
    db.session.commit()  # the job runs at the commit (tests run the queue's jobs at once)
    job_id = job.id
    items = db.session.scalars(
        select(BulkIssueItem).where(BulkIssueItem.bulk_id == job_id).order_by(BulkIssueItem.id)
    ).all()
    assert [item.status for item in items] == [ItemStatus.FAILED, ItemStatus.ISSUED]
    assert f"already has a valid certificate, {certified.number}" in items[0].error
    assert db.session.get(Certificate, certified.id).status == CertificateStatus.VALID
