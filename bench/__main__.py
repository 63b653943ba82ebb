"""`python -m bench [--quick] [--only NAME]`: print every figure as `name: value unit`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from .common import figure

SUITES = ("writes", "load", "publish", "segmenters", "memory", "reminders")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="xietiao 性能基准")
    parser.add_argument("--quick", action="store_true", help="缩小规模，两分钟内跑完")
    parser.add_argument("--only", choices=SUITES, action="append", help="只跑某一项（可重复）")
    args = parser.parse_args()
    for name in args.only or SUITES:
        start = time.perf_counter()
        # Each suite in its own process: peak-memory figures then belong to that suite alone.
        flags = ["--quick"] if args.quick else []
        subprocess.run([sys.executable, "-c", f"import bench.{name} as m; m.run({args.quick})", *flags], check=True)
        figure(f"suite_{name}_seconds", time.perf_counter() - start, "s")


if __name__ == "__main__":
    main()
