/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints (tracefs events/minivisor/), in the spirit of KVM's
 * kvm_entry/kvm_exit, so perf, trace-cmd and bpftrace can follow every VM
 * entry and exit, and every request through the exit rings. The fields
 * are part of what researchers script against: keep their names.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM minivisor

#if !defined(MV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(minivisor_entry,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u64 rip),
	TP_ARGS(vm_id, vcpu_id, rip),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->rip = rip;
	),
	TP_printk("vm %u vcpu %u rip 0x%llx", __entry->vm_id,
		  __entry->vcpu_id, __entry->rip)
);

TRACE_EVENT(minivisor_exit,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u32 reason, u64 qual, u64 rip),
	TP_ARGS(vm_id, vcpu_id, reason, qual, rip),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u32, reason)
		__field(u64, qual)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->reason = reason;
		__entry->qual = qual;
		__entry->rip = rip;
	),
	TP_printk("vm %u vcpu %u reason %u qual 0x%llx rip 0x%llx",
		  __entry->vm_id, __entry->vcpu_id, __entry->reason,
		  __entry->qual, __entry->rip)
);

TRACE_EVENT(minivisor_ring_post,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u64 seq, u64 addr, u8 len, u8 flags),
	TP_ARGS(vm_id, vcpu_id, seq, addr, len, flags),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u64, seq)
		__field(u64, addr)
		__field(u8, len)
		__field(u8, flags)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->seq = seq;
		__entry->addr = addr;
		__entry->len = len;
		__entry->flags = flags;
	),
	TP_printk("vm %u vcpu %u seq %llu addr 0x%llx len %u flags 0x%x",
		  __entry->vm_id, __entry->vcpu_id, __entry->seq,
		  __entry->addr, __entry->len, __entry->flags)
);

TRACE_EVENT(minivisor_ring_complete,
	TP_PROTO(u32 vm_id, u32 vcpu_id, u64 seq),
	TP_ARGS(vm_id, vcpu_id, seq),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu_id)
		__field(u64, seq)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu_id = vcpu_id;
		__entry->seq = seq;
	),
	TP_printk("vm %u vcpu %u seq %llu", __entry->vm_id,
		  __entry->vcpu_id, __entry->seq)
);

#endif /* MV_TRACE_H */

/* The module is built outside the kernel tree: this directory. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
