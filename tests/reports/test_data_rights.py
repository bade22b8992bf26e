"""The ESF participation record travels with the client's data export; erasure keeps its counted facts and blanks
what people wrote on it."""

import io
import json
import zipfile

from cases import data_rights
from cases import services as case_services
from isok.audit import ERASED
from isok.extensions import db
from isok.reports import services
from tests.reports.conftest import participation_of
from tests.reports.test_services import AS_OF, H2


def test_export_and_erasure_of_the_participation_record(app, population, manager):
    services.submit_report(manager, H2, as_of=AS_OF)
    aino = population["aino"]
    participation = participation_of(aino)
    services.correct_participation(manager, participation, reason="Aino Person showed her diploma", isced_level=6)
    db.session.commit()
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(data_rights.export_client(manager, aino)))
    record = json.loads(archive.read("esf_participation.json"))
    assert record["isced_level"] == 6 and record["corrections"][0]["reason"] == "Aino Person showed her diploma"

    facts = {name: getattr(participation, name) for name in ("gender", "age_at_entry", "entry_date", "isced_level")}
    case_services.erase_client(manager, aino)
    db.session.commit()
    participation = participation_of(aino)
    assert {name: getattr(participation, name) for name in facts} == facts
    assert [c.reason for c in participation.corrections] == [ERASED]
    assert participation.corrections[0].changes == {"isced_level": [3, 6]}
