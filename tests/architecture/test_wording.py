"""What users read says "不公开（仅内部）", never "涉密": the flag keeps records off the site, it classifies nothing.

State secrets never enter the system, so no form, page, notice, document or site text may
call the flag 涉密. Comments and docstrings may still explain the history; user text may not.
"""

from __future__ import annotations

import ast
from pathlib import Path

from xietiao.forms.loader import load_forms

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ROOT / "xietiao" / "defaults"
WORD = "涉密"
USER_TEXT_FILES = (
    *sorted((DEFAULTS / "forms").glob("*.yml")),
    *sorted(DEFAULTS.glob("*.yml")),
    *sorted((ROOT / "server" / "templates").glob("*.html")),
    *sorted((ROOT / "generator" / "templates").glob("*")),
    *sorted((DEFAULTS / "content").rglob("*.md")),
    *sorted((DEFAULTS / "overrides").rglob("*.html")),
    ROOT / "README.md",
)
CODE = ("xietiao", "server", "generator", "cli")
# Where the word is input, not output: old spreadsheets being imported may head a column 涉密 or answer it so.
READS_OLD_WORDING = {Path("xietiao/intake/sheet.py"), Path("xietiao/intake/values.py")}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the constants that are docstrings."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _strings_in(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_no_user_text_file_says_secret() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in USER_TEXT_FILES
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if WORD in line
    ]
    assert not bad, f"“{WORD}”出现在用户可见的文字中：{bad}"


def test_no_string_in_the_code_says_secret() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line}"
        for pkg in CODE
        for path in sorted((ROOT / pkg).rglob("*.py"))
        for line, text in _strings_in(path)
        if WORD in text and path.relative_to(ROOT) not in READS_OLD_WORDING
    ]
    assert not bad, f"“{WORD}”出现在代码的字符串里（页面、文件或提示会显示它）：{bad}"


def test_the_forms_say_what_the_flag_means() -> None:
    """Each form with the flag names it 不公开（仅内部） and says state secrets stay out of the system."""
    flagged = 0
    for form in load_forms(DEFAULTS / "forms").values():
        if not form.confidential_field:
            continue
        field = next(f for f in form.fields() if f.name == form.confidential_field)
        assert "不公开（仅内部）" in field.label, form.name
        assert "国家秘密" in (field.help or "") and "内网站点" in (field.help or ""), form.name
        flagged += 1
    assert flagged >= 2  # the project and the material forms
