#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hotpath-guest.sh: in the guest, 1-page queries (tests/bench/mpbench) under
# the floor, bench/hotpath/mphot.ko with each piece of mpmon's hot path
# alone and all together (work=255: mpmon before 16e2896; work=1006: since,
# with the cmpxchg slot table and the fast clock), bench/hotpath/mpmin.ko
# (mode "min": the least a monitor with mpmon's counters can do; "min0":
# the same without the status read-back) and mpmon itself (default ring:
# full after 4,096 calls with no reader; ring_events=1048576: every event
# copied), rounds interleaved.  Needs ./mpbench, ./mpfloor.ko, ./mphot.ko
# and, for min and min0, ./mpmin.ko.  mpbench prints a RESULT line per run
# and, where the guest's PMU counts instructions (POWER8 and later under
# QEMU), an INSNS line.
#   sh hotpath-guest.sh ROUNDS CALLS [MODES]
# MODES (one word, blank-separated) replaces the default list, e.g.
# "baseline floor w0 w1024 w4096 w8192 w5216 mpmon".
rounds=$1 nq=$2
rmmod mpmon 2>/dev/null
modes=${3:-"baseline floor w0 w1 w2 w4 w8 w16 w32 w64 w128 w256 w512 w255 w1006 mpmon mpmonbig"}
r=0
while [ $r -lt $rounds ]; do
	for m in $modes; do
		case $m in
		floor) insmod ./mpfloor.ko ;;
		w*) insmod ./mphot.ko work=${m#w} ;;
		min) insmod ./mpmin.ko ;;
		min0) insmod ./mpmin.ko readback=0 ;;
		mpmon) insmod /mpvm/mpmon.ko ;;
		mpmonbig) insmod /mpvm/mpmon.ko ring_events=1048576 ;;
		esac
		./mpbench $m query $nq
		case $m in
		floor) rmmod mpfloor ;;
		w*) rmmod mphot ;;
		min*) rmmod mpmin ;;
		mpmon*) rmmod mpmon ;;
		esac
	done
	r=$((r + 1))
done
