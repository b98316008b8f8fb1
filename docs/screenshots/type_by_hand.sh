#!/usr/bin/env bash
# By hand, on the real program under Xvfb (a check run on demand, not a test): choose a
# period with the mouse, type twenty figures (Tab between them) as an officer copies them
# from paper, quit; then list where every figure landed. Needs Debian's xvfb, xdotool and
# imagemagick. Screenshots of each step go to OUT (default /tmp/byhand).
#   bash docs/screenshots/type_by_hand.sh [REPO] [OUT]
set -euo pipefail
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${2:-/tmp/byhand}
rm -rf "$OUT"; mkdir -p "$OUT"
export QNAPP_HOME="$OUT/home" DISPLAY=:77
unset QT_QPA_PLATFORM
cd "$REPO"
qnapp --db "$OUT/q.sqlite" init --tree 2021 --unit 06862 --officer "Nguyễn Thị Lan" >/dev/null
Xvfb :77 -screen 0 1366x768x24 >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null || true' EXIT
sleep 1
python main.py --db "$OUT/q.sqlite" > "$OUT/app.log" 2>&1 &
APID=$!
sleep 4
WID=$(xdotool search --name "Tiên Yên" | head -1)
xdotool windowfocus --sync "$WID"
xdotool mousemove 59 78 click 1; sleep 0.5          # «Nhập số liệu»
import -window root "$OUT/1-entry.png"
xdotool mousemove ${COMBO_X:-440} 42 click 1; sleep 0.8          # the period list drops down
import -window root "$OUT/2-list.png"
xdotool mousemove ${COMBO_X:-440} ${ITEM_Y:-88} click 1; sleep 0.8   # «6 tháng cuối năm 2024»
import -window root "$OUT/3-chosen.png"
for figure in 90 87 177 84 81 165 78 75 153 72 69 141 66 63 129 60 57 117 54 51; do
  xdotool type --delay 30 "$figure"; xdotool key Tab; sleep 0.05
done
sleep 0.5
import -window root "$OUT/4-typed.png"
xdotool key ctrl+q; sleep 2
kill $APID 2>/dev/null || true
sqlite3 "$OUT/q.sqlite" "SELECT period, element, category, value FROM data_values ORDER BY rowid" 2>/dev/null \
  || python - "$OUT/q.sqlite" <<'PY'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute("SELECT period, element, category, value FROM data_values ORDER BY rowid"):
    print(*row, sep="|")
PY
