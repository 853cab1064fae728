#!/usr/bin/env bash
# Set up (venv + pinned dependencies), load the plan, then run the service. With no token set,
# open the console chat instead, as the member given (default: Lê Hồng Vinh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m bot seed
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ] || [ -n "${ZALO_BOT_TOKEN:-}" ] \
   || grep -qsE '^(TELEGRAM|ZALO)_BOT_TOKEN=.+' .env; then
  exec .venv/bin/python -m bot run
fi
echo "No bot token set: opening the console chat. Type /trogiup for help, Ctrl-D to leave." >&2
exec .venv/bin/python -m bot chat --as "${1:-Lê Hồng Vinh}"
