"""A client's data export (GDPR art. 15 and 20): a ZIP of machine-readable JSON, their files, and a readable summary
in the client's own language.

The cases package writes the client record, consents and cases (`client.json`) and the trail of what was done with
them (`history.json`); every other feature adds its parts through `hooks.export_data` and `hooks.export_files`.

Withheld, and why (README, "What the export holds"): secrets (password and token hashes) and other people's
personal data, as art. 15(4) asks: which staff member opened or changed a record (the trail says when and what,
and whether it was the client, a member of staff or the system, as the CJEU read art. 15 in C-579/21), the
addresses staff worked from, and what an assessor declared about their own conflict of interest.
"""

import io
import json
import zipfile

from flask import render_template

from cases import codes
from cases.models import Client
from cases.services import CLIENT_FIELDS
from isok import audit, data_subject, hooks
from isok.extensions import db
from isok.translation import force_locale

CASE_FIELDS = [
    "id",
    "target",
    "client_type",
    "stage",
    "entry_date",
    "exit_date",
    "age_at_entry",
    "exit_labour_status",
    "exit_in_education",
    "exit_qualification",
    "study_path_shortened",
    "study_months_saved",
    "follow_up_due",
    "follow_up_on",
    "follow_up_labour_status",
    "follow_up_in_education",
    "notes",
    "created_at",
    "last_activity_at",
]


def _name(user) -> str | None:
    return user.name if user is not None else None


def client_part(client: Client) -> hooks.ExportPart:
    """The client record, their consents and their cases with everything the cases package keeps on them."""
    data = {
        "client": audit.snapshot(client, ["id", *CLIENT_FIELDS, "birth_year", "created_at", "erased_at"]),
        "consents": [
            audit.snapshot(
                c, ["id", "purpose", "workplace", "given_on", "information_language", "recorded_at", "withdrawn_on"]
            )
            for c in client.consents
        ],
        "cases": [
            {
                **audit.snapshot(case, CASE_FIELDS),
                "organisation": case.organisation.name,
                "counsellor": _name(case.counsellor),
                "co_counsellors": [user.name for user in case.co_counsellors],
                "stage_history": [
                    audit.snapshot(change, ["id", "from_stage", "to_stage", "on", "reason", "at"])
                    for change in case.stage_changes
                ],
                # Every guidance note, also those staff did not mark as shareable: they are the client's personal data.
                "guidance_log": [
                    {
                        **audit.snapshot(
                            g,
                            [
                                "id",
                                "on",
                                "kind",
                                "duration_minutes",
                                "interpreter_language",
                                "note",
                                "shareable",
                                "created_at",
                            ],
                        ),
                        "author": _name(g.author),
                    }
                    for g in case.guidance_entries
                ],
                "appointments": [
                    audit.snapshot(a, ["id", "starts_at", "kind", "place", "created_at"]) for a in case.appointments
                ],
                "handovers": [
                    {
                        **audit.snapshot(h, ["id", "kind", "status", "reason", "requested_at", "decided_at"]),
                        "from_organisation": h.from_organisation.name,
                        "to_organisation": h.to_organisation.name,
                    }
                    for h in case.handovers
                ],
            }
            for case in client.cases
        ],
    }
    return hooks.ExportPart(
        "client",
        data,
        "cases/export/client.html",
        context={"client": client, "codes": codes},
        tables=(
            "client",
            "consent",
            "case",
            "case_co_counsellor",
            "stage_change",
            "guidance_entry",
            "appointment",
            "handover",
            "client_latest_entry",  # the entry date of the client's latest case, given with the cases above
        ),
    )


def _by(entry: audit.AuditEntry, user_id: int | None) -> str:
    if entry.actor_id is None:
        return "system"
    return "client" if entry.actor_id == user_id else "staff"


def history_part(client: Client) -> hooks.ExportPart:
    """Every audit entry about the client's records (found through the foreign keys) and every one they made."""
    roots = {"client": {client.id}, "user": {client.user_id} if client.user_id else set()}
    entries = [
        (entry, _by(entry, client.user_id))
        for entry in audit.entries_about(data_subject.rows_of(roots), actor_id=client.user_id)
    ]
    data = [
        {
            **audit.snapshot(entry, ["id", "at", "action", "object_type", "object_id", "changes"]),
            "by": by,
            **({"ip": entry.ip} if by == "client" else {}),
        }
        for entry, by in entries
    ]
    return hooks.ExportPart(
        "history", data, "cases/export/history.html", context={"entries": entries}, tables=("audit_entry",)
    )


def export_parts(client: Client) -> list[hooks.ExportPart]:
    """Every part of the client's export: the cases package's, every feature's, and the trail of them all."""
    return [client_part(client), *hooks.client_export_data(client), history_part(client)]


def export_client(actor, client: Client) -> bytes:
    """A ZIP of everything held about the client: a JSON file per part, their files, a summary they can read.

    The parts are gathered in the client's language, so the summary's labels and texts speak it; the JSON holds
    plain values (codes, ISO dates) and reads the same in any language.
    """
    with force_locale(client.preferred_language):
        parts = export_parts(client)
        files = hooks.client_export_files(client)
        summary = render_template(
            "cases/export/summary.html", client=client, parts=parts, files=[name for name, _content in files]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            archive.writestr(f"{part.name}.json", json.dumps(part.data, ensure_ascii=False, indent=2, default=str))
        for filename, content in files:
            archive.writestr(f"files/{filename}", content)
        archive.writestr("summary.html", summary)
    audit.record(actor, "client_exported", client, changes={"files": len(files), "parts": [p.name for p in parts]})
    db.session.flush()
    return buffer.getvalue()
