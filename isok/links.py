"""Personal links that open one thing to someone without an account: a random token handed out once, of which only
the hash is stored, valid until it expires or is revoked. A workplace tutor's placement link and a referee's
statement request are such links."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from isok.database import UTCDateTime, utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: the token goes to its holder and is never stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def same_hash(stored: str, presented: str) -> bool:
    return secrets.compare_digest(stored, presented)


class PersonalLink:
    """The columns and the rule every personal link shares: it works while unexpired and unrevoked."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or utcnow())
