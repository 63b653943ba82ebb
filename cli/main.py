"""The `xietiao` command line: init, demo, build, serve, user add, backup, restore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn

from cli.assemble import assemble_app, form_report, versioned_forms
from generator.build import publish
from server.auth.sessions import IDLE_MINUTES
from xietiao.accounts import AccountError, add_user, check_password
from xietiao.config import district_now, district_today
from xietiao.demo.generate import make_demo
from xietiao.forms.definitions import FormDefinitionError
from xietiao.passwords import POLICY_TEXT, generate_password
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
    password = args.password or generate_password()
    try:
        check_password(password, args.username)  # before the folder exists: a refusal leaves nothing behind
    except AccountError as exc:
        raise CommandFailed(f"{exc}\n密码规则：{POLICY_TEXT}") from None
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


def _check_forms(store: Store) -> None:
    """Form definitions against the data, before anything else: a bad one stops the command."""
    try:
        _, registrations = versioned_forms(store)
    except FormDefinitionError as exc:
        raise CommandFailed(str(exc)) from None
    for line in form_report(registrations):
        print(line, flush=True)


def cmd_build(args: argparse.Namespace) -> None:
    with _open_store(args.data) as store:
        _check_forms(store)
        result = publish(
            store,
            args.site,
            district_today(),
            built_at=district_now(),
            on_stage=lambda stage: print(f"· {stage}", flush=True),
        )
    if not result.ok:
        raise CommandFailed(f"站点构建失败，原站点保持不变：{result.error}")
    print(f"站点已发布到 {args.site}：{result.pages} 个页面，用时 {result.seconds:.1f} 秒")


WILDCARDS = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The names the server answers to: where it listens, the loopback names, and the operator's own."""
    names = [] if host in WILDCARDS else [f"[{host}]" if ":" in host else host]
    return list(dict.fromkeys([*names, "localhost", "127.0.0.1", *extra]))


def cmd_serve(args: argparse.Namespace) -> None:
    if args.idle_minutes < 1:
        raise CommandFailed("--idle-minutes 须为正整数（分钟）。")
    store = _open_store(args.data)
    try:
        _check_forms(store)
    except CommandFailed:
        store.close()
        raise
    hosts = allowed_hosts(args.host, args.allowed_host)
    app = assemble_app(
        store,
        site_dir=args.site,
        today=district_today,
        now=district_now,
        idle_minutes=args.idle_minutes,
        allowed_hosts=hosts,
        unit_quota_mb=args.unit_quota_mb,
    )
    for problem in app.state.notify.problems:
        print(f"提醒设置有误，未发送提醒：{problem}", file=sys.stderr, flush=True)
    print(f"服务已启动：http://{args.host}:{args.port}/  （表单与办公页面：/app/）", flush=True)
    print(f"接受的主机名：{'、'.join(hosts)}（其他主机名一律返回 400；用 --allowed-host 增加）", flush=True)
    proxies = args.forwarded_allow_ips
    # One worker only: the store is owned by this one process (see DESIGN.md). The client address
    # comes from X-Forwarded-For only when the operator names the proxy that sets it.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        workers=1,
        log_level="warning",
        timeout_keep_alive=75,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
    )
    store.close()


def cmd_user_add(args: argparse.Namespace) -> None:
    with _open_store(args.data) as store:
        try:
            user = add_user(store, args.name, args.unit, args.role, args.password, actor="cli")
        except AccountError as exc:
            raise CommandFailed(f"{exc}" + (f"\n密码规则：{POLICY_TEXT}" if "密码" in str(exc) else "")) from None
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
        name: str,
        fn: Callable[[argparse.Namespace], None],
        help_zh: str,
        into: argparse._SubParsersAction[argparse.ArgumentParser] = sub,
    ) -> argparse.ArgumentParser:
        p = into.add_parser(name, help=help_zh, description=help_zh)
        p.add_argument("--data", type=Path, default=Path("data"), help="数据目录（默认 ./data）")
        p.set_defaults(fn=fn)
        return p

    p = command("init", cmd_init, "建立空数据目录和首个区发展改革局账号")
    p.add_argument("--username", default="fgj")
    p.add_argument("--password", default="", help="不填则随机生成并打印")
    p = command("demo", cmd_demo, "写入演示数据（含各角色演示账号）")
    p.add_argument("--scale", choices=["demo", "1y", "5y"], default="demo")
    p = command("build", cmd_build, "从数据生成并发布内网站点")
    p.add_argument("--site", type=Path, default=Path("site"), help="站点目录（默认 ./site）")
    p = command("serve", cmd_serve, "启动表单服务器并提供站点")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--site", type=Path, default=Path("site"))
    p.add_argument(
        "--idle-minutes", type=int, default=IDLE_MINUTES, help=f"无操作多少分钟后自动退出登录（默认 {IDLE_MINUTES}）"
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="H",
        help="另外接受的主机名或地址（可重复）；默认只接受监听地址、localhost 和 127.0.0.1",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default="",
        metavar="IPS",
        help="反向代理的地址（逗号分隔）；只信任这些地址发来的 X-Forwarded-For。默认不信任任何代理",
    )
    p.add_argument("--unit-quota-mb", type=int, default=500, help="每个单位附件的存储上限（MB，默认 500）")
    user = sub.add_parser("user", help="账号管理").add_subparsers(dest="user_command", required=True)
    p = command("add", cmd_user_add, "新建账号", into=user)
    p.add_argument("name")
    p.add_argument("--unit", required=True, help="单位名称，按机制文件的写法，如 区财政局")
    p.add_argument("--role", required=True, choices=["unit", "bureau", "leader", "admin"])
    p.add_argument("--password", required=True, help=POLICY_TEXT)
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
