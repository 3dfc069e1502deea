#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-VM test suite of one matrix cell; runs inside the guest, in /add,
# with mpmon.ko loaded.  Prints PASS/FAIL lines; exits non-zero on a FAIL.
# $1: the MMU the cell booted with (Hash, Radix) or "-" where none applies.
want_mmu=$1
log=/tmp/suite.log
: >$log

run() { "$@" 2>&1 | tee -a $log; }

if [ "$want_mmu" != - ]; then
	mmu=$(sed -n 's/^MMU[[:space:]]*: //p' /proc/cpuinfo)
	if [ "$mmu" = "$want_mmu" ]; then
		run echo "PASS vm/mmu-mode"
	else
		run echo "FAIL vm/mmu-mode: /proc/cpuinfo says '$mmu', expected '$want_mmu'"
	fi
fi
nodes=$(cat /sys/devices/system/node/online)
[ "$nodes" = 0-1 ] && run echo "PASS vm/numa-nodes" ||
	run echo "FAIL vm/numa-nodes: online nodes '$nodes', expected 0-1"

# The module's own view against what the workload did.
run ./mpmon_selftest

# Ring overflow needs a small ring: reload with the smallest one.
if rmmod mpmon && insmod /mpvm/mpmon.ko ring_events=16; then
	run ./mpmon_selftest ring_overflow
	rmmod mpmon && insmod /mpvm/mpmon.ko
else
	run echo "FAIL vm/reload-small-ring: rmmod/insmod ring_events=16 failed"
fi

for t in ./suite-*.sh; do
	[ -e "$t" ] && run sh "$t"
done

! grep -q '^FAIL' $log
