#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation against the code (scripts/check docs): prints one
# PASS/FAIL line per check.
#
#   - every long option that "mpctl --help" and "mpctl COMMAND --help"
#     print is described in mpctl(8), as an item of that command's entry
#     (the global ones under OPTIONS), and named somewhere in docs/;
#   - every "make TARGET" command that README.md, CONTRIBUTING.md or docs/
#     show in code (a fenced block or a `span`) is a target of the Makefile;
#   - the README's install lines (apt-get, dnf, zypper) name the package of
#     every library user/CMakeLists.txt requires;
#   - README.md and docs/ name no commit id and tell no history;
#   - README.md is under 300 lines.
#
# mpctl is built natively into build/check/docs (MPCTL=path uses that
# binary instead).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS docs/$1"; }
fail() { echo "FAIL docs/$1: $2"; }
result() { # result NAME MISSING-LIST WHAT
	if [[ -z $2 ]]; then pass "$1"; else fail "$1" "$3:$2"; fi
}

# ---- mpctl's options against mpctl(8) and docs/ -------------------------------
mpctl=${MPCTL:-}
if [[ -z $mpctl ]]; then
	b=build/check/docs
	mkdir -p build/check
	if cmake -S user -B "$b" -DMPCTL_TESTS=OFF >"$b.log" 2>&1 &&
		cmake --build "$b" --parallel 2 --target mpctl >>"$b.log" 2>&1; then
		pass build-mpctl
		mpctl=$b/mpctl
	else
		tail -n 20 "$b.log"
		fail build-mpctl "see $b.log"
	fi
fi

# The long options of one help text: "  --name ARG  ..." or "  -x [ --name ] ...".
long_options() {
	sed -n -E 's/^  (-[a-zA-Z] \[ )?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u
}
# mpctl(8) as plain text: no font escapes, \- as -.
man_text() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' "$@"
}
# has FILE... OPTION: the option, not as the prefix of a longer one.
has() {
	local opt=${*: -1}
	grep -q -E -- "${opt}([^a-z0-9-]|\$)" "${@:1:$#-1}"
}
# items FILE: the lines that head an item of a man page (those after .TP),
# where an option is described rather than only named in a synopsis.
items() {
	awk 'prev == ".TP" { print } { prev = $0 }' "$1"
}

if [[ -n $mpctl ]]; then
	man_text man/mpctl.8 >"$tmp/mpctl.8.txt"
	mapfile -t docs < <(ls docs/*.md 2>/dev/null)
	if [[ ${#docs[@]} -eq 0 ]]; then
		fail docs-pages "no docs/*.md"
		docs=(/dev/null)
	fi
	if ! "$mpctl" --help >"$tmp/help" 2>&1; then
		fail mpctl-help "mpctl --help failed: $(head -n 2 "$tmp/help" | tr '\n' ' ')"
	fi
	mapfile -t commands < <(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/help")
	if [[ ${#commands[@]} -eq 0 ]]; then
		fail mpctl-commands "no commands in mpctl --help"
	fi

	# The options of every command: in mpctl(8)'s OPTIONS and in docs/.
	sed -n '/^Options of every command:/,/^$/p' "$tmp/help" | long_options >"$tmp/global"
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$tmp/mpctl.8.txt" >"$tmp/man-options.all"
	items "$tmp/man-options.all" >"$tmp/man-options"
	missing_man="" missing_docs=""
	while read -r opt; do
		has "$tmp/man-options" "$opt" || missing_man+=" $opt"
		has "${docs[@]}" "$opt" || missing_docs+=" $opt"
	done <"$tmp/global"
	result mpctl8/global-options "$missing_man" "not under OPTIONS in mpctl(8)"
	result pages/global-options "$missing_docs" "not in docs/"

	# Each command's entry in COMMANDS: from its ".TP/.B COMMAND" to the next.
	sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$tmp/mpctl.8.txt" >"$tmp/man-commands"
	cmd_re=$(IFS='|'; echo "${commands[*]}")
	for cmd in "${commands[@]}"; do
		awk -v want="$cmd" -v re="^\\.B ($cmd_re)( |\$)" '
			prev == ".TP" && $0 ~ re { split($0, w, " "); inside = (w[2] == want) }
			inside { print }
			{ prev = $0 }' "$tmp/man-commands" >"$tmp/man-$cmd"
		items "$tmp/man-$cmd" >"$tmp/man-items-$cmd"
		if ! "$mpctl" "$cmd" --help >"$tmp/help-$cmd" 2>&1; then
			fail "mpctl8/$cmd" "mpctl $cmd --help failed: $(head -n 1 "$tmp/help-$cmd")"
			continue
		fi
		# The command's own options: between "Options:" and the global ones.
		sed -n '/^Options:/,/^Options of every command:/p' "$tmp/help-$cmd" | long_options >"$tmp/opts-$cmd"
		if [[ ! -s $tmp/man-$cmd ]]; then
			fail "mpctl8/$cmd" "no entry for $cmd under COMMANDS in mpctl(8)"
		else
			missing_man=""
			while read -r opt; do
				has "$tmp/man-items-$cmd" "$opt" || missing_man+=" $opt"
			done <"$tmp/opts-$cmd"
			result "mpctl8/$cmd-options" "$missing_man" "not in mpctl(8)'s entry for $cmd"
		fi
		missing_docs=""
		while read -r opt; do
			has "${docs[@]}" "$opt" || missing_docs+=" $opt"
		done <"$tmp/opts-$cmd"
		result "pages/$cmd-options" "$missing_docs" "not in docs/"
	done
fi

# ---- make targets named in the documentation -------------------------------------
# The Makefile's targets, from make's own database (no recipe runs).
make -pRrq -f Makefile : 2>/dev/null |
	sed -n -E 's/^([a-zA-Z0-9][a-zA-Z0-9_.-]*):([^=]|$).*/\1/p' | sort -u >"$tmp/targets"
# Code in Markdown: fenced blocks whole, and `spans` elsewhere.
code_of() {
	awk '
		/^[ \t]*```/ { fenced = !fenced; next }
		fenced { print; next }
		{ line = $0
		  while (match(line, /`[^`]+`/)) {
			print substr(line, RSTART + 1, RLENGTH - 2)
			line = substr(line, RSTART + RLENGTH)
		  } }' "$1"
}
for f in README.md CONTRIBUTING.md docs/*.md; do
	[[ -f $f ]] || continue
	missing=""
	while read -r t; do
		grep -qx -- "$t" "$tmp/targets" || missing+=" $t"
	done < <(code_of "$f" | grep -oE '(^ *|sudo +|[;&|(] *|\$ +)make +[a-z][a-z0-9_-]*' |
		sed -E 's/.*make +//' | sort -u)
	result "make-targets/$f" "$missing" "not a target of the Makefile"
done

# ---- the install lines name every required library --------------------------------
# find_package(NAME ... REQUIRED [COMPONENTS c...]) in user/CMakeLists.txt,
# as NAME or NAME/component.
required=$(tr '\n' ' ' <user/CMakeLists.txt | grep -oE 'find_package\([^)]*\)' |
	grep -w REQUIRED | sed -E 's/find_package\( *//; s/\)$//' |
	awk '{ comps = 0
	       for (i = 2; i <= NF; i++) {
		       if ($i == "COMPONENTS") { comps = 1; continue }
		       if ($i ~ /^[A-Z]+$/) { comps = 0; continue }
		       if (comps) print $1 "/" $i
	       }
	       if ($0 !~ /COMPONENTS/) print $1 }' | sort -u)
# Debian, RHEL and SUSE package of each; "-" where the C library has it,
# "tests" for what only the tests use.
pkg_of() {
	case $1 in
	Boost/program_options) echo "libboost-program-options-dev boost-devel libboost_program_options-devel" ;;
	nlohmann_json) echo "nlohmann-json3-dev json-devel nlohmann_json-devel" ;;
	fmt) echo "libfmt-dev fmt-devel fmt-devel" ;;
	Threads) echo "- - -" ;;
	GTest | benchmark) echo "tests" ;;
	*) return 1 ;;
	esac
}
# The README's install command of each package manager, continuation
# lines joined.
install_line() {
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' README.md | grep -E "$1 install" | tr '\n' ' '
}
apt=$(install_line apt-get) dnf=$(install_line dnf) zypper=$(install_line zypper)
for line in apt dnf zypper; do
	[[ -n ${!line} ]] || fail "install-line/$line" "README.md has no $line install line"
done
# cmake and a C++ compiler, besides the libraries.
missing_apt="" missing_dnf="" missing_zypper="" unknown=""
for need in cmake:cmake:cmake build-essential:gcc-c++:gcc-c++; do
	IFS=: read -r d r s <<<"$need"
	[[ " $apt " == *" $d "* ]] || missing_apt+=" $d"
	[[ " $dnf " == *" $r "* ]] || missing_dnf+=" $r"
	[[ " $zypper " == *" $s "* ]] || missing_zypper+=" $s"
done
for lib in $required; do
	if ! p=$(pkg_of "$lib"); then
		unknown+=" $lib"
		continue
	fi
	[[ $p != tests ]] || continue
	read -r d r s <<<"$p"
	[[ $d == - || " $apt " == *" $d "* ]] || missing_apt+=" $d"
	[[ $r == - || " $dnf " == *" $r "* ]] || missing_dnf+=" $r"
	[[ $s == - || " $zypper " == *" $s "* ]] || missing_zypper+=" $s"
done
result install-packages/known "$unknown" \
	"required by user/CMakeLists.txt, no package names in tests/docs/check.sh"
result install-packages/apt-get "$missing_apt" "not in README.md's apt-get install line"
result install-packages/dnf "$missing_dnf" "not in README.md's dnf install line"
result install-packages/zypper "$missing_zypper" "not in README.md's zypper install line"

# ---- no history ------------------------------------------------------------------
# A commit id: 7 to 40 hex digits with a digit and a letter, not a 0x
# number; or any such word that names a commit of this repository.
for f in README.md docs/*.md; do
	[[ -f $f ]] || continue
	ids=$(grep -oE '(^|[^0-9A-Za-z_x])[0-9a-f]{7,40}([^0-9A-Za-z_]|$)' "$f" |
		grep -oE '[0-9a-f]{7,40}' | grep -E '[0-9]' | grep -E '[a-f]' | sort -u | tr '\n' ' ')
	result "no-commit-ids/$f" "${ids:+ $ids}" "commit ids"
	phrases=$(grep -n -o -i -E 'now also|earlier the same day|the day before|as of commit|since commit|at commit' "$f" |
		tr '\n' ' ')
	result "no-history/$f" "${phrases:+ $phrases}" "history belongs in CHANGELOG.md"
done

# ---- the README is short -----------------------------------------------------------
n=$(wc -l <README.md)
if ((n < 300)); then pass readme-length; else fail readme-length "README.md has $n lines (at most 299)"; fi
