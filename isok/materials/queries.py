"""Read-only views of the bank: the search with its facets, the materials at hand in a validation step, the feeds
and the figures. Every list is built on access.usable_condition, so a list never shows what a page would refuse."""

from collections import Counter, OrderedDict
from dataclasses import astuple, dataclass

from flask import current_app
from sqlalchemy import String, exists, func, select, type_coerce
from sqlalchemy.orm import defer, selectinload

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.i18n import localized
from isok.materials import access, search
from isok.materials.models import (
    AUDIENCE_BITS,
    LANGUAGE_BITS,
    OTHER_LANGUAGES,
    Material,
    MaterialLanguage,
    MaterialStatus,
    material_unit,
)

PAGE_SIZE = 20


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    field: str = ""
    unit: int | None = None
    language: str = ""
    audience: str = ""
    licence: str = ""
    organisation: int | None = None
    tag: str = ""


def _conditions(user, filters: Filters) -> list:
    """The WHERE clauses of a search."""
    conditions = [access.usable_condition(user)]
    if filters.q:
        conditions.append(search.matching(filters.q))
    for name, column in (
        ("kind", Material.kind),
        ("field", Material.field),
        ("licence", Material.licence),
        ("organisation", Material.organisation_id),
    ):
        value = getattr(filters, name)
        if value:
            conditions.append(column == value)
    if filters.language in LANGUAGE_BITS:
        conditions.append(Material.language_mask.op("&")(LANGUAGE_BITS[filters.language]) != 0)
    elif filters.language:
        conditions.append(
            exists().where(MaterialLanguage.material_id == Material.id, MaterialLanguage.code == filters.language)
        )
    if filters.audience:
        bit = AUDIENCE_BITS.get(filters.audience, 0)
        conditions.append(Material.audience_mask.op("&")(bit) != 0)
    if filters.unit:
        conditions.append(
            exists().where(material_unit.c.material_id == Material.id, material_unit.c.unit_id == filters.unit)
        )
    if filters.tag:  # a tag's words, through the index
        conditions.append(search.matching(filters.tag))
    return conditions


def search_page(user, filters: Filters, page: int = 1) -> tuple[list[Material], bool]:
    """One page of the materials matching, most recently changed first, and whether another page follows."""
    stmt = (
        select(Material)
        .where(*_conditions(user, filters))
        .options(
            selectinload(Material.language_rows),
            defer(Material.search_text),
            defer(Material.withdrawn_reason),
            defer(Material.description),
        )
        .order_by(Material.updated_at.desc(), Material.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    materials = list(db.session.scalars(stmt))
    return materials[:PAGE_SIZE], len(materials) > PAGE_SIZE


FACET_CACHE_SIZE = 512


def _bank_version() -> tuple:
    """Changes whenever a material is added or changed (withdrawn, edited, a file added): the facets' cache key."""
    return tuple(db.session.execute(select(func.max(Material.updated_at), func.max(Material.id))).one())


def facets(user, filters: Filters) -> dict[str, list[tuple[str, int]]]:
    """The facet counts of a search, kept per application until the bank changes.

    Counting reads an index entry per matching material; the counts of a search stay the same until a material is
    added or changed, which is rare beside searching, so the bank's version (its latest change) keys a small cache
    for each kind of reader (members, a client's or a tutor's audience, visitors) and filter.
    """
    cache = current_app.extensions.setdefault("materials_facets", OrderedDict())
    key = (access.reader_kind(user), astuple(filters))
    version = _bank_version()
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        cache.move_to_end(key)
        return hit[1]
    found = count_facets(user, filters)
    cache[key] = (version, found)
    if len(cache) > FACET_CACHE_SIZE:
        cache.popitem(last=False)
    return found


def count_facets(user, filters: Filters) -> dict[str, list[tuple[str, int]]]:
    """For each facet, its values among the matching materials with their counts, the most frequent first.

    Everything but the units and the languages the interface does not speak comes from one GROUP BY in the order of
    a covering index (ix_material_facets: no row is read, no sort is made); the audiences and the interface's
    languages are bits of the row, counted here.
    """
    conditions = _conditions(user, filters)
    kinds: Counter[str] = Counter()
    fields: Counter[str | None] = Counter()
    licences: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    audience_masks: Counter[int] = Counter()
    language_masks: Counter[int] = Counter()
    plain = [type_coerce(column, String) for column in (Material.licence, Material.kind, Material.field)]
    columns = (plain[0], Material.audience_mask, Material.language_mask, plain[1], plain[2], Material.organisation_id)
    for licence, audiences, languages, kind, field, organisation, count in db.session.execute(
        select(*columns, func.count()).where(*conditions).group_by(*columns)
    ):
        licences[licence] += count
        kinds[kind] += count
        fields[field] += count
        organisations[str(organisation)] += count
        audience_masks[audiences] += count
        language_masks[languages] += count
    fields.pop(None, None)
    counters: dict[str, Counter] = {
        "kind": kinds,
        "field": fields,
        "licence": licences,
        "organisation": organisations,
        "audience": _bits(audience_masks, AUDIENCE_BITS),
        "language": _bits(language_masks, LANGUAGE_BITS),
    }
    # Rows are read only for the materials that have them (the flags are in the index).
    others = db.session.execute(
        select(MaterialLanguage.code, func.count())
        .where(
            MaterialLanguage.code.not_in(list(LANGUAGE_BITS)),
            MaterialLanguage.material_id.in_(
                select(Material.id).where(*conditions, Material.language_mask.op("&")(OTHER_LANGUAGES) != 0)
            ),
        )
        .group_by(MaterialLanguage.code)
    )
    counters["language"].update(dict(others.all()))
    found = {name: counter.most_common() for name, counter in counters.items()}
    rows = db.session.execute(
        select(material_unit.c.unit_id, func.count())
        .where(material_unit.c.material_id.in_(select(Material.id).where(*conditions, Material.units_served > 0)))
        .group_by(material_unit.c.unit_id)
        .order_by(func.count().desc())
        .limit(50)
    )
    found["unit"] = [(str(unit_id), count) for unit_id, count in rows]
    return found


def _bits(masks: Counter, bits: dict) -> Counter:
    """Counts per value from counts per mask of values."""
    counts: Counter = Counter()
    for mask, count in masks.items():
        for value, bit in bits.items():
            if mask & bit:
                counts[str(value)] += count
    return counts


def organisation_names(ids) -> dict[int, str]:
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


def unit_labels(ids) -> dict[int, str]:
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name).where(FrameworkUnit.id.in_(ids))
    )
    return {unit_id: f"{code} {localized(name)}" for unit_id, code, name in rows}


def units_choices() -> list[tuple[int, str]]:
    """Every unit of every qualification framework, as choices (newest versions first)."""
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name, FrameworkVersion.name, FrameworkVersion.number)
        .join(FrameworkVersion, FrameworkUnit.version_id == FrameworkVersion.id)
        .order_by(FrameworkVersion.framework_id, FrameworkVersion.number.desc(), FrameworkUnit.position)
    )
    return [
        (unit_id, f"{localized(framework)} v{number} · {code} {localized(name)}")
        for unit_id, code, name, framework, number in rows
    ]


def for_units(user, framework_id: int, unit_codes, kinds) -> list[Material]:
    """The materials of these kinds linked to these units of the framework (in any of its versions, by code):
    those the user may use, and those withdrawn since that the user could have used (the step says they are)."""
    if not unit_codes:
        return []
    linked = (
        select(material_unit.c.material_id)
        .join(FrameworkUnit, FrameworkUnit.id == material_unit.c.unit_id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkUnit.version_id)
        .where(FrameworkVersion.framework_id == framework_id, FrameworkUnit.code.in_(unit_codes))
    )
    candidates = db.session.scalars(
        select(Material)
        .where(Material.id.in_(linked), Material.kind.in_(kinds))
        .options(selectinload(Material.language_rows), selectinload(Material.files), defer(Material.search_text))
        .order_by(Material.status, Material.updated_at.desc())
        .limit(100)
    )
    return [material for material in candidates if access.could_use(user, material)]


def latest_public(field: str = "", tag: str = "", limit: int = 50) -> list[Material]:
    """The Atom feed's entries: published materials under a public licence, most recently changed first."""
    stmt = (
        select(Material)
        .where(access.usable_condition(None), Material.status == MaterialStatus.PUBLISHED)
        .options(selectinload(Material.language_rows), defer(Material.search_text))
        .order_by(Material.updated_at.desc(), Material.id.desc())
    )
    if field:
        stmt = stmt.where(Material.field == field)
    if tag:
        stmt = stmt.where(search.matching(tag))
    return list(db.session.scalars(stmt.limit(limit)))


def downloads_by_organisation() -> list[tuple[str, int, int]]:
    """Per organisation: its published materials and their downloads, the most downloaded first."""
    downloads = func.coalesce(func.sum(Material.downloads), 0)
    rows = db.session.execute(
        select(Organisation.name, func.count(Material.id), downloads)
        .join(Material, Material.organisation_id == Organisation.id)
        .where(Material.status == MaterialStatus.PUBLISHED)
        .group_by(Organisation.id, Organisation.name)
        .order_by(downloads.desc(), Organisation.name)
    )
    return [(name, count, total) for name, count, total in rows]


def kept_counts(user) -> dict[str, int]:
    """For the start page: the materials the user's organisation shares and their downloads."""
    kept = access.kept_materials(user).where(Material.status == MaterialStatus.PUBLISHED).subquery()
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(kept.c.downloads), 0)).select_from(kept)).one()
    return {"materials": row[0], "downloads": row[1]}
