"""The network's material bank: validation tools and teaching materials one organisation makes and every member
uses (interview guides, self-assessment forms, glossaries of a trade's words, criteria templates, pictures, videos,
recordings), in the languages of their content, linked to the qualification units they serve.

A material's file has versions: a new version keeps the old one in the history (`superseded_at`), and the material
points at its current files. Materials hold no personal data of clients: their makers are staff.
"""

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import FrameworkUnit
from isok.accounts.models import Organisation, User
from isok.catalogue.models import Field
from isok.database import SEEDED_BY_SCHEMA, UTCDateTime, enum_type, utcnow
from isok.extensions import Model, db
from isok.i18n import CLIENT_LOCALES, DEFAULT_LOCALE, localized
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class Kind(LabelledEnum):
    INTERVIEW_GUIDE = "interview_guide", _l("Interview guide")
    SELF_ASSESSMENT = "self_assessment", _l("Self-assessment form")
    GLOSSARY = "glossary", _l("Glossary")
    CRITERIA = "criteria", _l("Criteria template")
    PICTURES = "pictures", _l("Picture set")
    VIDEO = "video", _l("Video")
    AUDIO = "audio", _l("Audio")
    TEXT = "text", _l("Text")


# LRMI's learningResourceType for each kind (schema.org LearningResource)
KIND_RESOURCE_TYPES = {
    Kind.INTERVIEW_GUIDE: "guide",
    Kind.SELF_ASSESSMENT: "assessment",
    Kind.GLOSSARY: "glossary",
    Kind.CRITERIA: "rubric",
    Kind.PICTURES: "image",
    Kind.VIDEO: "video",
    Kind.AUDIO: "audio",
    Kind.TEXT: "text",
}


class Audience(LabelledEnum):
    COUNSELLORS = "counsellors", _l("Counsellors")
    TEACHERS = "teachers", _l("Teachers")
    TUTORS = "tutors", _l("Workplace tutors")
    CLIENTS = "clients", _l("Clients")


# The audiences as bits of Material.audience_mask, and the interface's languages as bits of language_mask: who may
# see a material is one condition on its row, and the search's bitmaps are built without a row per language.
AUDIENCE_BITS: dict[str, int] = {audience: 1 << n for n, audience in enumerate(Audience)}
LANGUAGE_BITS = {code: 1 << n for n, code in enumerate(CLIENT_LOCALES)}
OTHER_LANGUAGES = 1 << len(CLIENT_LOCALES)  # also in a language the interface does not speak (MaterialLanguage)


def mask_of(values, bits: dict) -> int:
    return sum(bits[value] for value in set(values) if value in bits)


def language_mask_of(codes) -> int:
    codes = set(codes)
    return mask_of(codes, LANGUAGE_BITS) | (OTHER_LANGUAGES if codes - LANGUAGE_BITS.keys() else 0)


class Licence(LabelledEnum):
    """The Creative Commons licences (4.0), CC0, or the network's members only."""

    CC_BY = "cc-by", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd", "CC BY-ND 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd", "CC BY-NC-ND 4.0"
    CC0 = "cc0", _l("CC0 (no rights reserved)")
    MEMBERS = "members", _l("The network's members only")

    @property
    def public(self) -> bool:
        return self is not Licence.MEMBERS

    @property
    def url(self) -> str | None:
        if self is Licence.MEMBERS:
            return None
        if self is Licence.CC0:
            return "https://creativecommons.org/publicdomain/zero/1.0/"
        return f"https://creativecommons.org/licenses/{self.value.removeprefix('cc-')}/4.0/"


PUBLIC_LICENCES = tuple(licence for licence in Licence if licence.public)


class MaterialStatus(LabelledEnum):
    PUBLISHED = "published", _l("Published")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


material_unit = Table(
    "material_unit",
    db.metadata,
    Column("material_id", ForeignKey("material.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Material(Model):
    __table_args__ = (Index("ix_material_listing", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # made and keeps it
    # Texts per language ({"fi": ..., "so": ...}); a language left out falls back to text_language.
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    text_language: Mapped[str] = mapped_column(String(10), default="fi")
    kind: Mapped[Kind] = mapped_column(enum_type(Kind), index=True)
    field: Mapped[Field | None] = mapped_column(enum_type(Field), index=True)
    licence: Mapped[Licence] = mapped_column(enum_type(Licence), index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    audience_mask: Mapped[int] = mapped_column(default=0)  # AUDIENCE_BITS of whom it is for
    language_mask: Mapped[int] = mapped_column(default=0)  # LANGUAGE_BITS of its content's languages, OTHER_LANGUAGES
    link: Mapped[str | None] = mapped_column(String(500))  # a material kept elsewhere (http or https)
    status: Mapped[MaterialStatus] = mapped_column(enum_type(MaterialStatus), default=MaterialStatus.PUBLISHED)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # every language's texts, the tags and the text found in its files, case-folded: what the search index reads
    search_text: Mapped[str] = mapped_column(Text, default="")
    downloads: Mapped[int] = mapped_column(default=0)
    bank_version: Mapped[int] = mapped_column(
        BigInteger, default=0, index=True
    )  # the bank's version it last changed in
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    language_rows: Mapped[list["MaterialLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="MaterialLanguage.code"
    )
    units: Mapped[list[FrameworkUnit]] = relationship(secondary=material_unit, order_by="FrameworkUnit.code")
    files: Mapped[list["MaterialFile"]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="(MaterialFile.position, MaterialFile.id)"
    )

    @property
    def languages(self) -> list[str]:
        return [row.code for row in self.language_rows]

    @property
    def audiences(self) -> list[Audience]:
        return [audience for audience, bit in AUDIENCE_BITS.items() if self.audience_mask & bit]

    @property
    def current_files(self) -> list["MaterialFile"]:
        return [file for file in self.files if file.superseded_at is None]

    @property
    def withdrawn(self) -> bool:
        return self.status is MaterialStatus.WITHDRAWN

    def text(self, name: str, locale: str | None = None) -> str:
        """A text in the wanted (or current) language, else in the language it was written in, else any."""
        texts = getattr(self, name) or {}
        wanted = locale or str(get_locale() or DEFAULT_LOCALE)
        return texts.get(wanted) or texts.get(self.text_language) or localized(texts, wanted)

    def text_lang(self, name: str, locale: str | None = None) -> str:
        """The language the text shown by `text` is written in (for the lang attribute)."""
        texts = getattr(self, name) or {}
        wanted = locale or str(get_locale() or DEFAULT_LOCALE)
        if texts.get(wanted):
            return wanted
        return self.text_language if texts.get(self.text_language) else next(iter(texts), self.text_language)

    def __str__(self):
        return self.text("title")


class MaterialBank(Model):
    """One row: the bank's version, counted up by every write to its materials, and its generation, a random
    number that changes when the bank must be read again whole (facet_index.py)."""

    __table_args__ = {"info": {SEEDED_BY_SCHEMA: True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(BigInteger)


class MaterialLanguage(Model):
    """A language of the material's content (ISO 639), one row each so the bank can filter by it; any language,
    also those the interface does not speak."""

    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class MaterialFile(Model):
    """One version of one file of a material; a replaced version stays, with the time it was superseded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # the file's place among the material's files
    revision: Mapped[int] = mapped_column(default=1)  # 1 for the first version of this file, then 2, 3 …
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("material_file.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    words: Mapped[str] = mapped_column(Text, default="")  # the text found in it (text and PDF files), for search
    preview_sha256: Mapped[str | None] = mapped_column(String(64))  # its small picture (previews.py), if it has one

    material: Mapped[Material] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def plays(self) -> str | None:
        """How the page shows it: "image", "audio", "video", or None (a download)."""
        head = self.media_type.split("/", 1)[0]
        return head if head in ("image", "audio", "video") else None


class ProblemReport(Model):
    """Someone of the network tells the owner organisation what is wrong with a material."""

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reported_by: Mapped[User | None] = relationship()
