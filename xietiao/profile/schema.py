"""The profile's sections as frozen dataclasses, and the units (责任单位) it declares.

Adding a section: write a frozen dataclass whose fields are `setting()`s (with defaults, so that
existing profiles stay valid), optionally a `problems()` method for checks across its keys, and
add one field to `Profile`. The reader derives the YAML keys, types and limits from it.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from xietiao.profile.reader import join, setting

CODE = r"[a-z][a-z0-9_]{0,19}"  # ASCII: codes go into URLs and file names instead of Chinese names
LOGIN = r"[A-Za-z0-9_.-]{2,32}"  # the same rule as accounts' user names
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
LEVELS = ("区", "县", "市", "旗")
RESERVED_LOGINS = ("admin",)  # the demo's administrator


class UnitKind(str, Enum):
    GOVERNMENT = "government"  # the government whose leaders approve
    BUREAU = "bureau"  # the bureau that runs the meeting
    DEPARTMENT = "department"  # 部门
    CENTRE = "centre"  # 建设中心
    GROUP = "group"  # 国有集团
    TOWN = "town"  # 镇街

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    UnitKind.GOVERNMENT: "政府",
    UnitKind.BUREAU: "牵头部门",
    UnitKind.DEPARTMENT: "部门",
    UnitKind.CENTRE: "建设中心",
    UnitKind.GROUP: "国有集团",
    UnitKind.TOWN: "镇街",
}
# The kinds a responsible unit may have, as the profile writes them.
KIND_WORDS = {
    "部门": UnitKind.DEPARTMENT,
    "镇街": UnitKind.TOWN,
    "国有集团": UnitKind.GROUP,
    "建设中心": UnitKind.CENTRE,
}


@dataclass(frozen=True)
class Unit:
    code: str  # ASCII, used in URLs and file names instead of the Chinese name
    name: str
    kind: UnitKind
    aliases: tuple[str, ...] = ()
    login: str = ""  # the user name of the unit's account (the code unless the profile says otherwise)
    key: str = ""  # the code the profile file gives it: changes made in the web are kept under it

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class District:
    name: str = setting(example="name: 青山县")
    level: str = setting("区", choices=LEVELS)  # the word in 区领导, 区级部门, 区委办公室


@dataclass(frozen=True)
class UnitEntry:
    name: str = setting(example="name: 区财政局")
    code: str = setting(pattern=CODE, example="code: czj（小写英文字母开头，可含数字和下划线，至多 20 位）")
    kind: str = setting(choices=tuple(KIND_WORDS))
    aliases: tuple[str, ...] = setting((), example="aliases: [区国资办]")
    login: str = setting("", pattern=LOGIN, empty_ok=True, example="login: czj（不写则与 code 相同）")
    key: str = setting("", internal=True)


@dataclass(frozen=True)
class Bureau:
    name: str = setting(example="name: 区发展改革局")
    code: str = setting(pattern=CODE, example="code: fgj")
    aliases: tuple[str, ...] = setting((), example="aliases: [区发改局]")
    login: str = setting("", pattern=LOGIN, empty_ok=True, example="login: fgj")
    key: str = setting("", internal=True)


@dataclass(frozen=True)
class Government:
    name: str = setting(example="name: 区政府")
    code: str = setting(pattern=CODE, example="code: qzf")
    # Leaders' titles as the minutes name the convener; the first is the usual one.
    leaders: tuple[str, ...] = setting(min_items=1, example="leaders: [常务副区长, 副区长]")
    aliases: tuple[str, ...] = setting((), example="aliases: [区人民政府]")
    login: str = setting("", pattern=LOGIN, empty_ok=True, example="login: leader")
    key: str = setting("", internal=True)


_NAMES = ("district", "level", "government", "bureau")


def _placeholders(template: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


@dataclass(frozen=True)
class Documents:
    """How the Word papers name things; {district} {level} {government} {bureau} are filled in."""

    minutes_number: str = setting(
        "{government}专题会议纪要〔{year}〕{n}号", example='minutes_number: "{government}专题会议纪要〔{year}〕{n}号"'
    )
    issuer: str = setting("{level}人民政府办公室", example="issuer: 区人民政府办公室")
    addressees: str = setting("各镇街，{level}级有关部门，各国有集团，各项目业主单位")
    copy_to: tuple[str, ...] = setting(("{level}委办公室", "{level}人大常委会办公室", "{level}政协办公室"))

    def problems(self) -> Iterator[tuple[str, str, str]]:
        texts = [("minutes_number", self.minutes_number), ("issuer", self.issuer), ("addressees", self.addressees)]
        texts += [(f"copy_to[{i}]", t) for i, t in enumerate(self.copy_to)]
        for key, text in texts:
            allowed = (*_NAMES, "year", "n") if key == "minutes_number" else _NAMES
            found = _placeholders(text)
            if found is None or not found <= set(allowed):
                yield key, f"{text!r} 中的花括号用法不对", "可用的占位：" + "、".join("{" + a + "}" for a in allowed)
        if {"year", "n"} - (_placeholders(self.minutes_number) or set()):
            yield (
                "minutes_number",
                "纪要文号须含 {year}（年份）和 {n}（序号）",
                '例如 "{government}专题会议纪要〔{year}〕{n}号"',
            )


@dataclass(frozen=True)
class Meeting:
    weekday: str = setting("周五", choices=WEEKDAYS)
    time: str = setting("14:30", pattern=r"([01]\d|2[0-3]):[0-5]\d", example='time: "14:30"（24 小时制，加引号）')
    place: str = setting("", empty_ok=True, example="place: 区行政中心第二会议室")

    @property
    def weekday_index(self) -> int:
        """Monday is 0, as `date.weekday()` counts."""
        return WEEKDAYS.index(self.weekday)


@dataclass(frozen=True)
class CycleDeadlines:
    """Working days allowed for each step of the cycle (the mechanism: 1, 3 and 1)."""

    call: int = setting(1, minimum=1, maximum=10, example="call: 1")  # the call, after the previous meeting
    list: int = setting(3, minimum=1, maximum=15, example="list: 3")  # the issue list and plan, after it too
    minutes: int = setting(1, minimum=1, maximum=10, example="minutes: 1")  # the minutes draft, after the meeting

    def problems(self) -> Iterator[tuple[str, str, str]]:
        if self.list < self.call:
            yield "list", f"问题清单期限（{self.list}）早于征集通知期限（{self.call}）", "list 须不小于 call"


@dataclass(frozen=True)
class ColourThresholds:
    """Calendar months past the planned node after which an unfinished node is yellow, then red."""

    yellow: int = setting(1, minimum=1, maximum=24, example="yellow: 1")
    red: int = setting(3, minimum=2, maximum=36, example="red: 3")

    def problems(self) -> Iterator[tuple[str, str, str]]:
        if self.red <= self.yellow:
            yield "red", f"红色阈值（{self.red} 个月）须大于黄色阈值（{self.yellow} 个月）", "例如 yellow: 1、red: 3"


@dataclass(frozen=True)
class Profile:
    district: District = setting()
    government: Government = setting()
    bureau: Bureau = setting()
    units: tuple[UnitEntry, ...] = setting(min_items=1, example="units: [{name: 区财政局, code: czj, kind: 部门}]")
    documents: Documents = setting(factory=Documents)
    meeting: Meeting = setting(factory=Meeting)
    deadlines: CycleDeadlines = setting(factory=CycleDeadlines)
    colours: ColourThresholds = setting(factory=ColourThresholds)

    # -- the units ----------------------------------------------------------------------------

    @cached_property
    def all_units(self) -> tuple[Unit, ...]:
        """The government, the bureau, then the responsible units in the profile's order."""
        g, b = self.government, self.bureau
        return (
            Unit(g.code, g.name, UnitKind.GOVERNMENT, g.aliases, g.login or g.code, g.key or g.code),
            Unit(b.code, b.name, UnitKind.BUREAU, b.aliases, b.login or b.code, b.key or b.code),
            *(
                Unit(u.code, u.name, KIND_WORDS[u.kind], u.aliases, u.login or u.code, u.key or u.code)
                for u in self.units
            ),
        )

    @cached_property
    def by_name(self) -> dict[str, Unit]:
        return {n: u for u in self.all_units for n in u.names}

    @cached_property
    def by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.all_units}

    @cached_property
    def by_key(self) -> dict[str, Unit]:
        return {u.key: u for u in self.all_units}

    # -- words for documents and pages ----------------------------------------------------------

    @property
    def leaders_label(self) -> str:
        """Who approves, as pages name them: 区领导."""
        return f"{self.district.level}领导"

    def fill(self, template: str, **more: object) -> str:
        """A documents template with the district's names (and `more`, e.g. year and n) filled in."""
        names = {
            "district": self.district.name,
            "level": self.district.level,
            "government": self.government.name,
            "bureau": self.bureau.name,
        }
        return template.format_map({**names, **more})

    def minutes_number(self, year: int | str, n: int) -> str:
        """纪要文号, e.g. 区政府专题会议纪要〔2026〕12号."""
        return self.fill(self.documents.minutes_number, year=year, n=n)

    # -- checks across sections ----------------------------------------------------------------

    def entries(self) -> Iterator[tuple[str, Government | Bureau | UnitEntry]]:
        yield "government", self.government
        yield "bureau", self.bureau
        for i, u in enumerate(self.units):
            yield f"units[{i}]", u

    def problems(self) -> Iterator[tuple[str, str, str]]:
        """Every name, alias, code and login names one unit only."""
        names: dict[str, str] = {}
        codes: dict[str, str] = {}
        logins: dict[str, str] = {}
        for key, u in self.entries():
            me = f"{key}（{u.name}）"  # the key for the file, the name for the web page
            for i, name in enumerate(u.aliases):
                if name == u.name:
                    yield join(key, f"aliases[{i}]"), f"别名 {name} 与名称相同", "删去这个别名"
            for where, name in (
                (join(key, "name"), u.name),
                *((join(key, f"aliases[{i}]"), a) for i, a in enumerate(u.aliases)),
            ):
                if name in names and names[name] != me:
                    yield where, f"名称 {name} 已被 {names[name]}使用", "每个单位名称和别名只能属于一个单位"
                names.setdefault(name, me)
            if u.code in codes:
                yield join(key, "code"), f"代码 {u.code} 已被 {codes[u.code]}使用", "每个单位用不同的代码"
            codes.setdefault(u.code, me)
            login = u.login or u.code
            if login in RESERVED_LOGINS:
                yield join(key, "login"), f"账号名 {login} 留给系统管理员", "换一个账号名"
            elif login in logins:
                yield join(key, "login"), f"账号名 {login} 已被 {logins[login]}使用", "每个单位用不同的账号名"
            logins.setdefault(login, me)


def with_keys(profile: Profile) -> Profile:
    """The profile with each unit's key set to the code the file gave it (done once, when read)."""

    def keyed(entry: UnitEntry) -> UnitEntry:
        return entry if entry.key else dataclasses.replace(entry, key=entry.code)

    return dataclasses.replace(
        profile,
        government=dataclasses.replace(profile.government, key=profile.government.key or profile.government.code),
        bureau=dataclasses.replace(profile.bureau, key=profile.bureau.key or profile.bureau.code),
        units=tuple(keyed(u) for u in profile.units),
    )
