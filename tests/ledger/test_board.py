"""The three-colour board: project colour is the worst of open items and undone milestones."""

from __future__ import annotations

from datetime import date

from xietiao.ledger.board import colour_counts, open_nodes, project_colour, unit_table
from xietiao.ledger.colours import Colour
from xietiao.model import AgreedItem, ItemStatus, Milestone, Person, Project, SubmissionStatus

TODAY = date(2026, 11, 28)


def project(number: str = "P-2026-0001", unit: str = "区经信局", *milestones: Milestone) -> Project:
    return Project(
        number=number,
        name="测试项目",
        unit=unit,
        category="产业",
        town="东城街道",
        owner="",
        overview="",
        investment="100.00",
        plans=(),
        milestones=tuple(milestones),
        persons=(),
        confidential=False,
        status=SubmissionStatus.ACCEPTED,
    )


def item(
    number: str,
    planned: date,
    status: ItemStatus = ItemStatus.IN_PROGRESS,
    *,
    project_number: str = "P-2026-0001",
    lead: str = "区财政局",
    done: date | None = None,
) -> AgreedItem:
    return AgreedItem(
        number=number,
        meeting=number[:7],
        project=project_number,
        issue="",
        content="落实资金",
        lead_unit=lead,
        co_units=(),
        person=Person("张三", ""),
        planned=planned,
        status=status,
        done=done,
    )


def test_nothing_open_is_green_with_a_reason() -> None:
    pc = project_colour(project(), [], TODAY)
    assert pc.colour is Colour.GREEN
    assert pc.reasons and "1个月" in pc.reasons[0]
    assert pc.nodes == ()


def test_undone_milestone_turns_yellow_after_one_month_and_red_after_three() -> None:
    yellow = project("P-2026-0001", "区经信局", Milestone("开工", "进场施工", date(2026, 10, 20), None))
    red = project("P-2026-0001", "区经信局", Milestone("开工", "进场施工", date(2026, 8, 20), None))
    fresh = project("P-2026-0001", "区经信局", Milestone("开工", "进场施工", date(2026, 11, 1), None))
    assert project_colour(yellow, [], TODAY).colour is Colour.YELLOW
    assert project_colour(red, [], TODAY).colour is Colour.RED
    assert project_colour(fresh, [], TODAY).colour is Colour.GREEN


def test_done_milestones_do_not_count_but_a_future_done_date_does_not_count_as_done() -> None:
    done = project("P-2026-0001", "区经信局", Milestone("开工", "", date(2026, 1, 1), date(2026, 5, 1)))
    promised = project("P-2026-0001", "区经信局", Milestone("开工", "", date(2026, 1, 1), date(2026, 12, 30)))
    assert project_colour(done, [], TODAY).colour is Colour.GREEN
    assert project_colour(promised, [], TODAY).colour is Colour.RED


def test_worst_of_items_and_milestones_with_the_reasons_of_the_worst() -> None:
    p = project("P-2026-0001", "区经信局", Milestone("开工", "进场施工", date(2026, 10, 20), None))
    items = [
        item("2026-10-01", date(2026, 7, 31)),  # red
        item("2026-10-02", date(2026, 6, 30), ItemStatus.CLOSED, done=date(2026, 9, 1)),
        item("2026-10-03", date(2026, 1, 1), project_number="P-2026-0099"),
    ]  # another project
    pc = project_colour(p, items, TODAY)
    assert pc.colour is Colour.RED
    assert len(pc.reasons) == 1 and "议定事项2026-10-01" in pc.reasons[0] and "严重滞后" in pc.reasons[0]
    assert [n.ref for n in pc.nodes] == ["2026-10-01", "开工"]  # worst first, closed item left out


def test_closure_requested_item_is_still_open() -> None:
    p = project()
    pc = project_colour(p, [item("2026-10-01", date(2026, 7, 31), ItemStatus.CLOSURE_REQUESTED)], TODAY)
    assert pc.colour is Colour.RED


def test_open_nodes_depend_only_on_today() -> None:
    p = project("P-2026-0001", "区经信局", Milestone("竣工", "", date(2026, 11, 1), None))
    assert open_nodes(p, [], date(2026, 11, 28))[0].colour is Colour.GREEN
    assert open_nodes(p, [], date(2026, 12, 1))[0].colour is Colour.YELLOW
    assert open_nodes(p, [], date(2027, 2, 1))[0].colour is Colour.RED


def test_colour_counts_has_every_colour() -> None:
    counts = colour_counts([Colour.RED, Colour.RED, Colour.GREEN])
    assert counts == {Colour.GREEN: 1, Colour.YELLOW: 0, Colour.RED: 2}
    assert list(counts) == [Colour.GREEN, Colour.YELLOW, Colour.RED]


def test_unit_table_merges_aliases_keeps_official_order_and_counts_by_colour() -> None:
    projects = [
        project("P-2026-0001", "区财政局"),
        project("P-2026-0002", "区发改局"),
        project("P-2026-0003", "某某公司"),
    ]
    colours = {"P-2026-0001": Colour.RED, "P-2026-0002": Colour.GREEN}
    items = [
        item("2026-10-01", date(2026, 7, 31), lead="区财政局（区国资办）"),  # red
        item("2026-10-02", date(2026, 10, 15), lead="区财政局"),  # yellow
        item("2026-10-03", date(2026, 12, 31), lead="区财政局"),  # green
        item("2026-10-04", date(2026, 1, 1), ItemStatus.CLOSED, lead="区财政局"),
        item("2026-10-05", date(2026, 12, 31), lead="区发展改革局"),
    ]
    rows = unit_table(projects, colours, items, TODAY)
    assert [r.unit for r in rows] == ["区发展改革局", "区财政局", "某某公司"]
    fin = rows[1]
    assert fin.items_open == 3 and fin.items_closed == 1
    assert fin.items == {Colour.GREEN: 1, Colour.YELLOW: 1, Colour.RED: 1}
    assert fin.projects == {Colour.GREEN: 0, Colour.YELLOW: 0, Colour.RED: 1}
    assert rows[0].projects[Colour.GREEN] == 1 and rows[0].items_open == 1
    assert rows[2].projects[Colour.GREEN] == 1  # no colour known yet: green
