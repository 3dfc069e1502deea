#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# promtool-check MPCTL: Prometheus' own linter on what mpctl prints with
# --format prometheus, for every recording in tests/unit/data (made in the
# emulated POWER guests); and on a broken copy, which it must reject (so
# the check can fail).  Run by ctest.
set -euo pipefail
mpctl=${1:?usage: promtool-check.sh MPCTL}
top=$(cd "$(dirname "$0")/../.." && pwd)
promtool=$("$top/scripts/fetch-promtool")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for rec in "$top"/tests/unit/data/*.recording.jsonl; do
	[[ -e $rec ]] || { echo "no recordings in tests/unit/data" >&2; exit 1; }
	name=$(basename "$rec" .recording.jsonl)
	"$mpctl" report "$rec" --format prometheus >"$tmp/$name.prom"
	grep -q '^mpmon_calls_total{mode="move"} [1-9]' "$tmp/$name.prom" || {
		echo "$name: no move calls in the exposition" >&2
		exit 1
	}
	if ! "$promtool" check metrics <"$tmp/$name.prom" >"$tmp/out" 2>&1; then
		echo "$name: promtool check metrics failed:" >&2
		cat "$tmp/out" >&2
		exit 1
	fi
	echo "$name: promtool check metrics: ok ($(grep -vc '^#' "$tmp/$name.prom") samples)"
	n=$((n + 1))
done
# A counter without _total and a repeated TYPE line: promtool must object.
sed -e 's/mpmon_pages_requested_total/mpmon_pages_requested/' \
	-e '0,/^# TYPE mpmon_enabled/{/^# TYPE mpmon_enabled/p}' "$tmp/$name.prom" >"$tmp/bad.prom"
if "$promtool" check metrics <"$tmp/bad.prom" >/dev/null 2>&1; then
	echo "promtool accepted a broken exposition: the check proves nothing" >&2
	exit 1
fi
echo "promtool rejects a broken exposition; $n recordings checked"
