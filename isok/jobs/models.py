from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from isok.database import UTCDateTime, utcnow
from isok.extensions import Model


class FailedJob(Model):
    """A run of a job that raised: retried later while `retries_left` > 0, given up otherwise."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100), index=True)
    task_id: Mapped[str] = mapped_column(String(64), index=True)  # the queue's id, the same for every retry of a run
    arguments: Mapped[str] = mapped_column(String(1000))
    error: Mapped[str] = mapped_column(String(1000))
    details: Mapped[str] = mapped_column(Text)  # the traceback, for the administrator or the developer they call
    retries_left: Mapped[int]
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
