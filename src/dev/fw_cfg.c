/*
 * QEMU firmware configuration device (fw_cfg), following QEMU's
 * docs/specs/fw_cfg.rst: the traditional I/O interface only.  A 16-bit write
 * to the selector chooses an item and rewinds it; each byte read from the
 * data port returns the next byte, and 0 past the item's end.  Unknown items
 * read as empty (all zeros).
 *
 * Not emulated: the DMA interface (ID bit 1 clear, no 0x514 port), guest
 * writes to items (deprecated and ignored), the architecture-specific keys
 * beyond those the board sets.
 */
#include "dev/fw_cfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FW_CFG_ID_TRADITIONAL	0x01
#define FW_CFG_DIR_ENTRY	64	/* u32 size, u16 select, u16 reserved, name[56] */

struct fw_cfg_item {
	uint16_t key;
	uint8_t *data;
	size_t len;
};

struct fw_cfg {
	struct fw_cfg_item *items;
	size_t nr, cap;
	uint16_t sel;
	size_t off;
	unsigned nr_files;
	char names[FW_CFG_MAX_FILES][FW_CFG_NAME_LEN];
	uint16_t file_key[FW_CFG_MAX_FILES];
};

static int rebuild_dir(struct fw_cfg *fw);

static struct fw_cfg_item *item_find(const struct fw_cfg *fw, uint16_t key)
{
	for (size_t i = 0; i < fw->nr; i++)
		if (fw->items[i].key == key)
			return &fw->items[i];
	return NULL;
}

int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len)
{
	if (!fw || (len && !data) || len > UINT32_MAX)
		return -EINVAL;
	uint8_t *copy = NULL;
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	struct fw_cfg_item *it = item_find(fw, key);
	if (!it) {
		if (fw->nr == fw->cap) {
			size_t cap = fw->cap ? fw->cap * 2 : 16;
			struct fw_cfg_item *n = realloc(fw->items, cap * sizeof(*n));
			if (!n) {
				free(copy);
				return -ENOMEM;
			}
			fw->items = n;
			fw->cap = cap;
		}
		it = &fw->items[fw->nr++];
		it->key = key;
	} else {
		free(it->data);
	}
	it->data = copy;
	it->len = len;
	/* Replacing a file's contents changes its size in the directory. */
	for (unsigned i = 0; i < fw->nr_files; i++)
		if (fw->file_key[i] == key)
			return rebuild_dir(fw);
	return 0;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static int add_le(struct fw_cfg *fw, uint16_t key, uint64_t v, unsigned n)
{
	uint8_t b[8];
	put_le(b, v, n);
	return fw_cfg_add_bytes(fw, key, b, n);
}

/* The directory is rebuilt whenever a file is added: it is small and rarely changes. */
static int rebuild_dir(struct fw_cfg *fw)
{
	size_t len = 4 + (size_t)fw->nr_files * FW_CFG_DIR_ENTRY;
	uint8_t *d = calloc(1, len);
	if (!d)
		return -ENOMEM;
	put_be(d, fw->nr_files, 4);
	for (unsigned i = 0; i < fw->nr_files; i++) {
		uint8_t *e = d + 4 + (size_t)i * FW_CFG_DIR_ENTRY;
		const struct fw_cfg_item *it = item_find(fw, fw->file_key[i]);
		put_be(e, it ? it->len : 0, 4);
		put_be(e + 4, fw->file_key[i], 2);
		memcpy(e + 8, fw->names[i], FW_CFG_NAME_LEN);
	}
	int r = fw_cfg_add_bytes(fw, FW_CFG_FILE_DIR, d, len);
	free(d);
	return r;
}

int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len)
{
	if (!fw || !name || !*name || strlen(name) >= FW_CFG_NAME_LEN)
		return -EINVAL;
	for (unsigned i = 0; i < fw->nr_files; i++)
		if (!strcmp(fw->names[i], name))
			return -EEXIST;
	if (fw->nr_files >= FW_CFG_MAX_FILES)
		return -ENOSPC;
	uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + fw->nr_files);
	int r = fw_cfg_add_bytes(fw, key, data, len);
	if (r)
		return r;
	memset(fw->names[fw->nr_files], 0, FW_CFG_NAME_LEN);
	strcpy(fw->names[fw->nr_files], name);
	fw->file_key[fw->nr_files] = key;
	fw->nr_files++;
	r = rebuild_dir(fw);
	if (r) {
		fw->nr_files--;
		return r;
	}
	return key;
}

struct fw_cfg *fw_cfg_new(uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus)
{
	struct fw_cfg *fw = calloc(1, sizeof(*fw));
	if (!fw)
		return NULL;
	if (fw_cfg_add_bytes(fw, FW_CFG_SIGNATURE, "QEMU", 4) ||
	    add_le(fw, FW_CFG_ID, FW_CFG_ID_TRADITIONAL, 4) ||
	    add_le(fw, FW_CFG_RAM_SIZE, ram_size, 8) ||
	    add_le(fw, FW_CFG_NB_CPUS, nb_cpus, 2) ||
	    add_le(fw, FW_CFG_MAX_CPUS, max_cpus, 2) ||
	    rebuild_dir(fw)) {
		fw_cfg_free(fw);
		return NULL;
	}
	return fw;
}

void fw_cfg_free(struct fw_cfg *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->nr; i++)
		free(fw->items[i].data);
	free(fw->items);
	free(fw);
}

static uint8_t data_byte(struct fw_cfg *fw)
{
	const struct fw_cfg_item *it = item_find(fw, fw->sel);
	if (!it || fw->off >= it->len)
		return 0;
	return it->data[fw->off++];
}

static uint64_t fw_cfg_read(void *opaque, uint64_t off, unsigned size)
{
	struct fw_cfg *fw = opaque;
	if (off != 1)
		return 0;	/* the selector is write-only */
	/* A wider read gathers successive bytes, little endian. */
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)data_byte(fw) << (8 * i);
	return v;
}

static void fw_cfg_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct fw_cfg *fw = opaque;
	if (off != 0)
		return;		/* data writes are ignored */
	fw->sel = (uint16_t)val;
	fw->off = 0;
}

static void fw_cfg_reset(void *opaque)
{
	struct fw_cfg *fw = opaque;
	fw->sel = 0;
	fw->off = 0;
}

const struct io_ops fw_cfg_ops = {
	.name = "fw_cfg",
	.read = fw_cfg_read,
	.write = fw_cfg_write,
	.reset = fw_cfg_reset,
};
