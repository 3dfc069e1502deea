#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (scripts/mpvm, in /add): the packaged mpctl against the
# module, with a workload whose own count of its move_pages calls is the
# truth.  Prints PASS/FAIL lines; exits non-zero on a FAIL.
#
#   sh ./guest.sh LOAD VERSION
# LOAD: "insmod" loads ./mpmon.ko (the module DKMS built in the bookworm
# root); "-" when mpvm loaded its own.  VERSION: what the module and mpctl
# must report.  ./pkg.tar.gz holds mpctl as its package installs it and the
# shared libraries it needs (lib/), run through their own loader.
load=$1 version=$2
rc=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; rc=1; }

if [ "$load" = insmod ]; then
	if out=$(insmod ./mpmon.ko 2>&1); then
		pass dkms-module-loads
	else
		fail dkms-module-loads "insmod: $out"
		exit 1
	fi
	v=$(cat /sys/module/mpmon/version 2>&1)
	[ "$v" = "$version" ] && pass dkms-module-version ||
		fail dkms-module-version "/sys/module/mpmon/version says '$v', expected $version"
fi
[ -e /dev/mpmon ] || { fail dev-mpmon "no /dev/mpmon with mpmon loaded"; exit 1; }

mkdir -p pkg && tar -xzf pkg.tar.gz -C pkg || { fail unpack "pkg.tar.gz"; exit 1; }
ld=$(ls pkg/lib/ld-linux*.so* pkg/lib/ld64.so* 2>/dev/null | head -n 1)
[ -n "$ld" ] || { fail loader "no dynamic loader in pkg/lib"; exit 1; }
mpctl() { "$ld" --library-path "$PWD/pkg/lib" "$PWD/pkg/usr/sbin/mpctl" "$@"; }

out=$(mpctl --version 2>&1)
[ "${out%% (*}" = "mpctl $version" ] && pass mpctl-version ||
	fail mpctl-version "'$out', expected mpctl $version"

# 16 pages, 4 rounds: 4 moves and 4 queries of 16 pages, then two moves of
# one page that fail (an unmapped address: a per-page EFAULT; node 1000:
# ENODEV): 10 calls, 6 moves, 4 queries, 2*4*16+2 pages, 1 failed call.
pages=16 rounds=4
./mpwork -p $pages -r $rounds -q >work.out 2>&1
calls=$(sed -n 's/^mpwork: \([0-9]*\) move_pages calls, \([0-9]*\) failed$/\1/p' work.out)
failed=$(sed -n 's/^mpwork: \([0-9]*\) move_pages calls, \([0-9]*\) failed$/\2/p' work.out)
[ -n "$calls" ] || { fail workload "mpwork said: $(cat work.out)"; exit 1; }
want="calls=$calls errors=$failed move=$((rounds + 2)) query=$rounds requested=$((2 * rounds * pages + 2))"

if ! mpctl --json stats >stats.json 2>stats.err; then
	fail mpctl-stats "exit status $?: $(head -n 2 stats.err)"
	exit 1
fi
# One JSON object; "calls" and "errors" are its first keys of those names.
num() { grep -o "\"$1\":[0-9]*" stats.json | head -n 1 | cut -d: -f2; }
got="calls=$(num calls) errors=$(num errors) move=$(num move) query=$(num query) requested=$(num requested)"
[ "$got" = "$want" ] && pass "mpctl-stats-match-workload ($got)" ||
	fail mpctl-stats-match-workload "mpctl stats says '$got', the workload did '$want'"
exit $rc
