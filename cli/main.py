"""The `xietiao` command line: init, demo, build, serve, user add, backup, restore."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn

from cli.assemble import assemble_app
from generator.build import publish
from xietiao.accounts import AccountError, add_user
from xietiao.config import district_now, district_today
from xietiao.demo.generate import make_demo
from xietiao.store.backup import BackupError, backup, restore
from xietiao.store.durable import DataDirLocked
from xietiao.store.engine import Store, StoreError


class CommandFailed(Exception):
    """A command that cannot do its work; the message is printed and the exit code is 1."""


def _open_store(data: Path, *, create: bool = False) -> Store:
    try:
        return Store(data, create=create)
    except (StoreError, DataDirLocked) as exc:
        raise CommandFailed(str(exc)) from None


def cmd_init(args: argparse.Namespace) -> None:
    data: Path = args.data
    if data.exists() and any(data.iterdir()):
        raise CommandFailed(f"数据目录 {data} 不是空的；init 只在空目录中建立新系统。")
    password = args.password or secrets.token_urlsafe(12)
    with _open_store(data, create=True) as store:
        add_user(store, args.username, "区发展改革局", "bureau", password, actor="init")
    print(f"已建立数据目录 {data}")
    print(f"首个区发展改革局账号：{args.username}  密码：{password}")


def cmd_demo(args: argparse.Namespace) -> None:
    data: Path = args.data
    if data.exists() and any(data.iterdir()):
        raise CommandFailed(f"数据目录 {data} 不是空的；演示数据只写入空目录（可先删除它）。")
    with _open_store(data, create=True) as store:
        summary = make_demo(store, district_today(), args.scale)
    print(f"演示数据已写入 {data}：{summary.describe()}")
    for username, password, role, unit in summary.logins[:6]:
        print(f"  登录 {username:<8} 密码 {password}  （{unit}，{role}）")
    if len(summary.logins) > 6:
        print("  其余各单位账号名为单位代码（如 czj=区财政局、dc=东城街道），密码相同。")


def cmd_build(args: argparse.Namespace) -> None:
    with _open_store(args.data) as store:
        result = publish(
            store,
            args.site,
            district_today(),
            built_at=district_now(),
            on_stage=lambda stage: print(f"· {stage}", flush=True),
            reason="命令行发布",
            full=args.full,
        )
    if not result.ok:
        raise CommandFailed(f"站点构建失败，原站点保持不变：{result.error}")
    if result.mode == "unchanged":
        print(f"站点 {args.site} 已是最新（内容无变化，未切换版本），用时 {result.seconds:.1f} 秒")
        return
    how = "全量构建" if result.mode == "full" else f"增量构建，{result.changed} 个文件有变化"
    print(f"站点已发布到 {args.site}：{result.pages} 个页面（{how}），用时 {result.seconds:.1f} 秒")


def cmd_serve(args: argparse.Namespace) -> None:
    store = _open_store(args.data)
    app = assemble_app(store, site_dir=args.site, today=district_today, now=district_now)
    print(f"服务已启动：http://{args.host}:{args.port}/  （表单与办公页面：/app/）", flush=True)
    # One worker only: the store is owned by this one process (see DESIGN.md).
    uvicorn.run(app, host=args.host, port=args.port, workers=1, log_level="warning", timeout_keep_alive=75)
    store.close()


def cmd_user_add(args: argparse.Namespace) -> None:
    with _open_store(args.data) as store:
        try:
            user = add_user(store, args.name, args.unit, args.role, args.password, actor="cli")
        except AccountError as exc:
            raise CommandFailed(str(exc)) from None
    print(f"已新建账号 {user.username}（{user.unit}，{user.role.label}）")


def cmd_backup(args: argparse.Namespace) -> None:
    try:
        path = backup(args.data, args.to)
    except BackupError as exc:
        raise CommandFailed(str(exc)) from None
    print(f"备份已写入 {path}")


def cmd_restore(args: argparse.Namespace) -> None:
    try:
        counts = restore(args.archive, args.data)
    except (BackupError, StoreError) as exc:
        raise CommandFailed(str(exc)) from None
    shown = "，".join(f"{k} {v}" for k, v in counts.items())
    print(f"已从 {args.archive} 恢复到 {args.data}（{shown}）")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="xietiao", description="区重大项目协调例会系统")
    sub = top.add_subparsers(dest="command", required=True)

    def command(
        name: str, fn: Callable[[argparse.Namespace], None], help_zh: str, into: argparse._SubParsersAction = sub
    ) -> argparse.ArgumentParser:  # type: ignore[type-arg]
        p = into.add_parser(name, help=help_zh, description=help_zh)
        p.add_argument("--data", type=Path, default=Path("data"), help="数据目录（默认 ./data）")
        p.set_defaults(fn=fn)
        return p

    p = command("init", cmd_init, "建立空数据目录和首个区发展改革局账号")
    p.add_argument("--username", default="fgj")
    p.add_argument("--password", default="", help="不填则随机生成并打印")
    p = command("demo", cmd_demo, "写入演示数据（含各角色演示账号）")
    p.add_argument("--scale", choices=["demo", "1y", "5y"], default="demo")
    p = command("build", cmd_build, "从数据生成并发布内网站点（已有站点时只重建有变化的页面）")
    p.add_argument("--site", type=Path, default=Path("site"), help="站点目录（默认 ./site）")
    p.add_argument("--full", action="store_true", help="全量重建，不沿用上一版本")
    p = command("serve", cmd_serve, "启动表单服务器并提供站点")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--site", type=Path, default=Path("site"))
    user = sub.add_parser("user", help="账号管理").add_subparsers(dest="user_command", required=True)
    p = command("add", cmd_user_add, "新建账号", into=user)
    p.add_argument("name")
    p.add_argument("--unit", required=True, help="单位名称，按机制文件的写法，如 区财政局")
    p.add_argument("--role", required=True, choices=["unit", "bureau", "leader", "admin"])
    p.add_argument("--password", required=True)
    p = command("backup", cmd_backup, "备份数据目录（服务运行时也可执行，得到某一时刻的一致副本）")
    p.add_argument("--to", type=Path, default=Path("backups"), help="备份存放目录（默认 ./backups）")
    p = command("restore", cmd_restore, "把备份恢复到一个空的数据目录，并检查每个文件都能读取")
    p.add_argument("archive", type=Path)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.fn(args)
    except CommandFailed as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
