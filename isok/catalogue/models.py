"""The network's shared course catalogue: courses the network's organisations offer, their sessions and prices, the
network's own rules, and enrolments that carry the payer's commitment.

A training of the counsellor and teacher programme is a course marked `programme`: its confirmed participants are
ESF participants (see queries.training_people), so they carry a gender and a role.
"""

from datetime import date, datetime, time

from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import FrameworkUnit
from cases.models import Client, Gender
from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model, db
from isok.i18n import DEFAULT_LOCALE, localized
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l

# Languages a course's texts may be written in (the public catalogue speaks these three).
TEXT_LANGUAGES = ("fi", "sv", "en")


class Field(LabelledEnum):
    """The broad fields of education of ISCED-F 2013 (UNESCO), by their two-digit codes."""

    GENERIC = "00", _l("Generic programmes and qualifications (incl. languages for work)")
    EDUCATION = "01", _l("Education")
    ARTS_HUMANITIES = "02", _l("Arts and humanities")
    SOCIAL_SCIENCES = "03", _l("Social sciences, journalism and information")
    BUSINESS = "04", _l("Business, administration and law")
    NATURAL_SCIENCES = "05", _l("Natural sciences, mathematics and statistics")
    ICT = "06", _l("Information and communication technologies")
    ENGINEERING = "07", _l("Engineering, manufacturing and construction")
    AGRICULTURE = "08", _l("Agriculture, forestry, fisheries and veterinary")
    HEALTH_WELFARE = "09", _l("Health and welfare")
    SERVICES = "10", _l("Services")


class Mode(LabelledEnum):
    ONLINE = "online", _l("Online")
    PLACE = "place", _l("In place")
    BLENDED = "blended", _l("Blended (online and in place)")


class OpenTo(LabelledEnum):
    EVERYONE = "everyone", _l("Everyone, also organisations outside the network")
    MEMBERS = "members", _l("The network's member organisations only")


class PricingRule(LabelledEnum):
    """The pricing rules the network agreed on; every rule has a member price and an outside price."""

    FREE_FOR_MEMBERS = "free_for_members", _l("Free for network members; a fee per participant for others")
    PER_PARTICIPANT = "per_participant", _l("A fee per participant")
    PER_CREDIT = "per_credit", _l("A fee per credit, per participant")
    PER_COURSE = "per_course", _l("A fee per course, once per paying organisation")


class CourseStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")


class TraineeRole(LabelledEnum):
    """What a participant of a programme training does for a living (the ESF report counts counsellors and
    teachers)."""

    COUNSELLOR = "counsellor", _l("Counsellor")
    TEACHER = "teacher", _l("Teacher")
    OTHER = "other", _l("Other")


class EnrolmentStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITING = "waiting", _l("On the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")


class Completion(LabelledEnum):
    COMPLETED = "completed", _l("Completed")
    NOT_COMPLETED = "not_completed", _l("Not completed")


GRADES = (1, 2, 3, 4, 5)  # the Finnish vocational scale, for courses that grade

course_unit = Table(
    "course_unit",
    db.metadata,
    Column("course_id", ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Course(Model):
    """A course one organisation offers to the network (and beyond), with its price under a network rule."""

    __table_args__ = (
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        Index("ix_course_listing", "status", "ends_on", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # offers it
    # Texts per language ({"fi": ..., "sv": ...}); a language left out falls back to text_language.
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[dict] = mapped_column(JSON, default=dict)  # who it is for, in words
    prerequisites: Mapped[dict] = mapped_column(JSON, default=dict)
    text_language: Mapped[str] = mapped_column(String(10), default="fi")
    field: Mapped[Field] = mapped_column(enum_type(Field), index=True)
    level: Mapped[int | None]  # EQF level 1–8, where the course has one
    credits: Mapped[int | None]  # competence points
    mode: Mapped[Mode] = mapped_column(enum_type(Mode))
    place: Mapped[str | None] = mapped_column(String(200))
    seats: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)  # confirmed enrolments, kept by the services
    enrolment_opens_on: Mapped[date]
    enrolment_closes_on: Mapped[date]
    starts_on: Mapped[date] = mapped_column(index=True)  # first and last day of its sessions
    ends_on: Mapped[date]
    open_to: Mapped[OpenTo] = mapped_column(enum_type(OpenTo), default=OpenTo.EVERYONE)
    programme: Mapped[bool] = mapped_column(default=False, index=True)  # a training of the ESF programme
    graded: Mapped[bool] = mapped_column(default=False)
    pricing_rule: Mapped[PricingRule] = mapped_column(enum_type(PricingRule))
    member_fee_cents: Mapped[int] = mapped_column(default=0)
    outside_fee_cents: Mapped[int] = mapped_column(default=0)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[CourseStatus] = mapped_column(enum_type(CourseStatus), default=CourseStatus.DRAFT)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    schedule_version: Mapped[int] = mapped_column(default=0)  # raised when the sessions change (iCalendar SEQUENCE)
    search_text: Mapped[str] = mapped_column(Text, default="")  # every language's texts, case-folded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    sessions: Mapped[list["CourseSession"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="(CourseSession.starts_on, CourseSession.id)"
    )
    language_rows: Mapped[list["CourseLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="CourseLanguage.code"
    )
    units: Mapped[list[FrameworkUnit]] = relationship(secondary=course_unit, order_by="FrameworkUnit.code")

    @property
    def languages(self) -> list[str]:
        return [row.code for row in self.language_rows]

    def text(self, name: str, locale: str | None = None) -> str:
        """One of the course's texts in the wanted (or current) language, falling back first to the language the
        course declares it was written in, then in the application's declared order."""
        texts = getattr(self, name) or {}
        wanted = locale or str(get_locale() or DEFAULT_LOCALE)
        return texts.get(wanted) or texts.get(self.text_language) or localized(texts, wanted)

    def schedule(self) -> list[list]:
        """The sessions as plain data, as an enrolment keeps what it accepted."""
        return [
            [
                s.starts_on.isoformat(),
                s.ends_on.isoformat(),
                s.start_time.isoformat() if s.start_time else None,
                s.end_time.isoformat() if s.end_time else None,
                s.place,
            ]
            for s in self.sessions
        ]

    @property
    def free_seats(self) -> int:
        return max(self.seats - self.seats_taken, 0)

    def __str__(self):
        return self.text("title")


class CourseLanguage(Model):
    """A language of instruction (ISO 639-1), one row each so the catalogue can filter by it."""

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class CourseSession(Model):
    """A day or a block of days of a course; times are local (the application's time zone), absent for whole days."""

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    place: Mapped[str | None] = mapped_column(String(200))  # where it differs from the course's place

    course: Mapped[Course] = relationship(back_populates="sessions")


class NetworkRules(Model):
    """One version of the rules the network agreed on; a change adds a version, so an enrolment keeps pointing at
    the rules its payer accepted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pricing: Mapped[dict] = mapped_column(JSON, default=dict)  # pricing guidelines, per language
    cancellation: Mapped[dict] = mapped_column(JSON, default=dict)  # cancellation terms, per language
    responsibilities: Mapped[dict] = mapped_column(JSON, default=dict)  # who is responsible for what
    free_cancellation_days: Mapped[int] = mapped_column(default=14)  # days before the start
    late_cancellation_percent: Mapped[int] = mapped_column(default=50)  # of the price, after that date
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class Enrolment(Model):
    """A person's place on a course (or on its waiting list) with the payer's commitment, frozen as accepted.

    `terms` keeps what the payer accepted (price, rule, sessions, cancellation terms): later edits of the course
    change none of it. The person is identified within a course by `name_key` and `organisation_key` (the ESF
    report counts a person once across the programme the same way), or by `client_id` for a client.
    """

    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("grade is null or (grade >= 1 and grade <= 5)", name="grade_1_to_5"),
        Index("ix_enrolment_course_status", "course_id", "status", "enrolled_at"),
        Index("ix_enrolment_person", "name_key", "organisation_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    status: Mapped[EnrolmentStatus] = mapped_column(enum_type(EnrolmentStatus))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # the participant
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(10))  # the language to mail them in, when they have no account
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_key: Mapped[str] = mapped_column(String(220))  # "org:<id>", "bid:<business ID>" or "name:<name>"
    role: Mapped[TraineeRole | None] = mapped_column(enum_type(TraineeRole))  # programme trainings only
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender))  # programme trainings only
    # the payer's commitment, as accepted
    member: Mapped[bool] = mapped_column(default=False)  # priced as a network member
    payer_name: Mapped[str | None] = mapped_column(String(200))
    payer_business_id: Mapped[str | None] = mapped_column(String(9), index=True)
    payer_contact: Mapped[str | None] = mapped_column(String(200))
    payer_email: Mapped[str | None] = mapped_column(String(254))
    payer_reference: Mapped[str | None] = mapped_column(String(100))
    pricing_rule: Mapped[PricingRule] = mapped_column(enum_type(PricingRule))
    price_cents: Mapped[int] = mapped_column(default=0)
    free_cancellation_until: Mapped[date]
    late_cancellation_percent: Mapped[int] = mapped_column(default=0)
    rules_id: Mapped[int | None] = mapped_column(ForeignKey("network_rules.id"))
    terms: Mapped[dict] = mapped_column(JSON, default=dict)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a person enrolling without an account keeps a link to their enrolment; only its hash is stored
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # what happened to it
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moved up from the waiting list
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancelled_by_provider: Mapped[bool] = mapped_column(default=False)
    cancellation_charge_cents: Mapped[int] = mapped_column(default=0)
    completion: Mapped[Completion | None] = mapped_column(enum_type(Completion))
    grade: Mapped[int | None]
    completed_on: Mapped[date | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    course: Mapped[Course] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship()
    client: Mapped[Client | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    enrolled_by: Mapped[User | None] = relationship(foreign_keys=[enrolled_by_id])
    rules: Mapped[NetworkRules | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status is not EnrolmentStatus.CANCELLED

    def __str__(self):
        return self.name
