"""`flask backup` copies a running instance consistently; `flask restore` brings it back into an empty one."""

import io
import tarfile
import threading
from datetime import date

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from cases import services as case_services
from cases.models import Case, GuidanceEntry, GuidanceKind
from certificates import content, seals
from certificates import services as certificate_services
from certificates.models import Certificate
from certificates.seal import seal_status
from isok import storage
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.app import MIGRATIONS_DIR
from isok.audit import AuditEntry
from isok.backup import write_backup
from isok.extensions import db
from tests.certificates.samples import results
from tests.conftest import PASSWORD, log_in


def _world(app, monkeypatch) -> dict:
    """A counsellor, a client's case and a sealed certificate of it, in the instance's own folder."""
    with app.app_context():
        organisation = Organisation(name="Savonia Vocational College", type=OrganisationType.EDUCATION_PROVIDER)
        db.session.add(organisation)
        db.session.flush()
        seals.generate_seal(None, organisation)
        counsellor = account_services.create_user(
            None,
            email="leena@example.org",
            name="Leena Ohjaaja",
            roles={Role.COUNSELLOR},
            organisation=organisation,
            password=PASSWORD,
        )
        client = case_services.register_client(
            counsellor,
            organisation,
            first_name="Amina",
            last_name="Hassan",
            birth_date=date(1990, 4, 12),
            preferred_language="ar",
        )
        case = case_services.open_case(
            counsellor,
            client,
            organisation=organisation,
            client_type="long_term",
            entry_date=date(2026, 1, 10),
            counsellor=counsellor,
        )
        db.session.commit()
        monkeypatch.setattr(content, "results_for", lambda _case: results())
        certificate = certificate_services.issue_certificate(counsellor, case, ["fi", "en", "ar"])
        db.session.commit()
        return {
            "counsellor": counsellor.id,
            "case": case.id,
            "certificate": certificate.id,
            "number": certificate.number,
            "digest": certificate.pdf_sha256,
            "pdf": storage.read_bytes(certificate.pdf_sha256),
        }


class Writer(threading.Thread):
    """Keeps adding numbered guidance entries, each committed with its audit entry, until stopped."""

    def __init__(self, app, counsellor_id: int, case_id: int):
        super().__init__(daemon=True)
        self.app, self.counsellor_id, self.case_id = app, counsellor_id, case_id
        self.committed = 0
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    user, case = db.session.get(User, self.counsellor_id), db.session.get(Case, self.case_id)
                    case_services.add_guidance_entry(
                        user,
                        case,
                        on=date.today(),
                        kind=GuidanceKind.INDIVIDUAL_GUIDANCE,
                        note=f"writer {self.committed + 1}",
                    )
                    db.session.commit()
                    self.committed += 1
                db.session.remove()
        except BaseException as error:
            self.error = error

    def wait_for(self, count: int) -> None:
        while self.committed < count and self.error is None:
            self.stopping.wait(0.01)


def _writer_notes(app) -> list[int]:
    with app.app_context():
        notes = db.session.scalars(select(GuidanceEntry.note).where(GuidanceEntry.note.like("writer %"))).all()
        audited = db.session.scalar(
            select(db.func.count()).select_from(AuditEntry).where(AuditEntry.action == "guidance_entry_added")
        )
        assert audited == len(notes), "each entry and its audit entry are in the copy together"
        return sorted(int(note.split()[1]) for note in notes)


def _tampered(archive, into):
    """A copy of the archive with one byte of a stored file changed and the manifest left as it was."""
    with tarfile.open(archive) as source, tarfile.open(into, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/"):
                data = bytes([data[0] ^ 1]) + data[1:]
            copy.addfile(member, io.BytesIO(data))


def test_a_backup_taken_while_a_writer_writes_restores_into_an_empty_instance(instances, monkeypatch, tmp_path):
    source = instances.app(instances.new())
    source_is_sqlite = source.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    world = _world(source, monkeypatch)
    writer = Writer(source, world["counsellor"], world["case"])
    writer.start()
    writer.wait_for(5)
    before = writer.committed
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    during = writer.committed
    writer.wait_for(during + 3)  # still writing after the copy
    writer.stopping.set()
    writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert during > before, "the writer went on while the backup was taken"
    [archive] = tmp_path.glob("isok-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0, "personal data: readable by the owner only"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    digest = world["digest"]
    assert {
        "manifest.json",
        "database.sqlite" if source_is_sqlite else "database.pgdump",
        f"files/{digest[:2]}/{digest}",
    } <= names

    target_instance = instances.new()
    target = instances.app(target_instance, revision=None)
    runner = target.test_cli_runner()

    _tampered(archive, tmp_path / "tampered.tar.gz")
    refused = runner.invoke(args=["restore", str(tmp_path / "tampered.tar.gz")])
    assert refused.exit_code != 0 and "does not match its hash" in refused.output
    with target.app_context():
        assert inspect(db.engine).get_table_names() == [], "a damaged archive changes nothing"
    assert not any(target_instance.files.glob("??/*"))

    restored = runner.invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    again = runner.invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "already holds data" in again.output

    numbers = _writer_notes(target)
    assert numbers == list(range(1, len(numbers) + 1)), "the copy is one moment: no entry missing before the last"
    assert before <= len(numbers) <= during
    with target.app_context():
        if source_is_sqlite:
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "backup_restored"

    client = target.test_client()
    with target.app_context():
        log_in(client, "leena@example.org")
    page = client.get(f"/cases/{world['case']}")
    assert page.status_code == 200 and "Amina" in page.get_data(as_text=True)
    assert "writer 1" in page.get_data(as_text=True)
    download = client.get(f"/certificates/{world['certificate']}/pdf")
    assert download.status_code == 200 and download.data == world["pdf"]
    with target.app_context():
        certificate = db.session.get(Certificate, world["certificate"])
        status = seal_status(download.data, seals.chain(certificate.seal))  # the seal restored with the database
        assert status.intact and status.valid and status.trusted and status.unchanged_since
        assert db.session.get(Certificate, world["certificate"]).number == world["number"]


def test_a_backup_of_an_older_schema_is_migrated_up_to_head_on_restore(instances, tmp_path):
    scripts = ScriptDirectory(MIGRATIONS_DIR)
    head = scripts.get_current_head()
    previous = scripts.get_revision(head).down_revision
    source = instances.app(instances.new(), revision=previous)
    with source.app_context():
        archive, manifest = write_backup(tmp_path)
    assert manifest["schema_revision"] == previous

    target = instances.app(instances.new(), revision="head")  # migrated but empty: an empty instance too
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


@pytest.mark.parametrize("member", ["../escape", "files/12/not-a-digest"])
def test_restore_refuses_an_archive_with_foreign_members(instances, tmp_path, member):
    archive = tmp_path / "foreign.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(member)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    target = instances.app(instances.new(sqlite=True), revision=None)  # refused before the database matters
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "which no isok backup contains" in result.output
