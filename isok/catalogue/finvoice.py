"""The billing statement as an e-invoice: one Finvoice 3.0 message from the offering organisation to one paying
organisation, for what that payer owes it for the period (the statement's lines of its own courses).

The organisation's account (IBAN, BIC) and the invoice's number and dates are given when the file is written: the
catalogue keeps no bank details. The invoice number also makes the Finnish payment reference (its digits and the
7-3-1 check digit). Amounts carry no VAT breakdown: the catalogue's prices are what the payer accepted.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from isok.accounts.models import Organisation
from isok.catalogue.reports import BillingLine
from isok.catalogue.services import CatalogueError
from isok.translation import gettext as _

INVOICE_NUMBER = re.compile(r"^[1-9][0-9]{2,18}$")  # digits: a reference number is made of them (4–20 digits)
BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def valid_iban(iban: str) -> bool:
    """An IBAN with a correct check (ISO 13616: mod 97 of the rearranged digits is 1)."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def reference_number(base: str) -> str:
    """The Finnish creditor reference (viitenumero): the digits and a check digit with the weights 7, 3, 1 from the
    right."""
    weights = (7, 3, 1)
    total = sum(int(digit) * weights[i % 3] for i, digit in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


@dataclass
class Invoicing:
    """What the seller gives when writing the e-invoice."""

    iban: str
    bic: str | None
    invoice_number: str
    invoice_date: date
    due_date: date


def check(invoicing: Invoicing) -> Invoicing:
    iban = re.sub(r"\s+", "", invoicing.iban or "").upper()
    if not valid_iban(iban):
        raise CatalogueError(_("This is not a valid IBAN (for example FI21 1234 5600 0007 85)."), "iban")
    bic = re.sub(r"\s+", "", invoicing.bic or "").upper() or None
    if bic is not None and not BIC.match(bic):
        raise CatalogueError(_("A BIC has 8 or 11 letters and digits (for example NDEAFIHH)."), "bic")
    number = (invoicing.invoice_number or "").strip()
    if not INVOICE_NUMBER.match(number):
        raise CatalogueError(_("An invoice number is 3 to 19 digits, not starting with 0."), "invoice_number")
    if invoicing.due_date < invoicing.invoice_date:
        raise CatalogueError(_("The due date is before the invoice date."), "due_date")
    return Invoicing(iban, bic, number, invoicing.invoice_date, invoicing.due_date)


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"  # Finvoice writes a decimal comma


def _sub(parent, tag: str, text=None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag: str, day: date) -> None:
    _sub(parent, tag, f"{day:%Y%m%d}", Format="CCYYMMDD")


def _euros(parent, tag: str, cents: int) -> None:
    _sub(parent, tag, _amount(cents), AmountCurrencyIdentifier="EUR")


def _row_text(line: BillingLine) -> str:
    parts = [
        f"{_('Starts')} {line.course.starts_on.isoformat()}",
        f"{_('Seats billed')} {line.participants}",
        f"{_('Late cancellations')} {line.cancellations}",
    ]
    if line.references:
        parts.append(f"{_('Reference')} {', '.join(line.references)}")
    return "; ".join(parts)[:512]


def finvoice(
    seller: Organisation, lines: list[BillingLine], invoicing: Invoicing, *, since: date, until: date
) -> bytes:
    """One Finvoice 3.0 message: `lines` are one payer's lines of the seller's courses (see payer_lines)."""
    if not lines:
        raise CatalogueError(_("This payer owes your organisation nothing for the period."), "payer")
    invoicing = check(invoicing)
    payer, total = lines[0], sum(line.amount_cents for line in lines)
    reference = reference_number(invoicing.invoice_number)
    root = ET.Element("Finvoice", Version="3.0")

    seller_details = _sub(root, "SellerPartyDetails")
    if seller.business_id:
        _sub(seller_details, "SellerPartyIdentifier", seller.business_id)
    _sub(seller_details, "SellerOrganisationName", seller.name[:70])
    account = _sub(_sub(root, "SellerInformationDetails"), "SellerAccountDetails")
    _sub(account, "SellerAccountID", invoicing.iban, IdentificationSchemeName="IBAN")
    if invoicing.bic:
        _sub(account, "SellerBic", invoicing.bic, IdentificationSchemeName="BIC")

    buyer = _sub(root, "BuyerPartyDetails")
    _sub(buyer, "BuyerPartyIdentifier", payer.business_id)
    _sub(buyer, "BuyerOrganisationName", (payer.payer or payer.business_id)[:70])

    details = _sub(root, "InvoiceDetails")
    _sub(details, "InvoiceTypeCode", "INV01")
    _sub(details, "InvoiceTypeText", _("Invoice")[:35])
    _sub(details, "OriginCode", "Original")
    _sub(details, "InvoiceNumber", invoicing.invoice_number)
    _date(details, "InvoiceDate", invoicing.invoice_date)
    _sub(details, "SellerReferenceIdentifier", reference)
    references = sorted({ref for line in lines for ref in line.references})
    if references:
        _sub(details, "BuyerReferenceIdentifier", ", ".join(references)[:70])
    _euros(details, "InvoiceTotalVatIncludedAmount", total)
    _sub(
        details,
        "InvoiceFreeText",
        _("Billing statement %(since)s – %(until)s", since=since.isoformat(), until=until.isoformat())[:512],
    )
    _date(_sub(details, "PaymentTermsDetails"), "InvoiceDueDate", invoicing.due_date)

    for position, line in enumerate(lines, start=1):
        row = _sub(root, "InvoiceRow")
        _sub(row, "ArticleIdentifier", f"course-{line.course.id}")
        _sub(row, "ArticleName", line.course.text("title")[:100])
        _sub(row, "InvoicedQuantity", line.participants + line.cancellations, QuantityUnitCode="pcs")
        _sub(row, "RowPositionIdentifier", position)
        _sub(row, "RowFreeText", _row_text(line))
        _euros(row, "RowAmount", line.amount_cents)

    epi = _sub(root, "EpiDetails")
    identification = _sub(epi, "EpiIdentificationDetails")
    _date(identification, "EpiDate", invoicing.invoice_date)
    _sub(identification, "EpiReference", invoicing.invoice_number)
    parties = _sub(epi, "EpiPartyDetails")
    bank = _sub(parties, "EpiBfiPartyDetails")
    if invoicing.bic:
        _sub(bank, "EpiBfiIdentifier", invoicing.bic, IdentificationSchemeName="BIC")
    beneficiary = _sub(parties, "EpiBeneficiaryPartyDetails")
    _sub(beneficiary, "EpiNameAddressDetails", seller.name[:35])
    if seller.business_id:
        _sub(beneficiary, "EpiBei", seller.business_id)
    _sub(beneficiary, "EpiAccountID", invoicing.iban, IdentificationSchemeName="IBAN")
    payment = _sub(epi, "EpiPaymentInstructionDetails")
    _sub(payment, "EpiRemittanceInfoIdentifier", reference, IdentificationSchemeName="SPY")
    _euros(payment, "EpiInstructedAmount", total)
    _sub(payment, "EpiCharge", ChargeOption="SHA")
    _date(payment, "EpiDateOptionDate", invoicing.due_date)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def seller_lines(lines: list[BillingLine], seller_id: int) -> dict[str, list[BillingLine]]:
    """The statement's lines of one organisation's courses, by paying organisation's business ID."""
    by_payer: dict[str, list[BillingLine]] = {}
    for line in lines:
        if line.course.organisation_id == seller_id:
            by_payer.setdefault(line.business_id, []).append(line)
    return by_payer
