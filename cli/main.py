"""The `xietiao` command line: init, demo, build, serve, check, user add, backup, restore.

Every command works on an instance folder (`--instance`, default the current folder): its
profile is read, checked and installed first; `--data` and `--site` default to its data/ and site/.
"""

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
from xietiao.instance.create import InstanceExists, create_instance, refuse_existing
from xietiao.instance.layout import Instance
from xietiao.passwords import POLICY_TEXT, generate_password
from xietiao.profile import Profile, ProfileError, install
from xietiao.profile.changes import stored_changes, with_changes
from xietiao.profile.usage import names_in_use, unknown_names
from xietiao.rulebook import load_domain_forms
from xietiao.store.backup import BackupError, backup, restore
from xietiao.store.durable import DataDirLocked
from xietiao.store.engine import Store, StoreError
from xietiao.units import UnitKind, all_units, bureau_name


class CommandFailed(Exception):
    """A command that cannot do its work; the message is printed and the exit code is 1."""


def _open_store(data: Path, *, create: bool = False) -> Store:
    try:
        return Store(data, create=create)
    except (StoreError, DataDirLocked) as exc:
        raise CommandFailed(str(exc)) from None


def _instance(args: argparse.Namespace) -> Instance:
    return Instance(args.instance or Path("."))


def _data(args: argparse.Namespace) -> Path:
    return args.data if args.data is not None else _instance(args).data_dir


def _site(args: argparse.Namespace) -> Path:
    return args.site if args.site is not None else _instance(args).site_dir


def _file_profile(args: argparse.Namespace) -> Profile:
    """The instance's profile file, checked: a broken one stops the command before anything is opened."""
    try:
        return _instance(args).read_profile()
    except ProfileError as exc:
        raise CommandFailed(str(exc)) from None


def _district(args: argparse.Namespace, store: Store | None = None, profile: Profile | None = None) -> Profile:
    """Install the instance's profile (with the web's unit changes when the store is open)."""
    profile = profile or _file_profile(args)
    if store is not None:
        profile, warnings = with_changes(profile, stored_changes(store))
        for warning in warnings:
            print(f"提醒：{warning}", file=sys.stderr)
    return install(profile)


def _empty(data: Path, why: str) -> None:
    if data.exists() and any(data.iterdir()):
        raise CommandFailed(f"数据目录 {data} 不是空的；{why}")


def cmd_init(args: argparse.Namespace) -> None:
    root: Path | None = args.dir or args.instance
    data = args.data if args.data is not None else (root or Path(".")) / "data"
    if root is not None:
        try:
            refuse_existing(root)
        except InstanceExists as exc:
            raise CommandFailed(str(exc)) from None
    _empty(data, "init 只在空目录中建立新系统。")
    if root is None:  # only --data: a data directory in the current instance, as before instances existed
        profile = _district(args)
    else:
        try:
            instance, profile = create_instance(root, args.profile)
        except (InstanceExists, ProfileError) as exc:
            raise CommandFailed(str(exc)) from None
        install(profile)
        print(
            f"已建立实例目录 {root}：区情配置 {instance.profile_file.name}、表单 forms/、站点页面 content/、mkdocs.yml"
        )
    username = args.username or profile.all_units[1].login
    password = args.password or generate_password()
    try:
        check_password(password, username)  # before the data folder exists: a refusal leaves nothing behind
    except AccountError as exc:
        raise CommandFailed(f"{exc}\n密码规则：{POLICY_TEXT}") from None
    with _open_store(data, create=True) as store:
        try:
            add_user(store, username, bureau_name(), "bureau", password, actor="init")
            made = _unit_accounts(store) if args.unit_accounts else []
        except AccountError as exc:
            raise CommandFailed(str(exc)) from None
    print(f"已建立数据目录 {data}")
    print(f"首个{bureau_name()}账号：{username}  密码：{password}")
    for name, unit, secret in made:
        print(f"  {name:<10} {secret}  （{unit}）")
    if made:
        print("以上密码只显示这一次，请分发给各单位并提醒其登录后修改。")


def _unit_accounts(store: Store) -> list[tuple[str, str, str]]:
    """One account per unit under the profile's login names (the leaders' one too), each with a new password."""
    made = []
    for unit in all_units():
        if unit.kind is UnitKind.BUREAU or store.get("user", unit.login) is not None:
            continue
        role = "leader" if unit.kind is UnitKind.GOVERNMENT else "unit"
        password = generate_password()
        add_user(store, unit.login, unit.name, role, password, actor="init")
        made.append((unit.login, unit.name, password))
    return made


def cmd_demo(args: argparse.Namespace) -> None:
    data = _data(args)
    _empty(data, "演示数据只写入空目录（可先删除它）。")
    _district(args)
    with _open_store(data, create=True) as store:
        try:
            summary = make_demo(store, district_today(), args.scale)
        except ValueError as exc:
            raise CommandFailed(str(exc)) from None
    print(f"演示数据已写入 {data}：{summary.describe()}")
    for username, password, role, unit in summary.logins[:6]:
        print(f"  登录 {username:<8} 密码 {password}  （{unit}，{role}）")
    if len(summary.logins) > 6:
        print("  其余各单位账号名为单位代码（如 czj=区财政局、dc=东城街道），密码相同。")


def _check_forms(store: Store, instance: Instance) -> None:
    """Form definitions against the data, before anything else: a bad one stops the command."""
    try:
        _, registrations = versioned_forms(store, instance.forms_dir)
    except FormDefinitionError as exc:
        raise CommandFailed(str(exc)) from None
    for line in form_report(registrations):
        print(line, flush=True)


def cmd_build(args: argparse.Namespace) -> None:
    site, profile = _site(args), _file_profile(args)
    with _open_store(_data(args)) as store:
        _district(args, store, profile)
        _check_forms(store, _instance(args))
        result = publish(
            store,
            site,
            district_today(),
            built_at=district_now(),
            on_stage=lambda stage: print(f"· {stage}", flush=True),
            sources=_instance(args).sources(),
        )
    if not result.ok:
        raise CommandFailed(f"站点构建失败，原站点保持不变：{result.error}")
    print(f"站点已发布到 {site}：{result.pages} 个页面，用时 {result.seconds:.1f} 秒")


def _warn_unknown_units(store: Store, profile: Profile) -> None:
    lost = unknown_names(profile, names_in_use(store))
    if lost:
        shown = "、".join(f"“{name}”（{n} 条）" for name, n in lost[:8])
        print(
            f"提醒：有记录使用了区情配置中没有的单位名称：{shown}。单位改名后请把旧名称写进该单位的 aliases，"
            "或在“单位信息”页面归入相应单位，否则这些记录不再归属任何单位。",
            file=sys.stderr,
        )


WILDCARDS = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The names the server answers to: where it listens, the loopback names, and the operator's own."""
    names = [] if host in WILDCARDS else [f"[{host}]" if ":" in host else host]
    return list(dict.fromkeys([*names, "localhost", "127.0.0.1", *extra]))


def cmd_serve(args: argparse.Namespace) -> None:
    if args.idle_minutes < 1:
        raise CommandFailed("--idle-minutes 须为正整数（分钟）。")
    profile = _file_profile(args)
    store = _open_store(_data(args))
    instance = _instance(args)
    hosts = allowed_hosts(args.host, args.allowed_host)
    try:
        profile = _district(args, store, profile)
        _warn_unknown_units(store, profile)
        _check_forms(store, instance)
        app = assemble_app(
            store,
            site_dir=_site(args),
            today=district_today,
            now=district_now,
            sources=instance.sources(),
            idle_minutes=args.idle_minutes,
            allowed_hosts=hosts,
            unit_quota_mb=args.unit_quota_mb,
        )
    except FormDefinitionError as exc:
        store.close()
        raise CommandFailed(str(exc)) from None
    except CommandFailed:
        store.close()
        raise
    for problem in app.state.notify.problems:
        print(f"提醒设置有误，未发送提醒：{problem}", file=sys.stderr, flush=True)
    print(f"{profile.district.name}：" + "；".join(instance.describe()), flush=True)
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


def cmd_check(args: argparse.Namespace) -> None:
    """Check the profile and the forms; with a data directory, the unit names its records use."""
    instance = _instance(args)
    profile = _district(args)
    try:
        load_domain_forms(instance.forms_dir)
    except FormDefinitionError as exc:
        raise CommandFailed(str(exc)) from None
    print(f"{profile.district.name}：{len(profile.all_units)} 个单位；" + "；".join(instance.describe()))
    data = _data(args)
    if data.is_dir():
        with _open_store(data) as store:
            profile = _district(args, store, profile)
            _warn_unknown_units(store, profile)
    print("检查通过。")


def cmd_user_add(args: argparse.Namespace) -> None:
    profile = _file_profile(args)
    with _open_store(_data(args)) as store:
        _district(args, store, profile)
        try:
            user = add_user(store, args.name, args.unit, args.role, args.password, actor="cli")
        except AccountError as exc:
            raise CommandFailed(f"{exc}" + (f"\n密码规则：{POLICY_TEXT}" if "密码" in str(exc) else "")) from None
    print(f"已新建账号 {user.username}（{user.unit}，{user.role.label}）")


def cmd_backup(args: argparse.Namespace) -> None:
    try:
        path = backup(_data(args), args.to)
    except BackupError as exc:
        raise CommandFailed(str(exc)) from None
    print(f"备份已写入 {path}")


def cmd_restore(args: argparse.Namespace) -> None:
    try:
        counts = restore(args.archive, _data(args))
    except (BackupError, StoreError) as exc:
        raise CommandFailed(str(exc)) from None
    shown = "，".join(f"{k} {v}" for k, v in counts.items())
    print(f"已从 {args.archive} 恢复到 {_data(args)}（{shown}）")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="xietiao", description="重大项目协调例会系统")
    sub = top.add_subparsers(dest="command", required=True)

    def command(
        name: str,
        fn: Callable[[argparse.Namespace], None],
        help_zh: str,
        into: argparse._SubParsersAction[argparse.ArgumentParser] = sub,
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = into.add_parser(name, help=help_zh, description=help_zh)
        p.add_argument(
            "--instance", type=Path, default=None, help="实例目录：区情配置、表单、站点配置和数据所在（默认当前目录）"
        )
        p.add_argument("--data", type=Path, default=None, help="数据目录（默认为实例目录下的 data）")
        p.set_defaults(fn=fn)
        return p

    def site_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, default=None, help="站点目录（默认为实例目录下的 site）")

    p = command("init", cmd_init, "建立实例目录（或只建立数据目录）和首个牵头部门账号")
    p.add_argument("dir", nargs="?", type=Path, default=None, help="新实例目录；不写且不给 --instance 时只建立数据目录")
    p.add_argument("--profile", type=Path, default=None, help="以这个区情配置文件为起点（默认演示区的配置）")
    p.add_argument("--username", default="", help="首个牵头部门账号的用户名（默认为区情配置中牵头部门的 login）")
    p.add_argument("--password", default="", help="不填则随机生成并打印")
    p.add_argument(
        "--unit-accounts", action="store_true", help="同时为区情配置中的每个单位建立账号（随机密码，只打印一次）"
    )
    p = command("demo", cmd_demo, "写入演示数据（含各角色演示账号）")
    p.add_argument("--scale", choices=["demo", "1y", "5y"], default="demo")
    p = command("build", cmd_build, "从数据生成并发布内网站点")
    site_option(p)
    p = command("serve", cmd_serve, "启动表单服务器并提供站点")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    site_option(p)
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
    command("check", cmd_check, "检查区情配置和表单定义，并报告数据中找不到所属单位的单位名称")
    user = sub.add_parser("user", help="账号管理").add_subparsers(dest="user_command", required=True)
    p = command("add", cmd_user_add, "新建账号", into=user)
    p.add_argument("name")
    p.add_argument("--unit", required=True, help="单位名称，按区情配置的写法，如 区财政局")
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
