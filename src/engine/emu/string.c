/*
 * emu: string instructions (MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS) with
 * REP/REPE/REPNE in 16/32/64-bit address sizes, and IN/OUT, following SDM
 * vol. 2 and the I/O permission rules of SDM vol. 1, ch. 19 (IOPL, TSS I/O
 * bitmap).  A REP instruction runs a bounded batch of iterations and then
 * restarts itself, so interrupts are taken between iterations; forward
 * REP MOVS/STOS on RAM copy page-sized chunks through host pointers.
 */
#include "engine/emu/emu_priv.h"

#include <string.h>

#define REP_BATCH 16384u	/* elements per restart: keeps interrupt latency bounded */

uint32_t emu_port_in(struct emu_cpu *cpu, uint16_t port, unsigned size)
{
	if (cpu->test_mode || !cpu->io || !cpu->io->pio_in) {
		cpu->test_io_port = port;
		cpu->test_io_size = (uint8_t)size;
		cpu->test_io_write = 0;
		cpu->test_io_val = 0xffffffffu;
		cpu->stop_req = EMU_STOP_IO;
		return 0xffffffffu;
	}
	return cpu->io->pio_in(cpu->io_opaque, port, size);
}

void emu_port_out(struct emu_cpu *cpu, uint16_t port, unsigned size, uint32_t val)
{
	if (cpu->test_mode || !cpu->io || !cpu->io->pio_out) {
		cpu->test_io_port = port;
		cpu->test_io_size = (uint8_t)size;
		cpu->test_io_write = 1;
		cpu->test_io_val = val;
		cpu->stop_req = EMU_STOP_IO;
		return;
	}
	cpu->io->pio_out(cpu->io_opaque, port, size, val);
}

int emu_io_allowed(struct emu_cpu *cpu, uint16_t port, unsigned size)
{
	struct seg *tr = &cpu->st->tr;
	unsigned iopl = (emu_get_rflags(cpu) >> 12) & 3, type = SEG_TYPE(tr->attr);
	uint64_t base;
	uint16_t bits;
	if (!emu_prot(cpu) && cpu->mode != MODE_VM86)
		return 1;
	if (cpu->mode != MODE_VM86 && cpu->cpl <= iopl)
		return 1;
	if ((type != 0x9 && type != 0xb) || tr->limit < 103)
		emu_raise(cpu, EXC_GP, 0);
	base = emu_read_lin(cpu, tr->base + 102, 2, 1);
	if (base + port / 8 + 1 > tr->limit)
		emu_raise(cpu, EXC_GP, 0);
	bits = (uint16_t)emu_read_lin(cpu, tr->base + base + port / 8, 2, 1);
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		emu_raise(cpu, EXC_GP, 0);
	return 1;
}

/* Step rSI/rDI/rCX at the address size: a 32-bit update zero-extends like any 32-bit write. */
static void adv(struct emu_cpu *cpu, unsigned reg, uint64_t am, int64_t delta)
{
	uint64_t *R = cpu->st->regs;
	if (am == 0xffffffffULL)
		R[reg] = (R[reg] + (uint64_t)delta) & am;
	else
		R[reg] = (R[reg] & ~am) | ((R[reg] + (uint64_t)delta) & am);
}

/* Forward REP MOVS / STOS chunk on RAM; returns elements done (0: use the slow path). */
static uint64_t fast_chunk(struct emu_cpu *cpu, struct emu_insn *in, int movs, unsigned sz,
			   uint64_t count)
{
	uint64_t *R = cpu->st->regs, am = size_mask(in->asz);
	uint64_t di = R[R_DI] & am, si = R[R_SI] & am, n, dlin, slin = 0;
	uint8_t *d, *s = NULL;
	unsigned room;
	dlin = emu_linear(cpu, S_ES, di, sz, 1);
	room = 4096 - (unsigned)(dlin & 0xfff);
	if (movs) {
		slin = emu_linear(cpu, in->seg, si, sz, 0);
		if (4096 - (unsigned)(slin & 0xfff) < room)
			room = 4096 - (unsigned)(slin & 0xfff);
	}
	n = room / sz;
	if (n > count)
		n = count;
	/* the whole chunk must stay inside the segments and not wrap the address size */
	if (n < 2 || di + n * sz - 1 > am || (movs && si + n * sz - 1 > am))
		return 0;
	emu_linear(cpu, S_ES, di, (unsigned)(n * sz), 1);
	if (movs) {
		emu_linear(cpu, in->seg, si, (unsigned)(n * sz), 0);
		s = emu_lin_hostptr(cpu, slin, 0);
		if (!s)
			return 0;
	}
	d = emu_lin_hostptr(cpu, dlin, 1);
	if (!d)
		return 0;
	if (movs) {
		/* Overlap with dst just above src replicates data element by element. */
		if (d > s && d < s + n * sz) {
			for (uint64_t i = 0; i < n * sz; i++)
				d[i] = s[i];
		} else {
			memmove(d, s, n * sz);
		}
	} else {
		uint64_t v = R[R_AX];
		if (sz == 1)
			memset(d, (int)(v & 0xff), n);
		else
			for (uint64_t i = 0; i < n; i++)
				memcpy(d + i * sz, &v, sz);
	}
	return n;
}

void emu_exec_string(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint64_t *R = cpu->st->regs, am = size_mask(in->asz), count = 0, done = 0;
	unsigned op = in->op, sz = (op & 1) ? (in->osz == 8 && (op >= 0xe4) ? 4 : in->osz) : 1;
	int rep = in->rep != 0, df;
	int64_t step;

	/* IN/OUT, not string forms */
	if (op >= 0xe4) {
		uint16_t port = (op & 8) ? (uint16_t)R[R_DX] : (uint16_t)(in->imm & 0xff);
		if (sz == 8)
			sz = 4;
		emu_io_allowed(cpu, port, sz);
		if (op & 2)
			emu_port_out(cpu, port, sz, (uint32_t)R[R_AX]);
		else
			reg_set(cpu, in, R_AX, sz, emu_port_in(cpu, port, sz));
		return;
	}
	if ((op == 0x6d || op == 0x6f) && sz == 8)
		sz = 4;
	df = !!(cpu->st->rflags & FL_DF);
	step = df ? -(int64_t)sz : (int64_t)sz;
	if (rep) {
		count = R[R_CX] & am;
		if (!count)
			return;
	}
	for (;;) {
		uint64_t si = R[R_SI] & am, di = R[R_DI] & am, v;
		if (rep && !df && (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab) && count - done > 1) {
			uint64_t n = fast_chunk(cpu, in, op <= 0xa5, sz, count - done);
			if (n) {
				adv(cpu, R_DI, am, (int64_t)(n * sz));
				if (op <= 0xa5)
					adv(cpu, R_SI, am, (int64_t)(n * sz));
				done += n;
				adv(cpu, R_CX, am, -(int64_t)n);
				goto next;
			}
		}
		switch (op) {
		case 0xa4: case 0xa5:
			v = emu_read(cpu, in->seg, si, sz);
			emu_write(cpu, S_ES, di, sz, v);
			adv(cpu, R_SI, am, step);
			adv(cpu, R_DI, am, step);
			break;
		case 0xa6: case 0xa7: {
			uint64_t a = emu_read(cpu, in->seg, si, sz), b = emu_read(cpu, S_ES, di, sz);
			emu_alu(cpu, 7, sz, a, b);
			adv(cpu, R_SI, am, step);
			adv(cpu, R_DI, am, step);
			break;
		}
		case 0xaa: case 0xab:
			emu_write(cpu, S_ES, di, sz, R[R_AX]);
			adv(cpu, R_DI, am, step);
			break;
		case 0xac: case 0xad:
			v = emu_read(cpu, in->seg, si, sz);
			reg_set(cpu, in, R_AX, sz, v);
			adv(cpu, R_SI, am, step);
			break;
		case 0xae: case 0xaf:
			emu_alu(cpu, 7, sz, R[R_AX], emu_read(cpu, S_ES, di, sz));
			adv(cpu, R_DI, am, step);
			break;
		case 0x6c: case 0x6d: {
			uint16_t port = (uint16_t)R[R_DX];
			emu_io_allowed(cpu, port, sz);
			emu_check_write(cpu, S_ES, di, sz);
			v = emu_port_in(cpu, port, sz);
			emu_write(cpu, S_ES, di, sz, v);
			adv(cpu, R_DI, am, step);
			break;
		}
		default: {	/* 6E/6F OUTS */
			uint16_t port = (uint16_t)R[R_DX];
			emu_io_allowed(cpu, port, sz);
			v = emu_read(cpu, in->seg, si, sz);
			emu_port_out(cpu, port, sz, (uint32_t)v);
			adv(cpu, R_SI, am, step);
			break;
		}
		}
		if (!rep)
			return;
		done++;
		adv(cpu, R_CX, am, -1);
next:
		if (done >= count)
			return;
		if ((op == 0xa6 || op == 0xa7 || op == 0xae || op == 0xaf) &&
		    emu_cond(cpu, 4) != (in->rep == 0xf3))
			return;
		if (done >= REP_BATCH || cpu->stop_req || cpu->kick) {
			/* Restart the instruction: interrupts and I/O exits get a look in. */
			cpu->next_rip = cpu->st->rip;
			return;
		}
	}
}
