#!/usr/bin/env bash
# After `make demo`: assert that York's real national figures reached its HTML and PDF reports
# for both periods, and that the demo produced templates, feedback and network reports.
#   usage: scripts/check-demo.sh demo-workspace
set -euo pipefail
ws=${1:-demo-workspace}
fail() { echo "check-demo: $*" >&2; exit 1; }

expect() {  # period, figure...
  local period=$1; shift
  local dir="$ws/output/reports/$period"
  local html pdf
  html=$(ls "$dir"/*E06000014*.html 2>/dev/null | head -1) || true
  pdf=$(ls "$dir"/*E06000014*.pdf 2>/dev/null | head -1) || true
  [ -n "$html" ] || fail "no York HTML report in $dir"
  [ -n "$pdf" ] || fail "no York PDF report in $dir"
  local text; text=$(pdftotext -layout "$pdf" -)
  for figure in "$@"; do
    grep -q "$figure" "$html" || fail "$figure not in $html"
    grep -q "$figure" <<<"$text" || fail "$figure not in $pdf"
  done
  ls "$dir"/*network*.html >/dev/null 2>&1 || fail "no network HTML report in $dir"
  ls "$dir"/*network*.pdf >/dev/null 2>&1 || fail "no network PDF report in $dir"
  echo "check-demo: period $period: York's $* found in HTML and PDF"
}

expect 2012 "197,783" "132,340" "8,020"
expect 2022 "201,672" "131,986" "9,035"

ls "$ws"/output/templates/2012_*.xlsx >/dev/null 2>&1 || fail "no return templates for 2012"
ls "$ws"/output/feedback/2012/* >/dev/null 2>&1 || fail "no feedback files for 2012"
echo "check-demo: OK"
