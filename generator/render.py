"""Jinja2 templates to Markdown files; every value is escaped unless the generator marked it Md."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.markdown_safe import Md, md, md_block
from generator.pages import Page
from xietiao.profile import current

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _finalize(value: object) -> str:
    # Escape by default: a template cannot forget to escape user text, because
    # only values the generator built itself (Md) go out as they are.
    if isinstance(value, Md):
        return value
    if isinstance(value, (bool, date, datetime)):
        raise TypeError(f"模板收到未格式化的值 {value!r}：请在 pages.py 中先格式化")
    if isinstance(value, (str, int)):
        return md(value)
    raise TypeError(f"模板不能直接输出 {type(value).__name__} 类型的值")


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["block"] = md_block
    # The installed district profile: the names, deadlines and thresholds pages mention.
    env.globals["district"] = current()
    return env


class Renderer:
    """Renders pages. Withheld names were blanked in the data already (generator.redaction), never in
    the finished page, where a replacement could cut through a link or a tag."""

    def __init__(self) -> None:
        self.env = environment()

    def render(self, page: Page) -> str:
        return self.env.get_template(page.template).render(page.context)

    def write(self, pages: Iterable[Page], docs: Path) -> int:
        count = 0
        for page in pages:
            target = docs / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.render(page), encoding="utf-8")
            count += 1
        return count
