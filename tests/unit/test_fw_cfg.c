/* fw_cfg legacy I/O interface. */
#include "test.h"
#include "dev/fw_cfg.h"

#include <errno.h>

static void sel(struct fw_cfg *fw, uint16_t key) { fw_cfg_ops.write(fw, 0, 2, key); }
static uint8_t rb(struct fw_cfg *fw) { return (uint8_t)fw_cfg_ops.read(fw, 1, 1); }

static uint64_t read_le(struct fw_cfg *fw, uint16_t key, unsigned n)
{
	uint64_t v = 0;
	sel(fw, key);
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)rb(fw) << (8 * i);
	return v;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

TEST(signature_and_id)
{
	struct fw_cfg *fw = fw_cfg_new(256 << 20, 2, 4);
	CHECK(fw);
	char sig[5] = { 0 };
	sel(fw, 0x0000);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)rb(fw);
	CHECK_STR(sig, "QEMU");
	CHECK_EQ(rb(fw), 0);			/* past the end */
	CHECK_EQ(read_le(fw, 0x0001, 4) & 3, 1);	/* traditional, no DMA */
	sel(fw, 0x0000);			/* selecting rewinds */
	CHECK_EQ(rb(fw), 'Q');
	fw_cfg_free(fw);
}

TEST(ram_cpus_and_unknown_keys)
{
	struct fw_cfg *fw = fw_cfg_new(5ULL << 30, 3, 8);
	CHECK_EQ(read_le(fw, 0x0003, 8), 5ULL << 30);
	CHECK_EQ(read_le(fw, 0x0005, 2), 3);
	CHECK_EQ(read_le(fw, 0x000f, 2), 8);
	CHECK_EQ(read_le(fw, 0x0011, 8), 0);
	CHECK_EQ(read_le(fw, 0xffff, 8), 0);
	sel(fw, 0x0005);
	CHECK_EQ(fw_cfg_ops.read(fw, 1, 2), 3);	/* wider read = successive bytes */
	fw_cfg_ops.write(fw, 1, 1, 0x55);	/* data writes ignored */
	CHECK_EQ(read_le(fw, 0x0005, 2), 3);
	fw_cfg_free(fw);
}

TEST(file_directory_big_endian)
{
	struct fw_cfg *fw = fw_cfg_new(1 << 20, 1, 1);
	CHECK_EQ(read_le(fw, 0x0019, 4), 0);	/* empty directory: count 0 */
	static const uint8_t blob[300] = { 1, 2, 3 };
	int k1 = fw_cfg_add_file(fw, "etc/table-loader", blob, sizeof(blob));
	int k2 = fw_cfg_add_file(fw, "bootorder", "a\n", 2);
	CHECK(k1 >= 0x20);
	CHECK(k2 >= 0x20 && k2 != k1);
	CHECK_EQ(fw_cfg_add_file(fw, "bootorder", "x", 1), -EEXIST);
	char longname[80];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[79] = 0;
	CHECK(fw_cfg_add_file(fw, longname, "x", 1) < 0);

	uint8_t dir[4 + 2 * 64];
	sel(fw, 0x0019);
	for (size_t i = 0; i < sizeof(dir); i++)
		dir[i] = rb(fw);
	CHECK_EQ(rb(fw), 0);			/* nothing after the entries */
	CHECK_EQ(be32(dir), 2);
	CHECK_EQ(be32(dir + 4), 300);
	CHECK_EQ(dir[8] << 8 | dir[9], k1);
	CHECK_STR((char *)dir + 4 + 8, "etc/table-loader");
	CHECK_EQ(be32(dir + 68), 2);
	CHECK_EQ(dir[72] << 8 | dir[73], k2);
	CHECK_STR((char *)dir + 68 + 8, "bootorder");

	sel(fw, (uint16_t)k1);
	CHECK_EQ(rb(fw), 1);
	CHECK_EQ(rb(fw), 2);
	sel(fw, (uint16_t)k2);
	CHECK_EQ(rb(fw), 'a');
	CHECK_EQ(rb(fw), '\n');
	for (int i = 0; i < 1000; i++)		/* reading far past the end stays 0 */
		CHECK_EQ(rb(fw), 0);
	fw_cfg_free(fw);
}

TEST(replace_and_reset)
{
	struct fw_cfg *fw = fw_cfg_new(1 << 20, 1, 1);
	CHECK_EQ(fw_cfg_add_bytes(fw, 0x0005, "\x07\x00", 2), 0);
	CHECK_EQ(read_le(fw, 0x0005, 2), 7);
	CHECK_EQ(fw_cfg_add_bytes(fw, 0x1234, NULL, 0), 0);
	CHECK_EQ(read_le(fw, 0x1234, 1), 0);
	sel(fw, 0x0000);
	(void)rb(fw);
	fw_cfg_ops.reset(fw);
	CHECK_EQ(rb(fw), 'Q');			/* reset selects key 0 at offset 0 */
	fw_cfg_free(fw);
}

TEST_MAIN_BEGIN("test_fw_cfg")
	RUN(signature_and_id);
	RUN(ram_cpus_and_unknown_keys);
	RUN(file_directory_big_endian);
	RUN(replace_and_reset);
TEST_MAIN_END()
