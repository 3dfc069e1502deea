#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the packages (scripts/check packaging): prints one PASS/FAIL line
# per check.
#
#   - the versions agree: kmod/mpmon.h (the source), user/CMakeLists.txt,
#     dkms.conf, debian/changelog and the RPM spec;
#   - make deb builds mpmon-dkms, mpctl for amd64 and, cross-built, for
#     ppc64el; lintian finds no errors;
#   - in a Debian 12 root (tests/packaging/bookworm-root, an overlay per
#     run) with the headers of the kernel the VM boots: apt installs both
#     packages, DKMS builds the module for that kernel, mpctl runs, dpkg -L
#     lists the files where the FHS puts them, with the sources' contents;
#     apt-get purge leaves the root as it was;
#   - upgrading mpmon-dkms from an earlier version keeps a locally changed
#     /etc/modprobe.d/mpmon.conf (a conffile) and rebuilds the module;
#   - the module DKMS built loads in the x86_64 VM, and the amd64 mpctl of
#     the package reads a workload's calls; the ppc64el mpctl of the package
#     does the same in the POWER9 VM (mpvm, one VM at a time under
#     /tmp/mpmon-qemu.lock);
#   - make rpm: the source RPM and mpctl's binary RPM, whose file lists are
#     the expected ones (rpmbuild of Debian's rpm package).
#
# The packages are built in ${XDG_CACHE_HOME:-~/.cache}/mpmon/packages and
# rpm, again only when their sources changed (debian/, kmod/, include/,
# user/, man/, packaging/, dkms.conf; MPMON_PKG_REBUILD=1: always, e.g.
# after a change of make deb or make rpm themselves).
# Leaves the machine's /usr/src, /var/lib/dkms, /lib/modules and /etc alone.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

pass() { echo "PASS packaging/$1"; }
fail() { echo "FAIL packaging/$1: $2"; }
check() { # check NAME REASON-IF-FAILED -- command...
	local name=$1 why=$2
	shift 3
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
excerpt() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-300; }
note() { echo "  $*"; }

# ---- versions ------------------------------------------------------------------
version=$(sed -n 's/^#define MPMON_VERSION "\(.*\)"$/\1/p' kmod/mpmon.h)
v_cmake=$(sed -n 's/^project(mpctl VERSION \([^ ]*\) .*/\1/p' user/CMakeLists.txt)
v_dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
v_deb=$(dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
v_rpm=$(sed -n 's/^Version: *//p' packaging/rpm/mpmon.spec 2>/dev/null)
got="$v_cmake $v_dkms ${v_deb%-*} $v_rpm"
check versions-agree "kmod/mpmon.h says '$version'; user/CMakeLists.txt, dkms.conf, debian/changelog, the RPM spec: '$got'" -- \
	[ -n "$version" ] && [ "$got" = "$version $version $version $version" ]
[[ -n $version ]] || { fail setup "no MPMON_VERSION in kmod/mpmon.h"; exit 0; }
debver=$v_deb

# ---- make deb ------------------------------------------------------------------
cache=${XDG_CACHE_HOME:-$HOME/.cache}/mpmon
# What the binary packages are made of; the key names a build of them.
key=$(git ls-files -z --cached --others --exclude-standard -- debian kmod include user man \
	packaging/udev packaging/modprobe.d packaging/bash-completion dkms.conf |
	sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-16)
out=$cache/packages/$key
if [[ ${MPMON_PKG_REBUILD:-0} == 1 || ! -f $out/.complete ]]; then
	rm -rf "$cache/packages"
	mkdir -p "$out"
	t0=$SECONDS
	if make -C "$top" deb DEB_OUT="$out" >"$tmp/make-deb.log" 2>&1; then
		touch "$out/.complete"
		pass "make-deb (built in $((SECONDS - t0)) s)"
	else
		fail make-deb "$(excerpt "$tmp/make-deb.log" 4)"
	fi
else
	pass "make-deb (sources unchanged since $out was built)"
fi
deb_dkms=$out/mpmon-dkms_${debver}_all.deb
deb_amd64=$out/mpctl_${debver}_amd64.deb
deb_ppc=$out/mpctl_${debver}_ppc64el.deb
for d in "$deb_dkms" "$deb_amd64" "$deb_ppc" "$out/mpmon_$debver.dsc"; do
	[[ -f $d ]] || fail "package/${d##*/}" "not built"
done

# The binaries are the architectures' own.
for d in "$deb_amd64:x86-64:Advanced Micro Devices X86-64" "$deb_ppc:ppc64le:PowerPC64"; do
	IFS=: read -r f name machine <<<"$d"
	[[ -f $f ]] || continue
	rm -rf "$tmp/x" && dpkg-deb -x "$f" "$tmp/x"
	got=$(readelf -h "$tmp/x/usr/sbin/mpctl" 2>&1 | sed -n 's/^ *Machine: *//p')
	check "mpctl-$name-machine" "readelf says '$got'" -- [ "$got" = "$machine" ]
done

# ---- lintian -------------------------------------------------------------------
if ! command -v lintian >/dev/null; then
	fail lintian "lintian is not installed (make deps)"
else
	changes=("$out"/*.changes)
	lintian --fail-on error "${changes[@]}" \
		>"$tmp/lintian.log" 2>&1
	rc=$?
	errors=$(grep -c '^E: ' "$tmp/lintian.log")
	warnings=$(grep -c '^W: ' "$tmp/lintian.log")
	grep -E '^(E|W): ' "$tmp/lintian.log" | sed 's/^/  /'
	check "lintian-no-errors ($warnings warnings)" "exit $rc, $errors errors: $(grep '^E: ' "$tmp/lintian.log" | head -n 3 | tr '\n' ' ')" -- \
		[ "$rc" = 0 ] && [ "$errors" = 0 ] && [ "${#changes[@]}" = 2 ]
fi

# ---- the bookworm root -----------------------------------------------------------
kernel=$(scripts/fetch-kernel --arch x86_64 --quiet 2>"$tmp/fetch.err") ||
	{ fail fetch-kernel "$(excerpt "$tmp/fetch.err")"; }
kver=$(sed -n 's/^KVER=//p' <<<"$kernel")
lower=""
if [[ -n $kver ]]; then
	lower=$(tests/packaging/bookworm-root "$kver" 2>"$tmp/root.err") ||
		{ fail bookworm-root "$(excerpt "$tmp/root.err")"; lower=""; }
	cat "$tmp/root.err" >&2
fi
# An overlay on the cached root, mounted for each command in a private mount
# namespace: what the packages change lands in $tmp/upper only.
mkdir -p "$tmp/upper" "$tmp/work" "$tmp/merged"
in_root() { # in_root 'SHELL COMMAND': its output, its exit status
	unshare -m sh -c '
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged" &&
		mount -t proc proc "$2/merged/proc" && mount -t tmpfs tmpfs "$2/merged/tmp" &&
		mkdir -p "$2/merged/tmp/pkgs" && mount --bind "$2/pkgs" "$2/merged/tmp/pkgs" &&
		exec chroot "$2/merged" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 /bin/sh -c "$3"' sh "$lower" "$tmp" "$1"
}
# Every file of the root but those that change by themselves (logs, apt's
# and dpkg's own records and caches), with its type and content hash.
snapshot() {
	in_root 'cd / && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/log \
		-o -path ./var/cache -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./run \) -prune \
		-o -printf "%y %m %p\n" | sort' 2>&1
}
mkdir -p "$tmp/pkgs"
apt_install='apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold'

root_ok=0
if [[ -n $lower && -f $deb_dkms && -f $deb_amd64 ]]; then
	cp "$deb_dkms" "$deb_amd64" "$tmp/pkgs/"
	if in_root true 2>"$tmp/mount.err"; then
		root_ok=1
	else
		fail root-overlay "cannot mount an overlay on $lower: $(excerpt "$tmp/mount.err")"
	fi
fi
ko_out=$tmp/mpmon-dkms.ko
if [[ $root_ok == 1 ]]; then
	snapshot >"$tmp/before"
	t0=$SECONDS
	if in_root "$apt_install /tmp/pkgs/${deb_dkms##*/} /tmp/pkgs/${deb_amd64##*/}" >"$tmp/install.log" 2>&1; then
		pass "root/apt-install ($((SECONDS - t0)) s)"
	else
		fail root/apt-install "$(excerpt "$tmp/install.log" 4)"
	fi
	grep -E '^(Building|Signing|depmod|Running|dkms|Setting up (mpctl|mpmon))' "$tmp/install.log" | sed 's/^/  /' || true

	# DKMS built and installed the module for the kernel of the headers.
	status=$(in_root 'dkms status mpmon' 2>&1)
	check root/dkms-status "dkms status: '$status'" -- \
		[ "$status" = "mpmon/$version, $kver, x86_64: installed" ]
	ko=/lib/modules/$kver/updates/dkms/mpmon.ko
	in_root "cat $ko" >"$ko_out" 2>/dev/null || rm -f "$ko_out"
	if [[ -s $ko_out ]]; then
		got="$(modinfo -F vermagic "$ko_out" | cut -d' ' -f1) $(modinfo -F version "$ko_out")"
		check root/dkms-module "vermagic and version '$got', expected '$kver $version'" -- \
			[ "$got" = "$kver $version" ]
		dep=$(in_root "grep -c '^updates/dkms/mpmon.ko:' /lib/modules/$kver/modules.dep" 2>&1)
		check root/module-in-modules.dep "modules.dep has it $dep times" -- [ "$dep" = 1 ]
	else
		fail root/dkms-module "no $ko in the root"
	fi

	# mpctl runs (with the libraries its package depends on).
	got=$(in_root 'mpctl --version' 2>&1)
	check root/mpctl-version "'$got', expected mpctl $version" -- [ "${got%% (*}" = "mpctl $version" ]
	rc=0
	in_root 'mpctl --device /nonexistent info' >"$tmp/nodev" 2>&1 || rc=$?
	check root/mpctl-no-device-exit-3 "exit $rc: $(excerpt "$tmp/nodev" 1)" -- [ "$rc" = 3 ]
	got=$(in_root 'bash -c ". /usr/share/bash-completion/bash_completion; _completion_loader mpctl; complete -p mpctl"' 2>&1)
	check root/bash-completion-loads "complete -p mpctl: '$got'" -- grep -q -- '-F _.* mpctl$' <<<"$got"

	# dpkg -L against where the FHS and Debian put each file.  The module
	# sources are those of kmod/ (no build products) and the uapi header.
	src=/usr/src/mpmon-$version
	want_dkms=(/etc/modprobe.d/mpmon.conf /lib/udev/rules.d/60-mpmon.rules "$src/dkms.conf"
		"$src/include/uapi/linux/mpmon.h"
		/usr/share/doc/mpmon-dkms/changelog.Debian.gz /usr/share/doc/mpmon-dkms/changelog.gz
		/usr/share/doc/mpmon-dkms/copyright /usr/share/lintian/overrides/mpmon-dkms)
	# The module's files in the tree the packages were built from (the tree
	# make deb copied: others may be changing this one meanwhile).
	built=$out/mpmon-$version
	kmod_files=$(cd "$built" && ls kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile | grep -v '\.mod\.c$')
	for f in $kmod_files; do
		want_dkms+=("$src/$f")
	done
	want_mpctl=(/usr/sbin/mpctl /usr/share/man/man8/mpctl.8.gz /usr/share/man/man4/mpmon.4.gz
		/usr/share/bash-completion/completions/mpctl /usr/share/doc/mpctl/changelog.Debian.gz
		/usr/share/doc/mpctl/changelog.gz /usr/share/doc/mpctl/copyright
		/usr/share/lintian/overrides/mpctl)
	for p in mpmon-dkms mpctl; do
		if [[ $p == mpctl ]]; then want=("${want_mpctl[@]}"); else want=("${want_dkms[@]}"); fi
		# Files only: a directory in the list is one of the paths above.
		in_root "dpkg -L $p | while read -r f; do [ -d \"\$f\" ] || echo \"\$f\"; done" 2>&1 |
			sort >"$tmp/dpkg-L-$p"
		printf '%s\n' "${want[@]}" | sort >"$tmp/want-$p"
		d=$(diff "$tmp/want-$p" "$tmp/dpkg-L-$p" | sed -n 's/^\([<>]\) /\1/p' | tr '\n' ' ')
		check "root/dpkg-L-$p" "< expected only, > dpkg -L only: $d" -- [ -z "$d" ]
	done
	# The files are those of the sources the packages were built from, man
	# pages compressed, with their modes.
	bad=""
	same() { # same PATH-IN-ROOT SOURCE MODE [gz]
		local m
		m=$(in_root "stat -c %a $1" 2>&1)
		[[ $m == "$3" ]] || bad+="$1: mode $m, expected $3; "
		if [[ ${4:-} == gz ]]; then
			in_root "zcat $1" | cmp -s - "$built/$2" || bad+="$1 differs from $2; "
		else
			in_root "cat $1" | cmp -s - "$built/$2" || bad+="$1 differs from $2; "
		fi
	}
	same /etc/modprobe.d/mpmon.conf packaging/modprobe.d/mpmon.conf 644
	same /lib/udev/rules.d/60-mpmon.rules packaging/udev/60-mpmon.rules 644
	same "$src/dkms.conf" dkms.conf 644
	same "$src/include/uapi/linux/mpmon.h" include/uapi/linux/mpmon.h 644
	for f in $kmod_files; do
		same "$src/$f" "$f" 644
	done
	same /usr/share/man/man8/mpctl.8.gz man/mpctl.8 644 gz
	same /usr/share/man/man4/mpmon.4.gz man/mpmon.4 644 gz
	same /usr/share/bash-completion/completions/mpctl packaging/bash-completion/mpctl 644
	m=$(in_root 'stat -c %a /usr/sbin/mpctl' 2>&1)
	[[ $m == 755 ]] || bad+="/usr/sbin/mpctl: mode $m; "
	check root/files-are-the-sources "$bad" -- [ -z "$bad" ]
	conf=$(in_root 'cat /var/lib/dpkg/info/mpmon-dkms.conffiles' 2>&1)
	check root/modprobe-conf-is-conffile "conffiles: '$conf'" -- [ "$conf" = /etc/modprobe.d/mpmon.conf ]

	# ---- apt-get purge ----
	if in_root 'apt-get purge -y -q mpctl mpmon-dkms' >"$tmp/purge.log" 2>&1; then
		pass root/apt-get-purge
	else
		fail root/apt-get-purge "$(excerpt "$tmp/purge.log" 4)"
	fi
	left=$(in_root 'dpkg-query -W -f "\${db:Status-Abbrev} \${Package}\n" mpctl mpmon-dkms 2>/dev/null' 2>&1 |
		grep -v '^un ' | tr '\n' ' ' || true)
	check root/purge-no-package-state "dpkg still knows: $left" -- [ -z "$left" ]
	status=$(in_root 'dkms status mpmon' 2>&1)
	check root/purge-dkms-status-empty "dkms status: '$status'" -- [ -z "$status" ]
	# The root as it was, but for the signing key DKMS made on first use
	# (dkms's own, for every DKMS module: /var/lib/dkms/mok.*).
	snapshot >"$tmp/after"
	d=$(diff "$tmp/before" "$tmp/after" | sed -n 's/^\([<>]\) /\1/p' |
		grep -v -E '^>f [0-7]+ \./var/lib/dkms/mok\.(key|pub)$' | head -n 10 | tr '\n' ' ')
	check root/purge-leaves-nothing "< gone, > left behind: $d" -- [ -z "$d" ]
fi

# ---- upgrade from an earlier version: the conffile ------------------------------
# An earlier mpmon-dkms is built from a copy of these sources with an earlier
# version and another modprobe.d file: dpkg then has a changed conffile in
# the package and a locally changed one on disk, and must keep the local one
# (the choice an unattended upgrade makes: --force-confdef --force-confold).
prev=1.2.99
if [[ $root_ok == 1 && -d $out/mpmon-$version ]]; then
	p=$tmp/prev/mpmon-$prev
	mkdir -p "$tmp/prev"
	cp -a "$out/mpmon-$version" "$p"
	# the module's source, as dpkg-source would unpack it
	rm -rf "$p/debian/.debhelper" "$p/obj-"*
	sed -i "s/^#define MPMON_VERSION \".*\"/#define MPMON_VERSION \"$prev\"/" "$p/kmod/mpmon.h"
	sed -i "s/^project(mpctl VERSION [^ ]* /project(mpctl VERSION $prev /" "$p/user/CMakeLists.txt"
	sed -i "s/^PACKAGE_VERSION=\".*\"/PACKAGE_VERSION=\"$prev\"/" "$p/dkms.conf"
	sed -i '/^# To load mpmon at every boot/d' "$p/packaging/modprobe.d/mpmon.conf"
	{
		printf 'mpmon (%s-1) unstable; urgency=medium\n\n  * An earlier version, for the upgrade test.\n\n' "$prev"
		printf ' -- Test <test@localhost>  Mon, 01 Jan 2024 00:00:00 +0000\n\n'
	} >"$p/debian/changelog"
	if (cd "$p" && dpkg-buildpackage -A -us -uc) >"$tmp/prev-build.log" 2>&1; then
		cp "$tmp/prev/mpmon-dkms_${prev}-1_all.deb" "$tmp/pkgs/"
		t0=$SECONDS
		if in_root "$apt_install /tmp/pkgs/mpmon-dkms_${prev}-1_all.deb" >"$tmp/prev-install.log" 2>&1 &&
			in_root 'echo "options mpmon ring_events=65536 # local" >>/etc/modprobe.d/mpmon.conf' &&
			in_root "$apt_install /tmp/pkgs/${deb_dkms##*/}" >"$tmp/upgrade.log" 2>&1; then
			pass "upgrade/install-$prev-then-$debver ($((SECONDS - t0)) s)"
		else
			fail "upgrade/install-$prev-then-$debver" "$(excerpt "$tmp/prev-install.log" 2) $(excerpt "$tmp/upgrade.log" 3)"
		fi
		grep -E 'mpmon.conf|Unpacking mpmon' "$tmp/upgrade.log" | sed 's/^/  /' || true
		got=$(in_root 'grep -c "^options mpmon ring_events=65536 # local$" /etc/modprobe.d/mpmon.conf' 2>&1)
		check upgrade/local-conffile-kept "the local line is there $got times" -- [ "$got" = 1 ]
		in_root 'cat /etc/modprobe.d/mpmon.conf.dpkg-dist' >"$tmp/dist" 2>/dev/null
		check upgrade/new-conffile-as-dpkg-dist "mpmon.conf.dpkg-dist is not the new file" -- \
			cmp -s "$tmp/dist" packaging/modprobe.d/mpmon.conf
		status=$(in_root 'dkms status mpmon' 2>&1)
		check upgrade/dkms-has-only-the-new-version "dkms status: '$status'" -- \
			[ "$status" = "mpmon/$version, $kver, x86_64: installed" ]
		in_root "cat /lib/modules/$kver/updates/dkms/mpmon.ko" >"$tmp/up.ko" 2>/dev/null
		got=$(modinfo -F version "$tmp/up.ko" 2>&1)
		check upgrade/module-rebuilt "the installed module is version '$got'" -- [ "$got" = "$version" ]
	else
		fail upgrade/build-$prev "$(excerpt "$tmp/prev-build.log" 4)"
	fi
fi

# ---- the VMs -------------------------------------------------------------------
# pkg.tar.gz: mpctl from its package and the shared libraries it needs
# (DT_NEEDED, recursively, and the loader), found in LIBDIRS.
bundle() { # bundle DEB OUT.tar.gz LIBDIR...
	local deb=$1 tgz=$2 b=$tmp/bundle lib f n found
	shift 2
	rm -rf "$b" && mkdir -p "$b/lib"
	dpkg-deb -x "$deb" "$b" || return 1
	local queue=("$b/usr/sbin/mpctl") done_=" "
	n=$(readelf -l "$b/usr/sbin/mpctl" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	n=${n##*/}
	[[ -n $n ]] || { echo "no interpreter in mpctl"; return 1; }
	queue+=("@$n")
	while [[ ${#queue[@]} -gt 0 ]]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		if [[ $f == @* ]]; then
			lib=${f#@}
			[[ $done_ != *" $lib "* ]] || continue
			done_+="$lib "
			found=""
			for d in "$@"; do
				[[ -e $d/$lib ]] && { found=$d/$lib; break; }
			done
			[[ -n $found ]] || { echo "$lib not found in $*"; return 1; }
			cp -L "$found" "$b/lib/$lib"
			f=$b/lib/$lib
		fi
		while read -r n; do queue+=("@$n"); done < <(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	done
	tar -C "$b" -czf "$tgz" usr/sbin/mpctl lib
}
mpvm() { flock /tmp/mpmon-qemu.lock scripts/mpvm "$@"; }
vm_run() { # vm_run NAME MPVM-ARGS... : the guest's PASS/FAIL lines, prefixed
	local name=$1 rc
	shift
	mpvm "$@" 2>"$tmp/vm-$name.err" | sed -u -n "s/^\(PASS\|FAIL\) /\1 packaging\/vm-$name\//p"
	rc=${PIPESTATUS[0]}
	tail -n 2 "$tmp/vm-$name.err" | sed 's/^/  /'
	check "vm-$name/boot-and-run" "mpvm exit $rc: $(grep -v '^mpvm: \(done\|guest ready\|booting\)' "$tmp/vm-$name.err" | tail -n 3 | tr '\n' ' ' | cut -c1-300)" -- [ "$rc" = 0 ]
}

# x86_64: the module DKMS built in the root, the amd64 mpctl of the package
# with the libraries of the root it was installed in.
if [[ -s $ko_out && -f $deb_amd64 ]]; then
	mkdir -p "$tmp/x86"
	if gcc -static -O2 -o "$tmp/x86/mpwork" tests/workload/mpwork.c 2>"$tmp/cc.err"; then
		if err=$(bundle "$deb_amd64" "$tmp/x86/pkg.tar.gz" "$lower/lib/x86_64-linux-gnu" \
			"$lower/usr/lib/x86_64-linux-gnu" "$lower/lib64" 2>&1); then
			cp "$ko_out" "$tmp/x86/mpmon.ko"
			vm_run x86_64 --arch x86_64 --no-load --timeout 300 --log "$top/build/packaging-vm-x86_64.log" \
				--add tests/packaging/guest.sh --add "$tmp/x86/mpmon.ko" --add "$tmp/x86/mpwork" \
				--add "$tmp/x86/pkg.tar.gz" -- "sh ./guest.sh insmod $version"
		else
			fail vm-x86_64/bundle "$err"
		fi
	else
		fail vm-x86_64/mpwork "$(excerpt "$tmp/cc.err")"
	fi
else
	fail vm-x86_64 "no DKMS-built module or amd64 package (see above)"
fi

# POWER9: mpvm's module, the ppc64el mpctl of the package with the ppc64el
# libraries of the machine (the same Debian release; make deps installs
# them to cross-build the package).
if [[ -f $deb_ppc ]]; then
	mkdir -p "$tmp/ppc"
	if powerpc64le-linux-gnu-gcc -static -O2 -o "$tmp/ppc/mpwork" tests/workload/mpwork.c 2>"$tmp/cc.err"; then
		if err=$(bundle "$deb_ppc" "$tmp/ppc/pkg.tar.gz" /lib/powerpc64le-linux-gnu \
			/usr/lib/powerpc64le-linux-gnu 2>&1); then
			vm_run power9 --arch ppc64le --cpu POWER9 --timeout 400 --log "$top/build/packaging-vm-power9.log" \
				--add tests/packaging/guest.sh --add "$tmp/ppc/mpwork" --add "$tmp/ppc/pkg.tar.gz" \
				-- "sh ./guest.sh - $version"
		else
			fail vm-power9/bundle "$err"
		fi
	else
		fail vm-power9/mpwork "$(excerpt "$tmp/cc.err")"
	fi
fi

# ---- make rpm ------------------------------------------------------------------
# The source RPM and the binary ones, rebuilt only when their sources changed.
rkey=$( (echo "$key"; sha256sum packaging/rpm/mpmon.spec) | sha256sum | cut -c1-16)
rout=$cache/rpm/$rkey
if ! command -v rpmbuild >/dev/null; then
	fail make-rpm "rpmbuild is not installed (make deps installs rpm)"
elif [[ ${MPMON_PKG_REBUILD:-0} == 1 || ! -f $rout/.complete ]]; then
	rm -rf "$cache/rpm"
	mkdir -p "$rout"
	t0=$SECONDS
	if make -C "$top" rpm RPM_OUT="$rout" >"$tmp/make-rpm.log" 2>&1; then
		touch "$rout/.complete"
		pass "make-rpm (built in $((SECONDS - t0)) s)"
	else
		fail make-rpm "$(excerpt "$tmp/make-rpm.log" 4)"
	fi
else
	pass "make-rpm (sources unchanged since $rout was built)"
fi
if [[ -f $rout/.complete ]]; then
	arch=$(uname -m)
	srpm=$rout/SRPMS/mpmon-$version-1.src.rpm
	rpm_mpctl=$(ls "$rout"/RPMS/"$arch"/mpctl-"$version"-1*."$arch".rpm 2>/dev/null | head -n 1)
	rpm_dkms=$(ls "$rout"/RPMS/noarch/mpmon-dkms-"$version"-1*.noarch.rpm 2>/dev/null | head -n 1)
	# rpm -qlp against where the FHS and the distributions put each file
	# (man pages compressed or not, as the build host's rpm does it; the
	# build-id links rpm adds are not ours).
	rpm_list() {
		rpm -qlp "$1" 2>/dev/null | grep -v '^/usr/lib/\.build-id' |
			sed 's|^\(/usr/share/man/.*\)\.gz$|\1|' | sort
	}
	got=$(rpm_list "$srpm" | tr '\n' ' ')
	check rpm/srpm-files "rpm -qlp lists '$got'" -- [ "$got" = "mpmon-$version.tar.gz mpmon.spec " ]
	want=(/usr/sbin/mpctl /usr/share/man/man8/mpctl.8 /usr/share/man/man4/mpmon.4
		/usr/share/bash-completion /usr/share/bash-completion/completions
		/usr/share/bash-completion/completions/mpctl
		"/usr/share/licenses/mpctl-$version" "/usr/share/licenses/mpctl-$version/LICENSE")
	d=$(diff <(printf '%s\n' "${want[@]}" | sort) <(rpm_list "$rpm_mpctl") | sed -n 's/^\([<>]\) /\1/p' | tr '\n' ' ')
	check "rpm/mpctl-$arch-files" "< expected only, > rpm -qlp only: $d" -- [ -n "$rpm_mpctl" ] && [ -z "$d" ]
	src=/usr/src/mpmon-$version
	want=(/etc/modprobe.d/mpmon.conf /usr/lib/udev/rules.d/60-mpmon.rules "$src" "$src/dkms.conf"
		"$src/include" "$src/include/uapi" "$src/include/uapi/linux" "$src/include/uapi/linux/mpmon.h"
		"$src/kmod" "/usr/share/licenses/mpmon-dkms-$version" "/usr/share/licenses/mpmon-dkms-$version/LICENSE")
	# The module's files in the tarball the RPMs were built from.
	for f in $(tar -tzf "$rout/SOURCES/mpmon-$version.tar.gz" | sed -n "s|^mpmon-$version/||p" |
		grep -E '^kmod/([^/]*\.[ch]|Kbuild|Makefile)$' | grep -v '\.mod\.c$'); do
		want+=("$src/$f")
	done
	d=$(diff <(printf '%s\n' "${want[@]}" | sort) <(rpm_list "$rpm_dkms") | sed -n 's/^\([<>]\) /\1/p' | tr '\n' ' ')
	check rpm/mpmon-dkms-files "< expected only, > rpm -qlp only: $d" -- [ -n "$rpm_dkms" ] && [ -z "$d" ]
	got=$(rpm -qp --configfiles "$rpm_dkms" 2>/dev/null | tr '\n' ' ')
	check rpm/modprobe-conf-is-config "config files: '$got'" -- [ "$got" = "/etc/modprobe.d/mpmon.conf " ]
	got=$(rpm -qp --requires "$rpm_dkms" 2>/dev/null | grep -c '^dkms$')
	check rpm/mpmon-dkms-requires-dkms "Requires: dkms $got times" -- [ "$got" = 1 ]
	got=$(rpm -qp --qf '%{VERSION}' "$rpm_mpctl" 2>/dev/null)
	check rpm/version "mpctl's RPM is version '$got'" -- [ "$got" = "$version" ]
fi
