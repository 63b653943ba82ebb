"""Form definitions: the typed model that forms/*.yml is read into (fields, sections, conditions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path

from xietiao.forms.rules import FormRule


class FieldType(str, Enum):
    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    MONTH = "month"
    SELECT = "select"
    MULTISELECT = "multiselect"
    UNIT = "unit"
    PROJECT = "project"
    PERSON = "person"
    YESNO = "yesno"
    ATTACHMENT = "attachment"
    GROUP = "group"


# A bound is compared with the checked value of the same type; months stay "YYYY-MM"
# strings because that fixed-width form sorts correctly as text.
Bound = int | Decimal | date | str
# `max: today` on a date or month field: no later than the day (or month) of the submission.
TODAY = "today"
Scalar = str | int | bool


@dataclass(frozen=True)
class Condition:
    """Show (and require) a field only when another field has a value or is filled."""

    field: str
    equals: Scalar | None = None
    filled: bool | None = None

    def holds(self, value: object) -> bool:
        if self.filled is not None:
            return is_filled(value) == self.filled
        # type() first: True == 1 in Python, but a yes/no answer is not the number 1.
        return type(value) is type(self.equals) and value == self.equals


def is_filled(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: FieldType
    label: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: Bound | None = None
    maximum: Bound | None = None
    pattern: str | None = None
    when: Condition | None = None
    confidential: bool = False
    fields: tuple[FieldDef, ...] = ()
    min_rows: int | None = None
    max_rows: int | None = None
    accept: tuple[str, ...] = ()
    max_mb: int | None = None
    decimals: int = 2
    placeholder: str = ""
    multiple: bool = False
    # Names the field had in earlier versions of the form (`was:` in the YAML).
    was: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # unit fields: only units of these kinds (镇街, 部门 ...); empty for any


@dataclass(frozen=True)
class Section:
    title: str
    help: str
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True)
class FormDef:
    name: str
    title: str
    prefix: str
    sections: tuple[Section, ...]
    confidential: bool = False
    confidential_field: str | None = None
    path: Path | None = None
    help: str = ""
    # The domain's cross-record rule, attached where the application is assembled (xietiao.rulebook).
    rule: FormRule | None = None
    # The YAML it was read from, kept with each version so that old records are read by their own form.
    source: str = ""
    # Which registered version of this form it is (xietiao.forms.versions); 0 until registered.
    version: int = 0

    def fields(self) -> Iterator[FieldDef]:
        """Top-level fields in page order; a group's cells stay inside the group."""
        for section in self.sections:
            yield from section.fields

    @property
    def has_attachments(self) -> bool:
        return any(
            f.type is FieldType.ATTACHMENT or any(c.type is FieldType.ATTACHMENT for c in f.fields)
            for f in self.fields()
        )

    def field(self, name: str) -> FieldDef:
        for f in self.fields():
            if f.name == name:
                return f
        raise KeyError(f"表单 {self.name} 没有字段 {name}")


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    rule: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.rule}；{self.fix}"


class FormDefinitionError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("表单定义有误，共 {} 处：\n{}".format(len(problems), "\n".join(map(str, problems))))
