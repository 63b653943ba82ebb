#!/usr/bin/env bash
# First command: set up, load demo data, publish the site, serve it on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
DATA="${XIETIAO_DATA:-data}"
if [ ! -d "$DATA" ]; then
  .venv/bin/xietiao demo --data "$DATA"
else
  echo "沿用已有数据目录 $DATA（删除它即可重新生成演示数据）"
fi
.venv/bin/xietiao build --data "$DATA" --site site
echo
echo "演示账号（密码均为 xietiao-demo-2026）：fgj=区发展改革局  leader=区领导  admin=管理员  czj=区财政局  dc=东城街道 ……"
echo "站点：http://127.0.0.1:8000/    办公与表单：http://127.0.0.1:8000/app/    按 Ctrl+C 停止"
exec .venv/bin/xietiao serve --data "$DATA" --site site --host 127.0.0.1 --port 8000
