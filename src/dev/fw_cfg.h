/*
 * QEMU firmware configuration device, legacy I/O interface only: selector at
 * 0x510 (16-bit write), data at 0x511 (byte reads).  Map fw_cfg_ops at
 * PORT_FW_CFG with len FW_CFG_LEN.
 */
#ifndef HVM_DEV_FW_CFG_H
#define HVM_DEV_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

#define FW_CFG_LEN		2

#define FW_CFG_SIGNATURE	0x0000
#define FW_CFG_ID		0x0001
#define FW_CFG_RAM_SIZE		0x0003
#define FW_CFG_NB_CPUS		0x0005
#define FW_CFG_BOOT_MENU	0x000e
#define FW_CFG_MAX_CPUS		0x000f
#define FW_CFG_FILE_DIR		0x0019
#define FW_CFG_FILE_FIRST	0x0020
#define FW_CFG_IRQ0_OVERRIDE	0x8002
#define FW_CFG_MAX_FILES	64
#define FW_CFG_NAME_LEN		56

struct fw_cfg;

struct fw_cfg *fw_cfg_new(uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus);
void fw_cfg_free(struct fw_cfg *fw);
/* Set (or replace) item `key` with a copy of data.  0 or -EINVAL/-ENOMEM. */
int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len);
/* Add a named file (copied); returns its key (>= 0x20) or -EEXIST/-ENOSPC/-EINVAL/-ENOMEM. */
int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len);

extern const struct io_ops fw_cfg_ops;

#endif
