/*
 * Intel 82540EM gigabit Ethernet controller (PCI 8086:100e), as described
 * by the PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (8254x SDM): BAR 0 is the 128 KiB register file,
 * BAR 1 the IOADDR/IODATA window onto it, INTA# the interrupt.  Frames go
 * to and come from a backend (host/net_slirp.c, host/net_tap.c, a test).
 */
#ifndef HVM_DEV_E1000_H
#define HVM_DEV_E1000_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"
#include "core/mem.h"
#include "dev/pci.h"

#define E1000_VENDOR		0x8086
#define E1000_DEVICE_82540EM	0x100e
#define E1000_MMIO_SIZE		0x20000
#define E1000_IO_SIZE		0x40
#define E1000_MAX_FRAME		16384	/* largest frame received (RCTL.LPE), CRC excluded */

/* Send one Ethernet frame to the host side (device-model lock held). */
typedef void (*e1000_tx_fn)(void *opaque, const void *frame, size_t len);

struct e1000;

/*
 * mmio/pio: where the BARs are mapped when the guest places them (NULL: not
 * mapped, for tests that call e1000_mmio_ops directly).  clock: resumes a
 * transmit ring that used up one doorbell's work budget (NULL: the next
 * doorbell resumes it).  NULL on allocation failure.
 */
struct e1000 *e1000_new(const struct guest_mem *mem, const uint8_t mac[6], e1000_tx_fn tx,
			void *tx_opaque, struct bus *mmio, struct bus *pio, struct clock *clock);
void e1000_free(struct e1000 *e);
struct pci_dev *e1000_pci(struct e1000 *e);
/* The INTA# pin, routed by the board (set before the guest runs). */
void e1000_set_intx(struct e1000 *e, const struct irq_line *line);
/*
 * A frame from the host side for the guest (device-model lock held).
 * 0 if delivered or filtered out, -EAGAIN if receive is off or the ring has
 * too few free descriptors (the frame is dropped and RXO raised), -EINVAL if
 * it is too big.
 */
int e1000_receive(struct e1000 *e, const void *frame, size_t len);

/* BAR 0 and BAR 1 handlers; opaque = struct e1000 * (exported for tests). */
extern const struct io_ops e1000_mmio_ops;
extern const struct io_ops e1000_io_ops;

#endif
