/*
 * AML term encoding (ACPI spec 6.x, 20.2: PkgLength 20.2.4, data objects
 * 20.2.3, name strings 20.2.2).  Only what hvm's DSDT uses.
 */
#include "boot/aml.h"

#include <string.h>

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->overflow = 0;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = 1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

void aml_int(struct aml *a, uint64_t v)
{
	uint8_t b[9];
	unsigned n;
	if (v == 0 || v == 1) {
		aml_byte(a, v ? AML_ONE : AML_ZERO);
		return;
	}
	if (v <= 0xff) {
		b[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= 0xffff) {
		b[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= 0xffffffffu) {
		b[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		b[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (unsigned i = 0; i < n; i++)
		b[1 + i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, 1 + n);
}

void aml_name(struct aml *a, const char *name)
{
	size_t n, segs;
	if (*name == '\\') {
		aml_byte(a, '\\');
		name++;
	}
	n = strlen(name);
	/* NameSeg, DualNamePath (0x2e) or MultiNamePath (0x2f, count): "AAAA.BBBB..." */
	if (n < 4 || (n + 1) % 5 != 0) {
		a->overflow = 1;
		return;
	}
	segs = (n + 1) / 5;
	for (size_t i = 1; i < segs; i++)
		if (name[5 * i - 1] != '.') {
			a->overflow = 1;
			return;
		}
	if (segs > 255) {
		a->overflow = 1;
		return;
	}
	if (segs == 2) {
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	} else if (segs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)segs);
	}
	for (size_t i = 0; i < segs; i++)
		aml_bytes(a, name + 5 * i, 4);
}

void aml_wrap(struct aml *a, const uint8_t *op, size_t oplen, const struct aml *body)
{
	uint8_t pl[4];
	size_t total, n;

	if (body->overflow) {
		a->overflow = 1;
		return;
	}
	/* PkgLength counts its own bytes: 1 byte up to 63, else 2-4 bytes. */
	if (body->len + 1 <= 0x3f) {
		n = 1;
	} else if (body->len + 2 <= 0xfff) {
		n = 2;
	} else if (body->len + 3 <= 0xfffff) {
		n = 3;
	} else if (body->len + 4 <= 0xfffffff) {
		n = 4;
	} else {
		a->overflow = 1;
		return;
	}
	total = body->len + n;
	if (n == 1) {
		pl[0] = (uint8_t)total;
	} else {
		pl[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
		for (size_t i = 1; i < n; i++)
			pl[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	aml_bytes(a, op, oplen);
	aml_bytes(a, pl, n);
	aml_bytes(a, body->buf, body->len);
}

void aml_name_int(struct aml *a, const char *name, uint64_t v)
{
	aml_byte(a, AML_NAME_OP);
	aml_name(a, name);
	aml_int(a, v);
}

uint32_t aml_eisaid(const char *id)
{
	/* Three 5-bit letters ('A' = 1) and four hex digits, stored big-endian. */
	uint32_t v = 0;
	for (int i = 0; i < 3; i++)
		v = (v << 5) | ((uint32_t)(id[i] - 0x40) & 0x1f);
	for (int i = 3; i < 7; i++) {
		char c = id[i];
		uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10);
		v = (v << 4) | (d & 0xf);
	}
	return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
}
