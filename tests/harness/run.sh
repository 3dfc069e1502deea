#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the test harness itself: kernel fetching, mpvm's option parsing
# and its failure reporting.  Prints PASS/FAIL lines for scripts/check.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS harness/$1"; }
fail() { echo "FAIL harness/$1: $2"; }

# expect NAME WANT_RC PATTERN -- cmd...: exit status and a stderr pattern.
expect() {
	local name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [[ $rc != "$want" ]]; then
		fail "$name" "exit $rc, expected $want; stderr: $(tail -n 2 "$tmp/err" | tr '\n' ' ')"
	elif ! grep -q -E -- "$pat" "$tmp/err"; then
		fail "$name" "stderr lacks /$pat/: $(tail -n 2 "$tmp/err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

fk=$top/scripts/fetch-kernel
mpvm=$top/scripts/mpvm

# ---- fetch-kernel ----------------------------------------------------------
for arch in ppc64le x86_64; do
	if out=$("$fk" --arch "$arch" --quiet 2>"$tmp/err"); then
		eval "$out"
		# Independent truth: the ABI the archive's metapackage depends on,
		# and the version string inside the kernel image itself.
		want=$(apt-cache depends "linux-image-$([[ $arch == x86_64 ]] && echo amd64 || echo powerpc64le):$([[ $arch == x86_64 ]] && echo amd64 || echo ppc64el)" |
			sed -n 's/.*Depends: linux-image-\([^:]*\).*/\1/p' | head -n 1)
		if [[ $KVER != "$want" ]]; then
			fail "fetch-$arch-resolves-abi" "KVER=$KVER, archive says $want"
		elif [[ $arch == ppc64le ]] && ! grep -a -q "Linux version ${KVER} " "$VMLINUX"; then
			fail "fetch-$arch-resolves-abi" "$VMLINUX does not say 'Linux version $KVER'"
		elif [[ ! -f $KDIR/Makefile || ! -e $KDIR/scripts/basic/fixdep && ! -e $KDIR/scripts/mod/modpost ]]; then
			fail "fetch-$arch-resolves-abi" "headers tree $KDIR is not usable (fix-ups missing)"
		else
			pass "fetch-$arch-resolves-abi"
		fi
		offline=$("$fk" --arch "$arch" --offline --quiet 2>&1 | sed -n 's/^KVER=//p')
		[[ $offline == "$KVER" ]] && pass "fetch-$arch-offline-uses-cache" ||
			fail "fetch-$arch-offline-uses-cache" "got '$offline', expected $KVER"
	else
		fail "fetch-$arch-resolves-abi" "$(tail -n 2 "$tmp/err")"
	fi
done
expect fetch-bad-arch 1 "unsupported --arch 'sparc'" -- "$fk" --arch sparc
expect fetch-be-series 1 "6.1 series only" -- "$fk" --arch ppc64 --series 6.12
expect fetch-sid-arch 1 "x86_64 only" -- "$fk" --arch ppc64le --series sid
expect fetch-bad-series 1 "unsupported --series" -- "$fk" --series 2.6
expect fetch-offline-empty-cache 1 "not cached|nothing is cached" -- \
	env XDG_CACHE_HOME="$tmp/empty" "$fk" --offline

# ---- mpvm options ----------------------------------------------------------
expect mpvm-no-command 2 "no command" -- "$mpvm"
expect mpvm-bad-option 2 "unknown option '--frobnicate'" -- "$mpvm" --frobnicate -- true
expect mpvm-bad-cpu 2 "--cpu must be" -- "$mpvm" --cpu POWER6 -- true
expect mpvm-power8-radix 2 "POWER8 has no radix" -- "$mpvm" --cpu POWER8 --mmu radix -- true
expect mpvm-x86-cpu 2 "apply to ppc64le and ppc64 only" -- "$mpvm" --arch x86_64 --cpu POWER9 -- true
expect mpvm-be-cpu 2 "POWER7 or POWER8 with --arch ppc64" -- "$mpvm" --arch ppc64 --cpu POWER9 -- true
expect mpvm-be-radix 2 "built hash-only" -- "$mpvm" --arch ppc64 --mmu radix -- true
expect mpvm-bad-nodes 2 "--nodes must be" -- "$mpvm" --nodes 0 -- true
expect mpvm-cpus-lt-nodes 2 "at least --nodes" -- "$mpvm" --nodes 4 --cpus 2 -- true
expect mpvm-missing-add 2 "no such file" -- "$mpvm" --add /nonexistent -- true
expect mpvm-bad-timeout 2 "--timeout must be" -- "$mpvm" --timeout x -- true

# ---- mpvm failure reporting (real boots, no module) -------------------------
"$mpvm" --no-load --timeout 120 -- 'echo out; seq 1 20000; echo err >&2; exit 7' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc != 7 ]]; then
	fail mpvm-exit-status "exit $rc, expected 7: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
else
	pass mpvm-exit-status
fi
# stdout must be exactly what the command wrote: no console noise, no \r,
# nothing cut off at power-off.
{ echo out; seq 1 20000; } >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/out"; then
	pass mpvm-clean-stdout
else
	fail mpvm-clean-stdout "stdout differs: $(cmp "$tmp/want" "$tmp/out" 2>&1 | head -n 1)"
fi
grep -qx err "$tmp/err" && pass mpvm-stderr || fail mpvm-stderr "stderr lacks 'err'"

expect mpvm-kernel-warning 126 "kernel log shows a problem" -- \
	"$mpvm" --no-load --timeout 120 -- 'echo "<4>WARNING: CPU: 0 PID: 1 at mpvm-test" >/dev/kmsg'
expect mpvm-timeout 124 "did not finish within 3s" -- "$mpvm" --no-load --timeout 3 -- 'sleep 600'
