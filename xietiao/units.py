"""The district's units (责任单位) as the coordination mechanism names them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class UnitKind(str, Enum):
    GOVERNMENT = "government"  # 区政府: leaders who approve
    BUREAU = "bureau"  # 区发展改革局: runs the meeting
    DEPARTMENT = "department"  # 区级部门
    CENTRE = "centre"  # 建设中心
    GROUP = "group"  # 国有集团
    TOWN = "town"  # 镇街

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    UnitKind.GOVERNMENT: "区政府",
    UnitKind.BUREAU: "牵头部门",
    UnitKind.DEPARTMENT: "区级部门",
    UnitKind.CENTRE: "建设中心",
    UnitKind.GROUP: "国有集团",
    UnitKind.TOWN: "镇街",
}


@dataclass(frozen=True)
class Unit:
    code: str  # ASCII, used in URLs and file names instead of the Chinese name
    name: str
    kind: UnitKind
    aliases: tuple[str, ...] = ()


def _u(code: str, name: str, kind: UnitKind, *aliases: str) -> Unit:
    return Unit(code, name, kind, tuple(aliases))


D, C, G, T = UnitKind.DEPARTMENT, UnitKind.CENTRE, UnitKind.GROUP, UnitKind.TOWN

UNITS: tuple[Unit, ...] = (
    _u("qzf", "区政府", UnitKind.GOVERNMENT),
    _u("fgj", "区发展改革局", UnitKind.BUREAU, "区发改局"),
    _u("jxj", "区经信局", D),
    _u("jyj", "区教育局", D),
    _u("kjj", "区科技局", D),
    _u("gafj", "区公安分局", D),
    _u("mzj", "区民政局", D),
    _u("czj", "区财政局", D, "区财政局（区国资办）", "区财政局(区国资办)", "区国资办"),
    _u("zjj", "区住建局", D),
    _u("jtysj", "区交通运输局", D),
    _u("slj", "区水利局", D),
    _u("nyncj", "区农业农村局", D),
    _u("swj", "区商务局", D),
    _u("wglt", "区文广旅体局", D),
    _u("wsjk", "区卫生健康局", D),
    _u("gtxc", "XX高铁新城建设中心", C),
    _u("gjxq", "市高教新区建设中心", C),
    _u("zwfw", "区政务服务中心", C),
    _u("xbst", "区西部生态新城建设中心", C),
    _u("zxq", "XX中心区建设中心", C),
    _u("wrth", "区温瑞塘河工程建设中心", C),
    _u("jtgc", "区交通工程建设中心", C),
    _u("zrzy", "区自然资源和规划分局", D),
    _u("sthj", "区生态环境分局", D),
    _u("gdfj", "区供电分局", D),
    _u("tt", "XX铁投集团", G),
    _u("lt", "XX旅投集团", G),
    _u("jk", "XX经开集团", G),
    _u("xcjs", "XX新城建设集团", G),
    _u("dc", "东城街道", T),
    _u("xc", "西城街道", T),
    _u("nh", "南湖街道", T),
    _u("bs", "北山街道", T),
    _u("xq", "新桥镇", T),
    _u("hk", "河口镇", T),
    _u("tx", "塘下镇", T),
    _u("xy", "仙岩镇", T),
)

TOWNS: tuple[str, ...] = tuple(u.name for u in UNITS if u.kind is T)
BUREAU_NAME = "区发展改革局"
GOVERNMENT_NAME = "区政府"

_BY_NAME: dict[str, Unit] = {}
for _unit in UNITS:
    for _name in (_unit.name, *_unit.aliases):
        _BY_NAME[_name] = _unit
_BY_CODE: dict[str, Unit] = {u.code: u for u in UNITS}


# Code outside this module asks through these functions, never the constants above: the
# district's units become data of its profile, and these are the one place that reads them.
def all_units() -> tuple[Unit, ...]:
    """Every unit in official order (the order of the mechanism's list)."""
    return UNITS


def town_names() -> tuple[str, ...]:
    return TOWNS


def bureau_name() -> str:
    """The bureau that runs the meeting (区发展改革局 in the demo district)."""
    return BUREAU_NAME


def government_name() -> str:
    """The government whose leaders approve (区政府 in the demo district)."""
    return GOVERNMENT_NAME


def unit_by_name(name: str) -> Unit | None:
    """The unit called `name` (its official name or a common alias)."""
    return _BY_NAME.get(name.strip())


def unit_by_code(code: str) -> Unit | None:
    return _BY_CODE.get(code)


def unit_names() -> list[str]:
    return [u.name for u in UNITS]
