/*
 * Motorola MC146818A real-time clock and its CMOS RAM, after the MC146818A
 * datasheet (registers A-D, time/alarm registers, update cycle, periodic
 * rates) as wired on a PC: index port 0x70 (bit 7, the NMI mask, is not part
 * of the index), data port 0x71, IRQ 8.
 *
 * Time is host wall-clock time plus an offset the guest moves by writing the
 * time registers, so there is no per-second work: the registers, UIP (set
 * from 244 us before each second until the 1984 us update cycle of the
 * 32.768 kHz time base ends) and the polled UF/PF flags are derived
 * from the clock when read.  Timers run only for interrupts the guest has
 * enabled: periodic (PIE), update-ended (UIE) and alarm (AIE).
 *
 * Not emulated: the divider-chain controls in register A (DV bits are
 * stored only), daylight-saving (DSE), square-wave output, the alarm flag
 * without AIE, and time that stands still while the divider is held.
 */
#include "dev/rtc_cmos.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d

#define REG_A_UIP	0x80
#define REG_A_RS	0x0f
#define REG_B_SET	0x80
#define REG_B_PIE	0x40
#define REG_B_AIE	0x20
#define REG_B_UIE	0x10
#define REG_B_SQWE	0x08
#define REG_B_DM	0x04	/* 1 = binary */
#define REG_B_24H	0x02
#define REG_C_IRQF	0x80
#define REG_C_PF	0x40
#define REG_C_AF	0x20
#define REG_C_UF	0x10
#define REG_D_VRT	0x80

#define CMOS_SIZE	128
#define NS_PER_SEC	1000000000LL
#define UIP_NS		244000LL	/* update-in-progress window before each second */
#define UPDATE_NS	1984000LL	/* and the update cycle after it (registers already new) */
#define ALARM_DONT_CARE	0xc0
#define TIMER_SLACK_NS	1000LL
#define RTC_MAX_SEC	7258118399LL	/* 2199-12-31 23:59:59 UTC */

struct rtc {
	struct clock *clk;
	struct irq_line irq;
	struct timer *periodic, *second;
	uint8_t cmos[CMOS_SIZE];
	uint8_t index;
	int64_t offset_ns;	/* guest time = host wall time + offset */
	int64_t set_ns;		/* guest time when the clock was last set (or made) */
	int64_t last_c_sec;	/* guest second at the last register C read */
	uint64_t last_c_mono;	/* monotonic time of the last register C read */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b < 0) ? q - 1 : q;
}

static int64_t sec_phase(int64_t g)
{
	return g - floor_div(g, NS_PER_SEC) * NS_PER_SEC;
}

static int64_t guest_ns(struct rtc *r)
{
	return clock_wall(r->clk) + r->offset_ns;
}

static int binary_mode(const struct rtc *r)
{
	return r->cmos[RTC_REG_B] & REG_B_DM;
}

static uint8_t to_reg(const struct rtc *r, int v)
{
	if (v < 0)
		v = 0;
	if (binary_mode(r))
		return (uint8_t)v;
	v %= 100;
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static int from_reg(const struct rtc *r, uint8_t v)
{
	if (binary_mode(r))
		return v;
	return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t hour_to_reg(const struct rtc *r, int h)
{
	if (r->cmos[RTC_REG_B] & REG_B_24H)
		return to_reg(r, h);
	uint8_t pm = h >= 12 ? 0x80 : 0;
	int h12 = h % 12 ? h % 12 : 12;
	return to_reg(r, h12) | pm;
}

static int hour_from_reg(const struct rtc *r, uint8_t v)
{
	if (r->cmos[RTC_REG_B] & REG_B_24H)
		return from_reg(r, v);
	return from_reg(r, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

static void guest_tm(struct rtc *r, struct tm *tm)
{
	time_t t = (time_t)floor_div(guest_ns(r), NS_PER_SEC);
	gmtime_r(&t, tm);
}

/* Register value for a time field (0x00-0x09 except alarms, or the century). */
static uint8_t time_field(const struct rtc *r, const struct tm *tm, unsigned idx)
{
	int year = tm->tm_year + 1900;
	switch (idx) {
	case RTC_SECONDS:	return to_reg(r, tm->tm_sec > 59 ? 59 : tm->tm_sec);
	case RTC_MINUTES:	return to_reg(r, tm->tm_min);
	case RTC_HOURS:		return hour_to_reg(r, tm->tm_hour);
	case RTC_DAY_OF_WEEK:	return to_reg(r, tm->tm_wday + 1);
	case RTC_DAY_OF_MONTH:	return to_reg(r, tm->tm_mday);
	case RTC_MONTH:		return to_reg(r, tm->tm_mon + 1);
	case RTC_YEAR:		return to_reg(r, year % 100);
	case CMOS_CENTURY:	return to_reg(r, year / 100);
	default:		return 0;
	}
}

static int is_time_field(unsigned idx)
{
	return idx == RTC_SECONDS || idx == RTC_MINUTES || idx == RTC_HOURS ||
	       (idx >= RTC_DAY_OF_WEEK && idx <= RTC_YEAR) || idx == CMOS_CENTURY;
}

/* Apply a register value to a broken-down time; timegm() normalises nonsense. */
static void set_field(const struct rtc *r, struct tm *tm, unsigned idx, uint8_t v)
{
	int year = tm->tm_year + 1900;
	switch (idx) {
	case RTC_SECONDS:	tm->tm_sec = from_reg(r, v); break;
	case RTC_MINUTES:	tm->tm_min = from_reg(r, v); break;
	case RTC_HOURS:		tm->tm_hour = hour_from_reg(r, v); break;
	case RTC_DAY_OF_MONTH:	tm->tm_mday = from_reg(r, v); break;
	case RTC_MONTH:		tm->tm_mon = from_reg(r, v) - 1; break;
	case RTC_YEAR:		tm->tm_year = (year / 100) * 100 + from_reg(r, v) - 1900; break;
	case CMOS_CENTURY:	tm->tm_year = from_reg(r, v) * 100 + year % 100 - 1900; break;
	default:		break;	/* day of week follows from the date */
	}
}

/* Make the guest clock read `tm` now, keeping the phase within the second if asked. */
static void set_guest_time(struct rtc *r, struct tm *tm, int keep_phase)
{
	int64_t now = guest_ns(r);
	int64_t phase = keep_phase ? sec_phase(now) : 0;
	int64_t sec = (int64_t)timegm(tm);
	/* Nanoseconds in an int64_t reach 2262; keep whatever the guest wrote inside 1970-2199. */
	if (sec < 0)
		sec = 0;
	if (sec > RTC_MAX_SEC)
		sec = RTC_MAX_SEC;
	r->offset_ns = sec * NS_PER_SEC + phase - clock_wall(r->clk);
	r->set_ns = sec * NS_PER_SEC + phase;
}

static void rtc_update_irq(struct rtc *r)
{
	uint8_t c = r->cmos[RTC_REG_C], b = r->cmos[RTC_REG_B];
	if (((c & REG_C_PF) && (b & REG_B_PIE)) || ((c & REG_C_AF) && (b & REG_B_AIE)) ||
	    ((c & REG_C_UF) && (b & REG_B_UIE)))
		c |= REG_C_IRQF;
	else
		c &= (uint8_t)~REG_C_IRQF;
	r->cmos[RTC_REG_C] = c;
	irq_set(&r->irq, !!(c & REG_C_IRQF));
}

/* Periodic interval for rate-select RS (datasheet table 5, 32.768 kHz base), 0 = off. */
static uint64_t periodic_ns(const struct rtc *r)
{
	unsigned rs = r->cmos[RTC_REG_A] & REG_A_RS;
	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7;	/* RS 1 and 2 repeat rates 8 and 9 */
	return (1000000000ULL << (rs - 1)) / 32768;
}

static void arm_periodic(struct rtc *r)
{
	uint64_t p = periodic_ns(r);
	if (!(r->cmos[RTC_REG_B] & REG_B_PIE) || !p) {
		timer_del(r->periodic);
		return;
	}
	uint64_t now = clock_now(r->clk);
	timer_mod(r->periodic, (now / p + 1) * p);
}

/* Arm the update timer for the next guest second boundary after guest time g. */
static void arm_second_after(struct rtc *r, int64_t g, int64_t slack)
{
	uint8_t b = r->cmos[RTC_REG_B];
	if ((b & REG_B_SET) || !(b & (REG_B_UIE | REG_B_AIE))) {
		timer_del(r->second);
		return;
	}
	timer_mod(r->second, clock_now(r->clk) + (uint64_t)(NS_PER_SEC - sec_phase(g) + slack));
}

static void arm_second(struct rtc *r)
{
	arm_second_after(r, guest_ns(r), 0);
}

static void periodic_cb(void *opaque)
{
	struct rtc *r = opaque;
	r->cmos[RTC_REG_C] |= REG_C_PF;
	rtc_update_irq(r);
	arm_periodic(r);
}

static int alarm_match(uint8_t alarm, uint8_t now)
{
	return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now;
}

static void second_cb(void *opaque)
{
	struct rtc *r = opaque;
	/* Wall and monotonic time may disagree by a hair: read the second we meant. */
	int64_t g = guest_ns(r) + TIMER_SLACK_NS;
	time_t t = (time_t)floor_div(g, NS_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	r->cmos[RTC_REG_C] |= REG_C_UF;
	if (alarm_match(r->cmos[RTC_SECONDS_ALARM], time_field(r, &tm, RTC_SECONDS)) &&
	    alarm_match(r->cmos[RTC_MINUTES_ALARM], time_field(r, &tm, RTC_MINUTES)) &&
	    alarm_match(r->cmos[RTC_HOURS_ALARM], time_field(r, &tm, RTC_HOURS)))
		r->cmos[RTC_REG_C] |= REG_C_AF;
	rtc_update_irq(r);
	arm_second_after(r, g, TIMER_SLACK_NS);
}

/* Flags a polling guest expects even with the interrupt disabled. */
static void poll_flags(struct rtc *r)
{
	int64_t sec = floor_div(guest_ns(r), NS_PER_SEC);
	uint64_t now = clock_now(r->clk), p = periodic_ns(r);

	if (!(r->cmos[RTC_REG_B] & REG_B_SET) && sec != r->last_c_sec)
		r->cmos[RTC_REG_C] |= REG_C_UF;
	if (p && now / p != r->last_c_mono / p)
		r->cmos[RTC_REG_C] |= REG_C_PF;
	r->last_c_sec = sec;
	r->last_c_mono = now;
}

static uint8_t reg_read(struct rtc *r, unsigned idx)
{
	struct tm tm;
	uint8_t v;

	if (idx == RTC_REG_A) {
		v = r->cmos[RTC_REG_A] & (uint8_t)~REG_A_UIP;
		if (!(r->cmos[RTC_REG_B] & REG_B_SET)) {
			/* a second that began when the clock was set had no update */
			int64_t g = guest_ns(r), ph = sec_phase(g);
			if (ph >= NS_PER_SEC - UIP_NS || (ph < UPDATE_NS && g - ph > r->set_ns))
				v |= REG_A_UIP;
		}
		return v;
	}
	if (idx == RTC_REG_C) {
		poll_flags(r);
		v = r->cmos[RTC_REG_C];
		r->cmos[RTC_REG_C] = 0;
		rtc_update_irq(r);
		return v;
	}
	if (idx == RTC_REG_D)
		return REG_D_VRT;
	if (is_time_field(idx) && !(r->cmos[RTC_REG_B] & REG_B_SET)) {
		guest_tm(r, &tm);
		return time_field(r, &tm, idx);
	}
	return r->cmos[idx];
}

static void snapshot_time(struct rtc *r)
{
	struct tm tm;
	guest_tm(r, &tm);
	for (unsigned i = 0; i < CMOS_SIZE; i++)
		if (is_time_field(i))
			r->cmos[i] = time_field(r, &tm, i);
}

static void load_time(struct rtc *r)
{
	struct tm tm;
	guest_tm(r, &tm);
	for (unsigned i = 0; i < CMOS_SIZE; i++)
		if (is_time_field(i))
			set_field(r, &tm, i, r->cmos[i]);
	tm.tm_isdst = 0;
	set_guest_time(r, &tm, 0);
}

static void reg_write(struct rtc *r, unsigned idx, uint8_t v)
{
	struct tm tm;
	uint8_t old;

	switch (idx) {
	case RTC_REG_A:
		r->cmos[RTC_REG_A] = v & (uint8_t)~REG_A_UIP;
		arm_periodic(r);
		return;
	case RTC_REG_B:
		old = r->cmos[RTC_REG_B];
		if (v & REG_B_SET)
			v &= (uint8_t)~REG_B_UIE;	/* datasheet: SET clears UIE */
		if ((v & REG_B_SET) && !(old & REG_B_SET))
			snapshot_time(r);
		r->cmos[RTC_REG_B] = v;
		if (!(v & REG_B_SET) && (old & REG_B_SET))
			load_time(r);
		rtc_update_irq(r);
		arm_periodic(r);
		arm_second(r);
		return;
	case RTC_REG_C:
	case RTC_REG_D:
		return;		/* read-only */
	default:
		break;
	}
	if (is_time_field(idx) && !(r->cmos[RTC_REG_B] & REG_B_SET)) {
		guest_tm(r, &tm);
		set_field(r, &tm, idx, v);
		tm.tm_isdst = 0;
		set_guest_time(r, &tm, 1);
		arm_second(r);
		return;
	}
	r->cmos[idx] = v;
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
	struct rtc *r = opaque;
	if (off != 1)
		return 0xff;	/* the index port is write-only */
	return reg_read(r, r->index);
}

static void rtc_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct rtc *r = opaque;
	if (off == 0)
		r->index = (uint8_t)val & 0x7f;
	else if (off == 1)
		reg_write(r, r->index, (uint8_t)val);
}

static void rtc_reset(void *opaque)
{
	struct rtc *r = opaque;
	/* Datasheet RESET: interrupt enables and flags clear; time and mode bits stay. */
	r->cmos[RTC_REG_B] &= (uint8_t)~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
	r->cmos[RTC_REG_C] = 0;
	r->index = 0;
	rtc_update_irq(r);
	arm_periodic(r);
	arm_second(r);
}

uint8_t rtc_cmos_get(const struct rtc *r, unsigned idx)
{
	return idx < CMOS_SIZE ? r->cmos[idx] : 0;
}

void rtc_cmos_set(struct rtc *r, unsigned idx, uint8_t val)
{
	if (idx < CMOS_SIZE)
		r->cmos[idx] = val;
}

static void set16(struct rtc *r, unsigned lo, uint64_t v)
{
	if (v > 0xffff)
		v = 0xffff;
	r->cmos[lo] = (uint8_t)v;
	r->cmos[lo + 1] = (uint8_t)(v >> 8);
}

static void set_memory_bytes(struct rtc *r, uint64_t below, uint64_t above)
{
	const uint64_t mb = 1ULL << 20;
	uint64_t ext_kb = below > mb ? (below - mb) >> 10 : 0;
	uint64_t over16m = below > 16 * mb ? (below - 16 * mb) >> 16 : 0;
	uint64_t over4g = above >> 16;

	set16(r, CMOS_BASE_MEM_LO, 640);
	set16(r, CMOS_EXT_MEM_LO, ext_kb);
	set16(r, CMOS_EXT_MEM2_LO, ext_kb);
	set16(r, CMOS_MEM_16M_LO, over16m);
	if (over4g > 0xffffff)
		over4g = 0xffffff;
	r->cmos[CMOS_MEM_4G_LO] = (uint8_t)over4g;
	r->cmos[CMOS_MEM_4G_LO + 1] = (uint8_t)(over4g >> 8);
	r->cmos[CMOS_MEM_4G_LO + 2] = (uint8_t)(over4g >> 16);
}

struct rtc *rtc_new(struct clock *clk, const struct irq_line *irq,
		    uint64_t ram_below_4g, uint64_t ram_above_4g)
{
	struct rtc *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->clk = clk;
	if (irq)
		r->irq = *irq;
	r->periodic = timer_new(clk, periodic_cb, r);
	r->second = timer_new(clk, second_cb, r);
	if (!r->periodic || !r->second) {
		rtc_free(r);
		return NULL;
	}
	r->cmos[RTC_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	r->cmos[RTC_REG_B] = REG_B_24H;	/* BCD, 24-hour */
	r->cmos[RTC_REG_D] = REG_D_VRT;
	r->cmos[CMOS_EQUIPMENT] = 0x02;	/* FPU present, VGA, no floppy */
	set_memory_bytes(r, ram_below_4g, ram_above_4g);
	r->last_c_sec = floor_div(guest_ns(r), NS_PER_SEC);
	r->last_c_mono = clock_now(clk);
	r->set_ns = guest_ns(r);
	rtc_reset(r);
	return r;
}

void rtc_free(struct rtc *r)
{
	if (!r)
		return;
	timer_free(r->periodic);
	timer_free(r->second);
	free(r);
}

const struct io_ops rtc_ops = {
	.name = "rtc-cmos",
	.read = rtc_read,
	.write = rtc_write,
	.reset = rtc_reset,
};
