"""`python -m checks [--quick]`: crash, fuzz, access, upload bombs, login attacks, redaction abuse and the
dependency audit, each figure as `name: value unit`; the exit code is 1 on any breach."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .crash import run_crash
from .fuzz import run_fuzz


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m checks", description="xietiao 可靠性与安全检查")
    parser.add_argument("--quick", action="store_true", help="次数缩小，适合 CI")
    args = parser.parse_args()
    kills, examples = (3, 15) if args.quick else (20, 100)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        crash = run_crash(Path(tmp), kills=kills)
    print("\n".join(crash.lines()), flush=True)
    failed |= bool(crash.lost) or crash.duplicates > 0
    fuzz = run_fuzz(examples)
    print("\n".join(fuzz.lines()), flush=True)
    failed |= bool(fuzz.server_errors) or bool(fuzz.unexplained)
    for line in fuzz.server_errors[:10] + fuzz.unexplained[:10]:
        print(f"  {line}", file=sys.stderr)
    from .access import run_access

    access = run_access()
    print("\n".join(access.lines()), flush=True)
    failed |= bool(access.wrong)
    for line in access.wrong[:20]:
        print(f"  {line}", file=sys.stderr)
    failed |= _attacks(args.quick)
    from .audit import run_audit

    audit = run_audit()
    print("\n".join(audit.lines()), flush=True)
    failed |= audit.failed
    for line in audit.vulnerable + audit.below_floor:
        print(f"  {line}", file=sys.stderr)
    if not audit.service_reachable:
        print("  提示：漏洞数据库不可达，本次只核对了项目自定的安全底线版本。", file=sys.stderr)
    print("checks_result: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


def _attacks(quick: bool) -> bool:
    """What an outside review broke (issue 12): each set prints its figures; True on any breach."""
    from .bombs import run_bombs
    from .logins import run_logins
    from .redaction import run_redaction

    breaches: list[str] = []
    for run in (run_bombs, lambda: run_logins(quick), run_redaction):
        report = run()
        print("\n".join(report.lines()), flush=True)
        breaches += report.breaches
    for line in breaches[:20]:
        print(f"  {line}", file=sys.stderr)
    return bool(breaches)


if __name__ == "__main__":
    sys.exit(main())
