// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "hv/kvm_coalesced.h"

int mv_kvm_coalesced_drain(struct kvm_coalesced_mmio_ring *ring,
			   uint32_t max, mv_kvm_coalesced_fn *fn, void *arg)
{
	/* first is ours alone; last is KVM's, published after the record. */
	uint32_t first = ring->first;
	uint32_t last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	struct kvm_coalesced_mmio e;
	int n = 0;

	if (first >= max || last >= max)
		return -EPROTO;
	while (first != last) {
		e = ring->coalesced_mmio[first];
		fn(arg, &e);
		first = (first + 1) % max;
		/* Done with the slot: KVM may fill it again. */
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	return n;
}
