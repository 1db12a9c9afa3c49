/*
 * emu decoder against a reference decoder (Zydis 4): on random, mostly
 * well-formed byte streams in 16-, 32- and 64-bit modes, every instruction
 * that both decoders accept must agree on length, ModRM presence and value,
 * immediate bytes, opcode map/byte and address size (operand size is not
 * compared: emu's osz is the prefix-derived size, and handlers apply their own
 * defaults such as 64-bit PUSH or SSE).  Streams Zydis rejects,
 * or that emu refuses with #UD, are counted, not compared: emu may refuse
 * what it does not implement.
 *
 * EMU_DECODE_SEED / EMU_DECODE_CASES override the seed and count per mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/emu/emu_priv.h"
#include "test.h"

#if __has_include(<Zydis/Zydis.h>)
#include <Zydis/Zydis.h>
#define HAVE_ZYDIS 1
#else
#define HAVE_ZYDIS 0
#endif

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* A plausible instruction: a few legacy prefixes, maybe REX, an opcode, random tail. */
static void gen_stream(uint64_t *rs, uint8_t *b, int m64)
{
	static const uint8_t pfx[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65 };
	unsigned n = 0, np = (unsigned)(rnd(rs) % 8);

	for (unsigned i = 0; i < 16; i++)
		b[i] = (uint8_t)rnd(rs);
	np = np < 4 ? 0 : np - 4;
	for (unsigned i = 0; i < np; i++)
		b[n++] = pfx[rnd(rs) % sizeof(pfx)];
	if (m64 && rnd(rs) % 2)
		b[n++] = (uint8_t)(0x40 | (rnd(rs) & 15));
	/* no prefix or REX after that: misplaced REX bytes are known_lengths' business */
	while ((m64 && (b[n] & 0xf0) == 0x40) || memchr(pfx, b[n], sizeof(pfx)))
		b[n] = (uint8_t)rnd(rs);
	switch (rnd(rs) % 10) {
	case 0: case 1: case 2:
		b[n++] = 0x0f;
		break;
	case 3:
		b[n++] = 0x0f;
		b[n++] = rnd(rs) % 2 ? 0x38 : 0x3a;
		break;
	default:
		break;
	}
	/* a register-form ModRM half the time keeps lengths short and varied */
	if (rnd(rs) % 2)
		b[n + 1] |= 0xc0;
}

#if HAVE_ZYDIS
struct dmode {
	const char *name;
	ZydisMachineMode zm;
	ZydisStackWidth zw;
	uint8_t mode, osz, asz;
};

static const struct dmode modes[] = {
	{ "64-bit", ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64, MODE_LONG64, 4, 8 },
	{ "32-bit", ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32, MODE_PROT32, 4, 4 },
	{ "16-bit", ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16, MODE_PROT16, 2, 2 },
};

static unsigned zmap(ZydisOpcodeMap m)
{
	switch (m) {
	case ZYDIS_OPCODE_MAP_DEFAULT: return MAP_1B;
	case ZYDIS_OPCODE_MAP_0F: return MAP_0F;
	case ZYDIS_OPCODE_MAP_0F38: return MAP_0F38;
	case ZYDIS_OPCODE_MAP_0F3A: return MAP_0F3A;
	default: return 0xff;
	}
}

static unsigned fails;
static unsigned fail_by_op[3][4][256];	/* mode, Zydis map, opcode */
static uint8_t fail_example[3][4][256][15];
static unsigned cur_mode, cur_map, cur_op;

static void report(const struct dmode *md, const uint8_t *b, const char *what, unsigned emu,
		   unsigned ref)
{
	if (cur_map < 4 && fail_by_op[cur_mode][cur_map][cur_op]++ == 0)
		memcpy(fail_example[cur_mode][cur_map][cur_op], b, 15);
	if (fails++ < 10) {
		printf("  %s [", md->name);
		for (unsigned i = 0; i < 15; i++)
			printf("%s%02x", i ? " " : "", b[i]);
		printf("]: %s emu %u, zydis %u\n", what, emu, ref);
	}
}

/* Returns 1 if compared, 0 if skipped. */
static int check_one(struct emu_cpu *cpu, const ZydisDecoder *zd, const struct dmode *md,
		     const uint8_t *b)
{
	ZydisDecodedInstruction zi;
	struct emu_insn in;
	unsigned zimm, zmodrm;
	int r;

	if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(zd, NULL, b, 15, &zi)))
		return 0;
	if (zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
		return 0;	/* VEX/EVEX/XOP/3DNow!: emu refuses them */
	/* vendor-specific rows: AMD EXTRQ/INSERTQ vs Intel VMREAD/VMWRITE, Centaur PadLock */
	if (zi.opcode_map == ZYDIS_OPCODE_MAP_0F &&
	    (zi.opcode == 0x78 || zi.opcode == 0x79 || zi.opcode == 0xa6 || zi.opcode == 0xa7))
		return 0;
	r = emu_decode(cpu, &in, b, 15);
	if (r != 0)
		return 0;
	cur_map = zmap(zi.opcode_map);
	cur_op = zi.opcode;
	if (in.len != zi.length) {
		report(md, b, "length", in.len, zi.length);
		return 1;
	}
	if (in.map != zmap(zi.opcode_map) || in.op != zi.opcode) {
		report(md, b, "map<<8|opcode", (unsigned)in.map << 8 | in.op,
		       zmap(zi.opcode_map) << 8 | zi.opcode);
		return 1;
	}
	zmodrm = (zi.attributes & ZYDIS_ATTRIB_HAS_MODRM) != 0;
	if (in.has_modrm != zmodrm) {
		report(md, b, "has_modrm", in.has_modrm, zmodrm);
		return 1;
	}
	if (zmodrm && in.modrm != (zi.raw.modrm.mod << 6 | zi.raw.modrm.reg << 3 | zi.raw.modrm.rm)) {
		report(md, b, "modrm", in.modrm,
		       zi.raw.modrm.mod << 6 | zi.raw.modrm.reg << 3 | zi.raw.modrm.rm);
		return 1;
	}
	/* emu counts a moffs (A0-A3) as an immediate; Zydis as a displacement */
	zimm = (zi.raw.imm[0].size + zi.raw.imm[1].size) / 8;
	if (!zmodrm && zi.raw.disp.size)
		zimm += zi.raw.disp.size / 8;
	if (in.imm_len != zimm) {
		report(md, b, "immediate bytes", in.imm_len, zimm);
		return 1;
	}
	if (in.has_mem && in.asz * 8u != zi.address_width) {
		report(md, b, "address size", in.asz * 8u, zi.address_width);
		return 1;
	}
	return 1;
}

TEST(lengths_vs_zydis)
{
	const char *s = getenv("EMU_DECODE_SEED");
	const char *n = getenv("EMU_DECODE_CASES");
	uint64_t seed = s && *s ? strtoull(s, NULL, 0) : 0x5eed;	/* repeatable by default */
	unsigned cases = n && *n ? (unsigned)strtoul(n, NULL, 0) : 200000;
	struct emu_cpu *cpu = calloc(1, sizeof(*cpu));

	CHECK(cpu != NULL);
	printf("emu_decode: seed %#llx (EMU_DECODE_SEED), %u cases per mode\n",
	       (unsigned long long)seed, cases);
	fails = 0;
	for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		const struct dmode *md = &modes[m];
		ZydisDecoder zd;
		uint64_t rs = seed * 3 + m + 1;
		unsigned compared = 0;
		uint8_t b[16];

		CHECK(ZYAN_SUCCESS(ZydisDecoderInit(&zd, md->zm, md->zw)));
		/* without MPX, 0F 1A/1B are the hint NOPs that CPUs without MPX decode */
		ZydisDecoderEnableMode(&zd, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE);
		cur_mode = m;
		cpu->mode = md->mode;
		cpu->def_osz = md->osz;
		cpu->def_asz = md->asz;
		for (unsigned i = 0; i < cases; i++) {
			gen_stream(&rs, b, md->mode == MODE_LONG64);
			compared += (unsigned)check_one(cpu, &zd, md, b);
		}
		printf("emu_decode: %s: %u of %u compared\n", md->name, compared, cases);
		CHECK(compared > cases / 4);
	}
	free(cpu);
	if (fails) {	/* one line per (mode, opcode) that disagrees, with an example */
		static const char *const maps[4] = { "", "0f ", "0f38 ", "0f3a " };

		printf("emu_decode: %u disagreements, by opcode:\n", fails);
		for (unsigned m = 0; m < 3; m++)
			for (unsigned mp = 0; mp < 4; mp++)
				for (unsigned op = 0; op < 256; op++) {
					const uint8_t *e = fail_example[m][mp][op];

					if (!fail_by_op[m][mp][op])
						continue;
					printf("  %s %s%02x: %u, e.g. [", modes[m].name, maps[mp], op,
					       fail_by_op[m][mp][op]);
					for (unsigned i = 0; i < 15; i++)
						printf("%s%02x", i ? " " : "", e[i]);
					printf("]\n");
				}
	}
	CHECK_EQ(fails, 0);
}

#endif

TEST(known_lengths)
{
	/* Hand-checked encodings, so the test fails even if Zydis went missing. */
	static const struct { uint8_t mode; uint8_t len; uint8_t b[15]; } k[] = {
		{ MODE_LONG64, 3, { 0x48, 0x01, 0xd8 } },			/* add rax, rbx */
		{ MODE_LONG64, 10, { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 } },	/* mov rax, imm64 */
		{ MODE_LONG64, 7, { 0x48, 0x8b, 0x05, 0, 0, 0, 0 } },		/* mov rax, [rip] */
		{ MODE_LONG64, 6, { 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08 } },	/* palignr */
		{ MODE_LONG64, 4, { 0xf3, 0x0f, 0x10, 0xc1 } },			/* movss */
		{ MODE_LONG64, 2, { 0xdd, 0xd8 } },				/* fstp st0 */
		{ MODE_LONG64, 6, { 0xd9, 0x05, 0, 0, 0, 0 } },			/* fld dword [rip] */
		{ MODE_PROT32, 5, { 0x66, 0x81, 0xc0, 1, 2 } },			/* add ax, imm16 */
		{ MODE_PROT16, 6, { 0x66, 0x05, 1, 2, 3, 4 } },			/* add eax, imm32 */
		{ MODE_PROT16, 3, { 0x8b, 0x46, 0x02, 0x90 } },			/* mov ax, [bp+2] */
		{ MODE_LONG64, 3, { 0x0f, 0x20, 0x98 } },			/* mov rax, cr3: mod is ignored */
		{ MODE_LONG64, 4, { 0x48, 0x66, 0x01, 0xc0 } },			/* REX then 66: REX ignored */
		{ MODE_LONG64, 4, { 0x48, 0x41, 0x01, 0xc0 } },			/* two REX: the last counts */
	};
	struct emu_cpu *cpu = calloc(1, sizeof(*cpu));
	struct emu_insn in;

	CHECK(cpu != NULL);
	for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		cpu->mode = k[i].mode;
		cpu->def_osz = cpu->def_asz = k[i].mode == MODE_PROT16 ? 2 : 4;
		if (emu_decode(cpu, &in, k[i].b, 15) != 0 || in.len != k[i].len) {
			test_fail_("case %u [%02x %02x %02x %02x]: emu length %u, want %u", i, k[i].b[0],
				   k[i].b[1], k[i].b[2], k[i].b[3], in.len, k[i].len);
			continue;
		}
	}
	free(cpu);
}
TEST_MAIN_BEGIN("emu_decode")
	RUN(known_lengths);
#if HAVE_ZYDIS
	RUN(lengths_vs_zydis);
#else
	printf("TEST SKIP emu_decode/lengths_vs_zydis: Zydis not installed\n");
#endif
TEST_MAIN_END()
