"""Dependency audit: pip-audit over the installed set, with the project's own security floors as a backstop."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

# Versions below these have known holes that touch us (see README "安全底线").
FLOORS = {"starlette": (1, 6), "python-multipart": (0, 0, 27)}


@dataclass
class AuditReport:
    audited: int = 0
    vulnerable: list[str] = field(default_factory=list)
    service_reachable: bool = False
    below_floor: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"audit_packages_checked: {self.audited} packages",
            f"audit_vulnerable: {len(self.vulnerable)} packages",
            f"audit_service: {'reachable' if self.service_reachable else 'unreachable'}",
            f"audit_security_floors_checked: {len(FLOORS)} packages",
            f"audit_below_security_floor: {len(self.below_floor)} packages",
        ]

    @property
    def failed(self) -> bool:
        return bool(self.vulnerable or self.below_floor)


def _as_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_floors(report: AuditReport) -> None:
    for name, floor in FLOORS.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            report.below_floor.append(f"{name}: 未安装")
            continue
        if _as_tuple(found) < floor:
            report.below_floor.append(f"{name} {found} < {'.'.join(map(str, floor))}")


def run_audit() -> AuditReport:
    report = AuditReport()
    check_floors(report)
    done = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        result = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        return report
    deps = result.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    report.audited = len(audited)
    # When the vulnerability service cannot be reached every package comes back skipped.
    report.service_reachable = bool(audited)
    report.vulnerable = [
        f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}" for d in audited if d.get("vulns")
    ]
    return report
