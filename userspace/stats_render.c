// SPDX-License-Identifier: GPL-2.0
/* Text and JSON for `minivisor stats`, `top` and `events` (stats_render.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/libminivisor.h"
#include "stats_render.h"

int mv_stats_vcpu_add_reason(struct mv_stats_vcpu *v,
			     const struct mv_stats_reason *r)
{
	struct mv_stats_reason *n;

	n = realloc(v->reasons, (v->nr_reasons + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	n[v->nr_reasons++] = *r;
	v->reasons = n;
	return 0;
}

int mv_stats_vm_add_vcpu(struct mv_stats_vm *vm, struct mv_stats_vcpu *v)
{
	struct mv_stats_vcpu *n;

	n = realloc(vm->vcpus, (vm->nr_vcpu_stats + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	n[vm->nr_vcpu_stats++] = *v;
	vm->vcpus = n;
	v->reasons = NULL;
	v->nr_reasons = 0;
	return 0;
}

void mv_stats_vcpu_free(struct mv_stats_vcpu *v)
{
	free(v->reasons);
	v->reasons = NULL;
	v->nr_reasons = 0;
}

void mv_stats_vm_free_stats(struct mv_stats_vm *vm)
{
	size_t i;

	for (i = 0; i < vm->nr_vcpu_stats; i++)
		mv_stats_vcpu_free(&vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nr_vcpu_stats = 0;
	mv_stats_vcpu_free(&vm->total);
	memset(&vm->total, 0, sizeof(vm->total));
	vm->have_total = false;
}

void mv_stats_vms_free(struct mv_stats_vm *vms, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		mv_stats_vm_free_stats(&vms[i]);
	free(vms);
}

const struct mv_stats_reason *mv_stats_find_reason(const struct mv_stats_vcpu *v,
						   uint32_t id)
{
	size_t i;

	for (i = 0; v && i < v->nr_reasons; i++)
		if (v->reasons[i].id == id)
			return &v->reasons[i];
	return NULL;
}

uint64_t mv_stats_handled(const struct mv_stats_reason *r)
{
	uint64_t sum = 0;
	unsigned int b;

	for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
		sum += r->hist[b];
	return sum;
}

uint64_t mv_stats_mean(const struct mv_stats_reason *r)
{
	uint64_t n = mv_stats_handled(r);

	return n ? r->cycles_total / n : 0;
}

char *mv_stats_hist_format(const uint64_t hist[MV_STATS_HIST_BUCKETS],
			   char *buf, size_t len)
{
	size_t pos = 0;
	unsigned int b;
	char item[48];

	if (!len)
		return buf;
	buf[0] = '\0';
	for (b = 0; b < MV_STATS_HIST_BUCKETS; b++) {
		size_t n;

		if (!hist[b])
			continue;
		n = (size_t)snprintf(item, sizeof(item), "%s2^%u%s:%" PRIu64,
				     pos ? " " : "", b,
				     b == MV_STATS_HIST_BUCKETS - 1 ? "+" : "",
				     hist[b]);
		if (pos + n + 1 > len) {
			/*
			 * Room for " ..." (or as much of it as fits) after a
			 * whole item, never in the middle of a count.
			 */
			while (pos && (pos + 4 + 1 > len ||
				       (buf[pos] != ' ' && buf[pos] != '\0')))
				pos--;
			snprintf(buf + pos, len - pos, "%s", pos ? " ..." : "...");
			return buf;
		}
		memcpy(buf + pos, item, n + 1);
		pos += n;
	}
	if (!pos)
		snprintf(buf, len, "-");
	return buf;
}

char *mv_stats_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (bytes && !(bytes & 1023) && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, units[u]);
	return buf;
}

void mv_stats_print_vm_list(FILE *out, const struct mv_stats_vm *vms,
			    size_t nr)
{
	char mem[32];
	size_t i;

	if (!nr) {
		fprintf(out, "no VMs\n");
		return;
	}
	fprintf(out, "%6s %8s %6s  %s\n", "VM", "PID", "vCPUs", "MEMORY");
	for (i = 0; i < nr; i++)
		fprintf(out, "%6" PRIu32 " %8" PRIu32 " %6" PRIu32 "  %s\n",
			vms[i].id, vms[i].pid, vms[i].nr_vcpus,
			mv_stats_size_format(vms[i].mem_bytes, mem, sizeof(mem)));
}

static int reason_cmp(const void *a, const void *b)
{
	const struct mv_stats_reason *const *ra = a, *const *rb = b;

	return ((*ra)->id > (*rb)->id) - ((*ra)->id < (*rb)->id);
}

/* Pointers to @v's reasons sorted by number (NULL if none or no memory). */
static const struct mv_stats_reason **sorted_reasons(const struct mv_stats_vcpu *v)
{
	const struct mv_stats_reason **s;
	size_t i;

	if (!v->nr_reasons)
		return NULL;
	s = malloc(v->nr_reasons * sizeof(*s));
	if (!s)
		return NULL;
	for (i = 0; i < v->nr_reasons; i++)
		s[i] = &v->reasons[i];
	qsort(s, v->nr_reasons, sizeof(*s), reason_cmp);
	return s;
}

static void print_reason_row(FILE *out, const struct mv_stats_reason *r)
{
	char hist[512], mean[24];

	if (mv_stats_handled(r))
		snprintf(mean, sizeof(mean), "%" PRIu64, mv_stats_mean(r));
	else
		snprintf(mean, sizeof(mean), "-");
	fprintf(out, "  %6" PRIu32 "  %-24s %12" PRIu64 " %16" PRIu64
		" %12s %14" PRIu64 "  %s\n",
		r->id, mv_vmx_exit_reason_name(r->id & 0xffff), r->count,
		r->cycles_total, mean, r->cycles_max,
		mv_stats_hist_format(r->hist, hist, sizeof(hist)));
}

void mv_stats_print_vcpu(FILE *out, const struct mv_stats_vcpu *v)
{
	const struct mv_stats_reason **s;
	size_t i;

	if (v->is_total)
		fprintf(out, "total (all vCPUs): %" PRIu64 " exits\n",
			v->exits_total);
	else
		fprintf(out, "vCPU %" PRIu32 ": %" PRIu64 " exits\n", v->id,
			v->exits_total);
	if (!v->nr_reasons)
		return;
	fprintf(out, "  %6s  %-24s %12s %16s %12s %14s  %s\n", "REASON",
		"NAME", "COUNT", "CYCLES-TOTAL", "MEAN", "MAX",
		"HISTOGRAM (2^K:N = N exits took [2^K, 2^(K+1)) cycles)");
	s = sorted_reasons(v);
	for (i = 0; i < v->nr_reasons; i++)
		print_reason_row(out, s ? s[i] : &v->reasons[i]);
	free(s);
}

void mv_stats_print_vm(FILE *out, const struct mv_stats_vm *vm)
{
	char mem[32];
	size_t i;

	if (vm->have_info)
		fprintf(out, "VM %" PRIu32 " (pid %" PRIu32 ", %" PRIu32
			" vCPU%s, %s)\n", vm->id, vm->pid, vm->nr_vcpus,
			vm->nr_vcpus == 1 ? "" : "s",
			mv_stats_size_format(vm->mem_bytes, mem, sizeof(mem)));
	else
		fprintf(out, "VM %" PRIu32 "\n", vm->id);
	for (i = 0; i < vm->nr_vcpu_stats; i++)
		mv_stats_print_vcpu(out, &vm->vcpus[i]);
	if (vm->have_total)
		mv_stats_print_vcpu(out, &vm->total);
}

void mv_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else if (*p >= 0x80)
				/* Not ours to vouch for as UTF-8: keep JSON valid. */
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void json_reasons(FILE *out, const struct mv_stats_vcpu *v)
{
	const struct mv_stats_reason **s = sorted_reasons(v);
	size_t i;
	unsigned int b;

	fputs("\"reasons\":[", out);
	for (i = 0; i < v->nr_reasons; i++) {
		const struct mv_stats_reason *r = s ? s[i] : &v->reasons[i];

		fprintf(out, "%s{\"id\":%" PRIu32 ",\"name\":", i ? "," : "",
			r->id);
		mv_json_string(out, mv_vmx_exit_reason_name(r->id & 0xffff));
		fprintf(out, ",\"count\":%" PRIu64 ",\"cycles_total\":%" PRIu64
			",\"cycles_max\":%" PRIu64 ",\"cycles_mean\":%" PRIu64
			",\"hist\":[", r->count, r->cycles_total, r->cycles_max,
			mv_stats_mean(r));
		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			fprintf(out, "%s%" PRIu64, b ? "," : "", r->hist[b]);
		fputs("]}", out);
	}
	fputc(']', out);
	free(s);
}

void mv_stats_print_json(FILE *out, const struct mv_stats_vm *vms, size_t nr)
{
	size_t i, j;

	fputs("{\"vms\":[", out);
	for (i = 0; i < nr; i++) {
		const struct mv_stats_vm *vm = &vms[i];

		fprintf(out, "%s{\"id\":%" PRIu32, i ? "," : "", vm->id);
		if (vm->have_info)
			fprintf(out, ",\"pid\":%" PRIu32 ",\"nr_vcpus\":%" PRIu32
				",\"mem_bytes\":%" PRIu64, vm->pid,
				vm->nr_vcpus, vm->mem_bytes);
		fputs(",\"vcpus\":[", out);
		for (j = 0; j < vm->nr_vcpu_stats; j++) {
			fprintf(out, "%s{\"id\":%" PRIu32 ",\"exits_total\":%"
				PRIu64 ",", j ? "," : "", vm->vcpus[j].id,
				vm->vcpus[j].exits_total);
			json_reasons(out, &vm->vcpus[j]);
			fputc('}', out);
		}
		fputs("],\"totals\":", out);
		if (vm->have_total) {
			fprintf(out, "{\"exits_total\":%" PRIu64 ",",
				vm->total.exits_total);
			json_reasons(out, &vm->total);
			fputc('}', out);
		} else {
			fputs("null", out);
		}
		fputc('}', out);
	}
	fputs("]}\n", out);
}

/* ---- top ---- */

static uint64_t counter_delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;	/* reset in between */
}

static int top_row_cmp(const void *a, const void *b)
{
	const struct mv_top_row *ra = a, *rb = b;

	if (ra->delta != rb->delta)
		return ra->delta < rb->delta ? 1 : -1;
	return (ra->id > rb->id) - (ra->id < rb->id);
}

size_t mv_top_compute(const struct mv_stats_vcpu *prev,
		      const struct mv_stats_vcpu *cur, double seconds,
		      struct mv_top_row *rows, size_t max_rows,
		      double *total_rate)
{
	size_t i, k, n = 0;

	*total_rate = 0;
	if (!cur)
		return 0;
	for (i = 0; i < cur->nr_reasons; i++) {
		const struct mv_stats_reason *r = &cur->reasons[i];
		const struct mv_stats_reason *p = mv_stats_find_reason(prev, r->id);
		uint64_t d = counter_delta(p ? p->count : 0, r->count);
		struct mv_top_row row;

		if (!d)
			continue;
		row.id = r->id;
		row.delta = d;
		row.rate = seconds > 0 ? (double)d / seconds : 0;
		/*
		 * Insertion into the sorted rows, keeping the @max_rows
		 * highest. Same interval for every row: sorting by delta
		 * sorts by rate.
		 */
		for (k = n; k > 0 && top_row_cmp(&row, &rows[k - 1]) < 0; k--)
			if (k < max_rows)
				rows[k] = rows[k - 1];
		if (k < max_rows) {
			rows[k] = row;
			if (n < max_rows)
				n++;
		}
	}
	if (seconds > 0)
		*total_rate = (double)counter_delta(prev ? prev->exits_total : 0,
						    cur->exits_total) / seconds;
	return n;
}

void mv_top_print(FILE *out, const char *title, const struct mv_top_row *rows,
		  size_t nr, double total_rate)
{
	size_t i;

	fprintf(out, "%s: %.1f exits/s\n", title, total_rate);
	if (!nr) {
		fprintf(out, "  (no exits)\n");
		return;
	}
	fprintf(out, "  %10s  %6s  %-24s %10s\n", "EXITS/S", "REASON", "NAME",
		"EXITS");
	for (i = 0; i < nr; i++)
		fprintf(out, "  %10.1f  %6" PRIu32 "  %-24s %10" PRIu64 "\n",
			rows[i].rate, rows[i].id,
			mv_vmx_exit_reason_name(rows[i].id & 0xffff),
			rows[i].delta);
}

/* ---- events ---- */

void mv_event_print(FILE *out, const struct mv_event *ev)
{
	switch (ev->cmd) {
	case MV_CMD_VM_CREATED:
		fprintf(out, "vm-created vm=%" PRIu32 " pid=%" PRIu32 "\n",
			ev->vm_id, ev->pid);
		break;
	case MV_CMD_VM_DESTROYED:
		fprintf(out, "vm-destroyed vm=%" PRIu32 "\n", ev->vm_id);
		break;
	case MV_CMD_EXIT_SAMPLE:
		fprintf(out, "exit vm=%" PRIu32 " vcpu=%" PRIu32 " reason=%"
			PRIu32 " %s qual=0x%" PRIx64 " rip=0x%" PRIx64
			" cycles=%" PRIu64 "\n", ev->vm_id, ev->vcpu_id,
			ev->reason, mv_vmx_exit_reason_name(ev->reason & 0xffff),
			ev->exit_qual, ev->guest_rip, ev->cycles);
		break;
	default:
		fprintf(out, "event cmd=%u vm=%" PRIu32 "\n", ev->cmd,
			ev->vm_id);
	}
}

void mv_top_print_vm(FILE *out, const struct mv_stats_vm *prev,
		     const struct mv_stats_vm *cur, double seconds)
{
	struct mv_top_row *rows = NULL;
	char title[128], mem[32];
	double total = 0;
	size_t i, j, n = 0;

	if (cur->have_info)
		snprintf(title, sizeof(title), "VM %" PRIu32 " (pid %" PRIu32
			 ", %" PRIu32 " vCPU%s, %s)", cur->id, cur->pid,
			 cur->nr_vcpus, cur->nr_vcpus == 1 ? "" : "s",
			 mv_stats_size_format(cur->mem_bytes, mem, sizeof(mem)));
	else
		snprintf(title, sizeof(title), "VM %" PRIu32, cur->id);
	if (!cur->have_total) {
		fprintf(out, "%s: no statistics\n", title);
		return;
	}
	if (cur->total.nr_reasons)
		rows = calloc(cur->total.nr_reasons, sizeof(*rows));
	if (rows || !cur->total.nr_reasons)
		n = mv_top_compute(prev && prev->have_total ? &prev->total : NULL,
				   &cur->total, seconds, rows,
				   cur->total.nr_reasons, &total);
	mv_top_print(out, title, rows, n, total);
	free(rows);
	if (!cur->nr_vcpu_stats)
		return;
	fprintf(out, "  per vCPU:");
	for (i = 0; i < cur->nr_vcpu_stats; i++) {
		const struct mv_stats_vcpu *p = NULL;
		double rate;

		for (j = 0; prev && j < prev->nr_vcpu_stats; j++)
			if (prev->vcpus[j].id == cur->vcpus[i].id)
				p = &prev->vcpus[j];
		mv_top_compute(p, &cur->vcpus[i], seconds, NULL, 0, &rate);
		fprintf(out, "  %" PRIu32 ": %.1f/s", cur->vcpus[i].id, rate);
	}
	fputc('\n', out);
}
