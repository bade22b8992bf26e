"""The billing statement as Finvoice 3.0 e-invoices, one per payer of the offering organisation's courses, checked
against the Finvoice 3.0 schema (its XSD as published by Finance Finland, shipped in tests/catalogue/data from the
PyPI package odoo-addon-account-edi-finvoice, LGPL-3)."""

from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from isok.accounts.models import Role
from isok.catalogue import access, finvoice, reports
from isok.catalogue.services import CatalogueError
from tests.catalogue.conftest import TODAY
from tests.catalogue.test_reports import YEAR, billed  # noqa: F401  (the fixture)

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "Finvoice3.0.xsd")))
IBAN = "FI2112345600000785"
INVOICING = finvoice.Invoicing(IBAN, "NDEAFIHH", "1001", TODAY, TODAY + timedelta(days=14))


def parsed(xml: bytes):
    document = etree.fromstring(xml)
    SCHEMA.assertValid(document)
    return document


def test_a_payers_invoice_is_valid_finvoice_and_adds_up(app, billed, publisher, provider):  # noqa: F811
    lines = reports.billing_lines(access.reported_courses(publisher), *YEAR)
    by_payer = finvoice.seller_lines(lines, provider.id)
    assert sorted(by_payer) == ["0172195-0", "2345670-5"]
    document = parsed(finvoice.finvoice(provider, by_payer["2345670-5"], INVOICING, since=YEAR[0], until=YEAR[1]))
    assert document.findtext("SellerPartyDetails/SellerPartyIdentifier") == "0172195-0"
    assert document.findtext("BuyerPartyDetails/BuyerPartyIdentifier") == "2345670-5"
    assert document.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount") == "1200,00"
    assert sorted(row.findtext("RowAmount") for row in document.iter("InvoiceRow")) == ["300,00", "900,00"]
    assert document.findtext("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier") == "10016"
    assert document.findtext("InvoiceDetails/BuyerReferenceIdentifier") == "PO-17, PO-99"


def test_bank_details_and_numbers_are_checked(app):
    assert finvoice.valid_iban("FI2112345600000785") and not finvoice.valid_iban("FI2112345600000786")
    assert finvoice.reference_number("123") == "1232"  # the 7-3-1 check digit (the banks' own example)
    for change, field in [
        ({"iban": "FI00 1234"}, "iban"),
        ({"bic": "NDEA"}, "bic"),
        ({"invoice_number": "0012"}, "invoice_number"),
        ({"due_date": TODAY - timedelta(days=1)}, "due_date"),
    ]:
        with pytest.raises(CatalogueError) as refused:
            finvoice.check(finvoice.Invoicing(**{**INVOICING.__dict__, **change}))
        assert refused.value.field == field


def test_the_offering_organisation_downloads_an_e_invoice_per_payer(client, login, billed, publisher):  # noqa: F811
    login(publisher)
    page = client.get("/courses/billing").get_data(as_text=True)
    assert "Finvoice e-invoice" in page and "2345670-5" in page
    typed = {
        "payer": "2345670-5",
        "iban": "FI21 1234 5600 0007 86",
        "bic": "NDEAFIHH",
        "invoice_number": "1001",
        "invoice_date": TODAY.isoformat(),
        "due_date": (TODAY + timedelta(days=14)).isoformat(),
    }
    refused = client.post("/courses/billing/finvoice", data=typed)
    assert refused.status_code == 400
    assert "This is not a valid IBAN" in refused.get_data(as_text=True)
    assert 'value="FI21 1234 5600 0007 86"' in refused.get_data(as_text=True)  # what was typed stays
    response = client.post("/courses/billing/finvoice", data={**typed, "iban": "FI21 1234 5600 0007 85"})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="finvoice-1001.xml"'
    assert parsed(response.data).findtext("BuyerPartyDetails/BuyerPartyIdentifier") == "2345670-5"
    response.close()


def test_an_organisation_owed_nothing_gets_no_e_invoice(client, login, billed, make_user, make_organisation):  # noqa: F811
    login(make_user(Role.TEACHER, organisation=make_organisation(name="Elsewhere")))
    assert "Finvoice" not in client.get("/courses/billing").get_data(as_text=True)
    assert client.post("/courses/billing/finvoice", data={"payer": "2345670-5"}).status_code == 404
