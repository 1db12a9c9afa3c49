/*
 * A tiny AML encoder (ACPI spec 6.x, chapter 20 "ACPI Machine Language
 * Specification"): just the terms the DSDT needs - names, integers,
 * packages, scopes, devices; the opcodes below for the few methods of
 * boot/acpi_irq.c are emitted byte by byte.  Nested objects are built bottom-up: encode the
 * body into its own struct aml, then wrap it with aml_wrap().
 * Overflow of the caller's buffer is sticky and reported by a->overflow.
 */
#ifndef HVM_AML_H
#define HVM_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_ZERO	0x00	/* also the NullName of an unused Target */
#define AML_ONE		0x01
#define AML_NAME_OP	0x08
#define AML_BYTE_PREFIX	0x0a
#define AML_WORD_PREFIX	0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP	0x10
#define AML_BUFFER_OP	0x11
#define AML_PACKAGE_OP	0x12
#define AML_METHOD_OP	0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_PREFIX	0x5b
#define AML_OPREGION_OP	0x80	/* after AML_EXT_PREFIX */
#define AML_FIELD_OP	0x81	/* after AML_EXT_PREFIX */
#define AML_DEVICE_OP	0x82	/* after AML_EXT_PREFIX */
#define AML_LOCAL0	0x60
#define AML_ARG0	0x68
#define AML_STORE_OP	0x70
#define AML_DECREMENT_OP 0x76
#define AML_SHIFT_LEFT_OP 0x79
#define AML_AND_OP	0x7b
#define AML_OR_OP	0x7d
#define AML_FIND_SET_RIGHT_BIT_OP 0x82
#define AML_CREATE_WORD_FIELD_OP 0x8b
#define AML_LLESS_OP	0x95
#define AML_IF_OP	0xa0
#define AML_ELSE_OP	0xa1
#define AML_RETURN_OP	0xa4

struct aml {
	uint8_t *buf;
	size_t cap, len;
	int overflow;
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, uint8_t b);
/* Smallest integer encoding: ZeroOp, OneOp, Byte/Word/DWord/QWordPrefix. */
void aml_int(struct aml *a, uint64_t v);
/*
 * A name string: "\\_SB_", "PCI0" or a path "\\_SB_.PCI0.ISA_"; segments must
 * be 4 chars (pad with '_').
 */
void aml_name(struct aml *a, const char *name);
/* op (1-2 bytes), PkgLength covering itself and body, then body. */
void aml_wrap(struct aml *a, const uint8_t *op, size_t oplen, const struct aml *body);
/* Name(name, <integer>) */
void aml_name_int(struct aml *a, const char *name, uint64_t v);
/* EISA ID string "PNP0A03" as its 32-bit compressed form (spec 6.1.5). */
uint32_t aml_eisaid(const char *id);

#endif
