# SPDX-License-Identifier: GPL-2.0
#
# mpmon: a kretprobe-based monitor of move_pages(2).
#
#   make              mpctl (native) and mpmon.ko for the running kernel
#   make deps         install the Debian packages everything below needs
#   make demo         boot an emulated POWER9 box, load mpmon, run a workload,
#                     show mpctl stats
#   make check        every test: unit, lint, harness and the VM matrix
#   make torture      the long reliability runs (storm, fuzz, unload cycles)
#   make bench        cost per call, against the floor and the alternatives
#   make vm-modules   cross-build mpmon.ko for the Debian test kernels
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD ?= build/host
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all mpctl module deps demo check torture bench vm-modules clean load unload

all: mpctl module

mpctl:
	cmake -S user -B $(BUILD)/user $(CMAKE_FLAGS) -DMPCTL_TESTS=OFF
	cmake --build $(BUILD)/user --parallel

module:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "mpmon.ko: no kernel build tree at $(KDIR)."; \
		echo "  On a real box: install the headers of the running kernel"; \
		echo "  (Debian: apt-get install linux-headers-\$$(uname -r)) or pass KDIR=<tree>."; \
		echo "  For the emulated test machines: make vm-modules (or scripts/mpvm)."; \
		exit 0; \
	fi; \
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

load: module
	insmod kmod/mpmon.ko

unload:
	rmmod mpmon

deps:
	scripts/install-deps

demo: deps
	scripts/demo

check: deps
	scripts/check

# What mpmon costs per call against an empty kretprobe, ftrace and the
# syscall tracepoints (figures and ratios, not pass/fail).
bench: deps
	scripts/bench

# The long forms of the reliability tests (make check runs the short ones).
torture: deps
	scripts/check torture

vm-modules: deps
	scripts/build-module --arch ppc64le
	scripts/build-module --arch x86_64

clean:
	rm -rf build
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean; fi
