#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reliability tests of mpmon in the guest (run by guest-suite.sh with the
# short forms; "sh suite-torture.sh full" for make torture).  The VM runner
# fails the boot if the kernel log shows any Oops, BUG, WARNING or splat.
mode=${1:-short}
# "debug" (make torture-debug): the kernel must have KASAN, lockdep and
# kmemleak, or the run proves less than it says.
want_debug=${2:-}
# Both forms unload with calls in flight: mpmon waits for them to return
# before it unregisters its kretprobes.
if [ "$mode" = full ]; then
	fuzz=100000 threads=8 calls=10000 cycles=50
else
	fuzz=20000 threads=8 calls=1000 cycles=5
fi
loaded() { grep -q '^mpmon ' /proc/modules; }
# Free memory in kB: MemAvailable plus the pages waiting on the per-CPU
# free lists ("count:" of each pageset in /proc/zoneinfo), which are free
# but not in MemFree.  Freeing the ring's 1.5 MiB on every rmmod fills those
# lists: on Debian's x86_64 6.1 they swung by 40 MB over 50 cycles and back,
# which MemAvailable alone read as a leak.
page_kb=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
mem_free_kb() {
	awk -v page_kb="${page_kb:-4}" '
		FILENAME == "/proc/meminfo" && /^MemAvailable:/ { avail = $2 }
		FILENAME == "/proc/zoneinfo" && $1 == "count:" { pcp += $2 }
		END { print avail + pcp * page_kb }' /proc/meminfo /proc/zoneinfo
}

checks=""
dmesg | grep -q 'KernelAddressSanitizer initialized' && checks="$checks KASAN"
[ -e /proc/lockdep ] && checks="$checks lockdep"
[ -e /sys/kernel/debug/kmemleak ] && checks="$checks kmemleak"
echo "NOTE torture/kernel-checks:${checks:- none}"
if [ "$want_debug" = debug ]; then
	if [ "$checks" = " KASAN lockdep kmemleak" ]; then
		echo "PASS torture/kernel-checks"
	else
		echo "FAIL torture/kernel-checks: the kernel has${checks:- none} of KASAN lockdep kmemleak"
	fi
fi

./mpmon_torture fuzz $fuzz
./mpmon_torture storm $threads $calls
./mpmon_torture privilege
./mpmon_torture huge
./mpmon_torture readers

# A ring of 64 events that nobody reads: 10,000 calls.
rmmod mpmon && insmod /mpvm/mpmon.ko ring_events=64 && ./mpmon_torture overflow 10000
rmmod mpmon
insmod /mpvm/mpmon.ko

# kmemleak (the debug kernel): forget what boot left, so that what is
# reported after the unload cycles was allocated since.
kmemleak=/sys/kernel/debug/kmemleak
grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w $kmemleak ] && echo clear >$kmemleak

# Unload under load: calls in flight, a reader holding the device.
rmmod mpmon
before=$(mem_free_kb)
storm=""
# Two movers of 256 pages each keep calls in flight at every rmmod.
./mpwork -q -p 256 -r 1000000 >/dev/null 2>&1 &
storm=$!
./mpwork -q -p 256 -r 1000000 >/dev/null 2>&1 &
storm="$storm $!"
load_note="with two 256-page movers running"
fail=""
i=0
while [ $i -lt $cycles ]; do
	# Every other load with the flush probes (off by default on x86_64,
	# where they attach to the tlb_flush tracepoint): they come and go
	# while the movers flush.
	insmod /mpvm/mpmon.ko flush_probes=$((i % 2)) ||
		{ fail="insmod failed in cycle $i"; break; }
	exec 5</dev/mpmon
	rmmod mpmon 2>/dev/null
	loaded || { fail="rmmod unloaded mpmon with /dev/mpmon open (cycle $i)"; break; }
	exec 5<&-
	rmmod mpmon
	! loaded || { fail="rmmod failed with no file open (cycle $i)"; break; }
	i=$((i + 1))
done
if [ -n "$storm" ]; then
	kill $storm
	wait $storm 2>/dev/null
fi
after=$(mem_free_kb)
echo "NOTE torture/unload: $i cycles $load_note, free memory (MemAvailable + per-CPU free lists) $before kB before, $after kB after"
# Each load allocates the ring (1.5 MiB) and per-CPU counters: a leak of
# either in a tenth of the cycles would show here.  Not under KASAN: it
# keeps freed slab objects in its quarantine, up to 1/32 of RAM, so the
# kretprobe instances each cycle frees lower free memory by about 400 kB
# a cycle until the quarantine is full (about 40 MB, after some 100
# cycles, in a 2-GiB guest), then no more.  kmemleak, below, is the check
# there.
if [ -z "$fail" ] && [ $((before - after)) -gt 8192 ]; then
	case $checks in
	*KASAN*kmemleak*) echo "NOTE torture/unload: KASAN's quarantine holds freed objects; the leak check is kmemleak's" ;;
	*) fail="free memory fell by $((before - after)) kB over $i cycles" ;;
	esac
fi
if [ -n "$fail" ]; then
	echo "FAIL torture/unload-under-load: $fail"
else
	echo "PASS torture/unload-under-load"
fi

# kmemleak: an object allocated from module code (a frame above the
# kernel's text, where x86_64 puts modules, or named [mpmon]) that nothing
# references after the cycles is mpmon's leak: mpmon is the only module,
# and once unloaded its frames have no names.  Scanned twice: an object
# must stay unreferenced across scans to be reported.
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	sleep 6
	echo scan >$kmemleak
	cat $kmemleak >/tmp/kmemleak.txt
	all=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	etext=$(sed -n 's/^\([0-9a-f]*\) . _etext$/\1/p' /proc/kallsyms)
	# Fixed-width lower-case hex compares as text.
	mine=$(awk -v etext="$etext" '/^unreferenced object/ { obj = 1 }
		obj && match($0, /\[<[0-9a-f]+>\]/) {
			a = substr($0, RSTART + 2, RLENGTH - 4)
			if (a > etext || /\[mpmon\]/) { n++; obj = 0 }
		}
		END { print n + 0 }' /tmp/kmemleak.txt)
	echo "NOTE torture/kmemleak: $all unreferenced objects after the unload cycles, $mine allocated by mpmon"
	if [ "$mine" -gt 0 ]; then
		cat /tmp/kmemleak.txt
		echo "FAIL torture/kmemleak: $mine objects allocated by mpmon leaked"
	else
		echo "PASS torture/kmemleak"
	fi
fi
loaded || insmod /mpvm/mpmon.ko
