"""One count per question: the ledger page, the bulletin and the site's data give the same figures."""

from __future__ import annotations

import io
import re
from datetime import date

from conftest import login
from docx import Document
from test_ledger import make_item, make_project

from generator.sitedata import read_site_data
from xietiao.ledger.colours import Colour
from xietiao.ledger.export import bulletin_data, bulletin_docx
from xietiao.ledger.figures import count_figures, ledger_figures
from xietiao.publication import published, withheld_projects
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)


def _meeting(store: Store, number: str, status: str = "published", approved: str = "2026-05-10") -> None:
    store.insert(
        "meeting",
        {
            "number": number,
            "date": f"{number[:4]}-05-08",
            "title": f"例会{number}",
            "status": status,
            "approved": approved,
        },
        actor="fgj",
        action="例会",
    )


def _seed(store: Store) -> None:
    _meeting(store, "2026-05")
    make_project(store, "P-2026-0001")
    make_project(store, "P-2026-0002", name="内部工程", confidential=True)
    make_item(store, "2026-05-01", planned="2026-06-01")  # red
    make_item(store, "2026-05-02", planned="2026-10-15")  # yellow
    make_item(store, "2026-05-03", planned="2026-05-20", project="P-2026-0002")  # red, internal only
    make_item(store, "2026-05-04", planned="2026-06-01", status="closed", done="2026-06-01")
    make_item(store, "2026-05-05", planned="2026-12-31", project="P-2026-0002", status="closed", done="2026-06-01")
    make_item(store, "2026-05-06", planned="2026-12-31")  # green


def test_figures_count_everything_and_what_is_published(store: Store) -> None:
    _seed(store)
    f = ledger_figures(store, TODAY)
    assert (f.internal.open_total, f.internal.items_closed, f.internal.projects_total) == (4, 2, 2)
    assert f.internal.items_open == {Colour.GREEN: 1, Colour.YELLOW: 1, Colour.RED: 2}
    assert (f.published.open_total, f.published.items_closed, f.published.projects_total) == (3, 1, 1)
    assert (f.withheld_open, f.withheld_projects) == (1, 1)
    assert published(store).items == {"2026-05-01", "2026-05-02", "2026-05-04", "2026-05-06"}
    assert withheld_projects(store) == {"P-2026-0002": "不公开（仅内部）"}
    # The site counts what it reads with the same function, and gets the published figures.
    site = read_site_data(store, TODAY)
    assert count_figures(site.projects.values(), site.items.values(), TODAY) == f.published


def _fig(html: str, key: str) -> int:
    found = re.search(rf'data-fig="{key}">(\d+)<', html)
    assert found, key
    return int(found.group(1))


def test_ledger_page_and_bulletin_state_the_same_figures(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    _seed(store)
    fgj = login(app, "fgj")
    html = fgj.get("/app/ledger").text
    assert (_fig(html, "open"), _fig(html, "closed"), _fig(html, "projects")) == (4, 2, 2)
    assert (_fig(html, "published-open"), _fig(html, "published-projects")) == (3, 1)
    assert "统计口径" in html
    doc = Document(io.BytesIO(fgj.get("/app/bulletin.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "台账未销号议定事项4项，其中正常1项、滞后1项、严重滞后2项；已销号2项。已受理项目2个" in text
    assert "内网站点公开的为项目1个、未销号事项3项" in text
    assert bulletin_data(store, TODAY).figures == ledger_figures(store, TODAY)
    assert bulletin_docx(bulletin_data(store, TODAY))  # builds without the app too
