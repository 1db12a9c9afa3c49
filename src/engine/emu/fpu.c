/*
 * x87 FPU for the emu CPU (stub: raises #UD until the unit is written).
 */
#include "engine/emu/emu.h"

int emu_exec_x87(struct emu_cpu *cpu, struct emu_insn *in)
{
	return -1;
}
