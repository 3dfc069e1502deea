#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mpctl on the guest, against the loaded module: run by guest-suite.sh in
# /add with mpmon.ko loaded.  mpctl_check compares mpctl's JSON with what the
# workload's own move_pages calls returned.
if ! command -v mpctl >/dev/null; then
	echo "FAIL mpctl/on-path: mpctl is not on the guest PATH"
	exit 1
fi
./mpctl_check
