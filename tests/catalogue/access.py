"""Who may use the catalogue.

Anyone reads the public catalogue and the network's rules. Staff who publish courses (administrators, project
managers, counsellors, teachers) keep their organisation's courses: another organisation's course is not found
(404), except for administrators. Project managers also keep the trainings of the programme, whoever holds them.
Tutors and clients have no such pages (403). Cancellations come last: they change the world's enrolments.
"""

from tests.access import MISSING_ID, NOT_FOUND, OK, Access, expect

PUBLISHERS = ("admin", "project_manager", "counsellor", "teacher")
KEEP = expect(PUBLISHERS)
KEEP_OWN = expect(PUBLISHERS)
KEEP_FOREIGN = expect(["admin"], other="forbidden", project_manager=NOT_FOUND, counsellor=NOT_FOUND, teacher=NOT_FOUND)
KEEP_MISSING = expect(PUBLISHERS, ok=NOT_FOUND)
MANAGERS = expect(("admin", "project_manager"))
SIGNED_IN_NOT_FOUND = expect(ok=NOT_FOUND, other=NOT_FOUND)
ENROLLERS = expect(("admin", "project_manager", "counsellor", "teacher", "workplace_tutor"))
PUBLIC = expect(("admin", "project_manager", "counsellor", "teacher", "workplace_tutor", "client"), anonymous=OK)
# A draft is seen only by those who keep the course (its organisation's publishers, administrators).
DRAFT = expect(PUBLISHERS, other=NOT_FOUND, anonymous=NOT_FOUND)


def build_world(world):
    from datetime import date, timedelta

    from flask_login import AnonymousUserMixin

    from isok.catalogue import services
    from isok.catalogue.services import Person, SessionInput

    admin = world.users["admin"]
    today = date.today()

    def course(organisation, title):
        made = services.create_course(
            admin,
            publish=True,
            organisation=organisation,
            title={"en": title},
            description={},
            audience={},
            prerequisites={},
            text_language="en",
            field="10",
            level=None,
            credits=None,
            mode="online",
            place=None,
            seats=5,
            enrolment_opens_on=today,
            enrolment_closes_on=today + timedelta(days=10),
            sessions=[SessionInput(today + timedelta(days=20))],
            languages=["fi"],
            open_to="everyone",
            programme=False,
            graded=False,
            pricing_rule="per_participant",
            member_fee=10,
            outside_fee=20,
            contact_name="Contact",
            contact_email="contact@example.org",
            contact_phone=None,
            unit_ids=[],
        )
        return made, services.record_participant(
            admin, made, Person(name=f"{title} participant", organisation=organisation)
        )

    world.course, world.enrolment = course(world.org, "Own course")
    world.draft = services.create_course(
        admin,
        publish=False,
        organisation=world.org,
        title={"en": "Draft"},
        description={},
        audience={},
        prerequisites={},
        text_language="en",
        field="10",
        level=None,
        credits=None,
        mode="online",
        place=None,
        seats=5,
        enrolment_opens_on=today,
        enrolment_closes_on=today + timedelta(days=10),
        sessions=[SessionInput(today + timedelta(days=20))],
        languages=["fi"],
        open_to="everyone",
        programme=False,
        graded=False,
        pricing_rule="free_for_members",
        member_fee=0,
        outside_fee=0,
        contact_name="Contact",
        contact_email="contact@example.org",
        contact_phone=None,
        unit_ids=[],
    )
    world.foreign_course, world.foreign_enrolment = course(world.other_org, "Foreign course")
    _outsider, world.token = services.enrol(
        AnonymousUserMixin(),
        world.course,
        services.Person(name="Olli Outsider", organisation_name="Outside Oy"),
        services.Payer(name="Outside Oy", business_id="2345670-5", contact="Olli", email="olli@outside.example"),
        accept_terms=True,
    )


def _objects(endpoint, methods, param, own, foreign, **extra):
    routes = []
    for method in methods:
        routes += [
            Access(endpoint, method, KEEP_OWN, params=lambda w, r: {param: getattr(w, own).id, **extra}, variant="own"),
            Access(
                endpoint,
                method,
                KEEP_FOREIGN,
                params=lambda w, r: {param: getattr(w, foreign).id, **extra},
                variant="foreign",
            ),
            Access(endpoint, method, KEEP_MISSING, params=lambda w, r: {param: MISSING_ID, **extra}, variant="missing"),
        ]
    return routes


def _confirmations(endpoint, *methods):
    """Enrolments the world's administrator recorded: theirs everywhere, and seen by those keeping the course."""
    routes = []
    for method in methods:
        routes += [
            Access(
                endpoint,
                method,
                expect(PUBLISHERS, other=NOT_FOUND),
                params=lambda w, r: {"enrolment_id": w.enrolment.id},
                variant="own",
            ),
            Access(
                endpoint,
                method,
                expect(["admin"], other=NOT_FOUND),
                params=lambda w, r: {"enrolment_id": w.foreign_enrolment.id},
                variant="foreign",
            ),
            Access(
                endpoint,
                method,
                SIGNED_IN_NOT_FOUND,
                params=lambda w, r: {"enrolment_id": MISSING_ID},
                variant="missing",
            ),
        ]
    return routes


def _links(endpoint, method):
    """A person without an account reaches their enrolment by its secret link, and nothing else."""
    return [
        Access(endpoint, method, PUBLIC, params=lambda w, r: {"token": w.token}, variant="link"),
        Access(
            endpoint,
            method,
            expect(ok=NOT_FOUND, other=NOT_FOUND, anonymous=NOT_FOUND),
            params=lambda w, r: {"token": "not-a-link"},
            variant="unknown",
        ),
    ]


def _courses(endpoint, *methods):
    return _objects(endpoint, methods, "course_id", "course", "foreign_course")


def _enrolments(endpoint, *methods):
    return _objects(endpoint, methods, "enrolment_id", "enrolment", "foreign_enrolment")


ROUTES = [
    Access("catalogue.index", "GET", PUBLIC),
    Access("catalogue.feed", "GET", PUBLIC),
    Access("catalogue.sessions_calendar", "GET", PUBLIC),
    Access("catalogue.course", "GET", PUBLIC, params=lambda w, r: {"course_id": w.course.id}, variant="published"),
    Access("catalogue.course", "GET", DRAFT, params=lambda w, r: {"course_id": w.draft.id}, variant="draft"),
    Access(
        "catalogue.course",
        "GET",
        expect(ok=NOT_FOUND, anonymous=NOT_FOUND, other=NOT_FOUND),
        params=lambda w, r: {"course_id": MISSING_ID},
        variant="missing",
    ),
    Access(
        "catalogue.course_calendar", "GET", PUBLIC, params=lambda w, r: {"course_id": w.course.id}, variant="published"
    ),
    Access("catalogue.course_calendar", "GET", DRAFT, params=lambda w, r: {"course_id": w.draft.id}, variant="draft"),
    Access("catalogue.enrol", "GET", PUBLIC, params=lambda w, r: {"course_id": w.course.id}, variant="published"),
    Access("catalogue.enrol", "POST", PUBLIC, params=lambda w, r: {"course_id": w.course.id}, variant="published"),
    Access("catalogue.enrol", "GET", DRAFT, params=lambda w, r: {"course_id": w.draft.id}, variant="draft"),
    Access("catalogue.my_enrolments", "GET", ENROLLERS),
    *_confirmations("catalogue.confirmation", "GET"),
    *_confirmations("catalogue.enrolment_calendar", "GET"),
    *_links("catalogue.confirmation_by_link", "GET"),
    *_links("catalogue.enrolment_calendar_by_link", "GET"),
    Access("catalogue.rules", "GET", PUBLIC),
    Access("catalogue.edit_rules", "GET", MANAGERS),
    Access("catalogue.edit_rules", "POST", MANAGERS),
    Access("catalogue.programme", "GET", MANAGERS),
    Access("catalogue.manage", "GET", KEEP),
    Access("catalogue.new_course", "GET", KEEP),
    Access("catalogue.new_course", "POST", KEEP),
    Access("catalogue.completion_report", "GET", KEEP),
    Access("catalogue.completion_report", "GET", KEEP, params=lambda w, r: {"fmt": "xlsx"}, variant="xlsx"),
    Access(
        "catalogue.completion_report", "GET", KEEP_MISSING, params=lambda w, r: {"fmt": "pdf"}, variant="unknown format"
    ),
    Access("catalogue.billing", "GET", KEEP),
    Access("catalogue.billing", "GET", KEEP, params=lambda w, r: {"fmt": "csv"}, variant="csv"),
    Access("catalogue.billing_finvoice", "POST", KEEP),
    Access("catalogue.import_participants", "GET", KEEP),
    Access("catalogue.import_participants", "POST", KEEP),
    *_courses("catalogue.course_admin", "GET"),
    *_objects("catalogue.participant_list", ("GET",), "course_id", "course", "foreign_course", fmt="csv"),
    *_courses("catalogue.edit_course", "GET", "POST"),
    *_courses("catalogue.publish_course", "POST"),
    *_courses("catalogue.new_participant", "GET", "POST"),
    *_enrolments("catalogue.record_completion", "POST"),
    # Last: they cancel what the routes above use.
    *_links("catalogue.cancel_by_link", "POST"),
    Access(
        "catalogue.cancel_enrolment",
        "POST",
        expect(["admin"], other=NOT_FOUND),
        params=lambda w, r: {"enrolment_id": w.foreign_enrolment.id},
        variant="recorded by the administrator",
    ),
    Access(
        "catalogue.cancel_enrolment",
        "POST",
        SIGNED_IN_NOT_FOUND,
        params=lambda w, r: {"enrolment_id": MISSING_ID},
        variant="missing",
    ),
    *_enrolments("catalogue.cancel_as_provider", "POST"),
    *_courses("catalogue.cancel_course", "POST"),
]
