/*
 * emu: x86 instruction decoder (SDM vol. 2, ch. 2): legacy prefixes, REX,
 * the one-byte, 0F, 0F38 and 0F3A maps, ModRM/SIB/displacement in 16-, 32-
 * and 64-bit addressing, and immediates.  Decoding is separate from execution
 * and reads only the instruction bytes, so its result can be cached.
 *
 * Not decoded: VEX/EVEX/XOP (C4/C5/62 in 64-bit mode give #UD; AVX is not
 * advertised), 3DNow! (0F 0F).
 */
#include "engine/emu/fast.h"

#include <stddef.h>
#include <string.h>

enum { I_NONE, I_B, I_W, I_Z, I_V, I_MOFFS, I_WB, I_FAR, I_GRP3, I_REL };

/* Bit set = the opcode has a ModRM byte (SDM vol. 2, appendix A opcode maps). */
static const uint32_t modrm_1b[8] = { 0x0f0f0f0f, 0x0f0f0f0f, 0x00000000, 0x00000a0c, 0x0000ffff, 0x00000000, 0xff0f00f3, 0xc0c00000 };
static const uint32_t modrm_0f[8] = { 0xffffa00f, 0x0000ffff, 0xffffffff, 0xff7fffff, 0xffff0000, 0xfffff838, 0xffff00ff, 0xffffffff };

static inline int bit(const uint32_t *t, unsigned op)
{
	return (t[op >> 5] >> (op & 31)) & 1;
}

static unsigned imm_1b(unsigned op)
{
	if (op < 0x40)
		return (op & 7) == 4 ? I_B : (op & 7) == 5 ? I_Z : I_NONE;
	if (op >= 0x70 && op <= 0x7f)
		return I_REL;
	if (op >= 0xb0 && op <= 0xb7)
		return I_B;
	if (op >= 0xb8 && op <= 0xbf)
		return I_V;
	if (op >= 0xa0 && op <= 0xa3)
		return I_MOFFS;
	if (op >= 0xe0 && op <= 0xe7)
		return op <= 0xe3 ? I_REL : I_B;
	switch (op) {
	case 0x68: case 0x69: case 0x81: case 0xa9: case 0xc7: return I_Z;
	case 0x6a: case 0x6b: case 0x80: case 0x82: case 0x83: case 0xa8: case 0xc0: case 0xc1:
	case 0xc6: case 0xcd: case 0xd4: case 0xd5: return I_B;
	case 0xc2: case 0xca: return I_W;
	case 0xc8: return I_WB;
	case 0x9a: case 0xea: return I_FAR;
	case 0xe8: case 0xe9: case 0xeb: return I_REL;
	case 0xf6: case 0xf7: return I_GRP3;
	default: return I_NONE;
	}
}

static unsigned imm_0f(unsigned op)
{
	if (op >= 0x80 && op <= 0x8f)
		return I_REL;
	switch (op) {
	case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4: case 0xac: case 0xba:
	case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		return I_B;
	default:
		return I_NONE;
	}
}

#define NEED(n) do { if (pos + (n) > avail) return -1; } while (0)

static uint64_t rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	memcpy(&v, p, n);
	return v;
}

int emu_decode(struct emu_cpu *cpu, struct emu_insn *in, const uint8_t *b, unsigned avail)
{
	unsigned pos = 0, op, it;
	int m64 = cpu->mode == MODE_LONG64;
	int o16 = 0, a16 = 0;

	memset(in, 0, offsetof(struct emu_insn, disp));
	in->imm_len = 0;
	in->imm = in->imm2 = 0;
	in->seg = S_DS;
	for (;;) {
		NEED(1);
		op = b[pos];
		switch (op) {
		case 0x66: o16 = 1; in->pfx_66 = 1; break;
		case 0x67: a16 = 1; break;
		case 0xf0: in->lock = 1; break;
		case 0xf2: in->rep = 0xf2; in->pfx_f2 = 1; break;
		case 0xf3: in->rep = 0xf3; in->pfx_f3 = 1; break;
		case 0x26: in->seg = S_ES; in->seg_ovr = 1; break;
		case 0x2e: in->seg = S_CS; in->seg_ovr = 1; break;
		case 0x36: in->seg = S_SS; in->seg_ovr = 1; break;
		case 0x3e: in->seg = S_DS; in->seg_ovr = 1; break;
		case 0x64: in->seg = S_FS; in->seg_ovr = 1; break;
		case 0x65: in->seg = S_GS; in->seg_ovr = 1; break;
		default:
			/* REX counts only right before the opcode: a later prefix cancels it */
			if (m64 && (op & 0xf0) == 0x40) {
				in->rex = (uint8_t)op;
				pos++;
				continue;
			}
			goto prefixes_done;
		}
		in->rex = 0;
		pos++;
	}
prefixes_done:
	if (m64) {
		/* The ES/CS/SS/DS overrides are ignored in 64-bit mode. */
		if (in->seg_ovr && in->seg < S_FS) {
			in->seg = S_DS;
			in->seg_ovr = 0;
		}
		in->osz = (in->rex & REX_W) ? 8 : o16 ? 2 : 4;
		in->asz = a16 ? 4 : 8;
	} else {
		in->osz = (cpu->def_osz == 4) ^ o16 ? 4 : 2;
		in->asz = (cpu->def_asz == 4) ^ a16 ? 4 : 2;
	}
	pos++;
	if (op == 0x0f) {
		NEED(1);
		op = b[pos++];
		if (op == 0x38 || op == 0x3a) {
			in->map = op == 0x38 ? MAP_0F38 : MAP_0F3A;
			NEED(1);
			op = b[pos++];
			in->has_modrm = 1;
			it = in->map == MAP_0F3A ? I_B : I_NONE;
		} else {
			in->map = MAP_0F;
			in->has_modrm = bit(modrm_0f, op) && op != 0x0f;
			it = imm_0f(op);
		}
	} else {
		in->map = MAP_1B;
		in->has_modrm = bit(modrm_1b, op);
		it = imm_1b(op);
		/* VEX (C4/C5) and EVEX (62) prefixes in 64-bit mode: not supported. */
		if (m64 && (op == 0xc4 || op == 0xc5 || op == 0x62))
			return -2;
	}
	in->op = (uint8_t)op;

	in->ea_base = in->ea_index = EA_NOREG;
	in->disp = 0;
	in->rip_rel = 0;
	in->ea_scale = 1;
	if (in->has_modrm) {
		unsigned modrm, mod, rm;
		NEED(1);
		modrm = b[pos++];
		in->modrm = (uint8_t)modrm;
		mod = modrm >> 6;
		/* MOV to/from CR/DR always name a register, whatever mod says */
		if (in->map == MAP_0F && op >= 0x20 && op <= 0x23)
			mod = 3;
		rm = modrm & 7;
		in->mod = (uint8_t)mod;
		in->reg = (uint8_t)(((modrm >> 3) & 7) | ((in->rex & REX_R) ? 8 : 0));
		in->rm = (uint8_t)(rm | ((in->rex & REX_B) ? 8 : 0));
		in->has_mem = mod != 3;
		if (mod != 3 && in->asz == 2) {
			static const uint8_t base16[8] = { R_BX, R_BX, R_BP, R_BP, R_SI, R_DI, R_BP, R_BX };
			static const uint8_t idx16[8] = { R_SI, R_DI, R_SI, R_DI, EA_NOREG, EA_NOREG,
							  EA_NOREG, EA_NOREG };
			if (mod == 0 && rm == 6) {
				NEED(2);
				in->disp = (int16_t)rd(b + pos, 2);
				pos += 2;
			} else {
				in->ea_base = base16[rm];
				in->ea_index = idx16[rm];
				if (in->ea_base == R_BP && !in->seg_ovr)
					in->seg = S_SS;
				if (mod == 1) {
					NEED(1);
					in->disp = (int8_t)b[pos++];
				} else if (mod == 2) {
					NEED(2);
					in->disp = (int16_t)rd(b + pos, 2);
					pos += 2;
				}
			}
		} else if (mod != 3) {
			unsigned base = rm;
			if (rm == 4) {
				unsigned sib, idx;
				NEED(1);
				sib = b[pos++];
				base = sib & 7;
				idx = ((sib >> 3) & 7) | ((in->rex & REX_X) ? 8 : 0);
				if (idx != 4)
					in->ea_index = (uint8_t)idx;
				in->ea_scale = (uint8_t)(1u << (sib >> 6));
				if (base == 5 && mod == 0) {
					NEED(4);
					in->disp = (int32_t)rd(b + pos, 4);
					pos += 4;
					goto disp_done;
				}
			} else if (rm == 5 && mod == 0) {
				NEED(4);
				in->disp = (int32_t)rd(b + pos, 4);
				pos += 4;
				in->rip_rel = m64;
				goto disp_done;
			}
			in->ea_base = (uint8_t)(base | ((in->rex & REX_B) ? 8 : 0));
			if ((base == R_BP || base == R_SP) && !in->seg_ovr)
				in->seg = S_SS;
			if (mod == 1) {
				NEED(1);
				in->disp = (int8_t)b[pos++];
			} else if (mod == 2) {
				NEED(4);
				in->disp = (int32_t)rd(b + pos, 4);
				pos += 4;
			}
		}
	}
disp_done:
	switch (it) {
	case I_B:
		NEED(1);
		in->imm = (uint64_t)(int64_t)(int8_t)b[pos];
		in->imm_len = 1;
		break;
	case I_W:
		NEED(2);
		in->imm = rd(b + pos, 2);
		in->imm_len = 2;
		break;
	case I_GRP3:
		if (((in->modrm >> 3) & 7) > 1)
			break;
		if (op == 0xf6) {
			NEED(1);
			in->imm = (uint64_t)(int64_t)(int8_t)b[pos];
			in->imm_len = 1;
			break;
		}
		/* fall through */
	case I_Z:
		if (in->osz == 2) {
			NEED(2);
			in->imm = (uint64_t)(int64_t)(int16_t)rd(b + pos, 2);
			in->imm_len = 2;
		} else {
			NEED(4);
			in->imm = (uint64_t)(int64_t)(int32_t)rd(b + pos, 4);
			in->imm_len = 4;
		}
		break;
	case I_REL: {
		unsigned n = (in->map == MAP_1B && (op == 0xeb || op < 0xe8)) ? 1 :
			     (m64 || in->osz != 2) ? 4 : 2;
		NEED(n);
		in->imm = n == 1 ? (uint64_t)(int64_t)(int8_t)b[pos] :
			  n == 2 ? (uint64_t)(int64_t)(int16_t)rd(b + pos, 2) :
				   (uint64_t)(int64_t)(int32_t)rd(b + pos, 4);
		in->imm_len = (uint8_t)n;
		break;
	}
	case I_V:
		NEED(in->osz);
		in->imm = rd(b + pos, in->osz);
		in->imm_len = in->osz;
		break;
	case I_MOFFS:
		NEED(in->asz);
		in->imm = rd(b + pos, in->asz);
		in->imm_len = in->asz;
		break;
	case I_WB:
		NEED(3);
		in->imm = rd(b + pos, 2);
		in->imm2 = b[pos + 2];
		in->imm_len = 3;
		break;
	case I_FAR:
		if (m64)
			return -2;
		NEED(in->osz + 2u);
		in->imm = rd(b + pos, in->osz);
		in->imm2 = rd(b + pos + in->osz, 2);
		in->imm_len = (uint8_t)(in->osz + 2);
		break;
	default:
		break;
	}
	pos += in->imm_len;
	if (pos > 15)
		return pos > avail ? -1 : -3;
	in->len = (uint8_t)pos;
	if (m64)
		in->fast = emu_fast_kind(in);
	return 0;
}
