"""The search's facets and result order, held in each worker's memory as bitmaps and kept up to date with the bank.

Counting facets in SQL reads an index entry per matching material for every search (at 20,000 materials, ten times a
plain page). Here each facet value (a kind, a field, a language, a unit …) is a Python integer with one bit per
material. A search is a few ANDs: the reader's bits, the filters' bits and the bits of the materials the full-text
index found; each count is a popcount, and a page of results is the next twenty set bits.

Bits are slots in the order materials last changed: a changed material leaves its slot and takes a new one above all
others, so the highest bits are the most recently changed (the listing's order).

Every flush that writes a material moves the bank's version (`material_bank.version`, one row, counted up in the
writing transaction, which also holds the row's lock until it commits: writes to the bank follow one another) and
stamps the material with it (`Material.bank_version`). A search reads the version first; when it moved, the
materials stamped since are read and re-slotted, a few rows for a few changes. The counts are thus those of the
committed bank, in every worker, with no time-to-live. A bank emptied or restored (a new `generation`), or a slot
space grown to twice the materials, is read again whole.
"""

import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import String, event, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from isok.extensions import db
from isok.materials.models import (
    AUDIENCE_BITS,
    LANGUAGE_BITS,
    PUBLIC_LICENCES,
    Material,
    MaterialBank,
    MaterialLanguage,
    MaterialStatus,
    material_unit,
)

_EXTENSION = "materials_facet_index"
_BUILDING = threading.Lock()
FACETS = ("kind", "field", "unit", "language", "audience", "licence", "organisation")
MAX_UNITS_SHOWN = 50
PUBLISHED = ("status", MaterialStatus.PUBLISHED.value)


@dataclass
class FacetIndex:
    generation: int
    version: int
    slots: list  # slot → the material's id, or None for a slot it left
    slot_of: dict[int, int] = field(default_factory=dict)
    keys_of: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # the (facet, value) pairs a material has
    bits: dict[tuple[str, str], int] = field(default_factory=dict)  # (facet, value) → its materials' bits

    def bits_of(self, ids) -> int:
        """The bits of these materials (those the index knows)."""
        buffer = bytearray((len(self.slots) + 7) // 8)
        for material_id in ids:
            slot = self.slot_of.get(material_id)
            if slot is not None:
                buffer[slot >> 3] |= 1 << (slot & 7)
        return int.from_bytes(buffer, "little")

    def languages_of(self, material_id: int) -> list[str]:
        """The languages of a material's content, as its page lists them (by code)."""
        return sorted(value for facet, value in self.keys_of.get(material_id, ()) if facet == "language")

    def get(self, facet: str, value) -> int:
        return self.bits.get((facet, str(value)), 0)

    def readable(self, every: bool, audiences) -> int:
        """The published materials a reader finds: all, or the public ones and those of their audiences."""
        published = self.bits.get(PUBLISHED, 0)
        if every:
            return published
        found = 0
        for licence in PUBLIC_LICENCES:
            found |= self.get("licence", licence.value)
        for audience in audiences:
            found |= self.get("audience", audience.value)
        return found & published

    def count(self, matched: int) -> dict[str, list[tuple[str, int]]]:
        """Each facet's values among the matched materials with their counts, the most frequent first."""
        counts = {name: [] for name in FACETS}
        for (facet, value), bits in self.bits.items():
            if facet in counts and (found := (matched & bits).bit_count()):
                counts[facet].append((value, found))
        for pairs in counts.values():
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        counts["unit"] = counts["unit"][:MAX_UNITS_SHOWN]
        return counts

    def page(self, matched: int, start: int, stop: int) -> list[int]:
        """The ids of the matched materials from the start-th to before the stop-th, most recently changed first."""
        found, count = [], 0
        data = matched.to_bytes((matched.bit_length() + 7) // 8, "big")
        top = len(data) - 1
        for offset, byte in enumerate(data):
            while byte:
                bit = byte.bit_length() - 1
                if count >= start:
                    found.append(self.slots[(top - offset) * 8 + bit])
                count += 1
                if count >= stop:
                    return found
                byte ^= 1 << bit
        return found

    def _place(self, rows, units: dict, others: dict) -> None:
        """Give these materials (rows in the order they changed) new slots above all others."""
        lists = defaultdict(list)
        for material_id, *facts in rows:
            old = self.slot_of.get(material_id)
            if old is not None:
                self.slots[old] = None
                keep = ~(1 << old)
                for key in self.keys_of[material_id]:
                    self.bits[key] &= keep
            slot = len(self.slots)
            self.slots.append(material_id)
            self.slot_of[material_id] = slot
            keys = _keys(*facts, units.get(material_id, ()), others.get(material_id, ()))
            self.keys_of[material_id] = keys
            for key in keys:
                lists[key].append(slot)
        for key, slots in lists.items():
            added = 0
            for slot in slots:
                added |= 1 << slot
            self.bits[key] = self.bits.get(key, 0) | added


def _keys(status, licence, kind, field_code, organisation, audiences, languages, units, others) -> list:
    keys = [("status", status), ("licence", licence), ("kind", kind), ("organisation", str(organisation))]
    if field_code:
        keys.append(("field", field_code))
    keys += [("audience", str(value)) for value, bit in AUDIENCE_BITS.items() if audiences & bit]
    keys += [("language", code) for code, bit in LANGUAGE_BITS.items() if languages & bit]
    keys += [("language", code) for code in others]
    keys += [("unit", str(unit_id)) for unit_id in units]
    return keys


_COLUMNS = (
    Material.id,
    type_coerce(Material.status, String),
    type_coerce(Material.licence, String),
    type_coerce(Material.kind, String),
    type_coerce(Material.field, String),
    Material.organisation_id,
    Material.audience_mask,
    Material.language_mask,
)


def _read(after_version: int | None, up_to: int):
    """The materials stamped after a version (all of them for None), oldest change first, with their units and
    their languages the interface does not speak."""
    rows = select(*_COLUMNS).order_by(Material.bank_version, Material.updated_at, Material.id)
    if after_version is not None:
        rows = rows.where(Material.bank_version > after_version, Material.bank_version <= up_to)
    rows = db.session.execute(rows).all()
    changed = [row[0] for row in rows] if after_version is not None else None
    units, others = defaultdict(list), defaultdict(list)
    unit_rows = select(material_unit.c.material_id, material_unit.c.unit_id)
    language_rows = select(MaterialLanguage.material_id, MaterialLanguage.code).where(
        MaterialLanguage.code.not_in(list(LANGUAGE_BITS))
    )
    if changed is not None:
        unit_rows = unit_rows.where(material_unit.c.material_id.in_(changed))
        language_rows = language_rows.where(MaterialLanguage.material_id.in_(changed))
    for material_id, unit_id in db.session.execute(unit_rows):
        units[material_id].append(unit_id)
    for material_id, code in db.session.execute(language_rows):
        others[material_id].append(code)
    return rows, units, others


def _refreshed(index: FacetIndex | None, generation: int, version: int) -> FacetIndex:
    """The index brought to this version: by the changes since, or read whole."""
    if index is not None and index.generation == generation and index.version < version:
        rows, units, others = _read(index.version, version)
        if len(index.slots) + len(rows) <= 2 * len(index.slot_of) + 1000:
            updated = replace(
                index,
                version=version,
                slots=list(index.slots),
                slot_of=dict(index.slot_of),
                keys_of=dict(index.keys_of),
                bits=dict(index.bits),
            )
            updated._place(rows, units, others)
            return updated
    fresh = FacetIndex(generation=generation, version=version, slots=[])
    fresh._place(*_read(None, version))
    return fresh


def current() -> FacetIndex:
    """The bitmaps of the bank as committed now."""
    row = db.session.execute(select(MaterialBank.generation, MaterialBank.version)).one_or_none()
    generation, version = row or (0, 0)
    index = current_app.extensions.get(_EXTENSION)
    if index is None or (index.generation, index.version) != (generation, version):
        with _BUILDING:
            index = current_app.extensions.get(_EXTENSION)
            if index is None or (index.generation, index.version) != (generation, version):
                index = _refreshed(index, generation, version)
                current_app.extensions[_EXTENSION] = index
    return index


# --- the bank's version ------------------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _bank_changes(session, _context, _instances) -> None:
    """A flush that writes materials counts the bank's version up and stamps them with it, in the same transaction
    (a deleted material makes every index read the bank again). Their languages and units change with them."""
    materials = [item for item in session.new if isinstance(item, Material)]
    materials += [item for item in session.dirty if isinstance(item, Material) and session.is_modified(item)]
    whole = any(isinstance(item, Material) for item in session.deleted)
    if not materials and not whole:
        return
    connection = session.connection()
    values = {"version": MaterialBank.version + 1}
    if whole:
        values["generation"] = secrets.randbits(62)
    changed = connection.execute(update(MaterialBank).where(MaterialBank.id == 1).values(**values))
    if not changed.rowcount:  # a bank whose row was emptied out (the tests' clean slate)
        connection.execute(insert(MaterialBank).values(id=1, generation=secrets.randbits(62), version=1))
    version = connection.scalar(select(MaterialBank.version).where(MaterialBank.id == 1))
    for material in materials:
        material.bank_version = version


@event.listens_for(MaterialBank.__table__, "after_create")
def _first_version(table, connection, **_kw) -> None:
    connection.execute(insert(table).values(id=1, generation=secrets.randbits(62), version=0))
