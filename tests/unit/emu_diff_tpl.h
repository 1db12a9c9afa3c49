/*
 * Differential CPU test: the instruction templates -- opcode, operand shapes,
 * operand size choice and the flag class that says which flags the SDM
 * leaves undefined.  Used only through emu_diff_gen.h.
 */
#ifndef EMU_DIFF_TPL_H
#define EMU_DIFF_TPL_H

#include <stdint.h>

/* ---- templates ---- */
enum { SZ_B = 1, SZ_V, SZ_D, SZ_V32, SZ_X, SZ_W, SZ_Q };	/* operand size choice */
enum { M_ANY, M_REG, M_MEM };
enum {
	C_ALL, C_LOGIC, C_MUL, C_DIV, C_SHIFT, C_ROT, C_RC, C_SHXD, C_BT, C_BSX, C_NONE,
};
enum { K_GPR, K_XX, K_XG, K_GX, K_MM, K_MG, K_GM, K_X87, K_STR, K_DIV,
       K_BR, K_STK };	/* operand kinds: ..., branches to DIFF_BRANCH_VA, stack users */

struct tpl {
	const char *name;
	uint8_t pfx;		/* mandatory/REP prefix, 0 none */
	uint8_t map;		/* 0: one byte, 1: 0F */
	uint8_t op;
	int8_t ext;		/* modrm.reg fixed 0-7; -1 free; -2 no modrm; -3 register in opcode */
	uint8_t sz;
	uint8_t imm;		/* 0, 1 (ib), 4 (iz) */
	uint8_t mem;		/* M_* */
	uint8_t cls;		/* C_* flag class */
	uint8_t kind;		/* K_* */
	uint8_t msize;		/* memory operand bytes (SSE/x87); 16 | 0x80 = aligned */
};

#define A16 (16 | 0x80)

static const struct tpl tpls[] = {
	/* ALU: r/m,r  r,r/m  acc,imm  and group 1 */
#define ALU(n, b, c) \
	{ n, 0, 0, b + 0, -1, SZ_B, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, b + 1, -1, SZ_V, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, b + 2, -1, SZ_B, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, b + 3, -1, SZ_V, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, b + 4, -2, SZ_B, 1, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, b + 5, -2, SZ_V, 4, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0x80, (b) >> 3, SZ_B, 1, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0x81, (b) >> 3, SZ_V, 4, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0x83, (b) >> 3, SZ_V, 1, M_ANY, c, K_GPR, 0 }
	ALU("add", 0x00, C_ALL), ALU("or", 0x08, C_LOGIC), ALU("adc", 0x10, C_ALL),
	ALU("sbb", 0x18, C_ALL), ALU("and", 0x20, C_LOGIC), ALU("sub", 0x28, C_ALL),
	ALU("xor", 0x30, C_LOGIC), ALU("cmp", 0x38, C_ALL),
	{ "test", 0, 0, 0x84, -1, SZ_B, 0, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "test", 0, 0, 0x85, -1, SZ_V, 0, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "test", 0, 0, 0xa8, -2, SZ_B, 1, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "test", 0, 0, 0xa9, -2, SZ_V, 4, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "test", 0, 0, 0xf6, 0, SZ_B, 1, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "test", 0, 0, 0xf7, 0, SZ_V, 4, M_ANY, C_LOGIC, K_GPR, 0 },
	{ "not", 0, 0, 0xf6, 2, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "not", 0, 0, 0xf7, 2, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "neg", 0, 0, 0xf6, 3, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "neg", 0, 0, 0xf7, 3, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "mul", 0, 0, 0xf6, 4, SZ_B, 0, M_ANY, C_MUL, K_GPR, 0 },
	{ "mul", 0, 0, 0xf7, 4, SZ_V, 0, M_ANY, C_MUL, K_GPR, 0 },
	{ "imul", 0, 0, 0xf6, 5, SZ_B, 0, M_ANY, C_MUL, K_GPR, 0 },
	{ "imul", 0, 0, 0xf7, 5, SZ_V, 0, M_ANY, C_MUL, K_GPR, 0 },
	{ "div", 0, 0, 0xf6, 6, SZ_B, 0, M_ANY, C_DIV, K_DIV, 0 },
	{ "div", 0, 0, 0xf7, 6, SZ_V, 0, M_ANY, C_DIV, K_DIV, 0 },
	{ "idiv", 0, 0, 0xf6, 7, SZ_B, 0, M_ANY, C_DIV, K_DIV, 0 },
	{ "idiv", 0, 0, 0xf7, 7, SZ_V, 0, M_ANY, C_DIV, K_DIV, 0 },
	{ "imul", 0, 1, 0xaf, -1, SZ_V, 0, M_ANY, C_MUL, K_GPR, 0 },
	{ "imul", 0, 0, 0x69, -1, SZ_V, 4, M_ANY, C_MUL, K_GPR, 0 },
	{ "imul", 0, 0, 0x6b, -1, SZ_V, 1, M_ANY, C_MUL, K_GPR, 0 },
	{ "inc", 0, 0, 0xfe, 0, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "dec", 0, 0, 0xfe, 1, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "inc", 0, 0, 0xff, 0, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "dec", 0, 0, 0xff, 1, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	/* shifts and rotates: /0 rol /1 ror /2 rcl /3 rcr /4 shl /5 shr /7 sar */
#define SHIFTS(n, e, c) \
	{ n, 0, 0, 0xc0, e, SZ_B, 1, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0xc1, e, SZ_V, 1, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0xd0, e, SZ_B, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0xd1, e, SZ_V, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0xd2, e, SZ_B, 0, M_ANY, c, K_GPR, 0 }, \
	{ n, 0, 0, 0xd3, e, SZ_V, 0, M_ANY, c, K_GPR, 0 }
	SHIFTS("rol", 0, C_ROT), SHIFTS("ror", 1, C_ROT), SHIFTS("rcl", 2, C_RC),
	SHIFTS("rcr", 3, C_RC), SHIFTS("shl", 4, C_SHIFT), SHIFTS("shr", 5, C_SHIFT),
	SHIFTS("sar", 7, C_SHIFT),
	{ "shld", 0, 1, 0xa4, -1, SZ_V, 1, M_ANY, C_SHXD, K_GPR, 0 },
	{ "shld", 0, 1, 0xa5, -1, SZ_V, 0, M_ANY, C_SHXD, K_GPR, 0 },
	{ "shrd", 0, 1, 0xac, -1, SZ_V, 1, M_ANY, C_SHXD, K_GPR, 0 },
	{ "shrd", 0, 1, 0xad, -1, SZ_V, 0, M_ANY, C_SHXD, K_GPR, 0 },
	{ "bt", 0, 1, 0xa3, -1, SZ_V, 0, M_ANY, C_BT, K_GPR, 0 },
	{ "bts", 0, 1, 0xab, -1, SZ_V, 0, M_ANY, C_BT, K_GPR, 0 },
	{ "btr", 0, 1, 0xb3, -1, SZ_V, 0, M_ANY, C_BT, K_GPR, 0 },
	{ "btc", 0, 1, 0xbb, -1, SZ_V, 0, M_ANY, C_BT, K_GPR, 0 },
	{ "bt", 0, 1, 0xba, 4, SZ_V, 1, M_ANY, C_BT, K_GPR, 0 },
	{ "bts", 0, 1, 0xba, 5, SZ_V, 1, M_ANY, C_BT, K_GPR, 0 },
	{ "btr", 0, 1, 0xba, 6, SZ_V, 1, M_ANY, C_BT, K_GPR, 0 },
	{ "btc", 0, 1, 0xba, 7, SZ_V, 1, M_ANY, C_BT, K_GPR, 0 },
	{ "bsf", 0, 1, 0xbc, -1, SZ_V, 0, M_ANY, C_BSX, K_GPR, 0 },
	{ "bsr", 0, 1, 0xbd, -1, SZ_V, 0, M_ANY, C_BSX, K_GPR, 0 },
	{ "bswap", 0, 1, 0xc8, -3, SZ_V32, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "xadd", 0, 1, 0xc0, -1, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "xadd", 0, 1, 0xc1, -1, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "cmpxchg", 0, 1, 0xb0, -1, SZ_B, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "cmpxchg", 0, 1, 0xb1, -1, SZ_V, 0, M_ANY, C_ALL, K_GPR, 0 },
	{ "movzx", 0, 1, 0xb6, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "movzx", 0, 1, 0xb7, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "movsx", 0, 1, 0xbe, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "movsx", 0, 1, 0xbf, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "movsxd", 0, 0, 0x63, -1, SZ_Q, 0, M_ANY, C_NONE, K_GPR, 0 },
#define CC16(n, map, base, sz) \
	{ n, 0, map, base + 0, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 1, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 2, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 3, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 4, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 5, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 6, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 7, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 8, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 9, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 10, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 11, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 12, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 13, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, \
	{ n, 0, map, base + 14, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }, { n, 0, map, base + 15, -1, sz, 0, M_ANY, C_NONE, K_GPR, 0 }
	CC16("cmovcc", 1, 0x40, SZ_V), CC16("setcc", 1, 0x90, SZ_B),
	{ "lahf", 0, 0, 0x9f, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "sahf", 0, 0, 0x9e, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "cbw", 0, 0, 0x98, -2, SZ_V, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "cwd", 0, 0, 0x99, -2, SZ_V, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "xchg", 0, 0, 0x86, -1, SZ_B, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "xchg", 0, 0, 0x87, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "xchg", 0, 0, 0x90, -3, SZ_V, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0x88, -1, SZ_B, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0x89, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0x8a, -1, SZ_B, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0x8b, -1, SZ_V, 0, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0xc6, 0, SZ_B, 1, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0xc7, 0, SZ_V, 4, M_ANY, C_NONE, K_GPR, 0 },
	{ "mov", 0, 0, 0xb8, -3, SZ_V32, 4, M_REG, C_NONE, K_GPR, 0 },
	{ "lea", 0, 0, 0x8d, -1, SZ_V, 0, M_MEM, C_NONE, K_GPR, 0 },
	{ "clc", 0, 0, 0xf8, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "stc", 0, 0, 0xf9, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "cmc", 0, 0, 0xf5, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "cld", 0, 0, 0xfc, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	{ "std", 0, 0, 0xfd, -2, SZ_X, 0, M_REG, C_NONE, K_GPR, 0 },
	/* strings: the generator adds REP/REPE/REPNE at random */
	{ "movs", 0, 0, 0xa4, -2, SZ_B, 0, M_REG, C_NONE, K_STR, 0 },
	{ "movs", 0, 0, 0xa5, -2, SZ_V, 0, M_REG, C_NONE, K_STR, 0 },
	{ "cmps", 0, 0, 0xa6, -2, SZ_B, 0, M_REG, C_ALL, K_STR, 0 },
	{ "cmps", 0, 0, 0xa7, -2, SZ_V, 0, M_REG, C_ALL, K_STR, 0 },
	{ "stos", 0, 0, 0xaa, -2, SZ_B, 0, M_REG, C_NONE, K_STR, 0 },
	{ "stos", 0, 0, 0xab, -2, SZ_V, 0, M_REG, C_NONE, K_STR, 0 },
	{ "lods", 0, 0, 0xac, -2, SZ_B, 0, M_REG, C_NONE, K_STR, 0 },
	{ "lods", 0, 0, 0xad, -2, SZ_V, 0, M_REG, C_NONE, K_STR, 0 },
	{ "scas", 0, 0, 0xae, -2, SZ_B, 0, M_REG, C_ALL, K_STR, 0 },
	{ "scas", 0, 0, 0xaf, -2, SZ_V, 0, M_REG, C_ALL, K_STR, 0 },
	/* branches: the generator aims them at DIFF_BRANCH_VA (imm field = rel size) */
	/* one template per row of 16 conditions: the generator picks the condition */
	{ "jcc8", 0, 0, 0x70, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "jcc32", 0, 1, 0x80, -2, SZ_X, 4, M_REG, C_NONE, K_BR, 0 },
	{ "jcc8", 0, 0, 0x70, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "jmp8", 0, 0, 0xeb, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "jmp32", 0, 0, 0xe9, -2, SZ_X, 4, M_REG, C_NONE, K_BR, 0 },
	{ "call32", 0, 0, 0xe8, -2, SZ_X, 4, M_REG, C_NONE, K_BR, 0 },
	{ "loopne", 0, 0, 0xe0, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "loope", 0, 0, 0xe1, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "loop", 0, 0, 0xe2, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "jrcxz", 0, 0, 0xe3, -2, SZ_X, 1, M_REG, C_NONE, K_BR, 0 },
	{ "ret", 0, 0, 0xc3, -2, SZ_X, 0, M_REG, C_NONE, K_BR, 0 },
	{ "ret imm", 0, 0, 0xc2, -2, SZ_X, 2, M_REG, C_NONE, K_BR, 0 },
	{ "call r/m", 0, 0, 0xff, 2, SZ_X, 0, M_ANY, C_NONE, K_BR, 0 },
	{ "jmp r/m", 0, 0, 0xff, 4, SZ_X, 0, M_ANY, C_NONE, K_BR, 0 },
	/* stack */
	{ "push", 0, 0, 0x50, -3, SZ_X, 0, M_REG, C_NONE, K_STK, 0 },
	{ "pop", 0, 0, 0x58, -3, SZ_X, 0, M_REG, C_NONE, K_STK, 0 },
	{ "push imm", 0, 0, 0x68, -2, SZ_X, 4, M_REG, C_NONE, K_STK, 0 },
	{ "push imm8", 0, 0, 0x6a, -2, SZ_X, 1, M_REG, C_NONE, K_STK, 0 },
	{ "push r/m", 0, 0, 0xff, 6, SZ_X, 0, M_ANY, C_NONE, K_STK, 0 },
	{ "pop r/m", 0, 0, 0x8f, 0, SZ_X, 0, M_ANY, C_NONE, K_STK, 0 },
	{ "pushf", 0, 0, 0x9c, -2, SZ_X, 0, M_REG, C_NONE, K_STK, 0 },
	{ "popf", 0, 0, 0x9d, -2, SZ_X, 0, M_REG, C_NONE, K_STK, 0 },
	{ "leave", 0, 0, 0xc9, -2, SZ_X, 0, M_REG, C_NONE, K_STK, 0 },
};

/* SSE/SSE2 (and a few MMX) templates, generated from compact lists below. */
struct sse_tpl {
	const char *name;
	uint8_t pfx, op;
	uint8_t kind;		/* K_XX, K_XG (xmm <- gpr/mem), K_GX (gpr <- xmm), K_MM */
	uint8_t msize;		/* memory operand size, A16 = aligned 16 */
	uint8_t imm;
	int8_t ext;		/* fixed modrm.reg, -1 free */
	uint8_t mem;
};

static const struct sse_tpl sse_tpls[] = {
	{ "movups", 0, 0x10, K_XX, 16, 0, -1, M_ANY }, { "movupd", 0x66, 0x10, K_XX, 16, 0, -1, M_ANY },
	{ "movss", 0xf3, 0x10, K_XX, 4, 0, -1, M_ANY }, { "movsd", 0xf2, 0x10, K_XX, 8, 0, -1, M_ANY },
	{ "movups", 0, 0x11, K_XX, 16, 0, -1, M_ANY }, { "movss", 0xf3, 0x11, K_XX, 4, 0, -1, M_ANY },
	{ "movsd", 0xf2, 0x11, K_XX, 8, 0, -1, M_ANY },
	{ "movlps", 0, 0x12, K_XX, 8, 0, -1, M_ANY }, { "movlpd", 0x66, 0x12, K_XX, 8, 0, -1, M_MEM },
	{ "movlps", 0, 0x13, K_XX, 8, 0, -1, M_MEM }, { "movlpd", 0x66, 0x13, K_XX, 8, 0, -1, M_MEM },
	{ "unpcklps", 0, 0x14, K_XX, A16, 0, -1, M_ANY }, { "unpcklpd", 0x66, 0x14, K_XX, A16, 0, -1, M_ANY },
	{ "unpckhps", 0, 0x15, K_XX, A16, 0, -1, M_ANY }, { "unpckhpd", 0x66, 0x15, K_XX, A16, 0, -1, M_ANY },
	{ "movhps", 0, 0x16, K_XX, 8, 0, -1, M_ANY }, { "movhpd", 0x66, 0x16, K_XX, 8, 0, -1, M_MEM },
	{ "movhps", 0, 0x17, K_XX, 8, 0, -1, M_MEM }, { "movhpd", 0x66, 0x17, K_XX, 8, 0, -1, M_MEM },
	{ "movaps", 0, 0x28, K_XX, A16, 0, -1, M_ANY }, { "movapd", 0x66, 0x29, K_XX, A16, 0, -1, M_ANY },
	{ "cvtsi2ss", 0xf3, 0x2a, K_XG, 4, 0, -1, M_ANY }, { "cvtsi2sd", 0xf2, 0x2a, K_XG, 4, 0, -1, M_ANY },
	{ "movntps", 0, 0x2b, K_XX, A16, 0, -1, M_MEM },
	{ "cvttss2si", 0xf3, 0x2c, K_GX, 4, 0, -1, M_ANY }, { "cvttsd2si", 0xf2, 0x2c, K_GX, 8, 0, -1, M_ANY },
	{ "cvtss2si", 0xf3, 0x2d, K_GX, 4, 0, -1, M_ANY }, { "cvtsd2si", 0xf2, 0x2d, K_GX, 8, 0, -1, M_ANY },
	{ "ucomiss", 0, 0x2e, K_XX, 4, 0, -1, M_ANY }, { "ucomisd", 0x66, 0x2e, K_XX, 8, 0, -1, M_ANY },
	{ "comiss", 0, 0x2f, K_XX, 4, 0, -1, M_ANY }, { "comisd", 0x66, 0x2f, K_XX, 8, 0, -1, M_ANY },
	{ "movmskps", 0, 0x50, K_GX, 0, 0, -1, M_REG }, { "movmskpd", 0x66, 0x50, K_GX, 0, 0, -1, M_REG },
#define FP4(n, o) \
	{ n "ps", 0, o, K_XX, A16, 0, -1, M_ANY }, { n "pd", 0x66, o, K_XX, A16, 0, -1, M_ANY }, \
	{ n "ss", 0xf3, o, K_XX, 4, 0, -1, M_ANY }, { n "sd", 0xf2, o, K_XX, 8, 0, -1, M_ANY }
	FP4("sqrt", 0x51), FP4("add", 0x58), FP4("mul", 0x59), FP4("sub", 0x5c), FP4("min", 0x5d),
	FP4("div", 0x5e), FP4("max", 0x5f), FP4("cmp", 0xc2),
	{ "rsqrtps", 0, 0x52, K_XX, A16, 0, -1, M_ANY }, { "rsqrtss", 0xf3, 0x52, K_XX, 4, 0, -1, M_ANY },
	{ "rcpps", 0, 0x53, K_XX, A16, 0, -1, M_ANY }, { "rcpss", 0xf3, 0x53, K_XX, 4, 0, -1, M_ANY },
	{ "andps", 0, 0x54, K_XX, A16, 0, -1, M_ANY }, { "andnpd", 0x66, 0x55, K_XX, A16, 0, -1, M_ANY },
	{ "orps", 0, 0x56, K_XX, A16, 0, -1, M_ANY }, { "xorpd", 0x66, 0x57, K_XX, A16, 0, -1, M_ANY },
	{ "cvtps2pd", 0, 0x5a, K_XX, 8, 0, -1, M_ANY }, { "cvtpd2ps", 0x66, 0x5a, K_XX, A16, 0, -1, M_ANY },
	{ "cvtss2sd", 0xf3, 0x5a, K_XX, 4, 0, -1, M_ANY }, { "cvtsd2ss", 0xf2, 0x5a, K_XX, 8, 0, -1, M_ANY },
	{ "cvtdq2ps", 0, 0x5b, K_XX, A16, 0, -1, M_ANY }, { "cvtps2dq", 0x66, 0x5b, K_XX, A16, 0, -1, M_ANY },
	{ "cvttps2dq", 0xf3, 0x5b, K_XX, A16, 0, -1, M_ANY },
	{ "cvttpd2dq", 0x66, 0xe6, K_XX, A16, 0, -1, M_ANY }, { "cvtdq2pd", 0xf3, 0xe6, K_XX, 8, 0, -1, M_ANY },
	{ "cvtpd2dq", 0xf2, 0xe6, K_XX, A16, 0, -1, M_ANY },
	{ "shufps", 0, 0xc6, K_XX, A16, 1, -1, M_ANY }, { "shufpd", 0x66, 0xc6, K_XX, A16, 1, -1, M_ANY },
	{ "movd", 0x66, 0x6e, K_XG, 4, 0, -1, M_ANY }, { "movd", 0x66, 0x7e, K_GX, 4, 0, -1, M_ANY },
	{ "movq", 0xf3, 0x7e, K_XX, 8, 0, -1, M_ANY }, { "movq", 0x66, 0xd6, K_XX, 8, 0, -1, M_ANY },
	{ "movdqa", 0x66, 0x6f, K_XX, A16, 0, -1, M_ANY }, { "movdqu", 0xf3, 0x6f, K_XX, 16, 0, -1, M_ANY },
	{ "movdqa", 0x66, 0x7f, K_XX, A16, 0, -1, M_ANY }, { "movdqu", 0xf3, 0x7f, K_XX, 16, 0, -1, M_ANY },
	{ "movntdq", 0x66, 0xe7, K_XX, A16, 0, -1, M_MEM },
	{ "pshufd", 0x66, 0x70, K_XX, A16, 1, -1, M_ANY }, { "pshufhw", 0xf3, 0x70, K_XX, A16, 1, -1, M_ANY },
	{ "pshuflw", 0xf2, 0x70, K_XX, A16, 1, -1, M_ANY },
	{ "psrlw", 0x66, 0x71, K_XX, 0, 1, 2, M_REG }, { "psraw", 0x66, 0x71, K_XX, 0, 1, 4, M_REG },
	{ "psllw", 0x66, 0x71, K_XX, 0, 1, 6, M_REG }, { "psrld", 0x66, 0x72, K_XX, 0, 1, 2, M_REG },
	{ "psrad", 0x66, 0x72, K_XX, 0, 1, 4, M_REG }, { "pslld", 0x66, 0x72, K_XX, 0, 1, 6, M_REG },
	{ "psrlq", 0x66, 0x73, K_XX, 0, 1, 2, M_REG }, { "psrldq", 0x66, 0x73, K_XX, 0, 1, 3, M_REG },
	{ "psllq", 0x66, 0x73, K_XX, 0, 1, 6, M_REG }, { "pslldq", 0x66, 0x73, K_XX, 0, 1, 7, M_REG },
	{ "pmovmskb", 0x66, 0xd7, K_GX, 0, 0, -1, M_REG },
	{ "pinsrw", 0x66, 0xc4, K_XG, 2, 1, -1, M_ANY }, { "pextrw", 0x66, 0xc5, K_GX, 0, 1, -1, M_REG },
	{ "paddq-mmx", 0, 0xd4, K_MM, 8, 0, -1, M_ANY }, { "pmullw-mmx", 0, 0xd5, K_MM, 8, 0, -1, M_ANY },
	{ "pshufw", 0, 0x70, K_MM, 8, 1, -1, M_ANY }, { "punpcklbw-mmx", 0, 0x60, K_MM, 8, 0, -1, M_ANY },
	{ "psadbw-mmx", 0, 0xf6, K_MM, 8, 0, -1, M_ANY }, { "movq-mmx", 0, 0x6f, K_MM, 8, 0, -1, M_ANY },
	{ "movq-mmx", 0, 0x7f, K_MM, 8, 0, -1, M_ANY },
	{ "movd-mmx", 0, 0x6e, K_MG, 4, 0, -1, M_ANY }, { "movd-mmx", 0, 0x7e, K_GM, 4, 0, -1, M_ANY },
	{ "pextrw-mmx", 0, 0xc5, K_GM, 0, 1, -1, M_REG }, { "pinsrw-mmx", 0, 0xc4, K_MG, 2, 1, -1, M_ANY },
	{ "pmovmskb-mmx", 0, 0xd7, K_GM, 0, 0, -1, M_REG }, { "psrlq-mmx", 0, 0x73, K_MM, 0, 1, 2, M_REG },
	{ "psraw-mmx", 0, 0x71, K_MM, 0, 1, 4, M_REG }, { "pslld-mmx", 0, 0x72, K_MM, 0, 1, 6, M_REG },
	{ "movntq", 0, 0xe7, K_MM, 8, 0, -1, M_MEM }, { "emms", 0, 0x77, K_MM, 0, 0, -2, M_REG },
	{ "cvtpi2ps", 0, 0x2a, K_XX, 8, 0, -1, M_ANY }, { "cvtpi2pd", 0x66, 0x2a, K_XX, 8, 0, -1, M_ANY },
	{ "cvtps2pi", 0, 0x2d, K_MM, 8, 0, -1, M_ANY }, { "cvttps2pi", 0, 0x2c, K_MM, 8, 0, -1, M_ANY },
	/* AMD skips the SDM's alignment check here: keep these aligned */
	{ "cvtpd2pi", 0x66, 0x2d, K_MM, A16 | 0x40, 0, -1, M_ANY },
	{ "cvttpd2pi", 0x66, 0x2c, K_MM, A16 | 0x40, 0, -1, M_ANY },
	{ "movq2dq", 0xf3, 0xd6, K_XX, 0, 0, -1, M_REG }, { "movdq2q", 0xf2, 0xd6, K_MM, 0, 0, -1, M_REG },
	{ "maskmovdqu", 0x66, 0xf7, K_XX, 0, 0, -1, M_REG }, { "maskmovq", 0, 0xf7, K_MM, 0, 0, -1, M_REG },
	{ "movhlps", 0, 0x12, K_XX, 0, 0, -1, M_REG }, { "movlhps", 0, 0x16, K_XX, 0, 0, -1, M_REG },
	{ "fxsave", 0, 0xae, K_XX, A16, 0, 0, M_MEM }, { "fxrstor", 0, 0xae, K_XX, A16, 0, 1, M_MEM },
	{ "ldmxcsr", 0, 0xae, K_XX, 4, 0, 2, M_MEM }, { "stmxcsr", 0, 0xae, K_XX, 4, 0, 3, M_MEM },
};

/* Packed-integer opcodes that take 66 xmm, xmm/m128 (aligned). */
static const uint8_t sse_int_ops[] = {
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
	0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd,
	0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed,
	0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
};

#endif
