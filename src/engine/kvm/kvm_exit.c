/*
 * KVM_RUN exits (struct kvm_run, Documentation/virt/kvm/api.rst section 5)
 * turned into hvm's engine-neutral struct vm_exit.
 *
 * Port I/O and MMIO are completed here, through the sink, and the results
 * written back into kvm_run so the next KVM_RUN finishes the instruction:
 * the vCPU loop never sees EXIT_IO/EXIT_MMIO from this engine.  String I/O
 * (INS/OUTS, count > 1) is split into one access per element.
 *
 * Not handled: exits that need capabilities hvm does not enable (split
 * irqchip EOI, user-space MSR, Hyper-V, Xen, dirty-ring); they end the VM
 * as internal errors naming the exit.
 */
#include "engine/kvm/kvm_int.h"

#include <stdio.h>
#include <string.h>

static void do_pio(struct kvm_run *run, size_t run_size, const struct kvm_exit_sink *sink,
		   struct vm_exit *e)
{
	unsigned size = run->io.size;
	uint64_t count = run->io.count, off = run->io.data_offset;
	int is_write = run->io.direction == KVM_EXIT_IO_OUT;

	/* KVM fills these, but a bad value must not walk us off the mapping. */
	if ((size != 1 && size != 2 && size != 4) || count == 0 || off > run_size ||
	    count > (run_size - off) / size) {
		e->reason = EXIT_INTERNAL_ERROR;
		snprintf(e->err.msg, sizeof(e->err.msg),
			 "KVM I/O exit with bad geometry: port %#x size %u count %llu offset %llu",
			 run->io.port, size, (unsigned long long)count, (unsigned long long)off);
		return;
	}
	uint8_t *data = (uint8_t *)run + off;
	for (uint64_t i = 0; i < count; i++, data += size) {
		struct vm_exit io = { .reason = EXIT_IO };
		io.io.port = run->io.port;
		io.io.size = (uint8_t)size;
		io.io.is_write = (uint8_t)is_write;
		if (is_write)
			memcpy(&io.io.data, data, size);
		else
			io.io.data = 0xffffffffu;	/* what an unanswered read sees */
		if (sink->pio)
			sink->pio(sink->opaque, &io);
		if (!is_write)
			memcpy(data, &io.io.data, size);
	}
	e->reason = EXIT_NONE;
}

static void mmio_one(const struct kvm_exit_sink *sink, uint64_t addr, unsigned size,
		     int is_write, uint8_t *data)
{
	struct vm_exit m = { .reason = EXIT_MMIO };
	m.mmio.addr = addr;
	m.mmio.size = (uint8_t)size;
	m.mmio.is_write = (uint8_t)is_write;
	if (is_write)
		memcpy(&m.mmio.data, data, size);
	else
		m.mmio.data = ~0ull;
	if (sink->mmio)
		sink->mmio(sink->opaque, &m);
	if (!is_write)
		memcpy(data, &m.mmio.data, size);
}

static void do_mmio(struct kvm_run *run, const struct kvm_exit_sink *sink)
{
	unsigned len = run->mmio.len;
	int is_write = !!run->mmio.is_write;
	uint64_t addr = run->mmio.phys_addr;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	if (len == 1 || len == 2 || len == 4 || len == 8) {
		mmio_one(sink, addr, len, is_write, run->mmio.data);
		return;
	}
	/* Odd-sized fragments (3, 5, 6, 7 bytes) go to the bus a byte at a time. */
	for (unsigned i = 0; i < len; i++)
		mmio_one(sink, addr + i, 1, is_write, &run->mmio.data[i]);
}

static const char *internal_suberror(uint32_t s)
{
	switch (s) {
	case KVM_INTERNAL_ERROR_EMULATION: return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception during exception delivery";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "exit during event delivery";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected hardware exit";
	}
	return "unknown suberror";
}

static void internal_error(const struct kvm_run *run, struct vm_exit *e)
{
	uint32_t sub = run->internal.suberror;
	int n = snprintf(e->err.msg, sizeof(e->err.msg), "KVM internal error: %s (suberror %u)",
			 internal_suberror(sub), sub);
	size_t at = n > 0 && (size_t)n < sizeof(e->err.msg) ? (size_t)n : sizeof(e->err.msg) - 1;

	e->reason = EXIT_INTERNAL_ERROR;
	if (sub == KVM_INTERNAL_ERROR_EMULATION && run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		unsigned len = run->emulation_failure.insn_size;
		if (len > sizeof(run->emulation_failure.insn_bytes))
			len = sizeof(run->emulation_failure.insn_bytes);
		at += (size_t)snprintf(e->err.msg + at, sizeof(e->err.msg) - at, ", insn");
		for (unsigned i = 0; i < len && at < sizeof(e->err.msg) - 1; i++)
			at += (size_t)snprintf(e->err.msg + at, sizeof(e->err.msg) - at, " %02x",
					       run->emulation_failure.insn_bytes[i]);
	} else {
		uint32_t nd = run->internal.ndata;
		if (nd > 4)
			nd = 4;		/* keep the message to one line */
		for (uint32_t i = 0; i < nd && at < sizeof(e->err.msg) - 1; i++)
			at += (size_t)snprintf(e->err.msg + at, sizeof(e->err.msg) - at, "%s%#llx",
					       i ? " " : ", data ",
					       (unsigned long long)run->internal.data[i]);
	}
}

static int system_event(const struct kvm_run *run, const struct kvm_exit_sink *sink,
			struct vm_exit *e)
{
	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_RESET:
		if (sink->request)
			sink->request(sink->opaque, VMREQ_RESET, "KVM system event: reset");
		e->reason = EXIT_NONE;
		return 0;
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		if (sink->request)
			sink->request(sink->opaque, VMREQ_POWEROFF, "KVM system event: shutdown");
		e->reason = EXIT_NONE;
		return 0;
	}
	e->reason = EXIT_INTERNAL_ERROR;
	snprintf(e->err.msg, sizeof(e->err.msg), "KVM system event %u (crash or unsupported)",
		 run->system_event.type);
	return 0;
}

int kvm_exit_translate(struct kvm_run *run, size_t run_size, const struct kvm_exit_sink *sink,
		       struct vm_exit *e)
{
	memset(e, 0, sizeof(*e));
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		do_pio(run, run_size, sink, e);
		return e->reason == EXIT_NONE;
	case KVM_EXIT_MMIO:
		do_mmio(run, sink);
		return 1;
	case KVM_EXIT_HLT:
		e->reason = EXIT_HLT;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		e->reason = EXIT_SHUTDOWN;
		return 0;
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		e->reason = EXIT_NONE;
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		internal_error(run, e);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = EXIT_FAIL_ENTRY;
		snprintf(e->err.msg, sizeof(e->err.msg),
			 "KVM entry failed: hardware reason %#llx on cpu %u",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.cpu);
		return 0;
	case KVM_EXIT_UNKNOWN:
		e->reason = EXIT_INTERNAL_ERROR;
		snprintf(e->err.msg, sizeof(e->err.msg), "KVM exit unknown: hardware reason %#llx",
			 (unsigned long long)run->hw.hardware_exit_reason);
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		return system_event(run, sink, e);
	}
	e->reason = EXIT_INTERNAL_ERROR;
	snprintf(e->err.msg, sizeof(e->err.msg), "unexpected KVM exit reason %u",
		 run->exit_reason);
	return 0;
}
