"""Placements: on-the-job periods at a real workplace, and the personal links that open one to its tutor."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import FrameworkUnit
from isok.accounts.models import User
from isok.database import UTCDateTime, utcnow
from isok.extensions import Model
from isok.links import PersonalLink

placement_unit = Table(
    "placement_unit",
    Model.metadata,
    Column("placement_id", ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id"), primary_key=True),
)


class Placement(Model):
    """An on-the-job placement where the client shows the competences of some units at a real workplace."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    tasks: Mapped[str | None] = mapped_column(Text)
    # The counsellor's record that the placement ended before its planned end, and why: sign-off may follow it.
    ended_early_on: Mapped[date | None]
    ended_early_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    units: Mapped[list[FrameworkUnit]] = relationship(secondary=placement_unit)

    @property
    def ends_on(self) -> date:
        """The placement's last day: the recorded early end, else the planned end."""
        return self.ended_early_on or self.end_date


class TutorLink(PersonalLink, Model):
    """A personal link for one placement's workplace tutor: it opens only that placement; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    placement: Mapped[Placement] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def works(self, now: datetime) -> bool:
        """Unexpired, unrevoked, its tutor still active and still the placement's tutor."""
        return self.usable(now) and self.user.active and self.placement.tutor_id == self.user_id
