"""Enums whose members carry their own translatable label, declared beside the value they are stored as.

A member reads `FEMALE = "female", _l("Female")`: its value is the string stored in the database and sent by forms,
its `label` the lazy translation shown to people, so no member can lack a label and no label can outlive its member.
"""

import enum
from typing import Any, Self, overload

from flask_babel.speaklater import LazyString


class LabelledEnum(enum.StrEnum):
    """A string enum whose members are `NAME = "value", label` (a subclass's `__init__` may take more, after it)."""

    _value_: str
    label: LazyString | str  # a licence's name is the same in every language

    @overload
    def __new__(cls, value: str) -> Self: ...

    @overload
    def __new__(cls, value: str, label: LazyString | str, *more: Any) -> Self: ...

    def __new__(cls, value: str, *label_and_more: Any) -> Self:
        """Make a member from its declaration; once the class is made, `Gender("female")` finds one by its value."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label_and_more[0]
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, LazyString | str]]:
        """(value, label) pairs in the order the members are declared, for a select field."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def label_of(cls, value: str) -> LazyString | str:
        """The label of the member stored as `value`, or the value itself when there is none (free input)."""
        member = cls._value2member_map_.get(value)
        return member.label if isinstance(member, cls) else value
