from datetime import date

from cases import services
from cases.models import ClientType, ConsentPurpose
from tests.access import MISSING_ID, NOT_FOUND, OK, Access, expect

# A workplace tutor (outside the school) opens no case list and no case or client, not even of their own
# placements (403): they see the placement's pages only (tests/assessment/placements/access.py).
VIEWERS = ["admin", "project_manager", "counsellor", "teacher"]
MANAGERS = ["admin", "counsellor"]
# Teachers see only cases they are assigned to; a counsellor sees their own organisation's cases.
# The home teacher interviews the home client (see the assessment part of the world).
OWN_CASE = expect(VIEWERS)
FOREIGN_CASE = expect(VIEWERS, counsellor=NOT_FOUND, teacher=NOT_FOUND)
MISSING_CASE = expect(VIEWERS, ok=NOT_FOUND)
MANAGE_OWN = expect(MANAGERS)
MANAGE_FOREIGN = expect(MANAGERS, counsellor=NOT_FOUND)
MANAGE_MISSING = expect(MANAGERS, ok=NOT_FOUND)


def build_world(world):
    """A case (with client, consent and an outgoing transfer) at each organisation; the home client role user is
    the home client's own login; a transfer from the other organisation waits for the home organisation."""
    admin = world.users["admin"]
    world.cases = {}
    for key, org, users in (("own", world.org, world.users), ("foreign", world.other_org, world.other_users)):
        client = services.register_client(
            admin, org, first_name="Faadumo", last_name=f"{key.title()} Abdi", birth_date=date(1990, 1, 2)
        )
        case = services.open_case(
            admin,
            client,
            organisation=org,
            client_type=ClientType.LONG_TERM,
            entry_date=date(2026, 1, 5),
            counsellor=users["counsellor"],
        )
        consent = services.record_consent(
            admin, client, purpose=ConsentPurpose.VALIDATION, given_on=date(2026, 1, 5), information_language="so"
        )
        world.cases[key] = case
        setattr(world, f"{key}_consent", consent)
    services.link_user(admin, world.cases["own"].client, world.users["client"])
    services.link_user(admin, world.cases["foreign"].client, world.other_users["client"])
    world.client_cases = dict(world.cases)  # the other packages' parts of the world build on these cases
    world.incoming_transfer = services.request_transfer(admin, world.cases["foreign"], world.org)
    world.outgoing_transfer = services.request_transfer(admin, world.cases["own"], world.other_org)


def _case(key):
    return lambda w, r: {"case_id": w.cases[key].id if key != "missing" else MISSING_ID}


def _client(key):
    return lambda w, r: {"client_id": w.cases[key].client_id if key != "missing" else MISSING_ID}


def _variants(endpoint, method, param, expectations, data=None):
    return [
        Access(endpoint, method, expected, params=param(key), variant=key, data=data or (lambda w, r: {}))
        for key, expected in zip(("own", "foreign", "missing"), expectations, strict=True)
    ]


VIEW = (OWN_CASE, FOREIGN_CASE, MISSING_CASE)
MANAGE = (MANAGE_OWN, MANAGE_FOREIGN, MANAGE_MISSING)
ADMIN = (expect(["admin"]), expect(["admin"]), expect(["admin"], ok=NOT_FOUND))
EXPORTERS = (expect(MANAGERS), expect(MANAGERS, counsellor=NOT_FOUND), expect(MANAGERS, ok=NOT_FOUND))

ROUTES = [
    Access("cases.list", "GET", expect(VIEWERS)),
    Access("cases.export_csv", "GET", expect(VIEWERS)),
    Access("cases.new_client", "GET", expect(MANAGERS)),
    Access("cases.new_client", "POST", expect(MANAGERS)),
    Access("cases.transfers", "GET", expect(MANAGERS)),
    Access("cases.import_cases", "GET", expect(MANAGERS)),
    Access("cases.import_cases", "POST", expect(MANAGERS)),
    Access("cases.retention", "GET", expect(["admin"])),
    Access("cases.my_case", "GET", expect(["client"])),
    *_variants("cases.client", "GET", _client, VIEW),
    *_variants("cases.edit_client", "GET", _client, MANAGE),
    *_variants("cases.edit_client", "POST", _client, MANAGE),
    *_variants("cases.new_case", "GET", _client, MANAGE),
    *_variants("cases.new_case", "POST", _client, MANAGE),
    *_variants("cases.add_consent", "POST", _client, MANAGE),
    *_variants("cases.export_client", "POST", _client, EXPORTERS),
    *_variants("cases.give_login", "POST", _client, MANAGE),  # the counsellor of the case, not every colleague
    *_variants("cases.erase_client", "GET", _client, ADMIN),
    *_variants("cases.erase_client", "POST", _client, ADMIN),
    *_variants("cases.detail", "GET", _case, VIEW),
    *_variants("cases.edit", "GET", _case, MANAGE),
    *_variants("cases.edit", "POST", _case, MANAGE),
    *_variants("cases.move_stage", "POST", _case, MANAGE),
    *_variants("cases.add_guidance", "POST", _case, MANAGE),
    *_variants("cases.add_appointment", "POST", _case, MANAGE),
    *_variants("cases.record_exit", "GET", _case, MANAGE),
    *_variants("cases.record_exit", "POST", _case, MANAGE),
    *_variants("cases.record_follow_up", "GET", _case, MANAGE),
    *_variants("cases.record_follow_up", "POST", _case, MANAGE),
    *_variants("cases.handover", "GET", _case, MANAGE),
    *_variants("cases.reassign", "POST", _case, MANAGE),
    *_variants("cases.transfer", "POST", _case, MANAGE),
    Access(
        "cases.withdraw_consent",
        "POST",
        MANAGE_OWN,
        variant="own",
        params=lambda w, r: {"client_id": w.cases["own"].client_id, "consent_id": w.own_consent.id},
    ),
    Access(
        "cases.withdraw_consent",
        "POST",
        MANAGE_FOREIGN,
        variant="foreign",
        params=lambda w, r: {"client_id": w.cases["foreign"].client_id, "consent_id": w.foreign_consent.id},
    ),
    Access(
        "cases.withdraw_consent",
        "POST",
        MANAGE_MISSING,
        variant="consent of another client",
        params=lambda w, r: {"client_id": w.cases["own"].client_id, "consent_id": w.foreign_consent.id},
    ),
    # Answering a transfer is the last declaration: declining changes the world.
    Access(
        "cases.answer_transfer",
        "POST",
        MANAGE_FOREIGN,
        variant="foreign",
        data=lambda w, r: {"accept": "0"},
        params=lambda w, r: {"handover_id": w.outgoing_transfer.id},
    ),
    Access(
        "cases.answer_transfer",
        "POST",
        MANAGE_MISSING,
        variant="missing",
        data=lambda w, r: {"accept": "0"},
        params=lambda w, r: {"handover_id": MISSING_ID},
    ),
    Access(
        "cases.answer_transfer",
        "POST",
        MANAGE_OWN,
        variant="own",
        data=lambda w, r: {"accept": "0"},
        params=lambda w, r: {"handover_id": w.incoming_transfer.id},
    ),
]

assert all(entry.expected for entry in ROUTES) and OK
