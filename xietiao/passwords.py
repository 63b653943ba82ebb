"""The password policy (等保 2.0): length, character classes, not the username, not a common password."""

from __future__ import annotations

import re
import secrets
import string
from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_CLASSES = 3
POLICY_TEXT = (
    f"密码至少{MIN_LENGTH}位，须包含大写字母、小写字母、数字、符号这四类中的至少{MIN_CLASSES}类，"
    "不能包含用户名，也不能是常见的弱密码（如 Admin@123、P@ssw0rd、woaini1314）。"
)
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Look-alike characters people put in place of letters: "P@ssw0rd" is still "password".
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "5": "s", "$": "s", "7": "t"})
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_CLASSES = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower case; lines starting with # are comments."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.lstrip().startswith("#"))


def _is_common(password: str) -> bool:
    lower = password.lower()
    core = _EDGES.sub("", lower)  # "Admin@2026" -> "admin"
    candidates = {lower, core, lower.translate(_LEET), core.translate(_LEET), _EDGES.sub("", lower.translate(_LEET))}
    return bool(candidates & common_passwords())


def password_problems(password: str, username: str) -> list[str]:
    """Every rule the password breaks, in Chinese; [] when it may be used."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少{MIN_LENGTH}位（现为{len(password)}位）")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码最多{MAX_LENGTH}位")
    missing = [name for name, rx in _CLASSES if not rx.search(password)]
    if len(_CLASSES) - len(missing) < MIN_CLASSES:
        problems.append(
            f"密码须包含大写字母、小写字母、数字、符号中的至少{MIN_CLASSES}类（现缺少{'、'.join(missing)}）"
        )
    name = username.lower()
    lower = password.lower()
    # Two-letter unit codes (dc, xc) occur by chance inside good passwords; longer names do not.
    if name and (lower == name or lower == name[::-1] or (len(name) >= 3 and (name in lower or name[::-1] in lower))):
        problems.append("密码不能包含用户名")
    if _is_common(password):
        problems.append("这是常见的弱密码，容易被猜中，请换一个")
    return problems


def generate_password() -> str:
    """A random password that meets the policy: shown once to whoever needs it, never stored in clear."""
    # No 0/O, 1/l/I: a clerk reads it off the screen and types it in.
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    for _ in range(100):
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = f"{body[:4]}-{body[4:8]}-{body[8:]}"
        if not password_problems(candidate, ""):
            return candidate
    raise RuntimeError("could not draw a password that meets the policy")  # 100 draws all failing is a bug
