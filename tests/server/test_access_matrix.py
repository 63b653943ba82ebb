"""The access matrix (checks/access.py): every role against every route and method, CSRF and Origin refusals."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `checks` is not an installed package
    sys.path.insert(0, str(ROOT))

from checks.access import run_access  # noqa: E402


def test_every_role_gets_exactly_what_the_policy_says(tmp_path: Path) -> None:
    report = run_access(tmp_path)
    print("\n" + "\n".join(report.lines()) + f"  ({report.seconds:.1f} s)")
    for line in report.wrong:
        print("  " + line)
    # Six roles, every route and method, dc's numbers and guessed ones, two refusal probes per allowed write.
    assert report.cells > 1300
    assert report.wrong == []
