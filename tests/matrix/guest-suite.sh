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

# Clients built against every released uapi header keep working.  They
# read their call's event after making it, so the ring records calls
# with no reader attached (events=always, as every module before 1.3).
if rmmod mpmon && insmod /mpvm/mpmon.ko events=always; then
	for c in ./abi_client-*; do
		[ -x "$c" ] && run "$c"
	done
	rmmod mpmon && insmod /mpvm/mpmon.ko
else
	run echo "FAIL vm/abi-clients: rmmod/insmod events=always failed"
fi

# Ring overflow needs a small ring: reload with the smallest one.
if rmmod mpmon && insmod /mpvm/mpmon.ko ring_events=16; then
	run ./mpmon_selftest ring_overflow
	rmmod mpmon && insmod /mpvm/mpmon.ko
else
	run echo "FAIL vm/reload-small-ring: rmmod/insmod ring_events=16 failed"
fi

# A status probe outside mm/migrate.c (a namesake) is refused: outcomes
# are read back, and partly failed moves are flagged inexact.
if rmmod mpmon && insmod /mpvm/mpmon.ko status_probe=device_add; then
	if dmesg | tail -n 5 | grep -q "device_add at .* is not mm/migrate.c's"; then
		run echo "PASS vm/status-probe-namesake-refused"
	else
		run echo "FAIL vm/status-probe-namesake-refused: no dmesg line"
	fi
	MPMON_STATUS_PROBE=device_add run ./mpmon_selftest abi positive_return
	rmmod mpmon && insmod /mpvm/mpmon.ko
else
	run echo "FAIL vm/status-probe-namesake: rmmod/insmod status_probe=device_add failed"
fi

# Unload while a file is open: refused (EBUSY), then allowed once closed.
# /proc/modules is the truth: some rmmod builds exit 0 on EWOULDBLOCK.
loaded() { grep -q '^mpmon ' /proc/modules; }
exec 5</dev/mpmon
rmmod mpmon 2>/dev/null
if loaded; then
	run echo "PASS vm/rmmod-while-open"
else
	run echo "FAIL vm/rmmod-while-open: rmmod unloaded mpmon with /dev/mpmon open"
	insmod /mpvm/mpmon.ko
fi
exec 5<&-
rmmod mpmon
if loaded; then
	run echo "FAIL vm/rmmod-after-close: mpmon still loaded with no file open"
	rmmod mpmon
else
	run echo "PASS vm/rmmod-after-close"
fi

# Bad parameters refuse the load with a line naming them.
bad_param() { # NAME PARAM DMESG-PATTERN
	if insmod /mpvm/mpmon.ko "$2" 2>/dev/null; then
		rmmod mpmon
		run echo "FAIL vm/param-$1: insmod $2 succeeded"
	elif dmesg | tail -n 5 | grep -q "$3"; then
		run echo "PASS vm/param-$1"
	else
		run echo "FAIL vm/param-$1: no dmesg line matching '$3'"
	fi
}
bad_param ring-events ring_events=1 "ring_events=1 is out of range 16..1048576"
bad_param maxactive maxactive=0 "maxactive=0 is out of range 1..4096"
bad_param max-status max_status=0 "max_status=0 is out of range"
bad_param symbol symbol=no_such_symbol "cannot probe the move_pages entry point no_such_symbol: error -2"
bad_param flush-probes flush_probes=2 "flush_probes=2 is out of range 0..1"
bad_param events events=sometimes "events=sometimes is not one of auto, always, never"
insmod /mpvm/mpmon.ko

# Where the flush probes are off by default (x86_64), count with them on.
if [ "$want_mmu" = - ] && rmmod mpmon && insmod /mpvm/mpmon.ko flush_probes=1; then
	run ./mpmon_selftest flush invalidations
	rmmod mpmon
	insmod /mpvm/mpmon.ko
fi
# With migrate_probes=0 the module says it counts no migration.
if rmmod mpmon && insmod /mpvm/mpmon.ko migrate_probes=0; then
	run ./mpmon_selftest migration_off
	rmmod mpmon
	insmod /mpvm/mpmon.ko
fi
for t in ./suite-*.sh; do
	[ -e "$t" ] && run sh "$t"
done

! grep -q '^FAIL' $log
