/*
 * MC146818 real-time clock with 128 bytes of CMOS RAM, at ports 0x70/0x71.
 * Map rtc_ops with len 2 at PORT_RTC.
 */
#ifndef HVM_DEV_RTC_CMOS_H
#define HVM_DEV_RTC_CMOS_H

#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"

struct rtc;

/*
 * ram_below_4g: RAM bytes from 0 up to the PCI hole; ram_above_4g: RAM bytes
 * relocated above 4 GiB.  They fill the BIOS memory-size bytes.  `irq` (IRQ 8)
 * is copied.  Returns NULL on allocation failure.
 */
struct rtc *rtc_new(struct clock *clk, const struct irq_line *irq,
		    uint64_t ram_below_4g, uint64_t ram_above_4g);
void rtc_free(struct rtc *r);

/* Board/firmware access to plain CMOS bytes (index 0..127; others ignored / read 0). */
uint8_t rtc_cmos_get(const struct rtc *r, unsigned idx);
void rtc_cmos_set(struct rtc *r, unsigned idx, uint8_t val);

extern const struct io_ops rtc_ops;

/* CMOS indexes the BIOS reads */
#define CMOS_EQUIPMENT		0x14
#define CMOS_BASE_MEM_LO	0x15
#define CMOS_BASE_MEM_HI	0x16
#define CMOS_EXT_MEM_LO		0x17
#define CMOS_EXT_MEM_HI		0x18
#define CMOS_EXT_MEM2_LO	0x30
#define CMOS_EXT_MEM2_HI	0x31
#define CMOS_CENTURY		0x32
#define CMOS_MEM_16M_LO		0x34
#define CMOS_MEM_16M_HI		0x35
#define CMOS_MEM_4G_LO		0x5b	/* 0x5b..0x5d, 64 KiB units */

#endif
