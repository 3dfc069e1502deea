#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the guest: every tracing mode in turn, ROUNDS times, so
# that drift over the run hits all modes alike.  /mpvm/mpmon.ko and
# ./mpfloor.ko are loaded and unloaded as each mode needs.
#   sh bench-guest.sh ROUNDS QUERY_CALLS MOVE_CALLS FETCH SYMBOL \
#                     [STORM_SECONDS [STORM_THREADS]]
# After the rounds, the extra figures of the same boot (see extras below):
# META, MEM, INFO, DRAIN, STORM and LOSSLESS lines.
rounds=$1 nq=$2 nm=$3 storm_s=${6:-4} storm_t=${7:-4}
# kprobe-event fetch arguments: the six move_pages arguments, from the
# pt_regs the entry point receives (set by scripts/bench per architecture).
fetch=$4
sym=$5
t=/sys/kernel/tracing
mount -t tracefs nodev $t 2>/dev/null

# mpmon: the default ring and no reader (after 4,096 calls the ring is full
# and each call only counts); record: a ring that holds every call of a run,
# the tenth mpbench runs again under the instruction counter included, and
# no reader (every event built and copied into the ring).
# nomigrate: without the migration sources (migrate_probes=0); noanatomy:
# without them and the flush and invalidation sources (flush_probes=0).
modes="baseline floor mpmon record disabled follow ftrace tracepoint nomigrate noanatomy"
setup() {
	case $1 in
	floor) insmod ./mpfloor.ko ;;
	mpmon) insmod /mpvm/mpmon.ko ;;
	record) insmod /mpvm/mpmon.ko events=always ring_events=$(((nq + nm) * 11 / 10 + 16)) ;;
	disabled) insmod /mpvm/mpmon.ko enabled=0 ;;
	nomigrate) insmod /mpvm/mpmon.ko migrate_probes=0 ;;
	noanatomy) insmod /mpvm/mpmon.ko migrate_probes=0 flush_probes=0 ;;
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
	mpmon | record | disabled | nomigrate | noanatomy) rmmod mpmon ;;
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

# ---- Extras: the guest, mpmon's memory, draining, a followed storm -------
echo "META kernel $(uname -r)"
echo "META cpu $(awk -F': *' '/^(cpu|model name)[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo)"
echo "META mmu $(awk -F': *' '/^MMU[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo)"


# Memory: /proc/meminfo before and after insmod (no calls in between), the
# module's own size from /proc/modules (its code and data, vmalloc'ed by the
# module loader) and the vmalloc areas whose caller is in mpmon (the ring)
# from /proc/vmallocinfo.
meminfo() { awk '/^(MemFree|Slab|SUnreclaim|VmallocUsed|Percpu):/ { sub(":", "", $1); printf " %s=%s", $1, $2 }' /proc/meminfo; }
rmmod mpmon 2>/dev/null
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
sleep 1
echo "MEM before$(meminfo)"
insmod /mpvm/mpmon.ko || echo "FAIL bench/mem-insmod"
sleep 1
echo "MEM after$(meminfo)"
echo "MEM module_bytes $(awk '$1 == "mpmon" { print $2 }' /proc/modules)"
# vmallocinfo sizes include a guard page; pages=N counts what is mapped.
echo "MEM vmalloc_area_bytes $(awk '/\[mpmon\]/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo)"
echo "MEM vmalloc_pages $(awk '/\[mpmon\]/ { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) { sub("pages=", "", $i); s += $i } } END { print s + 0 }' /proc/vmallocinfo)"
awk '/\[mpmon\]/ { print "MEM vmallocinfo", $0 }' /proc/vmallocinfo

# READ_EVENTS in batches of 256 (as mpctl reads), 16 (the module's bounce
# buffer) and 1, each from a full ring, nobody else reading.
./mpdrain 3 256 16 1 || echo "FAIL bench/drain"

# A storm of 1-page queries from storm_t threads at full speed while
# mpctl events --follow --json drains, then paced storms stepping down by a
# quarter until nothing is lost, and four bisections between the last two
# rates.  LOSSLESS gives the largest lossless target rate (each PACED
# line has the rate achieved).
# Integer square root (busybox awk has no math functions).
isqrt() {
	n=$1 x=$1
	y=$(((x + 1) / 2))
	while [ $y -lt $x ]; do x=$y; y=$(((x + n / x) / 2)); done
	echo $x
}
storm() { # RATE
	mpctl events --follow --json >/dev/null 2>follow.err &
	f=$!
	sleep 0.5
	./mpstorm $storm_t $storm_s $1 $f || echo "FAIL bench/storm-$1"
	kill -INT $f; wait $f
}
line=$(storm 0)
echo "$line"
dropped=$(echo "$line" | sed -n 's/.* dropped=\([0-9]*\).*/\1/p')
if [ "${dropped:-1}" -eq 0 ]; then
	echo "LOSSLESS full $(echo "$line" | sed -n 's/.* calls_per_s=\([0-9]*\).*/\1/p')"
else
	# Start just below what the follower drained while saturated.
	rate=$(echo "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print int(0.9 * v["read"] / v["seconds"]) }')
	# The bisection's upper end if the first paced rate is already
	# lossless: twice that, at most the full-speed rate.
	hi=$(echo "$line" | sed -n 's/.* calls_per_s=\([0-9]*\).*/\1/p')
	[ $((rate * 2)) -lt "$hi" ] && hi=$((rate * 2))
	step=0
	while [ $step -lt 8 ] && [ "$rate" -gt 0 ]; do
		line=$(storm $rate)
		echo "$line" | sed 's/^STORM/PACED/'
		dropped=$(echo "$line" | sed -n 's/.* dropped=\([0-9]*\).*/\1/p')
		if [ "${dropped:-1}" -eq 0 ]; then
			lo=$rate
			break
		fi
		hi=$rate
		rate=$((rate * 3 / 4))
		step=$((step + 1))
	done
	# Four geometric bisections of the interval between the last lossy
	# rate (or the full-speed one) and the lossless target.
	if [ -n "${lo:-}" ] && [ -n "${hi:-}" ]; then
		for i in 1 2 3 4; do
			rate=$(isqrt $((lo * hi)))
			line=$(storm $rate)
			echo "$line" | sed 's/^STORM/PACED/'
			dropped=$(echo "$line" | sed -n 's/.* dropped=\([0-9]*\).*/\1/p')
			if [ "${dropped:-1}" -eq 0 ]; then lo=$rate; else hi=$rate; fi
		done
	fi
	[ -n "${lo:-}" ] && echo "LOSSLESS paced $lo"
fi
rmmod mpmon
