"""The district profile file: the demo district loads as the old constants did; each mistake names file, key, fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from xietiao.profile import Profile, ProfileError, demo_profile, load_profile, using
from xietiao.profile.reader import read_file, setting
from xietiao.units import (
    UnitKind,
    all_units,
    bureau_name,
    government_name,
    official_unit_name,
    same_unit,
    town_names,
    unit_by_code,
    unit_by_name,
)

SMALL = """
district: {name: 青山县, level: 县}
government: {name: 县政府, code: xzf, leaders: [常务副县长]}
bureau: {name: 县发展和改革局, code: fgj, aliases: [县发改局]}
units:
  - {name: 县财政局, code: czj, kind: 部门, aliases: [县国资办]}
  - {name: 城关镇, code: cgz, kind: 镇街, login: chengguan}
"""


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ProfileError) as caught:
        read_file(Profile, text, "district.yml")
    assert all(p.file == "district.yml" and p.rule and p.fix for p in caught.value.problems)
    return [(p.key, p.rule) for p in caught.value.problems]


def test_the_demo_district_is_one_profile_among_others() -> None:
    demo = demo_profile()
    assert demo.district.name == "XX区" and len(demo.all_units) == 37
    assert (government_name(), bureau_name()) == ("区政府", "区发展改革局")
    assert unit_by_name("区国资办") is unit_by_name("区财政局") is unit_by_code("czj")
    assert town_names()[:2] == ("东城街道", "西城街道") and len(town_names()) == 8
    assert demo.minutes_number(2026, 12) == "区政府专题会议纪要〔2026〕12号"
    assert (demo.deadlines.call, demo.deadlines.list, demo.deadlines.minutes) == (1, 3, 1)
    assert (demo.colours.yellow, demo.colours.red) == (1, 3)
    assert all(u.login for u in all_units())


def test_a_small_profile_fills_the_rest_from_the_mechanism(tmp_path: Path) -> None:
    path = tmp_path / "district.yml"
    path.write_text(SMALL, "utf-8")
    county = load_profile(path)
    with using(county):
        kinds = [UnitKind.GOVERNMENT, UnitKind.BUREAU, UnitKind.DEPARTMENT, UnitKind.TOWN]
        assert [u.kind for u in all_units()] == kinds
        assert town_names() == ("城关镇",) and bureau_name() == "县发展和改革局"
        assert unit_by_name("县国资办").code == "czj"  # type: ignore[union-attr]
        assert unit_by_code("cgz").login == "chengguan" and unit_by_code("czj").login == "czj"  # type: ignore[union-attr]
        assert same_unit("县国资办", "县财政局") and not same_unit("县财政局", "城关镇")
        assert not same_unit("", "") and same_unit("某不存在的单位", "某不存在的单位")
        assert official_unit_name("县发改局") == "县发展和改革局" and official_unit_name("别处") == "别处"
    assert county.minutes_number(2027, 3) == "县政府专题会议纪要〔2027〕3号"
    assert county.fill(county.documents.issuer) == "县人民政府办公室"
    assert county.leaders_label == "县领导" and county.meeting.weekday_index == 4
    assert unit_by_name("县财政局") is None  # the block ended: the demo district again


def test_every_problem_is_reported_at_once_with_its_key() -> None:
    text = """
district: {name: 青山县, level: 镇}
government: {name: 县政府, code: XZF, leaders: []}
bureau: {name: 县发展和改革局, code: fgj, colour: red}
units:
  - {name: 县财政局, code: czj, kind: 局}
  - {name: 城关镇, code: czj, kind: 镇街, aliases: [县财政局, 城关镇]}
meeting: {weekday: 周八, time: 14:30}
deadlines: {call: 5, list: 2, minutes: 0}
colours: {yellow: 3, red: 3}
documents: {minutes_number: "{government}纪要第{number}号"}
extra: 1
"""
    found = problems_of(text)
    keys = [k for k, _ in found]
    for key in (
        "district.level",
        "government.code",
        "government.leaders",
        "bureau.colour",
        "units[0].kind",
        "meeting.weekday",
        "meeting.time",
        "deadlines.minutes",
        "documents.minutes_number",
        "extra",
    ):
        assert key in keys, (key, found)
    # 14:30 without quotes is YAML's base-60 number 870: the message says what happened.
    assert any(k == "meeting.time" and "870" in r for k, r in found)


def test_clashing_names_codes_and_logins_name_both_places() -> None:
    text = (
        SMALL
        + """  - {name: 城东街道, code: czj, kind: 镇街, aliases: [县国资办, 城东街道]}
  - {name: 城西街道, code: cxjd, kind: 镇街, login: chengguan}
  - {name: 城北街道, code: admin, kind: 镇街}
"""
    )
    found = problems_of(text)
    assert ("units[2].code", "代码 czj 已被 units[0]（县财政局）使用") in found
    assert ("units[2].aliases[0]", "名称 县国资办 已被 units[0]（县财政局）使用") in found
    assert ("units[2].aliases[1]", "别名 城东街道 与名称相同") in found
    assert ("units[3].login", "账号名 chengguan 已被 units[1]（城关镇）使用") in found
    assert ("units[4].login", "账号名 admin 留给系统管理员") in found


def test_cross_section_rules() -> None:
    found = problems_of(SMALL + "deadlines: {call: 4, list: 3}\ncolours: {yellow: 4, red: 2}\n")
    assert [k for k, _ in found] == ["deadlines.list", "colours.red"]
    assert problems_of(SMALL + 'documents: {issuer: "{mayor}办公室"}\n')[0][0] == "documents.issuer"
    assert problems_of(SMALL + 'documents: {minutes_number: "纪要{n}号"}\n')[0][0] == "documents.minutes_number"


def test_broken_yaml_a_key_written_twice_and_a_missing_file(tmp_path: Path) -> None:
    assert problems_of("district: [unclosed\n")[0][1].startswith("YAML 格式错误（第 ")
    with pytest.raises(ProfileError, match="键 'units' 重复"):
        read_file(Profile, SMALL + "units: []\n", "district.yml")
    assert [k for k, _ in problems_of("")] == ["district", "government", "bureau", "units"]
    with pytest.raises(ProfileError, match="无法读取"):
        load_profile(tmp_path / "missing.yml")


@dataclass(frozen=True)
class Robot:
    kind: str = setting(choices=("wecom", "dingtalk", "webhook"))
    url: str = setting(pattern=r"https?://\S+", example="url: http://10.1.2.3/hook")


@dataclass(frozen=True)
class Notifications:
    smtp_host: str = setting("", empty_ok=True)
    smtp_port: int = setting(25, minimum=1, maximum=65535)
    robots: tuple[Robot, ...] = setting(())


@dataclass(frozen=True)
class Extended(Profile):
    """How another feature adds a section: a dataclass of settings and one field on the profile."""

    notifications: Notifications = setting(factory=Notifications)


def test_a_new_section_is_one_dataclass_and_one_field() -> None:
    plain = read_file(Extended, SMALL, "district.yml")
    assert plain.notifications == Notifications() and plain.bureau.name == "县发展和改革局"
    text = (
        SMALL + "notifications:\n  smtp_host: mail.qingshan.gov.cn\n  robots: [{kind: wecom, url: http://10.1.2.3/x}]\n"
    )
    assert read_file(Extended, text, "district.yml").notifications.robots == (Robot("wecom", "http://10.1.2.3/x"),)
    bad = SMALL + "notifications: {smtp_port: 0, robots: [{kind: qq, url: x}], sms: true}\n"
    assert [k for k, _ in problems_of_class(Extended, bad)] == [
        "notifications.sms",
        "notifications.smtp_port",
        "notifications.robots[0].kind",
        "notifications.robots[0].url",
    ]


def problems_of_class(cls: type[Profile], text: str) -> list[tuple[str, str]]:
    with pytest.raises(ProfileError) as caught:
        read_file(cls, text, "district.yml")
    return [(p.key, p.rule) for p in caught.value.problems]
