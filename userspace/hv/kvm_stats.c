// SPDX-License-Identifier: GPL-2.0
#include "hv/kvm_names.h"
#include "hv/kvm_stats.h"

void mv_kvm_stats_count(struct mv_kvm_stats *st, uint32_t reason)
{
	if (reason < MV_KVM_STATS_REASONS)
		st->exits[reason]++;
	else
		st->exits_other++;
}

void mv_kvm_stats_add(struct mv_kvm_stats *sum, const struct mv_kvm_stats *st)
{
	unsigned int i;

	for (i = 0; i < MV_KVM_STATS_REASONS; i++)
		sum->exits[i] += st->exits[i];
	sum->exits_other += st->exits_other;
	sum->irqs_injected += st->irqs_injected;
	sum->nmis_injected += st->nmis_injected;
	sum->hlt_sleeps += st->hlt_sleeps;
}

void mv_kvm_print_stats(FILE *out, const char *title,
			const struct mv_kvm_stats *st)
{
	unsigned long long total = st->exits_other;
	unsigned int i;

	fprintf(out, "\n--- %s ---\n", title);
	fprintf(out, "(KVM: only the exits KVM returns to userspace are counted; those it handles in the kernel are not visible here)\n");
	fprintf(out, "%6s  %-24s %12s\n", "reason", "name", "count");
	for (i = 0; i < MV_KVM_STATS_REASONS; i++) {
		if (!st->exits[i])
			continue;
		fprintf(out, "%6u  %-24s %12llu\n", i, mv_kvm_exit_name(i),
			(unsigned long long)st->exits[i]);
		total += st->exits[i];
	}
	if (st->exits_other)
		fprintf(out, "%6s  %-24s %12llu\n", "-", "(other KVM_EXIT_*)",
			(unsigned long long)st->exits_other);
	fprintf(out, "exits to userspace: %llu\n", total);
	fprintf(out, "interrupts injected: %llu\n",
		(unsigned long long)st->irqs_injected);
	fprintf(out, "NMIs injected: %llu\n",
		(unsigned long long)st->nmis_injected);
	fprintf(out, "HLT sleeps in the VMM: %llu\n",
		(unsigned long long)st->hlt_sleeps);
}
