#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the guest: every tracing mode in turn, ROUNDS times, so
# that drift over the run hits all modes alike.  /mpvm/mpmon.ko and
# ./mpfloor.ko are loaded and unloaded as each mode needs.
#   sh bench-guest.sh ROUNDS QUERY_CALLS MOVE_CALLS SYMBOL_ARGS
rounds=$1 nq=$2 nm=$3
# kprobe-event fetch arguments: the six move_pages arguments, from the
# pt_regs the entry point receives (set by scripts/bench per architecture).
fetch=$4
sym=$5
t=/sys/kernel/tracing
mount -t tracefs nodev $t 2>/dev/null

modes="baseline floor mpmon disabled follow ftrace tracepoint"
setup() {
	case $1 in
	floor) insmod ./mpfloor.ko ;;
	mpmon) insmod /mpvm/mpmon.ko ;;
	disabled) insmod /mpvm/mpmon.ko enabled=0 ;;
	follow)
		insmod /mpvm/mpmon.ko
		mpctl events --follow --json >/dev/null 2>&1 &
		follower=$!
		sleep 0.2
		;;
	ftrace)
		echo "p:mpb $sym $fetch" >$t/kprobe_events
		echo "r:mpbr $sym ret=\$retval" >>$t/kprobe_events
		echo 1 >$t/events/kprobes/enable
		;;
	tracepoint)
		echo 1 >$t/events/syscalls/sys_enter_move_pages/enable
		echo 1 >$t/events/syscalls/sys_exit_move_pages/enable
		;;
	esac
}
teardown() {
	case $1 in
	floor) rmmod mpfloor ;;
	mpmon | disabled) rmmod mpmon ;;
	follow) kill -INT $follower; wait $follower; rmmod mpmon ;;
	ftrace) echo 0 >$t/events/kprobes/enable; echo >$t/kprobe_events ;;
	tracepoint)
		echo 0 >$t/events/syscalls/sys_enter_move_pages/enable
		echo 0 >$t/events/syscalls/sys_exit_move_pages/enable
		;;
	esac
	echo >$t/trace
}

rmmod mpmon 2>/dev/null
r=0
while [ $r -lt $rounds ]; do
	for m in $modes; do
		setup $m || echo "FAIL bench/setup-$m"
		./mpbench $m query $nq
		./mpbench $m move $nm
		teardown $m
	done
	r=$((r + 1))
done
