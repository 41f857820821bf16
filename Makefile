# SPDX-License-Identifier: GPL-2.0
#
# minivisor top-level build.
#   make            module (against KDIR), userspace tool, guest payloads
#   make module     kmod/minivisor.ko only
#   make check      every test suite, ending in "N passed, N failed"
#   make demo       boot the emulated VMX PC and run the default guest
#   make bench      every benchmark under minivisor and KVM in one boot;
#                   table, build/bench/bench.json and bench.png
#   make setup      install the Debian packages and unpack the cloud kernel
#   make integration  only the integration scenarios (Bochs / nested KVM);
#                   a subset with SCENARIOS='01-* 05-kvm-coexist'
#
# KDIR defaults to the running kernel's build tree; the test scripts pass
# the headers of the Debian cloud kernel that the emulated PC boots.

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all module userspace guests check demo bench clean setup integration

all: module userspace guests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

userspace:
	$(MAKE) -C userspace

guests:
	$(MAKE) -C guests

check:
	./scripts/check.sh

demo:
	./scripts/demo.sh

bench:
	./scripts/bench.sh

setup:
	./scripts/setup.sh

integration:
	./tests/integration/run.sh $(foreach s,$(SCENARIOS),'$(s)')

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C guests clean
