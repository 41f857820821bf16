// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM backend of hv.h: the same guests and devices on /dev/kvm, so
 * that minivisor can be compared with KVM in the same machine.
 *
 * The VM has no in-kernel irqchip: the PIC, PIT and UART stay in
 * userspace as under minivisor, so KVM returns every port I/O, MMIO
 * outside RAM and every HLT to userspace. What minivisor does in the
 * kernel and KVM leaves to userspace is done here, on the vCPU's thread,
 * inside mv_hv_vcpu_run():
 *   - events (kvm_events.h): queued from any thread, given to KVM before
 *     a KVM_RUN when it can take them; a queue while the vCPU is in
 *     KVM_RUN kicks it out with MV_KVM_KICK_SIGNAL, whose handler sets
 *     kvm_run->immediate_exit (a kick is not a stop: the loop injects
 *     and runs again);
 *   - HLT with IF = 1 sleeps here until an event is queued or the vCPU
 *     is stopped (mv_run.immediate_exit, set by run.c's stop signals);
 *   - the coalesced ring is drained to the device bus after every
 *     KVM_RUN, before its exit is handled (kvm_coalesced.h).
 * Every exit KVM returns is translated into the struct mv_run page the
 * exit dispatcher reads (kvm_xlate.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "exit.h"
#include "hv/hv.h"
#include "hv/kvm.h"
#include "hv/kvm_coalesced.h"
#include "hv/kvm_events.h"
#include "hv/kvm_stats.h"
#include "hv/kvm_xlate.h"
#include "lib/libminivisor.h"

/*
 * Where KVM may put the real-mode TSS (3 pages) and the EPT identity
 * map (1 page) it needs without unrestricted guest: QEMU's addresses,
 * in the MMIO hole below the 4 GiB boundary and clear of every device
 * of this VMM. With unrestricted guest (the test PC) KVM uses neither.
 */
#define MV_KVM_IDENTITY_MAP_ADDR	0xfeffc000ULL
#define MV_KVM_TSS_ADDR			0xfeffd000ULL

/*
 * Kicks a vCPU out of KVM_RUN for an event. Not SIGUSR1: run.c's SIGUSR1
 * means "stop the VM".
 */
#define MV_KVM_KICK_SIGNAL	SIGUSR2
/*
 * KVM holds at most one pending NMI and says nothing when it has
 * delivered it; while more wait, the vCPU kicks itself this often to
 * give KVM the next one (only then, so it is no busy loop).
 */
#define MV_KVM_NMI_RETRY_NS	1000000L

#define MV_KVM_CPUID_MAX	256

#ifndef sigev_notify_thread_id	/* glibc before 2.41 lacks the name */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

struct mv_kvm_vcpu;

struct mv_kvm {
	struct mv_hv common;
	int kvm_fd;
	size_t kvm_run_size;		/* KVM_GET_VCPU_MMAP_SIZE */
	int coalesced_page;		/* page of the ring in it; 0: none */
	bool coalesced_pio;
	bool user_msr;			/* KVM_CAP_X86_USER_SPACE_MSR */
	bool user_msr_on;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
	/* Coalesced zones and the drain (one ring per VM). */
	bool zones;
	pthread_mutex_t drain_lock;
	uint64_t drained;		/* records performed (under the lock) */
	struct mv_kvm_vcpu *flush_vcpu;	/* the first bound: mv_hv_flush() */
};

struct mv_kvm_vcpu {
	struct mv_hv_vcpu common;
	struct mv_kvm *vm;
	int fd;
	struct kvm_run *kr;
	struct kvm_coalesced_mmio_ring *ring;	/* in kr's mapping, or NULL */
	enum mv_kvm_completion cpl;	/* owed to KVM before the next run */
	bool halted;			/* in HLT with IF = 1 */
	struct mv_kvm_stats stats;	/* the vCPU's thread only */
	struct mv_vcpu_ctx *ctx;	/* mv_hv_vcpu_bind() */
	struct mv_bus *bus;
	/* Under lock: the queue and whether, and where, to kick. */
	pthread_mutex_t lock;
	struct mv_kvm_evq evq;
	bool in_run;
	pthread_t thread;
	/* The NMI retry timer, signalling the vCPU's thread. */
	bool timer_made;
	bool timer_armed;
	timer_t timer;
};

/* The run page the kick handler marks: the vCPU this thread runs. */
static _Thread_local struct kvm_run *volatile kick_run;

static struct mv_kvm *to_kvm(struct mv_hv *hv)
{
	return (struct mv_kvm *)hv;
}

static struct mv_kvm_vcpu *to_kvm_vcpu(struct mv_hv_vcpu *v)
{
	return (struct mv_kvm_vcpu *)v;
}

static void on_kick(int sig)
{
	struct kvm_run *kr = kick_run;

	(void)sig;
	if (kr)
		((volatile struct kvm_run *)kr)->immediate_exit = 1;
}

static int install_kick_handler(void)
{
	static bool installed;
	struct sigaction sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	/* Device code on the vCPU thread should not see EINTR for it. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(MV_KVM_KICK_SIGNAL, &sa, NULL))
		return mv_fail(errno, "cannot install the KVM kick signal handler: %s",
			       strerror(errno));
	installed = true;
	return 0;
}

int mv_kvm_open_device(void)
{
	const char *path = getenv(MV_KVM_DEVICE_ENV);
	int fd, version, err;

	if (!path || !*path)
		path = MV_KVM_DEVICE_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			return mv_fail(err, "cannot open %s: %s: KVM is not loaded (modprobe kvm_intel; it needs VMX enabled in the firmware)",
				       path, strerror(err));
		if (err == EACCES || err == EPERM)
			return mv_fail(err, "cannot open %s: %s: run as root or give this user access to %s",
				       path, strerror(err), path);
		return mv_fail(err, "cannot open %s: %s", path, strerror(err));
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		err = errno;
		close(fd);
		return mv_fail(err, "%s: KVM_GET_API_VERSION failed: %s (is %s really the KVM device?)",
			       path, strerror(err), path);
	}
	if (version != KVM_API_VERSION) {
		close(fd);
		return mv_fail(EPROTO, "%s speaks KVM API version %d, this tool was built for %d",
			       path, version, KVM_API_VERSION);
	}
	return fd;
}

static int check_extension(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

/* KVM_GET_SUPPORTED_CPUID, growing the buffer while KVM says E2BIG. */
static int get_supported_cpuid(struct mv_kvm *k)
{
	unsigned int nent;

	for (nent = 64; nent <= MV_KVM_CPUID_MAX; nent *= 2) {
		/* One spare entry for mv_kvm_cpuid_adjust(). */
		size_t size = sizeof(*k->cpuid) +
			      (nent + 1) * sizeof(k->cpuid->entries[0]);

		free(k->cpuid);
		k->cpuid = calloc(1, size);
		if (!k->cpuid)
			return mv_fail(ENOMEM, "out of memory");
		k->cpuid->nent = nent;
		if (!ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, k->cpuid))
			return 0;
		if (errno != E2BIG)
			break;
	}
	return mv_fail(errno, "KVM_GET_SUPPORTED_CPUID failed: %s",
		       strerror(errno));
}

static int kvm_create_vm_op(struct mv_hv *hv)
{
	struct mv_kvm *k = to_kvm(hv);
	uint64_t ident = MV_KVM_IDENTITY_MAP_ADDR;
	int fd, err;

	fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (fd < 0) {
		err = errno;
		if (err == EBUSY)
			return mv_fail(err, "cannot create a KVM VM: VMX is busy (EBUSY): another hypervisor holds it (minivisor with a VM?); stop that VM first, or run without --hv kvm");
		return mv_fail(err, "cannot create a KVM VM: KVM_CREATE_VM failed: %s (see dmesg)",
			       strerror(err));
	}
	hv->vm_fd = fd;
	/* Before any vCPU exists, or KVM refuses it. */
	if (ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) ||
	    ioctl(fd, KVM_SET_TSS_ADDR, (unsigned long)MV_KVM_TSS_ADDR))
		return mv_fail(errno, "KVM_SET_IDENTITY_MAP_ADDR / KVM_SET_TSS_ADDR failed: %s",
			       strerror(errno));
	return 0;
}

static int kvm_add_ram_op(struct mv_hv *hv, uint64_t size)
{
	struct kvm_userspace_memory_region region;
	void *mem;
	int err;

	if (size == 0 || size % 4096 || size > SIZE_MAX)
		return mv_fail(EINVAL, "guest memory of %llu bytes: must be a non-zero multiple of 4 KiB",
			       (unsigned long long)size);
	/* KVM faults the pages in itself: nothing to populate or pin. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		err = errno;
		return mv_fail(err, "cannot allocate %llu bytes of guest memory: %s (try a smaller --mem)",
			       (unsigned long long)size, strerror(err));
	}
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = size;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(hv->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		err = errno;
		munmap(mem, size);
		return mv_fail(err, "KVM_SET_USER_MEMORY_REGION (gpa 0, %llu bytes) failed: %s",
			       (unsigned long long)size, strerror(err));
	}
	hv->ram = mem;
	hv->ram_size = size;
	return 0;
}

static int set_cpuid(struct mv_kvm_vcpu *v)
{
	const struct kvm_cpuid2 *sup = v->vm->cpuid;
	size_t size = sizeof(*sup) + (sup->nent + 1) * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	int ret = 0;

	if (!c)
		return mv_fail(ENOMEM, "out of memory");
	memcpy(c, sup, sizeof(*sup) + sup->nent * sizeof(sup->entries[0]));
	c->nent = mv_kvm_cpuid_adjust(c->entries, sup->nent, sup->nent + 1,
				      v->common.id);
	if (ioctl(v->fd, KVM_SET_CPUID2, c))
		ret = mv_fail(errno, "vCPU %u: KVM_SET_CPUID2 failed: %s",
			      v->common.id, strerror(errno));
	free(c);
	return ret;
}

/*
 * The guest's TSC is the host's, as under minivisor (TSC offset 0), not
 * KVM's default of a TSC that starts at 0 with the VM: TSC readings in a
 * guest (the benchmarks' cycle counts, Linux's clock) then compare across
 * the two hypervisors. A KVM without the attribute (before Linux 5.16)
 * keeps its default.
 */
static int set_tsc_offset(struct mv_kvm_vcpu *v)
{
	uint64_t offset = 0;
	struct kvm_device_attr attr = {
		.group = KVM_VCPU_TSC_CTRL,
		.attr = KVM_VCPU_TSC_OFFSET,
		.addr = (uintptr_t)&offset,
	};

	if (!ioctl(v->fd, KVM_SET_DEVICE_ATTR, &attr) ||
	    errno == ENXIO || errno == ENOTTY)
		return 0;
	return mv_fail(errno, "vCPU %u: setting the TSC offset (KVM_VCPU_TSC_OFFSET) failed: %s",
		       v->common.id, strerror(errno));
}

static void kvm_destroy_vcpu_op(struct mv_hv_vcpu *hv_v)
{
	struct mv_kvm_vcpu *v = to_kvm_vcpu(hv_v);

	if (v->timer_made)
		timer_delete(v->timer);
	if (v->kr)
		munmap(v->kr, v->vm->kvm_run_size);
	if (v->fd >= 0)
		close(v->fd);
	if (hv_v->run)
		munmap(hv_v->run, hv_v->run_size);
	pthread_mutex_destroy(&v->lock);
	free(v);
}

static int kvm_create_vcpu_op(struct mv_hv *hv, unsigned int id,
			      struct mv_hv_vcpu **out)
{
	struct mv_kvm *k = to_kvm(hv);
	struct mv_kvm_vcpu *v = calloc(1, sizeof(*v));
	void *p;
	int err;

	if (!v)
		return mv_fail(ENOMEM, "vCPU %u: out of memory", id);
	v->common.hv = hv;
	v->common.id = id;
	v->vm = k;
	v->fd = -1;
	pthread_mutex_init(&v->lock, NULL);
	mv_kvm_evq_init(&v->evq);

	v->fd = ioctl(hv->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0) {
		err = errno;
		kvm_destroy_vcpu_op(&v->common);
		return mv_fail(err, "cannot create KVM vCPU %u: %s", id,
			       strerror(err));
	}
	p = mmap(NULL, k->kvm_run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 v->fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		kvm_destroy_vcpu_op(&v->common);
		return mv_fail(err, "cannot mmap the kvm_run page of vCPU %u: %s",
			       id, strerror(err));
	}
	v->kr = p;
	if (k->coalesced_page)
		v->ring = (void *)((uint8_t *)p +
				   (size_t)k->coalesced_page * MV_KVM_COALESCED_PAGE);
	/* minivisor's run page, translated to and from kvm_run. */
	p = mmap(NULL, MV_KVM_RUN_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		err = errno;
		kvm_destroy_vcpu_op(&v->common);
		return mv_fail(err, "vCPU %u: cannot allocate its run page: %s",
			       id, strerror(err));
	}
	v->common.run = p;
	v->common.run_size = MV_KVM_RUN_SIZE;
	err = set_cpuid(v);
	if (!err)
		err = set_tsc_offset(v);
	if (err) {
		kvm_destroy_vcpu_op(&v->common);
		return err;
	}
	*out = &v->common;
	return 0;
}

static int kvm_set_regs_op(struct mv_hv_vcpu *hv_v, const struct mv_regs *r)
{
	struct kvm_regs kr;

	mv_kvm_regs_from_mv(&kr, r);
	if (ioctl(to_kvm_vcpu(hv_v)->fd, KVM_SET_REGS, &kr))
		return mv_fail(errno, "vCPU %u: KVM_SET_REGS failed: %s",
			       hv_v->id, strerror(errno));
	return 0;
}

static int kvm_set_sregs_op(struct mv_hv_vcpu *hv_v,
			    const struct mv_sregs *s)
{
	struct mv_kvm_vcpu *v = to_kvm_vcpu(hv_v);
	struct kvm_sregs ks;

	if (ioctl(v->fd, KVM_GET_SREGS, &ks))
		return mv_fail(errno, "vCPU %u: KVM_GET_SREGS failed: %s",
			       hv_v->id, strerror(errno));
	mv_kvm_sregs_from_mv(&ks, s);
	if (ioctl(v->fd, KVM_SET_SREGS, &ks))
		return mv_fail(errno, "vCPU %u: KVM_SET_SREGS rejected the register state: %s",
			       hv_v->id, strerror(errno));
	return 0;
}

/*
 * MV_MSR_POLICY_EXIT: MSRs KVM does not know exit to userspace
 * (KVM_CAP_X86_USER_SPACE_MSR, a VM-wide switch), as MV_EXIT_MSR. The
 * default, #GP, is what KVM does anyway (unless kvm.ignore_msrs=1).
 */
static int kvm_set_msr_policy_op(struct mv_hv_vcpu *hv_v, uint32_t policy)
{
	struct mv_kvm *k = to_kvm_vcpu(hv_v)->vm;
	struct kvm_enable_cap cap;

	if (policy == MV_MSR_POLICY_GP || k->user_msr_on)
		return 0;
	if (policy != MV_MSR_POLICY_EXIT)
		return mv_fail(EINVAL, "unknown MSR policy %u", policy);
	if (!k->user_msr)
		return mv_fail(EOPNOTSUPP, "--msr-policy exit needs KVM_CAP_X86_USER_SPACE_MSR, which this KVM lacks (Linux 5.10 or later has it)");
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_X86_USER_SPACE_MSR;
	cap.args[0] = KVM_MSR_EXIT_REASON_UNKNOWN;
	if (ioctl(k->common.vm_fd, KVM_ENABLE_CAP, &cap))
		return mv_fail(errno, "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR) failed: %s",
			       strerror(errno));
	k->user_msr_on = true;
	return 0;
}

static void kvm_bind_op(struct mv_hv_vcpu *hv_v, struct mv_vcpu_ctx *ctx,
			struct mv_bus *bus)
{
	struct mv_kvm_vcpu *v = to_kvm_vcpu(hv_v);

	v->ctx = ctx;
	v->bus = bus;
	if (!v->vm->flush_vcpu)
		v->vm->flush_vcpu = v;
}

/* ---- the coalesced ring ----------------------------------------------- */

static void perform_coalesced(void *arg, const struct kvm_coalesced_mmio *e)
{
	struct mv_kvm_vcpu *v = arg;
	uint8_t data[8];
	bool pio = e->pio;

	/* Zones cover whole device ranges: a piece of 3 bytes cannot be. */
	if (e->len != 1 && e->len != 2 && e->len != 4 &&
	    (e->len != 8 || pio)) {
		mv_vcpu_stop(v->ctx, MV_STATUS_VM_ERROR,
			     "KVM's coalesced ring holds a %u-byte %s write at 0x%llx, which no device takes",
			     e->len, pio ? "port" : "MMIO",
			     (unsigned long long)e->phys_addr);
		return;
	}
	memcpy(data, e->data, e->len);
	mv_bus_access(v->bus, pio ? MV_SPACE_PIO : MV_SPACE_MMIO, v->ctx,
		      e->phys_addr, data, e->len, true);
}

/* Performs what the guest wrote to coalesced zones, in order. */
static void drain(struct mv_kvm_vcpu *v)
{
	struct mv_kvm *k = v->vm;
	int n;

	if (!k->zones || !v->ring || !v->bus ||
	    __atomic_load_n(&v->ring->last, __ATOMIC_ACQUIRE) ==
	    __atomic_load_n(&v->ring->first, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&k->drain_lock);
	n = mv_kvm_coalesced_drain(v->ring, MV_KVM_COALESCED_MAX,
				   perform_coalesced, v);
	if (n > 0)
		k->drained += (unsigned int)n;
	pthread_mutex_unlock(&k->drain_lock);
	if (n < 0)
		mv_vcpu_stop(v->ctx, MV_STATUS_VM_ERROR,
			     "KVM's coalesced ring has an index out of range (first %u, last %u)",
			     v->ring->first, v->ring->last);
}

static int kvm_add_coalesced_op(struct mv_hv *hv, enum mv_space space,
				uint64_t base, uint64_t len)
{
	struct mv_kvm *k = to_kvm(hv);
	struct kvm_coalesced_mmio_zone zone;

	if (!k->coalesced_page)
		return mv_fail(EOPNOTSUPP, "this KVM has no coalesced MMIO (KVM_CAP_COALESCED_MMIO)");
	if (space == MV_SPACE_PIO && !k->coalesced_pio)
		return mv_fail(EOPNOTSUPP, "this KVM has no coalesced port I/O (KVM_CAP_COALESCED_PIO) for ports 0x%llx..0x%llx",
			       (unsigned long long)base,
			       (unsigned long long)(base + len - 1));
	if (len > UINT32_MAX)
		return mv_fail(EINVAL, "coalesced zone at 0x%llx: %llu bytes is more than KVM takes",
			       (unsigned long long)base,
			       (unsigned long long)len);
	memset(&zone, 0, sizeof(zone));
	zone.addr = base;
	zone.size = (uint32_t)len;
	zone.pio = space == MV_SPACE_PIO;
	if (ioctl(hv->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone))
		return mv_fail(errno, "KVM_REGISTER_COALESCED_MMIO (%s 0x%llx, %llu bytes) failed: %s",
			       zone.pio ? "ports" : "MMIO",
			       (unsigned long long)base,
			       (unsigned long long)len, strerror(errno));
	k->zones = true;
	return 0;
}

static void kvm_flush_op(struct mv_hv *hv)
{
	struct mv_kvm *k = to_kvm(hv);

	if (k->flush_vcpu)
		drain(k->flush_vcpu);
}

/* ---- events ------------------------------------------------------------ */

static int queue_event(struct mv_kvm_vcpu *v, bool nmi, unsigned int vector)
{
	int ret;

	pthread_mutex_lock(&v->lock);
	ret = nmi ? mv_kvm_evq_push_nmi(&v->evq)
		  : mv_kvm_evq_push_irq(&v->evq, vector);
	/*
	 * Out of KVM_RUN the vCPU's thread looks at the queue before the
	 * next one; inside (or asleep in HLT) it needs the kick. Its own
	 * thread only queues from device code, outside KVM_RUN.
	 */
	if (!ret && v->in_run && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, MV_KVM_KICK_SIGNAL);
	pthread_mutex_unlock(&v->lock);
	return ret;
}

static int kvm_queue_interrupt_op(struct mv_hv_vcpu *hv_v, unsigned int vector)
{
	return queue_event(to_kvm_vcpu(hv_v), false, vector);
}

static int kvm_queue_nmi_op(struct mv_hv_vcpu *hv_v)
{
	return queue_event(to_kvm_vcpu(hv_v), true, 0);
}

/* Whether KVM still holds an NMI it has not delivered. */
static int kvm_nmi_pending(struct mv_kvm_vcpu *v, bool *pending)
{
	struct kvm_vcpu_events ev;

	*pending = false;
	if (!mv_kvm_evq_nmi_query_needed(&v->evq))
		return 0;
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev))
		return mv_fail(errno, "vCPU %u: KVM_GET_VCPU_EVENTS failed: %s",
			       v->common.id, strerror(errno));
	*pending = ev.nmi.pending;
	return 0;
}

/* A one-shot kick of this vCPU's thread, for the next waiting NMI. */
static void arm_nmi_retry(struct mv_kvm_vcpu *v)
{
	struct itimerspec its = { .it_value.tv_nsec = MV_KVM_NMI_RETRY_NS };
	struct sigevent sev;

	if (!v->timer_made) {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = MV_KVM_KICK_SIGNAL;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &v->timer))
			return;		/* the next exit retries anyway */
		v->timer_made = true;
	}
	if (!timer_settime(v->timer, 0, &its, NULL))
		v->timer_armed = true;
}

/*
 * Gives KVM what it can take now: the oldest interrupt if the guest can
 * take one (else KVM is asked to exit when it can), one NMI if KVM has
 * none pending. Each event leaves the queue only once KVM accepted it.
 */
static int inject_events(struct mv_kvm_vcpu *v)
{
	struct kvm_run *kr = v->kr;
	struct kvm_interrupt irq;
	bool nmi_pending;
	uint8_t vector;
	int ret = 0;

	pthread_mutex_lock(&v->lock);
	if (mv_kvm_evq_irq_to_inject(&v->evq,
				     kr->ready_for_interrupt_injection,
				     kr->if_flag, &vector)) {
		memset(&irq, 0, sizeof(irq));
		irq.irq = vector;
		if (ioctl(v->fd, KVM_INTERRUPT, &irq)) {
			ret = mv_fail(errno, "vCPU %u: KVM_INTERRUPT of vector %u failed: %s",
				      v->common.id, vector, strerror(errno));
			goto out;
		}
		mv_kvm_evq_irq_taken(&v->evq);
		v->stats.irqs_injected++;
	}
	kr->request_interrupt_window = mv_kvm_evq_irq_waiting(&v->evq);
	if (!v->evq.nr_nmis)
		goto out;
	ret = kvm_nmi_pending(v, &nmi_pending);
	if (ret)
		goto out;
	if (mv_kvm_evq_nmi_to_inject(&v->evq, nmi_pending)) {
		if (ioctl(v->fd, KVM_NMI, 0)) {
			ret = mv_fail(errno, "vCPU %u: KVM_NMI failed: %s",
				      v->common.id, strerror(errno));
			goto out;
		}
		mv_kvm_evq_nmi_taken(&v->evq);
		v->stats.nmis_injected++;
	}
	if (v->evq.nr_nmis)
		arm_nmi_retry(v);
out:
	pthread_mutex_unlock(&v->lock);
	return ret;
}

/* ---- running ------------------------------------------------------------ */

static bool stop_requested(struct mv_kvm_vcpu *v)
{
	return ((volatile struct mv_run *)v->common.run)->immediate_exit;
}

/*
 * kvm_run->immediate_exit for the next KVM_RUN: a kick's is spent, a
 * stop's (mv_run.immediate_exit) stays. Cleared before the events are
 * looked at, so a kick after that look makes KVM_RUN return at once; a
 * stop signal between the two stores sets both flags itself
 * (kvm_request_exit_op), so none is lost.
 */
static void arm_immediate_exit(struct mv_kvm_vcpu *v)
{
	volatile struct kvm_run *kr = v->kr;

	kr->immediate_exit = 0;
	atomic_signal_fence(memory_order_seq_cst);
	if (stop_requested(v))
		kr->immediate_exit = 1;
}

static void kvm_request_exit_op(struct mv_hv_vcpu *hv_v)
{
	struct mv_kvm_vcpu *v = to_kvm_vcpu(hv_v);

	((volatile struct mv_run *)hv_v->run)->immediate_exit = 1;
	atomic_signal_fence(memory_order_seq_cst);
	((volatile struct kvm_run *)v->kr)->immediate_exit = 1;
}

/*
 * HLT with IF = 1: sleep until an event is queued or the vCPU is
 * stopped. Every signal is blocked while the queue is looked at and
 * unblocked only inside ppoll(), so a kick or a stop signal that comes
 * in between is not lost: it ends the ppoll() at once.
 */
static int wait_for_event(struct mv_kvm_vcpu *v)
{
	sigset_t all, old;
	bool ready;

	sigfillset(&all);
	for (;;) {
		pthread_sigmask(SIG_BLOCK, &all, &old);
		pthread_mutex_lock(&v->lock);
		ready = mv_kvm_evq_pending(&v->evq);
		pthread_mutex_unlock(&v->lock);
		if (!ready && !stop_requested(v))
			ppoll(NULL, 0, NULL, &old);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (stop_requested(v))
			return -EINTR;
		if (ready)
			return 0;
	}
}

/* HLT with IF = 0 ends the run unless an NMI will wake the guest. */
static bool nmi_will_wake(struct mv_kvm_vcpu *v)
{
	bool kvm_pending = false, wake;

	pthread_mutex_lock(&v->lock);
	if (kvm_nmi_pending(v, &kvm_pending))
		kvm_pending = false;
	wake = v->evq.nr_nmis || kvm_pending;
	pthread_mutex_unlock(&v->lock);
	return wake;
}

static void fill_rip(struct mv_kvm_vcpu *v)
{
	struct kvm_regs regs;

	if (!ioctl(v->fd, KVM_GET_REGS, &regs))
		v->common.run->guest_rip = regs.rip;
}

static int interrupted(struct mv_kvm_vcpu *v)
{
	v->common.run->exit_reason = MV_EXIT_INTR;
	return mv_fail(EINTR, "vCPU %u: KVM_RUN interrupted by a signal",
		       v->common.id);
}

static int run_until_exit(struct mv_kvm_vcpu *v)
{
	struct mv_run *run = v->common.run;
	struct kvm_run *kr = v->kr;
	enum mv_kvm_xlate x;
	int ret, err;

	ret = mv_kvm_complete(kr, v->vm->kvm_run_size, run,
			      v->common.run_size, v->cpl);
	if (ret && v->cpl == MV_KVM_CPL_MSR)
		return mv_fail(-ret, "vCPU %u: msr.error %u in the run page: 0 completes the RDMSR/WRMSR, 1 injects #GP",
			       v->common.id, run->msr.error);
	if (ret)
		return mv_fail(-ret, "vCPU %u: the I/O data of the last exit does not fit KVM's run page (a bug in hv/kvm_xlate.c)",
			       v->common.id);
	/* KVM takes it with the next KVM_RUN, whatever that returns. */
	v->cpl = MV_KVM_CPL_NONE;
	run->exit_reason = MV_EXIT_NONE;
	for (;;) {
		if (v->halted) {
			if (wait_for_event(v))
				return interrupted(v);
			v->halted = false;
		}
		arm_immediate_exit(v);
		ret = inject_events(v);
		if (ret)
			return ret;
		ret = ioctl(v->fd, KVM_RUN, 0);
		err = errno;
		drain(v);
		if (ret < 0) {
			if (err != EINTR)
				return mv_fail(err, "vCPU %u: KVM_RUN failed: %s (see dmesg)",
					       v->common.id, strerror(err));
			mv_kvm_stats_count(&v->stats, KVM_EXIT_INTR);
			if (stop_requested(v))
				return interrupted(v);
			continue;	/* a kick: take the events */
		}
		mv_kvm_stats_count(&v->stats, kr->exit_reason);
		x = mv_kvm_exit_to_mv(kr, v->vm->kvm_run_size, run,
				      v->common.run_size, &v->cpl);
		if (x == MV_KVM_RERUN)
			continue;
		if (x == MV_KVM_HALTED ||
		    (run->exit_reason == MV_EXIT_HLT && nmi_will_wake(v))) {
			v->halted = x == MV_KVM_HALTED;
			v->stats.hlt_sleeps += v->halted;
			continue;
		}
		if (mv_kvm_exit_wants_rip(run->exit_reason))
			fill_rip(v);
		return 0;
	}
}

static void set_in_run(struct mv_kvm_vcpu *v, bool in_run)
{
	struct itimerspec off = { 0 };

	pthread_mutex_lock(&v->lock);
	v->in_run = in_run;
	v->thread = pthread_self();
	if (!in_run && v->timer_armed) {
		timer_settime(v->timer, 0, &off, NULL);
		v->timer_armed = false;
	}
	pthread_mutex_unlock(&v->lock);
}

static int kvm_run_op(struct mv_hv_vcpu *hv_v)
{
	struct mv_kvm_vcpu *v = to_kvm_vcpu(hv_v);
	int ret;

	kick_run = v->kr;
	set_in_run(v, true);
	ret = run_until_exit(v);
	set_in_run(v, false);
	return ret;
}

/* ---- statistics, teardown, open ---------------------------------------- */

static int kvm_print_stats_op(struct mv_hv *hv, FILE *out,
			      struct mv_hv_vcpu *const *vcpus, unsigned int n)
{
	struct mv_kvm *k = to_kvm(hv);
	struct mv_kvm_stats sum;
	char title[96];
	unsigned int i;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < n; i++) {
		const struct mv_kvm_stats *st = &to_kvm_vcpu(vcpus[i])->stats;

		if (n == 1) {
			mv_kvm_print_stats(out, "exit statistics (KVM)", st);
			break;
		}
		snprintf(title, sizeof(title),
			 "exit statistics (KVM): vCPU %u", i);
		mv_kvm_print_stats(out, title, st);
		mv_kvm_stats_add(&sum, st);
	}
	if (n > 1)
		mv_kvm_print_stats(out, "exit statistics (KVM): all vCPUs",
				   &sum);
	if (k->zones)
		fprintf(out, "coalesced writes performed: %llu\n",
			(unsigned long long)k->drained);
	return 0;
}

static void kvm_close_op(struct mv_hv *hv)
{
	struct mv_kvm *k = to_kvm(hv);

	if (hv->vm_fd >= 0)
		close(hv->vm_fd);
	if (hv->ram)
		munmap(hv->ram, hv->ram_size);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	free(k->cpuid);
	pthread_mutex_destroy(&k->drain_lock);
	free(k);
}

static const struct mv_hv_ops kvm_ops = {
	.create_vm = kvm_create_vm_op,
	.add_ram = kvm_add_ram_op,
	.create_vcpu = kvm_create_vcpu_op,
	.set_regs = kvm_set_regs_op,
	.set_sregs = kvm_set_sregs_op,
	.set_msr_policy = kvm_set_msr_policy_op,
	.bind = kvm_bind_op,
	.run = kvm_run_op,
	.request_exit = kvm_request_exit_op,
	.queue_interrupt = kvm_queue_interrupt_op,
	.queue_nmi = kvm_queue_nmi_op,
	.add_coalesced = kvm_add_coalesced_op,
	.flush = kvm_flush_op,
	.print_stats = kvm_print_stats_op,
	.destroy_vcpu = kvm_destroy_vcpu_op,
	.close = kvm_close_op,
};

/* What the backend cannot do without. */
static int check_required(struct mv_kvm *k)
{
	static const struct { long cap; const char *name; } req[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
		{ KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!check_extension(k->kvm_fd, req[i].cap))
			return mv_fail(EOPNOTSUPP, "this KVM lacks %s, which --hv kvm needs (Linux 4.11 or later has all it needs)",
				       req[i].name);
	return 0;
}

int mv_hv_kvm_open(struct mv_hv **out)
{
	struct mv_kvm *k = calloc(1, sizeof(*k));
	struct mv_hv_caps *c;
	long size;
	int ret, n;

	if (!k)
		return mv_fail(ENOMEM, "out of memory");
	k->common.ops = &kvm_ops;
	k->common.kind = MV_HV_KVM;
	k->common.vm_fd = -1;
	pthread_mutex_init(&k->drain_lock, NULL);
	k->kvm_fd = mv_kvm_open_device();
	if (k->kvm_fd < 0) {
		ret = k->kvm_fd;
		goto fail;
	}
	ret = check_required(k);
	if (ret)
		goto fail;
	size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct kvm_run)) {
		ret = mv_fail(size < 0 ? errno : EPROTO, "KVM_GET_VCPU_MMAP_SIZE failed or is too small (%ld)",
			      size);
		goto fail;
	}
	k->kvm_run_size = (size_t)size;
	n = check_extension(k->kvm_fd, KVM_CAP_COALESCED_MMIO);
	/* The ring page must lie inside the vCPU mapping. */
	if (n > 0 && (size_t)(n + 1) * MV_KVM_COALESCED_PAGE <= k->kvm_run_size)
		k->coalesced_page = n;
	k->coalesced_pio = check_extension(k->kvm_fd, KVM_CAP_COALESCED_PIO);
	k->user_msr = check_extension(k->kvm_fd, KVM_CAP_X86_USER_SPACE_MSR);
	ret = get_supported_cpuid(k);
	if (!ret)
		ret = install_kick_handler();
	if (ret)
		goto fail;

	c = &k->common.caps;
	c->name = "KVM";
	c->run_size = MV_KVM_RUN_SIZE;
	n = check_extension(k->kvm_fd, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = check_extension(k->kvm_fd, KVM_CAP_NR_VCPUS);
	c->max_vcpus = n > 0 ? (unsigned int)n : 1;
	/* KVM emulates real mode even without unrestricted guest. */
	c->real_mode = true;
	c->coalesced = k->coalesced_page != 0;
	*out = &k->common;
	return 0;

fail:
	kvm_close_op(&k->common);
	return ret;
}
