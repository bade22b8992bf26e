"""With a timestamp authority configured, a seal is PAdES B-LTA: checkable long after its certificate expires."""

import asyncio
import io
import subprocess
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import (
    AdESLTAValidationResult,
    ades_lta_validation,
    simulate_future_ades_lta_validation,
)
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from certificates import seal, seals, services
from isok import storage
from tests.conftest import log_in


def _asn1(certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _offline_spec(certificate, authority) -> PdfSignatureValidationSpec:
    """Trust the seal's and the authority's roots; demand revocation data for every other certificate, and take
    it only from the document itself: nothing is fetched."""
    roots = [_asn1(seals.chain(certificate.seal)[-1]), _asn1(authority.root)]
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=roots),
                revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )


def test_pyhanko_validates_the_seal_at_pades_lta_from_the_document_alone(issued, tsa):
    certificate = issued()
    assert certificate.seal_level == "B-LTA"
    reader = PdfFileReader(io.BytesIO(storage.read_bytes(certificate.pdf_sha256)))
    signature = reader.embedded_signatures[0]
    assert signature.field_name == seal.FIELD_NAME
    assert [ts.sig_object["/SubFilter"] for ts in reader.embedded_timestamp_signatures] == ["/ETSI.RFC3161"]
    dss = reader.root["/DSS"]
    assert dss["/CRLs"] and dss["/Certs"]  # the timestamp authority's CRL and the chains, embedded

    spec = _offline_spec(certificate, tsa)
    result = asyncio.run(ades_lta_validation(signature, spec))
    assert isinstance(result, AdESLTAValidationResult)  # pyHanko's long-term archival (LTA) process
    assert result.ades_subindic == AdESPassed.OK
    assert result.signature_timestamp_status.ades_subindic == AdESPassed.OK
    assert result.api_status.timestamp_validity.trusted
    assert "TSA certificate is trusted" in result.api_status.pretty_print_details()

    # A year after the seal certificate expired (the timestamp authority's runs longer), the timestamps still show
    # the seal was made while it was valid.
    after_expiry = certificate.seal.not_valid_after + timedelta(days=365)
    future = asyncio.run(simulate_future_ades_lta_validation(signature, spec, future_validation_time=after_expiry))
    assert future.ades_subindic == AdESPassed.OK


def test_without_a_timestamp_authority_the_seal_is_basic_and_the_verify_page_says_so(
    issued, client, tsa, app, monkeypatch
):
    long_term = issued()
    monkeypatch.setitem(app.config, "TSA_URL", None)
    basic = issued(first_name="Omar", last_name="Ali")
    assert basic.seal_level == "B-B"
    reader = PdfFileReader(io.BytesIO(storage.read_bytes(basic.pdf_sha256)))
    assert "/DSS" not in reader.root and not reader.embedded_timestamp_signatures
    status = seal.seal_status(storage.read_bytes(basic.pdf_sha256), seals.chain(basic.seal))
    assert status.intact and status.valid and status.trusted and status.unchanged_since

    page = client.get(f"/verify/{basic.verification_code}").get_data(as_text=True)
    assert "PAdES B-B" in page and "no trusted timestamp" in page
    assert "Savonia Vocational College" in page
    page = client.get(f"/verify/{long_term.verification_code}").get_data(as_text=True)
    assert "PAdES B-LTA" in page


def test_an_unreachable_authority_stops_the_issue_with_a_reason(issued, tsa, app, monkeypatch):
    monkeypatch.setitem(app.config, "TSA_URL", "http://127.0.0.1:9/tsa")  # the discard port: nobody answers
    with pytest.raises(services.CertificateError, match="timestamp service did not answer"):
        issued()


def test_tampering_is_detected_a_changed_byte_and_an_appended_update(issued, tsa, tmp_path):
    certificate = issued()
    data = storage.read_bytes(certificate.pdf_sha256)
    chain = seals.chain(certificate.seal)
    status = seal.seal_status(data, chain, [tsa.root])
    assert status.intact and status.valid and status.trusted and status.unchanged_since  # timestamps only after

    changed = bytearray(data)
    changed[data.index(b"/Producer") + 12] ^= 0x01
    assert seal.seal_status(bytes(changed), chain, [tsa.root]).intact is False

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)  # an incremental update that changes what the page shows
    writer.update_container(page)
    appended = io.BytesIO()
    writer.write(appended)
    status = seal.seal_status(appended.getvalue(), chain, [tsa.root])
    assert status.intact and status.valid  # the sealed bytes are untouched...
    assert status.unchanged_since is False  # ...but something other than seal maintenance came after

    path = tmp_path / "appended.pdf"
    path.write_bytes(appended.getvalue())
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    assert "Signer Certificate Common Name: Savonia Vocational College" in report
    assert "Not total document signed" in report


def test_the_verify_page_names_the_sealing_organisation(client, issued, tsa, counsellor):
    certificate = issued()
    log_in(client, counsellor)
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Sealed by" in page and certificate.seal.subject in page
