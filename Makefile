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
#   make torture-debug  the same on a KASAN + lockdep + kmemleak kernel
#   make bench        cost per call, against the floor and the alternatives
#   make vm-modules   cross-build mpmon.ko for the Debian test kernels
#   make install      mpctl, mpmon.ko, man pages, udev rule, modprobe.d file
#                     and bash completion (PREFIX=/usr/local, DESTDIR=)
#   make uninstall    remove what make install put there (same variables)
#   make dkms-install mpmon.ko through DKMS (rebuilt for every new kernel)
#   make dkms-remove
#   make deb          Debian packages mpmon-dkms (all) and mpctl (amd64, ppc64el)
#                     in build/deb, with the source package
#   make rpm          the source RPM and the binary RPMs of packaging/rpm/mpmon.spec
#                     in build/rpm
#   make load / unload  insmod kmod/mpmon.ko / rmmod mpmon (from the source tree)
#   make clean
#   make help         this list

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD ?= build/host
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all help mpctl module deps demo check torture torture-debug bench vm-modules clean load unload \
	install install-user install-module uninstall uninstall-user uninstall-module \
	dkms-install dkms-remove dkms-check-version deb rpm

all: mpctl module

help:
	@echo 'mpmon: a monitor of move_pages(2).  Targets:'
	@echo '  make               mpctl (build/host/user/mpctl) and kmod/mpmon.ko for the running kernel'
	@echo '  make mpctl         only mpctl'
	@echo '  make module        only mpmon.ko (KDIR=<kernel tree>; MPMON_WERROR=0: warnings are not errors)'
	@echo '  make load          insmod kmod/mpmon.ko (source tree; installed: modprobe mpmon)'
	@echo '  make unload        rmmod mpmon (only when no move_pages call is running)'
	@echo '  make install       mpctl, mpmon.ko, man pages, udev rule, modprobe.d file, bash completion'
	@echo '                     (PREFIX=/usr/local, DESTDIR=; install-user, install-module: one half)'
	@echo '  make uninstall     remove what make install put there (uninstall-user, uninstall-module)'
	@echo '  make dkms-install  mpmon.ko through DKMS, rebuilt for every new kernel'
	@echo '  make dkms-remove   remove it from DKMS'
	@echo '  make deb           Debian packages: mpmon-dkms, mpctl for amd64 and ppc64el (build/deb)'
	@echo '  make rpm           source and binary RPMs from packaging/rpm/mpmon.spec (build/rpm)'
	@echo '  make deps          install the Debian packages the targets below need (root or sudo)'
	@echo '  make demo          boot an emulated POWER9, load mpmon, run a workload, show mpctl stats'
	@echo '  make check         every test (scripts/check GROUP... for some; see docs/testing.md)'
	@echo '  make torture       the long reliability runs'
	@echo '  make torture-debug the same on a KASAN + lockdep + kmemleak kernel'
	@echo '  make bench         cost per call against an empty kretprobe, ftrace and tracepoints'
	@echo "  make vm-modules    cross-build mpmon.ko for the emulated machines' kernels"
	@echo '  make clean         remove build/ and the module build'
	@echo '  make help          this list'

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

# The same on an x86_64 kernel built with KASAN, lockdep and kmemleak
# (built from linux-source-6.1 once, some minutes, then cached).
torture-debug: deps
	scripts/check torture-debug

vm-modules: deps
	scripts/build-module --arch ppc64le
	scripts/build-module --arch x86_64

# ---- installation ------------------------------------------------------------
# GNU-style: PREFIX (default /usr/local) and DESTDIR (a staging root).
# mpctl goes to sbin with its page in section 8: it is an administrator's
# tool (it needs root or CAP_PERFMON).  udev reads rules from
# /usr/local/lib/udev/rules.d as well as /usr/lib/udev/rules.d (udev(7)), so
# the rule follows PREFIX; modprobe reads /etc/modprobe.d, where the
# administrator edits options, so that file does not.
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODPROBEDIR ?= /etc/modprobe.d
# The module: kbuild's modules_install into INSTALL_MOD_PATH/lib/modules/
# <kernel release>/INSTALL_MOD_DIR.
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= extra
INSTALL ?= install

# The kernel release KDIR builds for (its vermagic); Debian's headers
# report the upstream version to "make kernelrelease", so read the header.
MOD_KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MOD_DEST = $(INSTALL_MOD_PATH)/lib/modules/$(MOD_KVER)/$(INSTALL_MOD_DIR)
# A tree without the kernel's signing key (every distribution's headers)
# cannot sign: skip kbuild's attempt instead of printing its OpenSSL errors.
MOD_SIGN = $(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)

install: install-user install-module

install-user: mpctl
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man4 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MODPROBEDIR)
	$(INSTALL) -m 0755 $(BUILD)/user/mpctl $(DESTDIR)$(SBINDIR)/mpctl
	$(INSTALL) -m 0644 man/mpctl.8 $(DESTDIR)$(MANDIR)/man8/mpctl.8
	$(INSTALL) -m 0644 man/mpmon.4 $(DESTDIR)$(MANDIR)/man4/mpmon.4
	$(INSTALL) -m 0644 packaging/bash-completion/mpctl $(DESTDIR)$(BASHCOMPDIR)/mpctl
	$(INSTALL) -m 0644 packaging/udev/60-mpmon.rules $(DESTDIR)$(UDEVRULESDIR)/60-mpmon.rules
	@# The options file is the administrator's to edit: never overwrite a changed one.
	@f=$(DESTDIR)$(MODPROBEDIR)/mpmon.conf; \
	if [ -e "$$f" ] && ! cmp -s packaging/modprobe.d/mpmon.conf "$$f"; then \
		echo "install: kept $$f (changed locally); the new one is packaging/modprobe.d/mpmon.conf"; \
	else \
		echo "$(INSTALL) -m 0644 packaging/modprobe.d/mpmon.conf $$f"; \
		$(INSTALL) -m 0644 packaging/modprobe.d/mpmon.conf "$$f"; \
	fi

install-module: module
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "install: mpmon.ko not installed: no kernel build tree at $(KDIR) (see above)."; \
		echo "  make dkms-install builds it for every kernel the machine installs."; \
		exit 0; \
	fi; \
	[ -z "$(MOD_SIGN)" ] || echo "install: mpmon.ko is not signed: $(KDIR) has no module signing key"; \
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=true $(MOD_SIGN) modules_install && \
	if [ -z "$(INSTALL_MOD_PATH)" ]; then \
		echo "depmod -a $(MOD_KVER)"; depmod -a $(MOD_KVER); \
	else \
		echo "install: depmod not run: staged into $(INSTALL_MOD_PATH)"; \
	fi

uninstall: uninstall-user uninstall-module

uninstall-user:
	rm -f $(DESTDIR)$(SBINDIR)/mpctl $(DESTDIR)$(MANDIR)/man8/mpctl.8 \
		$(DESTDIR)$(MANDIR)/man4/mpmon.4 $(DESTDIR)$(BASHCOMPDIR)/mpctl \
		$(DESTDIR)$(UDEVRULESDIR)/60-mpmon.rules
	@f=$(DESTDIR)$(MODPROBEDIR)/mpmon.conf; \
	if [ -e "$$f" ] && ! cmp -s packaging/modprobe.d/mpmon.conf "$$f"; then \
		echo "uninstall: kept $$f (changed locally)"; \
	else \
		echo "rm -f $$f"; rm -f "$$f"; \
	fi

uninstall-module:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "uninstall: no kernel build tree at $(KDIR): pass the KDIR= the module was installed with"; \
		exit 0; \
	fi; \
	echo "rm -f $(MOD_DEST)/mpmon.ko"; \
	rm -f $(MOD_DEST)/mpmon.ko $(MOD_DEST)/mpmon.ko.gz $(MOD_DEST)/mpmon.ko.xz $(MOD_DEST)/mpmon.ko.zst; \
	if [ -z "$(INSTALL_MOD_PATH)" ] && [ -d /lib/modules/$(MOD_KVER) ]; then \
		echo "depmod -a $(MOD_KVER)"; depmod -a $(MOD_KVER); \
	fi

# ---- DKMS ------------------------------------------------------------------
# dkms.conf names the version; it must be the module's (kmod/mpmon.h).
# DKMS_FLAGS go to every dkms call (e.g. --dkmstree, --installtree);
# DKMS_KFLAGS choose the kernel (default: the running one, -k KVER for
# another installed kernel, --kernelsourcedir DIR for its headers).
DKMS ?= dkms
DKMS_SOURCETREE ?= /usr/src
DKMS_FLAGS ?=
DKMS_KFLAGS ?=
MPMON_VERSION = $(shell sed -n 's/^\#define MPMON_VERSION "\(.*\)"$$/\1/p' kmod/mpmon.h)
DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRC = $(DKMS_SOURCETREE)/mpmon-$(MPMON_VERSION)
DKMS_FILES = $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) kmod/Kbuild kmod/Makefile
DKMS_ARGS = -m mpmon -v $(MPMON_VERSION) --sourcetree $(DKMS_SOURCETREE) $(DKMS_FLAGS)

dkms-check-version:
	@if [ -z "$(MPMON_VERSION)" ] || [ "$(MPMON_VERSION)" != "$(DKMS_VERSION)" ]; then \
		echo "dkms: dkms.conf says PACKAGE_VERSION=\"$(DKMS_VERSION)\" but kmod/mpmon.h MPMON_VERSION \"$(MPMON_VERSION)\""; \
		exit 1; \
	fi

dkms-install: dkms-check-version
	@command -v $(DKMS) >/dev/null || { echo "dkms-install: $(DKMS) is not installed (Debian: apt-get install dkms)"; exit 1; }
	@# The same version again (sources changed): start from a clean slate.
	@if [ -n "$$($(DKMS) status $(DKMS_ARGS) 2>/dev/null)" ]; then \
		echo "$(DKMS) remove $(DKMS_ARGS) --all"; \
		$(DKMS) remove $(DKMS_ARGS) --all; \
	fi
	rm -rf $(DKMS_SRC)
	$(INSTALL) -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux
	$(INSTALL) -m 0644 dkms.conf $(DKMS_SRC)/dkms.conf
	$(INSTALL) -m 0644 $(DKMS_FILES) $(DKMS_SRC)/kmod/
	$(INSTALL) -m 0644 include/uapi/linux/mpmon.h $(DKMS_SRC)/include/uapi/linux/
	$(DKMS) add $(DKMS_ARGS)
	$(DKMS) build $(DKMS_ARGS) $(DKMS_KFLAGS)
	$(DKMS) install $(DKMS_ARGS) $(DKMS_KFLAGS)

dkms-remove: dkms-check-version
	@if [ -n "$$($(DKMS) status $(DKMS_ARGS) 2>/dev/null)" ]; then \
		echo "$(DKMS) remove $(DKMS_ARGS) --all"; \
		$(DKMS) remove $(DKMS_ARGS) --all; \
	else \
		echo "dkms-remove: mpmon $(MPMON_VERSION) is not in the DKMS tree"; \
	fi
	rm -rf $(DKMS_SRC)

# ---- packages ----------------------------------------------------------------
# make deb: the Debian source package and, with debhelper, mpmon-dkms (arch
# all), mpctl for the build machine's architecture and, cross-built, for
# the others in DEB_ARCHES, all in DEB_OUT.  They are built from a copy of
# the source tree (the files git knows, and new ones it does not ignore) so
# that nothing is written beside the sources.  The version is the module's
# (kmod/mpmon.h); debian/rules refuses to build when user/CMakeLists.txt,
# dkms.conf or debian/changelog say another.
DEB_OUT ?= build/deb
# The tree's files: those git knows and new ones it does not ignore; out of
# a git checkout (a release tarball), every file but build/.
TREE_FILES = { git ls-files -z --cached --others --exclude-standard 2>/dev/null || \
	find . \( -path ./build -o -path ./.git \) -prune -o -type f -print0; }
DEB_ARCHES ?= amd64 ppc64el
DEB_HOST_ARCH_NATIVE = $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC = $(DEB_OUT)/mpmon-$(MPMON_VERSION)
DEB_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

deb: dkms-check-version
	@command -v dpkg-buildpackage >/dev/null && [ -f /usr/share/perl5/Debian/Debhelper/Sequence/dkms.pm ] || \
		{ echo "deb: dpkg-buildpackage, debhelper and dh-dkms are needed (make deps)"; exit 1; }
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	$(TREE_FILES) | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_SRC)
	tar -C $(DEB_OUT) --exclude=mpmon-$(MPMON_VERSION)/debian --sort=name -cJf \
		$(DEB_OUT)/mpmon_$(MPMON_VERSION).orig.tar.xz mpmon-$(MPMON_VERSION)
	@set -e; for a in $(DEB_ARCHES); do \
		if [ "$$a" = "$(DEB_HOST_ARCH_NATIVE)" ]; then \
			echo "dpkg-buildpackage -us -uc   (source, all, $$a; log: $(DEB_OUT)/build-$$a.log)"; \
			set -- -us -uc; \
		else \
			echo "dpkg-buildpackage -a $$a -B -us -uc   (cross; log: $(DEB_OUT)/build-$$a.log)"; \
			set -- -a "$$a" -B -us -uc; \
		fi; \
		(cd $(DEB_SRC) && DEB_BUILD_OPTIONS="parallel=$(DEB_JOBS) $$DEB_BUILD_OPTIONS" \
			dpkg-buildpackage "$$@") >$(DEB_OUT)/build-$$a.log 2>&1 || { \
			tail -n 25 $(DEB_OUT)/build-$$a.log; \
			echo "deb: the $$a build failed (log: $(DEB_OUT)/build-$$a.log)"; exit 1; }; \
	done
	@cd $(DEB_OUT) && ls -1 *.deb *.dsc *.orig.tar.xz *.debian.tar.xz

# make rpm: the tarball of the tree (as make deb copies it) and rpmbuild -ba
# of packaging/rpm/mpmon.spec in RPM_OUT: the source RPM, mpctl for this
# machine and the noarch mpmon-dkms.  On a Debian machine rpm's database
# knows none of the build requirements (they are Debian packages there), so
# rpmbuild runs with --nodeps.
RPM_OUT ?= build/rpm
RPM_SPEC = packaging/rpm/mpmon.spec
RPM_SPEC_VERSION = $(shell sed -n 's/^Version: *//p' $(RPM_SPEC))
RPMBUILD_FLAGS ?= $(if $(wildcard /etc/debian_version),--nodeps)

rpm: dkms-check-version
	@command -v rpmbuild >/dev/null || { echo "rpm: rpmbuild is missing (Debian: apt-get install rpm; make deps)"; exit 1; }
	@[ "$(RPM_SPEC_VERSION)" = "$(MPMON_VERSION)" ] || \
		{ echo "rpm: $(RPM_SPEC) says Version: $(RPM_SPEC_VERSION), kmod/mpmon.h $(MPMON_VERSION)"; exit 1; }
	rm -rf $(RPM_OUT)
	mkdir -p $(RPM_OUT)/SOURCES $(RPM_OUT)/tree/mpmon-$(MPMON_VERSION)
	$(TREE_FILES) | tar --null -T - --ignore-failed-read -cf - | \
		tar -xf - -C $(RPM_OUT)/tree/mpmon-$(MPMON_VERSION)
	tar -C $(RPM_OUT)/tree --sort=name -czf $(RPM_OUT)/SOURCES/mpmon-$(MPMON_VERSION).tar.gz \
		mpmon-$(MPMON_VERSION)
	rm -rf $(RPM_OUT)/tree
	rpmbuild --define "_topdir $(abspath $(RPM_OUT))" $(RPMBUILD_FLAGS) -ba $(RPM_SPEC) \
		>$(RPM_OUT)/rpmbuild.log 2>&1 || { tail -n 25 $(RPM_OUT)/rpmbuild.log; \
		echo "rpm: rpmbuild failed (log: $(RPM_OUT)/rpmbuild.log)"; exit 1; }
	@cd $(RPM_OUT) && ls -1 SRPMS/*.rpm RPMS/*/*.rpm

clean:
	rm -rf build
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean; fi
