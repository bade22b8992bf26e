"""Access declarations for the assessment package's frameworks and interviews routes."""

import json
from datetime import timedelta

from assessment.frameworks import services as framework_services
from assessment.interviews import services as interview_services
from isok.database import utcnow
from tests.access import (
    ANONYMOUS,
    FORBIDDEN,
    MISSING_ID,
    NOT_FOUND,
    OK,
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_ONLY,
    Access,
    client_case,
    expect,
)
from tests.assessment.conftest import framework_document

# VIEW_FRAMEWORKS: the school's staff; a workplace tutor sees the units of their placement on its page only.
READERS = ("admin", "project_manager", "counsellor", "teacher")
ADMIN = ("admin",)
SCHEDULERS = ("admin", "counsellor")


def build_world(world):
    admin = world.users["admin"]
    framework_services.load_scales(admin)
    world.published_version = framework_services.import_framework(admin, json.dumps(framework_document("ACCESS-Q")))
    framework_services.publish_version(admin, world.published_version)
    world.draft_version = framework_services.start_new_draft(admin, world.published_version)
    world.draft_unit_id = world.draft_version.units[0].id
    world.draft_outcome_id = world.draft_version.units[0].outcomes[0].id

    def case(side):
        row = client_case(world, side)
        framework_services.set_target_qualification(admin, row, world.published_version)
        return row

    world.interview_case = case("own")
    world.foreign_interview_case = case("foreign")
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    world.own_interview = interview_services.schedule_interview(
        admin,
        world.interview_case,
        teacher=world.users["teacher"],
        starts_at=starts_at,
        duration_minutes=60,
        place="Room 1",
    )
    world.foreign_interview = interview_services.schedule_interview(
        admin,
        world.foreign_interview_case,
        teacher=world.other_users["teacher"],
        starts_at=starts_at,
        duration_minutes=60,
        place="Room 2",
    )
    world.feed_token = interview_services.issue_calendar_token(world.users["teacher"])


def _variants(endpoint, method, params, own, foreign, missing, data=lambda w, r: {}):
    """One declaration per object variant: `params(world, which)` with which in own/foreign/missing."""
    return [
        Access(endpoint, method, own, params=lambda w, r: params(w, "own"), data=data, variant="own"),
        Access(endpoint, method, foreign, params=lambda w, r: params(w, "foreign"), data=data, variant="foreign"),
        Access(endpoint, method, missing, params=lambda w, r: params(w, "missing"), data=data, variant="missing"),
    ]


def _case(w, which):
    return {
        "case_id": {
            "own": lambda: w.interview_case.id,
            "foreign": lambda: w.foreign_interview_case.id,
            "missing": lambda: MISSING_ID,
        }[which]()
    }


def _interview(w, which):
    return {
        "interview_id": {
            "own": lambda: w.own_interview.id,
            "foreign": lambda: w.foreign_interview.id,
            "missing": lambda: MISSING_ID,
        }[which]()
    }


def _version(w, which):
    return {
        "version_id": {
            "own": lambda: w.published_version.id,
            "foreign": lambda: w.draft_version.id,
            "missing": lambda: MISSING_ID,
        }[which]()
    }


def _draft(w, which):
    return {
        "version_id": {
            "own": lambda: w.draft_version.id,
            "foreign": lambda: w.published_version.id,
            "missing": lambda: MISSING_ID,
        }[which]()
    }


def _unit(w, which):
    return {"unit_id": w.draft_unit_id if which == "own" else MISSING_ID}


def _outcome(w, which):
    return {"outcome_id": w.draft_outcome_id if which == "own" else MISSING_ID}


READ = expect(READERS)
READ_MISSING = expect(READERS, ok=NOT_FOUND)
# A draft is seen only by those who maintain frameworks; to other readers it does not exist.
READ_DRAFT = expect(READERS, ok=NOT_FOUND, admin=OK)
MANAGE = expect(ADMIN)
MANAGE_MISSING = expect(ADMIN, ok=NOT_FOUND)

# Case-scoped: admins and project managers see every case; the counsellor the home organisation's; the teacher
# the case with their interview.
CASE_READ_OWN = expect(READERS)
CASE_READ_FOREIGN = expect(READERS, ok=NOT_FOUND, admin=OK, project_manager=OK)
CASE_READ_MISSING = expect(READERS, ok=NOT_FOUND)
SCHEDULE_OWN = expect(SCHEDULERS)
SCHEDULE_FOREIGN = expect(SCHEDULERS, ok=NOT_FOUND, admin=OK)
SCHEDULE_MISSING = expect(SCHEDULERS, ok=NOT_FOUND)
# An interview itself: its people (project managers read none: 404).
INTERVIEW_OWN = expect(READERS, project_manager=NOT_FOUND)
INTERVIEW_FOREIGN = expect(READERS, ok=NOT_FOUND, admin=OK)
ICS_OWN = expect(SIGNED_IN, workplace_tutor=NOT_FOUND, project_manager=NOT_FOUND)
ICS_FOREIGN = expect(SIGNED_IN, ok=NOT_FOUND, admin=OK)
ICS_MISSING = expect(SIGNED_IN, ok=NOT_FOUND)
RECORD_OWN = expect(["teacher"])
RECORD_OTHER = expect(["teacher"], ok=NOT_FOUND)

ROUTES = [
    Access("assessment.frameworks", "GET", READ),
    *_variants("assessment.version", "GET", _version, READ, READ_DRAFT, READ_MISSING),
    *_variants("assessment.export_version", "GET", _version, READ, READ_DRAFT, READ_MISSING),
    Access("assessment.new_framework", "GET", MANAGE),
    Access("assessment.new_framework", "POST", MANAGE),
    Access("assessment.import_framework", "GET", MANAGE),
    Access("assessment.import_framework", "POST", MANAGE),
    *_variants("assessment.edit_version", "GET", _draft, MANAGE, MANAGE, MANAGE_MISSING),
    *_variants("assessment.edit_version", "POST", _draft, MANAGE, MANAGE, MANAGE_MISSING),
    *_variants("assessment.add_unit", "POST", _draft, MANAGE, MANAGE, MANAGE_MISSING),
    Access("assessment.edit_unit", "GET", MANAGE, params=lambda w, r: _unit(w, "own"), variant="own"),
    Access("assessment.edit_unit", "GET", MANAGE_MISSING, params=lambda w, r: _unit(w, "missing"), variant="missing"),
    Access("assessment.edit_unit", "POST", MANAGE, params=lambda w, r: _unit(w, "own"), variant="own"),
    Access("assessment.edit_unit", "POST", MANAGE_MISSING, params=lambda w, r: _unit(w, "missing"), variant="missing"),
    Access("assessment.add_outcome", "POST", MANAGE, params=lambda w, r: _unit(w, "own"), variant="own"),
    Access(
        "assessment.add_outcome", "POST", MANAGE_MISSING, params=lambda w, r: _unit(w, "missing"), variant="missing"
    ),
    Access("assessment.edit_outcome", "GET", MANAGE, params=lambda w, r: _outcome(w, "own"), variant="own"),
    Access(
        "assessment.edit_outcome", "GET", MANAGE_MISSING, params=lambda w, r: _outcome(w, "missing"), variant="missing"
    ),
    Access("assessment.edit_outcome", "POST", MANAGE, params=lambda w, r: _outcome(w, "own"), variant="own"),
    Access(
        "assessment.edit_outcome", "POST", MANAGE_MISSING, params=lambda w, r: _outcome(w, "missing"), variant="missing"
    ),
    # interviews and the case's target qualification
    *_variants("assessment.case_interviews", "GET", _case, CASE_READ_OWN, CASE_READ_FOREIGN, CASE_READ_MISSING),
    *_variants(
        "assessment.set_target_qualification",
        "POST",
        _case,
        SCHEDULE_OWN,
        SCHEDULE_FOREIGN,
        SCHEDULE_MISSING,
        data=lambda w, r: {"version_id": w.published_version.id},
    ),
    *_variants("assessment.schedule_interview", "GET", _case, SCHEDULE_OWN, SCHEDULE_FOREIGN, SCHEDULE_MISSING),
    *_variants("assessment.schedule_interview", "POST", _case, SCHEDULE_OWN, SCHEDULE_FOREIGN, SCHEDULE_MISSING),
    *_variants("assessment.interview", "GET", _interview, INTERVIEW_OWN, INTERVIEW_FOREIGN, CASE_READ_MISSING),
    *_variants("assessment.reschedule_interview", "GET", _interview, SCHEDULE_OWN, SCHEDULE_FOREIGN, SCHEDULE_MISSING),
    *_variants("assessment.reschedule_interview", "POST", _interview, SCHEDULE_OWN, SCHEDULE_FOREIGN, SCHEDULE_MISSING),
    *_variants("assessment.record_interview", "GET", _interview, RECORD_OWN, RECORD_OTHER, RECORD_OTHER),
    *_variants("assessment.record_interview", "POST", _interview, RECORD_OWN, RECORD_OTHER, RECORD_OTHER),
    *_variants("assessment.interview_ics", "GET", _interview, ICS_OWN, ICS_FOREIGN, ICS_MISSING),
    Access("assessment.my_interviews", "GET", expect(["teacher"])),
    Access("assessment.calendar_settings", "GET", SIGNED_IN_ONLY),
    Access(
        "assessment.calendar_feed", "GET", PUBLIC, params=lambda w, r: {"token": w.feed_token}, variant="valid token"
    ),
    Access(
        "assessment.calendar_feed",
        "GET",
        expect(anonymous=NOT_FOUND, other=NOT_FOUND),
        params=lambda w, r: {"token": "not-a-real-token"},
        variant="unknown token",
    ),
    Access("assessment.issue_calendar", "POST", SIGNED_IN_ONLY),
    Access("assessment.revoke_calendar", "POST", SIGNED_IN_ONLY),
    # Last, as they change the world: without the version from the page, cancelling is refused.
    *_variants("assessment.cancel_interview", "POST", _interview, SCHEDULE_OWN, SCHEDULE_FOREIGN, SCHEDULE_MISSING),
    Access("assessment.delete_outcome", "POST", MANAGE, params=lambda w, r: _outcome(w, "own"), variant="own"),
    Access(
        "assessment.delete_outcome",
        "POST",
        MANAGE_MISSING,
        params=lambda w, r: _outcome(w, "missing"),
        variant="missing",
    ),
    Access("assessment.delete_unit", "POST", MANAGE, params=lambda w, r: _unit(w, "own"), variant="own"),
    Access(
        "assessment.delete_unit", "POST", MANAGE_MISSING, params=lambda w, r: _unit(w, "missing"), variant="missing"
    ),
    *_variants("assessment.new_draft", "POST", _version, MANAGE, MANAGE, MANAGE_MISSING),
    *_variants("assessment.publish_version", "POST", _draft, MANAGE, MANAGE, MANAGE_MISSING),
    *_variants("assessment.delete_draft", "POST", _draft, MANAGE, MANAGE, MANAGE_MISSING),
]

assert all(a.expected.get(ANONYMOUS) in ("login", OK, NOT_FOUND) for a in ROUTES)
assert FORBIDDEN
