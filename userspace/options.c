// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "bzimage.h"
#include "options.h"
#include "size.h"

#define MV_STR_(x)	#x
#define MV_STR(x)	MV_STR_(x)

void mv_print_run_usage(FILE *out)
{
	fputs("Usage: minivisor run [--mem SIZE] [--entry real|long] [--msr-policy gp|exit]\n"
	      "                     [--cpus N] [--stats] [--ring NAME[:posted|:sync]]...\n"
	      "                     [--ring-entries N] [--ring-busy-poll US] [--ring-poll]\n"
	      "                     GUEST.bin\n"
	      "       minivisor run --hv kvm [--coalesced NAME]... [OPTIONS] GUEST.bin\n"
	      "       minivisor run --kernel BZIMAGE [--initrd FILE] [--cmdline STR]\n"
	      "                     [--hv kvm] [--mem SIZE] [--stats] [--ring ...]\n"
	      "\n"
	      "Run the flat binary GUEST.bin on N vCPUs (default 1). It is loaded at\n"
	      "guest-physical 0x10000 and entered there (see userspace/README.md for the\n"
	      "entry state). The guest's console (port 0x3f8) goes to stdout.\n"
	      "Or boot a Linux kernel (64-bit boot protocol) with a PC's legacy devices:\n"
	      "8250 UART on ttyS0 (stdin/stdout), 8259 PICs, 8254 PIT, CMOS RTC, i8042.\n"
	      "All messages of the tool go to stderr.\n"
	      "\n"
	      "Options:\n"
	      "      --hv HV         the hypervisor: minivisor (default; /dev/minivisor) or\n"
	      "                      kvm (/dev/kvm, kvm_intel): the same guest, devices and\n"
	      "                      exit handling on KVM, for comparisons (no in-kernel\n"
	      "                      irqchip; --stats then counts KVM's exits to userspace)\n"
	      "  -m, --mem SIZE      guest RAM at guest-physical 0 (default 64M, 128M with\n"
	      "                      --kernel): " MV_SIZE_FORMAT ";\n"
	      "                      at least 2M, at most 3G, a multiple of 4K\n"
	      "      --kernel BZIMAGE  boot this Linux bzImage instead of a GUEST.bin\n"
	      "      --initrd FILE   its initial ramdisk\n"
	      "      --cmdline STR   its command line (default \"" MV_LINUX_DEFAULT_CMDLINE "\")\n"
	      "      --entry MODE    real (default): CS:IP = 0x1000:0, 16-bit real mode;\n"
	      "                      long: RIP = 0x10000, 64-bit mode, first 4 GiB identity-mapped\n"
	      "      --msr-policy P  an MSR the module does not emulate: gp (default) raises\n"
	      "                      #GP in the guest; exit stops the run naming the MSR\n"
	      "      --cpus N        run N vCPUs (1.." MV_STR(MV_CPUS_MAX) ", at most the module's limit),\n"
	      "                      one thread each, all at the same entry point; vCPU i\n"
	      "                      starts with RBX = i and its own stack (README.md)\n"
	      "      --stats         after the guest stops, print VM-exit statistics to stdout\n"
	      "      --ring NAME[:posted|:sync]\n"
	      "                      serve the device ranges registered under NAME (e.g.\n"
	      "                      ring-test, console) in the kernel through shared rings\n"
	      "                      and a device thread instead of exits to the vCPU thread;\n"
	      "                      sync (default): every access waits for the device;\n"
	      "                      posted: writes do not wait. Repeatable (one per NAME)\n"
	      "      --ring-entries N  request ring entries, a power of two " MV_STR(MV_RING_ENTRIES_MIN) ".." MV_STR(MV_RING_ENTRIES_MAX) "\n"
	      "                      (default " MV_STR(MV_RING_ENTRIES_DEFAULT) "); a full ring makes vCPUs wait\n"
	      "      --ring-busy-poll US  a vCPU waiting on the rings spins US microseconds\n"
	      "                      (0.." MV_STR(MV_RING_BUSY_POLL_MAX) ", default 0) before it sleeps\n"
	      "      --ring-poll     the device thread busy-polls the request ring (one host\n"
	      "                      CPU at 100%) instead of sleeping on an eventfd\n"
	      "                      (--ring and its tuning are minivisor's, not with --hv kvm)\n"
	      "      --coalesced NAME  with --hv kvm: KVM buffers the writes to the ranges of\n"
	      "                      device NAME (coalesced MMIO, and port I/O) in a ring the\n"
	      "                      VMM performs, in order, before the next exit is handled:\n"
	      "                      KVM's counterpart of --ring NAME:posted. Repeatable\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "Exit status: the byte the guest wrote to port 0xf4; 0 if it executed HLT\n"
	      "(a Linux guest: 0 after poweroff or reboot, 4 after a kernel panic);\n"
	      "2 on a triple fault (or a bad command line); 3 if VM entry failed or the\n"
	      "module hit an internal error; 130 when interrupted; 1 on setup errors.\n",
	      out);
}

int mv_check_mem_size(const char *arg, uint64_t size, char *err,
		      size_t errlen)
{
	if (size < MV_MEM_MIN) {
		snprintf(err, errlen, "--mem %s: guest memory must be at least 2M", arg);
		return -1;
	}
	if (size > MV_MEM_MAX) {
		snprintf(err, errlen, "--mem %s: guest memory can be at most 3G (3 GiB..4 GiB is the MMIO hole)", arg);
		return -1;
	}
	if (size % MV_MEM_ALIGN) {
		snprintf(err, errlen, "--mem %s: guest memory must be a multiple of 4K (4096 bytes)", arg);
		return -1;
	}
	return 0;
}

static int parse_mem(const char *arg, struct mv_run_opts *o, char *err,
		     size_t errlen)
{
	uint64_t size;
	int ret = mv_parse_size(arg, &size);

	if (ret == -ERANGE) {
		snprintf(err, errlen, "--mem '%s': too large; expected SIZE as %s", arg, MV_SIZE_FORMAT);
		return -1;
	}
	if (ret) {
		snprintf(err, errlen, "--mem '%s': expected SIZE as %s", arg, MV_SIZE_FORMAT);
		return -1;
	}
	if (mv_check_mem_size(arg, size, err, errlen))
		return -1;
	o->mem_size = size;
	return 0;
}

static int parse_msr_policy(const char *arg, struct mv_run_opts *o,
			    char *err, size_t errlen)
{
	if (!strcmp(arg, "gp")) {
		o->msr_policy = MV_MSR_POLICY_GP;
	} else if (!strcmp(arg, "exit")) {
		o->msr_policy = MV_MSR_POLICY_EXIT;
	} else {
		snprintf(err, errlen, "--msr-policy '%s': expected gp or exit", arg);
		return -1;
	}
	return 0;
}

static int parse_cpus(const char *arg, struct mv_run_opts *o, char *err,
		      size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = arg; *p >= '0' && *p <= '9'; p++)
		if (n <= MV_CPUS_MAX)	/* saturates: no overflow */
			n = n * 10 + (unsigned long)(*p - '0');
	if (p == arg || *p) {
		snprintf(err, errlen, "--cpus '%s': expected a number of vCPUs, 1..%d", arg, MV_CPUS_MAX);
		return -1;
	}
	if (n < 1 || n > MV_CPUS_MAX) {
		snprintf(err, errlen, "--cpus %s: the number of vCPUs must be 1..%d", arg, MV_CPUS_MAX);
		return -1;
	}
	o->cpus = (unsigned int)n;
	return 0;
}

static int parse_entry(const char *arg, struct mv_run_opts *o, char *err,
		       size_t errlen)
{
	if (!strcmp(arg, "real")) {
		o->entry = MV_ENTRY_REAL;
	} else if (!strcmp(arg, "long")) {
		o->entry = MV_ENTRY_LONG;
	} else {
		snprintf(err, errlen, "--entry '%s': expected real or long", arg);
		return -1;
	}
	return 0;
}

/*
 * A decimal number up to @max (no sign, no suffix). Returns 0, or -1 if
 * @arg is not a number or is larger than @max.
 */
static int parse_uint(const char *arg, unsigned long max, unsigned long *out)
{
	unsigned long n = 0;
	const char *p;

	for (p = arg; *p >= '0' && *p <= '9'; p++)
		if (n <= max)	/* saturates: no overflow */
			n = n * 10 + (unsigned long)(*p - '0');
	if (p == arg || *p || n > max)
		return -1;
	*out = n;
	return 0;
}

/* --ring NAME, NAME:posted or NAME:sync. */
static int parse_ring(const char *arg, struct mv_run_opts *o, char *err,
		      size_t errlen)
{
	const char *colon = strrchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	struct mv_ring_opt *r;
	bool posted = false;
	unsigned int i;

	if (colon && !strcmp(colon + 1, "posted")) {
		posted = true;
	} else if (colon && strcmp(colon + 1, "sync")) {
		snprintf(err, errlen, "--ring '%s': expected NAME, NAME:posted or NAME:sync", arg);
		return -1;
	}
	if (len == 0) {
		snprintf(err, errlen, "--ring '%s': missing the device NAME (e.g. --ring ring-test)", arg);
		return -1;
	}
	if (len >= MV_RING_NAME_MAX) {
		snprintf(err, errlen, "--ring '%s': device NAME too long (at most %d characters)",
			 arg, MV_RING_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < o->nr_rings; i++) {
		if (strlen(o->rings[i].name) == len &&
		    !strncmp(o->rings[i].name, arg, len)) {
			snprintf(err, errlen, "--ring '%s': device %.*s given twice: give each NAME once",
				 arg, (int)len, arg);
			return -1;
		}
	}
	if (o->nr_rings == MV_RING_OPTS_MAX) {
		snprintf(err, errlen, "--ring '%s': at most %d --ring options", arg,
			 MV_RING_OPTS_MAX);
		return -1;
	}
	r = &o->rings[o->nr_rings++];
	memcpy(r->name, arg, len);
	r->name[len] = '\0';
	r->posted = posted;
	return 0;
}

/* --coalesced NAME: a bus range name, as for --ring but no suffix. */
static int parse_coalesced(const char *arg, struct mv_run_opts *o, char *err,
			   size_t errlen)
{
	size_t len = strlen(arg);
	unsigned int i;

	if (len == 0) {
		snprintf(err, errlen, "--coalesced '': missing the device NAME (e.g. --coalesced ring-test)");
		return -1;
	}
	if (len >= MV_RING_NAME_MAX) {
		snprintf(err, errlen, "--coalesced '%s': device NAME too long (at most %d characters)",
			 arg, MV_RING_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < o->nr_coalesced; i++) {
		if (!strcmp(o->coalesced[i], arg)) {
			snprintf(err, errlen, "--coalesced '%s': device given twice: give each NAME once",
				 arg);
			return -1;
		}
	}
	if (o->nr_coalesced == MV_RING_OPTS_MAX) {
		snprintf(err, errlen, "--coalesced '%s': at most %d --coalesced options",
			 arg, MV_RING_OPTS_MAX);
		return -1;
	}
	memcpy(o->coalesced[o->nr_coalesced++], arg, len + 1);
	return 0;
}

static int parse_ring_entries(const char *arg, struct mv_run_opts *o,
			      char *err, size_t errlen)
{
	unsigned long n;

	if (parse_uint(arg, MV_RING_ENTRIES_MAX, &n) ||
	    n < MV_RING_ENTRIES_MIN || (n & (n - 1))) {
		snprintf(err, errlen, "--ring-entries '%s': expected a power of two, %d..%d",
			 arg, MV_RING_ENTRIES_MIN, MV_RING_ENTRIES_MAX);
		return -1;
	}
	o->ring_entries = (uint32_t)n;
	return 0;
}

static int parse_ring_busy_poll(const char *arg, struct mv_run_opts *o,
				char *err, size_t errlen)
{
	unsigned long n;

	if (parse_uint(arg, MV_RING_BUSY_POLL_MAX, &n)) {
		snprintf(err, errlen, "--ring-busy-poll '%s': expected microseconds, 0..%d",
			 arg, MV_RING_BUSY_POLL_MAX);
		return -1;
	}
	o->ring_busy_poll_us = (uint32_t)n;
	return 0;
}

/*
 * If argv[*i] is the option @name (long form "--name", or @short_name),
 * stores its value (from "--name=VALUE" or the next argument) in @val.
 * Returns 1 if matched, 0 if not, -1 on a missing value.
 */
static int match_valued(int argc, char *const argv[], int *i,
			const char *name, const char *short_name,
			const char **val, char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (!strncmp(a, name, n) && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (strcmp(a, name) && (!short_name || strcmp(a, short_name)))
		return 0;
	if (*i + 1 >= argc) {
		snprintf(err, errlen, "option %s needs a value", a);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int mv_parse_run_opts(int argc, char *const argv[], struct mv_run_opts *o,
		      char *err, size_t errlen)
{
	bool options_done = false, entry_given = false;
	const char *ring_tuning = NULL;	/* a --ring-* option seen */
	const char *val;
	int i, m;

	memset(o, 0, sizeof(*o));
	o->mem_size = MV_MEM_DEFAULT;
	o->entry = MV_ENTRY_REAL;
	o->cpus = 1;
	o->ring_entries = MV_RING_ENTRIES_DEFAULT;
	err[0] = '\0';

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || !strcmp(a, "-")) {
			if (o->guest) {
				snprintf(err, errlen, "unexpected argument '%s': give exactly one GUEST.bin (already have '%s')",
					 a, o->guest);
				return -1;
			}
			o->guest = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		}
		if (!strcmp(a, "--stats")) {
			o->stats = true;
			continue;
		}
		if (!strcmp(a, "--ring-poll")) {
			o->ring_poll = true;
			ring_tuning = a;
			continue;
		}
		m = match_valued(argc, argv, &i, "--ring", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_ring(val, o, err, errlen))
				return -1;
			continue;
		}
		m = match_valued(argc, argv, &i, "--ring-entries", NULL, &val,
				 err, errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_ring_entries(val, o, err, errlen))
				return -1;
			ring_tuning = "--ring-entries";
			continue;
		}
		m = match_valued(argc, argv, &i, "--ring-busy-poll", NULL, &val,
				 err, errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_ring_busy_poll(val, o, err, errlen))
				return -1;
			ring_tuning = "--ring-busy-poll";
			continue;
		}
		m = match_valued(argc, argv, &i, "--hv", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (mv_hv_parse_kind(val, &o->hv)) {
				snprintf(err, errlen, "--hv '%s': expected minivisor or kvm",
					 val);
				return -1;
			}
			continue;
		}
		m = match_valued(argc, argv, &i, "--coalesced", NULL, &val,
				 err, errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_coalesced(val, o, err, errlen))
				return -1;
			continue;
		}
		m = match_valued(argc, argv, &i, "--mem", "-m", &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_mem(val, o, err, errlen))
				return -1;
			o->mem_given = true;
			continue;
		}
		m = match_valued(argc, argv, &i, "--kernel", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			o->kernel = val;
			continue;
		}
		m = match_valued(argc, argv, &i, "--initrd", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			o->initrd = val;
			continue;
		}
		m = match_valued(argc, argv, &i, "--cmdline", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			o->cmdline = val;
			continue;
		}
		m = match_valued(argc, argv, &i, "--msr-policy", NULL, &val,
				 err, errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_msr_policy(val, o, err, errlen))
				return -1;
			continue;
		}
		m = match_valued(argc, argv, &i, "--cpus", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_cpus(val, o, err, errlen))
				return -1;
			continue;
		}
		m = match_valued(argc, argv, &i, "--entry", NULL, &val, err,
				 errlen);
		if (m < 0)
			return -1;
		if (m) {
			if (parse_entry(val, o, err, errlen))
				return -1;
			entry_given = true;
			continue;
		}
		snprintf(err, errlen, "unknown option '%s'", a);
		return -1;
	}
	if (o->kernel) {
		if (o->guest) {
			snprintf(err, errlen, "give either --kernel BZIMAGE or GUEST.bin, not both ('%s' and '%s')",
				 o->kernel, o->guest);
			return -1;
		}
		if (entry_given) {
			snprintf(err, errlen, "--entry applies to flat binaries: a --kernel starts in 64-bit mode as the Linux boot protocol says; drop --entry");
			return -1;
		}
		if (o->cpus > 1) {
			snprintf(err, errlen, "--kernel runs 1 vCPU: a Linux guest needs a local APIC for more, which minivisor does not emulate yet; drop --cpus");
			return -1;
		}
		if (!o->mem_given)
			o->mem_size = MV_LINUX_MEM_DEFAULT;
	} else if (o->initrd || o->cmdline) {
		snprintf(err, errlen, "%s needs --kernel BZIMAGE (a flat GUEST.bin has no initrd or command line)",
			 o->initrd ? "--initrd" : "--cmdline");
		return -1;
	} else if (!o->guest) {
		snprintf(err, errlen, "missing GUEST.bin (the flat binary to run) or --kernel BZIMAGE");
		return -1;
	}
	/* Each hypervisor has its own way to take device writes off the vCPU. */
	if (o->hv == MV_HV_KVM && o->nr_rings) {
		snprintf(err, errlen, "--ring %s: KVM has no shared exit rings (they are minivisor's); with --hv kvm use --coalesced %s (KVM's coalesced MMIO, the counterpart of --ring NAME:posted), or drop --hv kvm",
			 o->rings[0].name, o->rings[0].name);
		return -1;
	}
	if (o->hv != MV_HV_KVM && o->nr_coalesced) {
		snprintf(err, errlen, "--coalesced %s is KVM's coalesced MMIO and needs --hv kvm; on minivisor use --ring %s:posted (posted writes through the shared rings)",
			 o->coalesced[0], o->coalesced[0]);
		return -1;
	}
	/* Silently ignoring it would hide a typo in the --ring option. */
	if (ring_tuning && !o->nr_rings) {
		snprintf(err, errlen, "%s has no effect without --ring NAME: add --ring NAME or drop %s",
			 ring_tuning, ring_tuning);
		return -1;
	}
	return 0;
}
