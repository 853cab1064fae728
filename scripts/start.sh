#!/usr/bin/env bash
# Set up (venv + pinned dependencies), load the plan, then run the service. With no token set,
# open the console chat instead, as the member given (default: the new admin, else Lê Hồng Vinh).
#   bash scripts/start.sh                          # set up, load, run (or the console)
#   bash scripts/start.sh "Nguyễn Đức Trung"       # the console as that member
#   bash scripts/start.sh --admin "Nguyễn Đức Trung"   # make them the first admin (and the console's)
set -euo pipefail
cd "$(dirname "$0")/.."
seed_args=()
admin=""
if [ "${1:-}" = --admin ]; then
  [ -n "${2:-}" ] || { echo 'usage: bash scripts/start.sh --admin "<họ tên>"' >&2; exit 2; }
  seed_args=(--admin "$2")
  admin=$2
  shift 2
fi
bash scripts/setup.sh
.venv/bin/python -m bot seed "${seed_args[@]}"
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ] || [ -n "${ZALO_BOT_TOKEN:-}" ] \
   || grep -qsE '^(TELEGRAM|ZALO)_BOT_TOKEN=.+' .env; then
  exec .venv/bin/python -m bot run
fi
echo "No bot token set: opening the console chat. Type /trogiup for help, Ctrl-D to leave." >&2
exec .venv/bin/python -m bot chat --as "${1:-${admin:-Lê Hồng Vinh}}"
