"""A unit field may offer only some kinds of unit (the towns, say): read from the profile, checked on submission."""

from __future__ import annotations

import pytest

from xietiao.config import FORMS_DIR
from xietiao.forms.check import check_submission
from xietiao.forms.definitions import FormDefinitionError
from xietiao.forms.loader import load_form_text, load_forms
from xietiao.profile import using
from xietiao.profile.reader import read_file
from xietiao.profile.schema import Profile
from xietiao.units import town_names, unit_by_name

FORM = """
title: 测试
prefix: T
sections:
  - title: 位置
    fields:
      - {name: town, type: unit, kinds: [镇街], label: 所在镇街, required: true}
"""


class Units:
    """A lookup that knows the installed profile's units and nothing else."""

    def unit_exists(self, name: str) -> bool:
        return unit_by_name(name) is not None

    def project_exists(self, number: str) -> bool:
        return False

    def attachment_exists(self, sha256: str) -> bool:
        return False


def _check(form_text: str, value: str) -> dict[str, list[str]]:
    return dict(check_submission(load_form_text("t", form_text), {"town": value}, Units(), complete=True).errors)


def test_the_project_form_offers_the_profile_towns() -> None:
    town = load_forms(FORMS_DIR)["project"].field("town")
    assert town is not None and town.kinds == ("镇街",)
    assert _check(FORM, "东城街道") == {}
    assert _check(FORM, "区财政局") == {"town": ["“所在镇街”：“区财政局”不是镇街"]}


def test_another_districts_towns_are_the_ones_accepted() -> None:
    county = read_file(
        Profile,
        "district: {name: 青山县, level: 县}\ngovernment: {name: 县政府, code: xzf, leaders: [县长]}\n"
        "bureau: {name: 县发改局, code: fgj}\nunits: [{name: 城关镇, code: cgz, kind: 镇街}]\n",
        "district.yml",
    )
    with using(county):
        assert town_names() == ("城关镇",)
        assert _check(FORM, "城关镇") == {}
        assert "不是系统中登记的单位" in _check(FORM, "东城街道")["town"][0]


def test_unknown_kinds_are_reported() -> None:
    with pytest.raises(FormDefinitionError, match=r"sections\[0\]\.fields\[0\]\.kinds"):
        load_form_text("t", FORM.replace("[镇街]", "[乡镇]"))
