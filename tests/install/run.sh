#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the packaging: make install into a staging directory (mpctl,
# mpmon.ko against Debian's x86_64 headers, man pages, udev rule,
# modprobe.d file, bash completion), what it installed, make uninstall, and
# DKMS (make dkms-install, a cross build for ppc64le, make dkms-remove) in
# a private DKMS tree.  Prints one PASS/FAIL line per check for
# scripts/check.  Leaves the machine's /usr/src, /var/lib/dkms, /lib/modules
# and /etc alone; builds mpctl in build/host and mpmon.ko in kmod/ as
# make install does.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
# make install builds mpmon.ko in kmod/, as make module does; unless it was
# built there before, clean it afterwards (lint-kernel's checkpatch reads
# kmod/*.c, and kbuild's mpmon.mod.c is not for it).
kmod_built=0
[[ ! -e $top/kmod/mpmon.ko ]] || kmod_built=1
kdir_x86=""
cleanup() {
	[[ $kmod_built == 1 || -z $kdir_x86 ]] ||
		make -s -C "$kdir_x86" M="$top/kmod" clean >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
# A command that fails outside a check is a failure of the script itself.
trap 'echo "FAIL install/script: line $LINENO: $BASH_COMMAND (exit $?)"' ERR

pass() { echo "PASS install/$1"; }
fail() { echo "FAIL install/$1: $2"; }
check() { # check NAME REASON-IF-FAILED -- command...
	local name=$1 why=$2
	shift 3
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
# One line of at most 200 characters from a log.
excerpt() { tail -n "${2:-3}" "$1" | tr '\n' ' ' | cut -c1-200; }

version=$(sed -n 's/^#define MPMON_VERSION "\(.*\)"$/\1/p' "$top/kmod/mpmon.h")
prefix=/usr/local
stage=$tmp/stage
mkargs=(-C "$top" DESTDIR="$stage" PREFIX="$prefix")

# ---- the kernel headers ------------------------------------------------------
kver_x86="" kdir_ppc="" kver_ppc=""
if out=$("$top/scripts/fetch-kernel" --arch x86_64 --quiet 2>"$tmp/fetch.err"); then
	kdir_x86=$(sed -n 's/^KDIR=//p' <<<"$out")
	kver_x86=$(sed -n 's/^KVER=//p' <<<"$out")
	mkargs+=(KDIR="$kdir_x86")
else
	fail fetch-kernel-x86_64 "$(excerpt "$tmp/fetch.err")"
	mkargs+=(KDIR="$tmp/no-kernel-tree")
fi
if out=$("$top/scripts/fetch-kernel" --arch ppc64le --quiet 2>"$tmp/fetch.err"); then
	kdir_ppc=$(sed -n 's/^KDIR=//p' <<<"$out")
	kver_ppc=$(sed -n 's/^KVER=//p' <<<"$out")
else
	fail fetch-kernel-ppc64le "$(excerpt "$tmp/fetch.err")"
fi

# ---- make install --------------------------------------------------------------
if make -C "$top" mpctl >"$tmp/build.log" 2>&1; then
	pass build-mpctl
else
	fail build-mpctl "$(excerpt "$tmp/build.log")"
fi
if make "${mkargs[@]}" install >"$tmp/install.log" 2>&1; then
	pass make-install
else
	fail make-install "$(excerpt "$tmp/install.log" 5)"
fi
# The lines that say what was installed where (for the record).
grep -E '^(install |  INSTALL|install:)' "$tmp/install.log" | sed 's/^/  /' || true

# What must be there, with its mode, and the file it is a copy of.
expected=(
	"usr/local/sbin/mpctl 755 build/host/user/mpctl"
	"usr/local/share/man/man8/mpctl.8 644 man/mpctl.8"
	"usr/local/share/man/man4/mpmon.4 644 man/mpmon.4"
	"usr/local/share/bash-completion/completions/mpctl 644 packaging/bash-completion/mpctl"
	"usr/local/lib/udev/rules.d/60-mpmon.rules 644 packaging/udev/60-mpmon.rules"
	"etc/modprobe.d/mpmon.conf 644 packaging/modprobe.d/mpmon.conf"
)
[[ -z $kver_x86 ]] || expected+=("lib/modules/$kver_x86/extra/mpmon.ko 644 kmod/mpmon.ko")
for e in "${expected[@]}"; do
	read -r path mode src <<<"$e"
	f=$stage/$path
	if [[ ! -f $f ]]; then
		fail "file/$path" "missing"
	elif [[ $(stat -c %a "$f") != "$mode" ]]; then
		fail "file/$path" "mode $(stat -c %a "$f"), expected $mode"
	elif [[ $(stat -c %U:%G "$f") != "$(id -un):$(id -gn)" ]]; then
		fail "file/$path" "owner $(stat -c %U:%G "$f")"
	elif ! cmp -s "$f" "$top/$src"; then
		fail "file/$path" "differs from $src"
	else
		pass "file/$path"
	fi
done
stray=$(cd "$stage" && find . ! -type d | sed 's|^\./||' | sort |
	comm -23 - <(printf '%s\n' "${expected[@]}" | cut -d' ' -f1 | sort))
check no-stray-files "installed besides: $(echo "$stray" | tr '\n' ' ')" -- [ -z "$stray" ]

ko=$stage/lib/modules/$kver_x86/extra/mpmon.ko
if [[ -n $kver_x86 && -f $ko ]]; then
	vermagic=$(modinfo -F vermagic "$ko")
	modver=$(modinfo -F version "$ko")
	check module-vermagic "vermagic '$vermagic', version '$modver'" -- \
		[ "${vermagic%% *} $modver" = "$kver_x86 $version" ]
	# Every parameter the module has, and no other, is documented.
	params=$(modinfo -F parm "$ko" | cut -d: -f1 | sort | tr '\n' ' ')
	documented=$(sed -n 's/^#options mpmon \([a-z_]*\)=.*/\1/p' "$stage/etc/modprobe.d/mpmon.conf" |
		sort | tr '\n' ' ')
	check modprobe-conf-parameters "module has '$params', the file documents '$documented'" -- \
		[ "$params" = "$documented" ]
fi

# ---- the installed mpctl ---------------------------------------------------------
mpctl=$stage$prefix/sbin/mpctl
if "$mpctl" --help >"$tmp/help" 2>&1 && grep -q '^Commands:' "$tmp/help"; then
	pass mpctl-help
else
	fail mpctl-help "$(excerpt "$tmp/help")"
fi
out=$("$mpctl" --version 2>&1 || true)
check mpctl-version "'$out', expected mpctl $version" -- [ "${out%% (*}" = "mpctl $version" ]
rc=0
"$mpctl" --device "$tmp/none" info >"$tmp/out" 2>&1 || rc=$?
check mpctl-no-device-exit-3 "exit $rc: $(excerpt "$tmp/out" 1)" -- [ "$rc" = 3 ]

# ---- man pages -------------------------------------------------------------------
mandir=$stage$prefix/share/man
for page in man8/mpctl.8 man4/mpmon.4; do
	f=$mandir/$page name=${page#*/}
	name=${name%.*}
	if out=$(groff -man -ww -z "$f" 2>&1) && [[ -z $out ]]; then
		pass "man/$name-groff-ww"
	else
		fail "man/$name-groff-ww" "$(echo "$out" | head -n 3 | tr '\n' ' ')"
	fi
	# man as a reader runs it (the page's own preprocessors, the terminal
	# device), with every warning on.
	if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" >"$tmp/$name.txt" 2>"$tmp/$name.err" &&
		[[ ! -s $tmp/$name.err && -s $tmp/$name.txt ]]; then
		pass "man/$name-renders"
	else
		fail "man/$name-renders" "$(excerpt "$tmp/$name.err")"
	fi
	out=$(lexgrog "$f" 2>&1) || true
	check "man/$name-lexgrog" "lexgrog: $out" -- grep -q ": \"$name - " <<<"$out"
	th=$(sed -n 's/^\.TH [^ ]* [0-9] [^ ]* "mpmon \([^"]*\)".*/\1/p' "$f")
	check "man/$name-version" ".TH says '$th', the module $version" -- [ "$th" = "$version" ]
	found=$(man -M "$mandir" -w "$name" 2>/dev/null || true)
	check "man/$name-found-in-manpath" "man -M $mandir -w $name: '$found'" -- [ "$found" = "$f" ]
done
# mpmon(4)'s example program compiles against the uapi header.
LC_ALL=C MANWIDTH=100 man -l "$mandir/man4/mpmon.4" 2>/dev/null |
	sed -n '/^EXAMPLES/,/^SEE ALSO/p' | sed '1,2d;$d' >"$tmp/example.c"
if gcc -std=c11 -Wall -Wextra -Werror -I"$top/include/uapi" -o "$tmp/example" "$tmp/example.c" \
	>"$tmp/example.log" 2>&1; then
	pass man/mpmon-example-compiles
else
	fail man/mpmon-example-compiles "$(excerpt "$tmp/example.log")"
fi
# Every ioctl of the uapi header is documented in mpmon(4).
missing=""
while read -r ioc; do
	grep -q "^\.B $ioc\$" "$mandir/man4/mpmon.4" || missing+=" $ioc"
done < <(sed -n 's/^#define \(MPMON_IOC_[A-Z_]*\)\t.*_IO.*/\1/p' "$top/include/uapi/linux/mpmon.h")
check man/mpmon-documents-every-ioctl "not documented:$missing" -- [ -z "$missing" ]

# ---- udev rule -------------------------------------------------------------------
# udevadm verify exists from systemd 254; Debian 12 has 252.  There, the
# rule is checked by the real udev: udevadm test runs every rules file
# against a misc device in a private mount namespace (tmpfs over /run and
# /dev, so nothing of the machine changes), with the rule's device name
# replaced by that device's.  It must apply OWNER, GROUP and MODE, and say
# nothing else about the file (udev logs "Invalid key", "Unknown group").
rules=$stage$prefix/lib/udev/rules.d/60-mpmon.rules
if udevadm verify --help >/dev/null 2>&1; then
	if udevadm verify "$rules" >"$tmp/verify" 2>&1; then
		pass udev/verify
	else
		fail udev/verify "$(excerpt "$tmp/verify")"
	fi
fi
udev_test() { # udev_test RULES-FILE DEVICE [GROUP-TO-ADD]: udevadm test output
	# shellcheck disable=SC2016 # the script's own variables
	unshare -m sh -euc '
		rules=$1 dev=$2 group=$3 work=$4
		mount -t tmpfs none /run
		mount -t tmpfs none /dev
		if [ -n "$group" ]; then
			cp /etc/group "$work/group"
			echo "$group:x:4242:" >>"$work/group"
			mount --bind "$work/group" /etc/group
		fi
		mkdir -p /run/udev/rules.d
		cp "$rules" /run/udev/rules.d/
		udevadm test --action=add "/sys/class/misc/$dev" 2>&1
	' sh "$1" "$2" "${3:-}" "$tmp"
}
# udev_applied OUTPUT DEVICE: the OWNER/GROUP/MODE lines of our file, and
# every other line that names it (which is a complaint).
udev_lines() {
	{ grep -a -F '60-mpmon.rules' "$1" || true; } | { grep -v 'Reading rules file' || true; } |
		sed "s/^$2: //; s|^.*/60-mpmon.rules:[0-9]* ||"
}
dev=$(find /sys/class/misc -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | head -n 1 || true)
if ! command -v udevadm >/dev/null; then
	fail udev/rule-applies "udevadm is missing (make deps installs udev)"
elif [[ $(id -u) != 0 ]] || ! unshare -m true 2>/dev/null; then
	fail udev/rule-applies "needs root and mount namespaces (unshare -m)"
elif [[ -z $dev ]]; then
	fail udev/rule-applies "no misc device in /sys/class/misc to run the rule against"
else
	sed "s/KERNEL==\"mpmon\"/KERNEL==\"$dev\"/" "$rules" >"$tmp/60-mpmon.rules"
	udev_test "$tmp/60-mpmon.rules" "$dev" >"$tmp/udev.out" || true
	got=$(udev_lines "$tmp/udev.out" "$dev" | tr '\n' ',')
	check udev/rule-applies "udevadm test on $dev: '$got'" -- [ "$got" = "OWNER 0,GROUP 0,MODE 0600," ]
	# The documented option: a group, mode 0660 (with the group created).
	sed -i 's/^#\(SUBSYSTEM=="misc", KERNEL==\)/\1/' "$tmp/60-mpmon.rules"
	udev_test "$tmp/60-mpmon.rules" "$dev" mpmon >"$tmp/udev.out" || true
	got=$(udev_lines "$tmp/udev.out" "$dev" | tr '\n' ',')
	check udev/group-option-applies "udevadm test on $dev: '$got'" -- \
		[ "$got" = "OWNER 0,GROUP 0,MODE 0600,GROUP 4242,MODE 0660," ]
fi

# ---- bash completion -------------------------------------------------------------
comp=$stage$prefix/share/bash-completion/completions/mpctl
mkdir -p "$tmp/cwd/sub"
: >"$tmp/cwd/rec.mprec"
# complete MODE WORD...: the sorted completions of the last word, through
# the function "complete -p mpctl" names; MODE plain is bash alone, full
# has bash-completion loaded first.
complete_words() {
	(cd "$tmp/cwd" && bash --norc --noprofile -c '
		[[ $1 == plain ]] || source /usr/share/bash-completion/bash_completion
		source "$2"
		shift 2
		f=$(complete -p mpctl) && f=${f#*-F } && f=${f%% *} || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$f" mpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
	' _ "$@")
}
cmds="disable enable events export filter help info record report reset stats top"
common="--device --help --json"
sorted() { tr ' ' '\n' <<<"$*" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }
cases=(
	"commands|mpctl |$cmds"
	"command-prefix|mpctl st|stats"
	"global-options|mpctl -|--device --help --json --version"
	"after-json|mpctl --json |$cmds"
	"after-device|mpctl --device /dev/mpmon |$cmds"
	"device-file|mpctl --device |rec.mprec sub"
	"stats-options|mpctl stats --|$(sorted --format --watch --count --reset "$common")"
	"stats-format|mpctl stats --format |json prometheus text"
	"stats-format-eq|mpctl stats --format = j|json"
	"stats-format-eq-one-word|mpctl stats --format=p|--format=prometheus"
	"stats-watch-number|mpctl stats --watch |"
	"events-options|mpctl events --|$(sorted --follow --limit --buffer --boost --tgid --comm --errors "$common")"
	"events-after-device|mpctl --device /dev/mpmon events --l|--limit"
	"top-options|mpctl top --|$(sorted --interval --count --rows --sort "$common")"
	"top-sort|mpctl top --sort |calls errors failed moved pages time"
	"top-sort-m|mpctl top --sort m|moved"
	"filter-options|mpctl filter --|$(sorted --tgid --uid --comm --clear "$common")"
	"export-options|mpctl export --|$(sorted --textfile-dir --interval --count "$common")"
	"export-dir|mpctl export --textfile-dir |sub"
	"record-options|mpctl record --|$(sorted --output --duration --limit --buffer --boost "$common")"
	"record-output|mpctl record -o |rec.mprec sub"
	"report-options|mpctl report --|$(sorted --view --events --rows --sort --format --tgid --comm --errors "$common")"
	"report-view|mpctl report --view |events stats top"
	"report-file|mpctl report |rec.mprec sub"
	"report-after-file|mpctl report rec.mprec --r|--rows"
	"help-commands|mpctl help |${cmds/help /}"
	"info-options|mpctl info |$common"
	"unknown-command|mpctl frob |"
)
for mode in plain full; do
	if [[ $mode == full && ! -f /usr/share/bash-completion/bash_completion ]]; then
		fail completion/$mode "bash-completion is not installed (make deps)"
		continue
	fi
	bad=""
	for c in "${cases[@]}"; do
		IFS='|' read -r name line want <<<"$c"
		read -r -a words <<<"$line"
		[[ $line != *" " ]] || words+=("")
		got=$(complete_words "$mode" "$comp" "${words[@]}" 2>&1) || got="(failed) $got"
		[[ $got == "$want" ]] || bad+="$name: got '$got', want '$want'; "
	done
	# Values that depend on the machine: PIDs, user IDs, command names.
	got=" $(complete_words "$mode" "$comp" mpctl events --tgid '') "
	[[ $got == *" 1 "* ]] || bad+="tgid: no PID 1 in '${got:0:80}'; "
	got=" $(complete_words "$mode" "$comp" mpctl filter --uid '') "
	[[ $got == *" 0 "* ]] || bad+="uid: no uid 0 in '${got:0:80}'; "
	got=" $(complete_words "$mode" "$comp" mpctl filter --comm ba) "
	[[ $got == *" bash "* ]] || bad+="comm: no bash in '${got:0:80}'; "
	check "completion/$mode" "$bad" -- [ -z "$bad" ]
done
# The completion knows what the installed mpctl says it has: its commands
# and, for each, its options (from mpctl --help and mpctl COMMAND --help).
bad=""
have=$(sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p' "$tmp/help" | sort | tr '\n' ' ' | sed 's/ $//')
[[ $have == "$(sorted "${cmds/help /}")" ]] || bad+="commands: mpctl has '$have'; "
for cmd in $have; do
	opts=$("$mpctl" "$cmd" --help 2>/dev/null |
		sed -n 's/^  \(-[a-zA-Z] \[ \)\{0,1\}\(--[a-z-]*\).*/\2/p' | sort -u | tr '\n' ' ' | sed 's/ $//' || true)
	got=$(complete_words plain "$comp" mpctl "$cmd" --)
	[[ $got == "$opts" ]] || bad+="$cmd: mpctl has '$opts', completion '$got'; "
done
check completion/matches-mpctl "$bad" -- [ -z "$bad" ]

# ---- make uninstall ----------------------------------------------------------------
if make "${mkargs[@]}" uninstall >"$tmp/uninstall.log" 2>&1; then
	pass make-uninstall
else
	fail make-uninstall "$(excerpt "$tmp/uninstall.log")"
fi
left=$(cd "$stage" && find . ! -type d | sed 's|^\./||' | tr '\n' ' ')
check uninstall-leaves-only-dirs "left: $left" -- [ -z "$left" ]
# A modprobe.d file changed by the administrator survives both.
make "${mkargs[@]}" install-user >/dev/null 2>&1 || true
echo "options mpmon maxactive=128" >>"$stage/etc/modprobe.d/mpmon.conf"
make "${mkargs[@]}" install-user >/dev/null 2>&1 || true
make "${mkargs[@]}" uninstall-user >/dev/null 2>&1 || true
check modprobe-conf-kept-when-changed "the changed file was replaced or removed" -- \
	grep -q '^options mpmon maxactive=128$' "$stage/etc/modprobe.d/mpmon.conf"

# Without a kernel tree, make install installs the rest and says why the
# module is not there.
if make -C "$top" DESTDIR="$tmp/nokdir" KDIR="$tmp/no-kernel-tree" install >"$tmp/nokdir.log" 2>&1 &&
	grep -q 'mpmon.ko not installed: no kernel build tree' "$tmp/nokdir.log"; then
	n=$(find "$tmp/nokdir" -type f | wc -l)
	check install-without-kernel-tree "$n files installed, expected 6" -- [ "$n" = 6 ]
else
	fail install-without-kernel-tree "$(excerpt "$tmp/nokdir.log")"
fi

# ---- DKMS --------------------------------------------------------------------------
dkms_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
check dkms/version "dkms.conf says '$dkms_version', kmod/mpmon.h '$version'" -- \
	[ "$dkms_version" = "$version" ]
host_state() { find /var/lib/dkms /usr/src -maxdepth 1 -printf '%p %T@\n' 2>&1 | sort | md5sum; }
before=$(host_state)
d=$tmp/dkms
if ! command -v dkms >/dev/null; then
	fail dkms/install "dkms is not installed (make deps)"
elif [[ -z $kver_x86 ]]; then
	fail dkms/install "no x86_64 kernel headers (see above)"
else
	mkdir -p "$d/src" "$d/tree" "$d/modules/$kver_x86"
	# Private trees; the module is signed with a key made here (dkms makes
	# one in /var/lib/dkms otherwise); no depmod (it would read /lib/modules).
	export mok_signing_key=$d/mok.key mok_certificate=$d/mok.pub
	dkargs=(DKMS_SOURCETREE="$d/src"
		DKMS_FLAGS="--dkmstree $d/tree --installtree $d/modules --no-depmod")
	if make -C "$top" "${dkargs[@]}" DKMS_KFLAGS="-k $kver_x86 --kernelsourcedir $kdir_x86" \
		dkms-install >"$tmp/dkms.log" 2>&1; then
		pass dkms/install
	else
		fail dkms/install "$(excerpt "$tmp/dkms.log" 4)"
	fi
	grep -E '^(dkms |make -j|Signing|   - Installing|Creating symlink)' "$tmp/dkms.log" | sed 's/^/  /' || true
	ko=$d/modules/$kver_x86/updates/dkms/mpmon.ko
	if [[ -f $ko ]]; then
		vermagic=$(modinfo -F vermagic "$ko")
		signer=$(modinfo -F signer "$ko")
		debug=$(readelf -S "$ko" | grep -c '\.debug_info' || true)
		check dkms/x86_64-module "vermagic '$vermagic', signer '$signer', $debug debug sections" -- \
			[ "${vermagic%% *}|$signer|$debug" = "$kver_x86|DKMS module signing key|0" ]
	else
		fail dkms/x86_64-module "no $ko"
	fi
	status=$(dkms status -m mpmon -v "$version" --dkmstree "$d/tree" --sourcetree "$d/src" \
		--installtree "$d/modules" 2>&1 || true)
	check dkms/status-installed "dkms status: '$status'" -- \
		[ "$status" = "mpmon/$version, $kver_x86, x86_64: installed" ]
	# The same version again (changed sources): removed, then added anew.
	if make -C "$top" "${dkargs[@]}" DKMS_KFLAGS="-k $kver_x86 --kernelsourcedir $kdir_x86" \
		dkms-install >"$tmp/dkms2.log" 2>&1 && grep -q "^dkms remove " "$tmp/dkms2.log" &&
		[[ -f $d/modules/$kver_x86/updates/dkms/mpmon.ko ]]; then
		pass dkms/reinstall
	else
		fail dkms/reinstall "$(excerpt "$tmp/dkms2.log" 4)"
	fi

	# ppc64le: a cross build.  -a names the architecture for DKMS; the
	# headers' .kernelvariables set ARCH=powerpc; CROSS_COMPILE comes from
	# the environment, and DKMS strips with "strip", so the cross one.
	if [[ -n $kver_ppc ]]; then
		mkdir -p "$tmp/bin"
		ln -sf "$(command -v powerpc64le-linux-gnu-strip)" "$tmp/bin/strip"
		if PATH=$tmp/bin:$PATH CROSS_COMPILE=powerpc64le-linux-gnu- \
			dkms build -m mpmon -v "$version" -k "$kver_ppc" -a ppc64le \
			--kernelsourcedir "$kdir_ppc" --dkmstree "$d/tree" --sourcetree "$d/src" \
			>"$tmp/dkms-ppc.log" 2>&1; then
			ko=$d/tree/mpmon/$version/$kver_ppc/ppc64le/module/mpmon.ko
			vermagic=$(modinfo -F vermagic "$ko" 2>&1 || true)
			machine=$(readelf -h "$ko" 2>&1 | sed -n 's/^ *Machine: *//p')
			data=$(readelf -h "$ko" 2>&1 | sed -n 's/^ *Data: *//p')
			debug=$(readelf -S "$ko" | grep -c '\.debug_info' || true)
			check dkms/ppc64le-build "$machine, $data, vermagic '$vermagic', $debug debug sections" -- \
				[ "${vermagic%% *}|$machine|${data#*, }|$debug" = "$kver_ppc|PowerPC64|little endian|0" ]
		else
			fail dkms/ppc64le-build "$(excerpt "$tmp/dkms-ppc.log" 4)"
		fi
		grep -E '^make -j' "$tmp/dkms-ppc.log" | sed 's/^/  /' || true
	fi

	if make -C "$top" "${dkargs[@]}" dkms-remove >"$tmp/dkms-remove.log" 2>&1; then
		pass dkms/remove
	else
		fail dkms/remove "$(excerpt "$tmp/dkms-remove.log")"
	fi
	left=$(cd "$d" && find src tree modules -name '*mpmon*' | tr '\n' ' ')
	check dkms/remove-leaves-nothing "left: $left" -- [ -z "$left" ]
fi
check dkms/host-untouched "/var/lib/dkms or /usr/src changed" -- [ "$(host_state)" = "$before" ]
