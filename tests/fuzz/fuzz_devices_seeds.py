#!/usr/bin/env python3
"""Seed inputs for fuzz_devices: what a driver does first on each device
(IDENTIFY, a DMA read, an ATAPI READ(10), e1000 rings, a VBE mode, 8042
commands, PAM programming), so the fuzzer starts past the enables.
Usage: fuzz_devices_seeds.py OUTDIR  (writes OUTDIR/<device>/seed-*)."""
import os
import struct
import sys

IDE, E1000, VGA, I8042, PAM, BOARD = range(6)
SZ = {1: 0, 2: 1, 4: 2, 8: 3}


def wr(region, off, val, size=1):
    return struct.pack('<BBI' + ('Q' if size == 8 else 'I'), 0 | SZ[size] << 3, region, off, val)


def rd(region, off, size=1):
    return struct.pack('<BBI', 1 | SZ[size] << 3, region, off)


def cfg(reg, val, size=4):
    return struct.pack('<BBI', 2 | SZ[size] << 3, reg, val)


def rep_rd(region, off, n, size=2):
    return struct.pack('<BBIB', 4 | SZ[size] << 3, region, off, n // 8 - 1)


def rep_wr(region, off, n, val, size=2):
    return struct.pack('<BBIBI', 4 | SZ[size] << 3 | 0x20, region, off, n // 8 - 1, val)


def stream(region, off, data, size=2):
    n = len(data) // size
    return struct.pack('<BBIB', 4 | SZ[size] << 3 | 0x40, region, off, n - 1) + data[:n * size]


def clock(ns):
    return struct.pack('<BI', 3, ns)


def event(sub, extra=b''):
    return bytes([5, sub]) + extra


def ram(gpa, data):
    return struct.pack('<BHB', 6, gpa, len(data)) + data


ide_seeds_ops = {}


def seed(dev, ops, preset=True, chunk=b'', async_=False):
    if dev == IDE and not async_ and preset:
        ide_seeds_ops[len(ide_seeds_ops)] = ops
    return (bytes([dev | (0x80 if preset else 0) | (0x40 if async_ else 0)]) +
            struct.pack('<H', len(chunk)) + chunk + b''.join(ops))


def ata_cmd(region, cmd, nsect=1, lba=0, dev=0xe0):
    return [wr(region, 2, nsect), wr(region, 3, lba & 0xff), wr(region, 4, (lba >> 8) & 0xff),
            wr(region, 5, (lba >> 16) & 0xff), wr(region, 6, dev), wr(region, 7, cmd)]


def prd(addr, count, eot=True):
    return struct.pack('<II', addr, (count & 0xffff) | (0x80000000 if eot else 0))


def ide_seeds():
    s = {}
    s['identify'] = seed(IDE, [wr(0, 7, 0xec), rep_rd(0, 0, 256), rd(0, 7)])
    s['read-pio'] = seed(IDE, ata_cmd(0, 0x20, 2, 3) + [rep_rd(0, 0, 256), rep_rd(0, 0, 256, 4)])
    s['write-pio'] = seed(IDE, ata_cmd(0, 0x30, 1, 5) + [rep_wr(0, 0, 256, 0x1234), rd(0, 7)])
    dma = [ram(0x1000, prd(0x2000, 0x400)), wr(4, 4, 0x1000, 4), wr(4, 0, 0x08)]
    s['read-dma'] = seed(IDE, dma + ata_cmd(0, 0xc8, 2, 1) + [wr(4, 0, 0x09), rd(4, 2), rd(0, 7)])
    s['write-dma-ext'] = seed(IDE, [ram(0x1000, prd(0x2000, 0x200)), wr(4, 4, 0x1000, 4),
                                    wr(4, 0, 0)] + ata_cmd(0, 0x35, 1, 7, 0x40) +
                              [wr(4, 0, 0x01), rd(4, 2)])
    pkt = bytes([0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0, 0, 0])
    words = [pkt[i] | pkt[i + 1] << 8 for i in range(0, 12, 2)]
    atapi = [wr(2, 6, 0xa0), wr(2, 1, 0), wr(2, 4, 0x00), wr(2, 5, 0x08), wr(2, 7, 0xa0)]
    atapi += [wr(2, 0, w, 2) for w in words]
    s['atapi-read10'] = seed(IDE, atapi + [rep_rd(2, 0, 1024), rd(2, 7), rd(2, 2)])
    s['atapi-identify'] = seed(IDE, [wr(2, 6, 0xa0), wr(2, 7, 0xa1), rep_rd(2, 0, 256)])
    inq = bytes([0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0])
    s['atapi-inquiry-slave'] = seed(IDE, [wr(0, 6, 0xb0), wr(0, 4, 0xfe), wr(0, 5, 0xff), wr(0, 7, 0xa0)] +
                                    [wr(0, 0, inq[i] | inq[i + 1] << 8, 2) for i in range(0, 12, 2)] +
                                    [rep_rd(0, 0, 32)])
    dma_atapi = [ram(0x1000, prd(0x3000, 0x800)), wr(5, 4, 0x1000, 4), wr(5, 0, 0x08),
                 wr(2, 6, 0xa0), wr(2, 1, 1), wr(2, 7, 0xa0)]
    dma_atapi += [wr(2, 0, w, 2) for w in words] + [wr(5, 0, 0x09), rd(5, 2), rd(2, 7)]
    s['atapi-read10-dma'] = seed(IDE, dma_atapi)
    toc = bytes([0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24, 0, 0, 0])
    s['atapi-toc'] = seed(IDE, atapi[:5] + [wr(2, 0, toc[i] | toc[i + 1] << 8, 2) for i in range(0, 12, 2)] +
                          [rep_rd(2, 0, 512)])
    # every packet command, PIO on the secondary master and DMA on the primary slave
    cdbs = {
        'tur': [0x00], 'sense': [0x03, 0, 0, 0, 18], 'inquiry': [0x12, 0, 0, 0, 36],
        'startstop': [0x1b, 0, 0, 0, 2], 'lock': [0x1e, 0, 0, 0, 1], 'capacity': [0x25],
        'read12': [0xa8, 0, 0, 0, 0, 16, 0, 0, 0, 2], 'seek': [0x2b, 0, 0, 0, 1, 0],
        'toc-msf': [0x43, 2, 0, 0, 0, 0, 0, 0x03, 0x24], 'toc-session': [0x43, 0, 1, 0, 0, 0, 0, 0, 12],
        'modesense': [0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 28], 'modesense-all': [0x5a, 0, 0x3f, 0, 0, 0, 0, 0xff, 0xff],
        'getconf': [0x46, 0, 0, 0, 0, 0, 0, 1, 0], 'getconf-one': [0x46, 2, 0, 0x10, 0, 0, 0, 0, 40],
        'event': [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8], 'mech': [0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8],
        'speed': [0xbb], 'readcd': [0xbe],
    }
    for name, c in cdbs.items():
        pkt = bytes(c + [0] * (12 - len(c)))
        s['atapi-' + name] = seed(IDE, [wr(2, 6, 0xa0), wr(2, 4, 0x00), wr(2, 5, 0x02), wr(2, 7, 0xa0),
                                        stream(2, 0, pkt), rep_rd(2, 0, 1024), rd(2, 7), rd(2, 1)])
        s['atapi-dma-' + name] = seed(IDE, [ram(0x1000, prd(0x3000, 0x800) + prd(0x8000, 0, True)),
                                            wr(4, 4, 0x1000, 4), wr(4, 0, 0x08), wr(0, 6, 0xb0),
                                            wr(0, 1, 1), wr(0, 7, 0xa0), stream(0, 0, pkt),
                                            wr(4, 0, 0x09), rd(4, 2), rd(0, 7), rd(0, 1)])
    for name, cmd, n in (('readmult', 0xc4, 4), ('writemult-ext', 0x39, 3), ('verify', 0x40, 9),
                         ('flush', 0xe7, 0), ('setmult', 0xc6, 8), ('initparams', 0x91, 17),
                         ('diag', 0x90, 0), ('setfeat', 0xef, 0x45), ('power', 0xe5, 0)):
        s['ata-' + name] = seed(IDE, [wr(0, 1, 0x03), wr(0, 2, 8), wr(0, 7, 0xc6)] + ata_cmd(0, cmd, n, 2) +
                                [rep_rd(0, 0, 2048), rep_wr(0, 0, 2048, 0x5555), rd(0, 7), rd(0, 1)])
    s['wcache-off-write'] = seed(IDE, [wr(0, 1, 0x82), wr(0, 7, 0xef)] + ata_cmd(0, 0x30, 2, 4) +
                                 [rep_wr(0, 0, 512, 0xaaaa), rd(0, 7),
                                  ram(0x1000, prd(0x2000, 0x400)), wr(4, 4, 0x1000, 4), wr(4, 0, 0)] +
                                 ata_cmd(0, 0xca, 2, 9) + [wr(4, 0, 1), rd(4, 2), rd(0, 7)])
    s['chs-read'] = seed(IDE, [wr(0, 2, 1), wr(0, 3, 1), wr(0, 4, 0), wr(0, 5, 0), wr(0, 6, 0xa1),
                               wr(0, 7, 0x20), rep_rd(0, 0, 256)])
    s['srst'] = seed(IDE, ata_cmd(0, 0x20, 4, 0) + [wr(1, 0, 0x06), rd(0, 7), wr(1, 0, 0x02), rd(0, 7),
                                                      rep_rd(0, 0, 256)])
    s['cold'] = seed(IDE, [cfg(0x20, 0xc041), cfg(0x04, 0x05, 2), wr(1, 0, 0x04), wr(1, 0, 0),
                           rd(0, 7)], preset=False)
    return s


def e1000_seeds():
    s = {}
    TDBAL, TDLEN, TDH, TDT, TCTL = 0x3800, 0x3808, 0x3810, 0x3818, 0x400
    RDBAL, RDLEN, RDH, RDT, RCTL = 0x2800, 0x2808, 0x2810, 0x2818, 0x100
    frame = bytes([0xff] * 6 + [0x52, 0x54, 0, 1, 2, 3, 0x08, 0x00]) + bytes(range(46))
    txd = struct.pack('<QII', 0x2000, 60 | (0x0b << 24), 0)   # EOP IFCS RS
    s['tx'] = seed(E1000, [ram(0x1000, txd), ram(0x2000, frame), wr(0, TDBAL, 0x1000, 4),
                           wr(0, TDLEN, 0x80, 4), wr(0, TDH, 0, 4), wr(0, TCTL, 0x0a, 4),
                           wr(0, TDT, 1, 4), rd(0, 0xc0, 4), clock(1000000)])
    ctx = struct.pack('<BBHBBHI', 14, 24, 34, 34, 50, 0, (1 << 29) | (1 << 24) | (0x23 << 24) | 200) + struct.pack('<BBH', 0, 20, 536)
    ctx = struct.pack('<BBHBBHIBBH', 14, 24, 0, 34, 50, 0, 200 | (0x2d << 24) | (1 << 29), 0, 54, 100)
    dat = struct.pack('<QII', 0x2000, 254 | (0x1 << 20) | (0x2f << 24), 0x300)
    rxd = b''.join(struct.pack('<QQ', 0x4000 + 0x800 * i, 0) for i in range(8))
    s['tso'] = seed(E1000, [ram(0x1000, ctx + dat), ram(0x2000, frame), wr(0, TDBAL, 0x1000, 4),
                            wr(0, TDLEN, 0x80, 4), wr(0, TCTL, 0x0a, 4), wr(0, TDT, 2, 4)])
    rxd = b''.join(struct.pack('<QQ', 0x4000 + 0x800 * i, 0) for i in range(8))
    s['rx'] = seed(E1000, [ram(0x3000, rxd), wr(0, RDBAL, 0x3000, 4), wr(0, RDLEN, 0x80, 4),
                           wr(0, RDH, 0, 4), wr(0, RDT, 7, 4), wr(0, RCTL, 0x801a, 4),
                           wr(0, 0xd0, 0x9d, 4),
                           event(0, struct.pack('<H', len(frame)) + frame),
                           rd(0, 0xc0, 4), clock(100000)])
    # Microwire READ of word 2 by bit-banging EECD: CS, then start/opcode/address on SK edges
    bits = [1, 1, 0] + [(2 >> (5 - i)) & 1 for i in range(6)]
    bang = b''
    for b in bits:
        di = 4 if b else 0
        bang += struct.pack('<II', 0x2 | di, 0x3 | di)
    bang += b''.join(struct.pack('<II', 0x2, 0x3) for _ in range(17))
    s['eecd'] = seed(E1000, [stream(0, 0x10, bang, 4), rd(0, 0x10, 4), wr(0, 0x10, 0, 4)])
    # interrupt throttling: ITR, a cause, the timer
    s['itr'] = seed(E1000, [wr(0, 0xc4, 195, 4), wr(0, 0xd0, 0x1f, 4), wr(0, 0xc8, 1, 4),
                            rd(0, 0xc0, 4), wr(0, 0xc8, 2, 4), clock(10000), clock(60000),
                            rd(0, 0xc0, 4)])
    # VLAN insertion (CTRL.VME, VLE) and a 64-bit register access
    vtx = struct.pack('<QII', 0x2000, 60 | (0x4b << 24), 0x00050000)
    s['vlan'] = seed(E1000, [ram(0x1000, vtx), ram(0x2000, frame), wr(0, 0, 0x40000041, 4),
                             wr(0, 0x38, 0x8100, 4), wr(0, TDBAL, 0x1000, 8),
                             wr(0, TDLEN, 0x80, 4), wr(0, TCTL, 0x0a, 4), wr(0, TDT, 1, 4),
                             rd(0, 0xc0, 8)])
    # more than one doorbell's budget: 80 descriptors of 64 KiB
    big = b''.join(struct.pack('<QII', 0x10000, 0xffff | (0x09 << 24), 0) for _ in range(80))
    s['budget'] = seed(E1000, [ram(0x8000 + 240 * k, big[240 * k:240 * (k + 1)]) for k in range(6)] +
                       [wr(0, TDBAL, 0x8000, 4), wr(0, TDLEN, 128 * 16, 4), wr(0, TCTL, 0x0a, 4),
                        wr(0, TDT, 80, 4), clock(1000), rd(0, TDH, 4)])
    # frames sent come back in (slirp answers from inside transmit)
    s['echo'] = seed(E1000, [ram(0x1000, txd), ram(0x2000, frame), ram(0x3000, rxd),
                             wr(0, RDBAL, 0x3000, 4), wr(0, RDLEN, 0x80, 4), wr(0, RDT, 7, 4),
                             wr(0, RCTL, 0x801a, 4), wr(0, TDBAL, 0x1000, 4), wr(0, TDLEN, 0x80, 4),
                             wr(0, TCTL, 0x0a, 4), wr(0, TDT, 1, 4), rd(0, 0xc0, 4)], async_=True)
    s['eeprom'] = seed(E1000, [wr(0, 0x14, 0x0001, 4), rd(0, 0x14, 4), wr(0, 0x14, 0x3f01, 4),
                               rd(0, 0x14, 4), wr(0, 0x20, 0x08210000 | (1 << 21), 4), rd(0, 0x20, 4)])
    s['ioaddr'] = seed(E1000, [wr(1, 0, 0x8, 4), rd(1, 4, 4), wr(1, 0, 0x3818, 4), wr(1, 4, 5, 4),
                               cfg(0x14, 0xc001), cfg(0x04, 7, 2),
                               struct.pack('<BIIB', 7 | 2 << 3 | 0x60, 0xc000, 8, 0)])
    s['cold'] = seed(E1000, [cfg(0x10, 0xfebc0000), cfg(0x04, 6, 2),
                             struct.pack('<BII', 7 | 2 << 3 | 0x20, 0xfebc0000, 0x04000000),
                             struct.pack('<BI', 7 | 2 << 3, 0xfebc0008)], preset=False)
    return s


def vga_seeds():
    s = {}

    def vbe(i, v):
        return [wr(1, 0, i, 2), wr(1, 1, v, 2)]
    s['text'] = seed(VGA, [wr(2, 0x18000, 0x1f41, 2), wr(2, 0x18002, 0x2e42, 2),
                           event(0), event(2, struct.pack('<H', 4000))])
    for bpp in (8, 15, 16, 24, 32, 4):
        s['vbe-%d' % bpp] = seed(VGA, vbe(1, 640) + vbe(2, 480) + vbe(3, bpp) + vbe(4, 0x41) +
                                 [wr(3, 0x500 + 2 * 6, 800, 2), rd(1, 1, 2),
                                  struct.pack('<BII', 7 | 2 << 3 | 0x20, 0xfd000000, 0x00ff00ff),
                                  event(0), wr(2, 0, 0x77), event(1)])
    mode13 = [wr(0, 0x3c4 - 0x3b0, 4), wr(0, 0x3c5 - 0x3b0, 0x0e), wr(0, 0x3ce - 0x3b0, 5),
              wr(0, 0x3cf - 0x3b0, 0x40), wr(0, 0x3ce - 0x3b0, 6), wr(0, 0x3cf - 0x3b0, 0x05),
              rd(0, 0x3da - 0x3b0), wr(0, 0x10, 0x10), wr(0, 0x10, 0x41), wr(0, 0x10, 0x20),
              wr(0, 0x3c8 - 0x3b0, 1), wr(0, 0x3c9 - 0x3b0, 63), wr(0, 0x3c9 - 0x3b0, 0),
              wr(0, 0x3c9 - 0x3b0, 30), wr(2, 5, 1), event(0)]
    s['mode13'] = seed(VGA, mode13)
    s['planar'] = seed(VGA, [wr(0, 0x3c4 - 0x3b0, 0x0f02, 2), wr(0, 0x3ce - 0x3b0, 0x0506, 2),
                             wr(0, 0x3ce - 0x3b0, 0x0205, 2), wr(2, 0x10, 0x0c), rd(2, 0x10),
                             wr(0, 0x3ce - 0x3b0, 0x0805, 2), rd(2, 0x11), event(0)])
    s['chain4-latch'] = seed(VGA, [wr(0, 0x3c4 - 0x3b0, 0x0804, 2), wr(2, 0x10, 0x33), rd(2, 0x10),
                                   wr(0, 0x3c4 - 0x3b0, 0x0604, 2), wr(0, 0x3ce - 0x3b0, 0x0806, 2),
                                   rd(2, 0x10010), wr(0, 0x3ce - 0x3b0, 0x0105, 2), wr(2, 0x10020, 0),
                                   wr(0, 0x3ce - 0x3b0, 0x0305, 2), wr(0, 0x3ce - 0x3b0, 0x0c06, 2),
                                   wr(2, 0x18020, 0x81), wr(0, 0x3c4 - 0x3b0, 0x0004, 2), wr(2, 0x18021, 0x7e),
                                   wr(0, 0x3ce - 0x3b0, 0x1005, 2), rd(2, 0x18021), event(0)])
    s['mmio-crtc'] = seed(VGA, [wr(3, 0x400 + 0x14, 0x0c, 1), wr(3, 0x400 + 0x15, 0xff, 1),
                                wr(3, 0x400 + 0x14, 0x13, 1), wr(3, 0x400 + 0x15, 0xff, 1), event(0),
                                event(2, struct.pack('<H', 10))])
    return s


def i8042_seeds():
    s = {}
    s['selftest'] = seed(I8042, [wr(1, 0, 0xaa), rd(1, 0), rd(0, 0), wr(1, 0, 0x60), wr(0, 0, 0x47),
                                 wr(1, 0, 0x20), rd(0, 0), wr(1, 0, 0xd1), wr(0, 0, 0xdd)], preset=False)
    s['kbd'] = seed(I8042, [wr(0, 0, 0xff), rd(0, 0), rd(0, 0), wr(0, 0, 0xf0), wr(0, 0, 0x02),
                            event(0x80, b'\x1e'), rd(0, 0), event(0x01, b'\x1d'), rd(0, 0), rd(0, 0),
                            event(0x82, struct.pack('<I', 0xe11d45)), rep_rd(0, 0, 8, 1)], preset=False)
    s['mouse'] = seed(I8042, [wr(1, 0, 0xa8), wr(1, 0, 0xd4), wr(0, 0, 0xf3), wr(1, 0, 0xd4), wr(0, 0, 200),
                              wr(1, 0, 0xd4), wr(0, 0, 0xf3), wr(1, 0, 0xd4), wr(0, 0, 100),
                              wr(1, 0, 0xd4), wr(0, 0, 0xf3), wr(1, 0, 0xd4), wr(0, 0, 80),
                              wr(1, 0, 0xd4), wr(0, 0, 0xf2), wr(1, 0, 0xd4), wr(0, 0, 0xf4),
                              event(0x03, bytes([5, 0xfb, 1, 1])),
                              event(0x83, struct.pack('<iiiB', 1000, -70000, 3, 7)),
                              rep_rd(0, 0, 16, 1), rd(1, 0)], preset=False)
    def mcmd(*bs):
        return [x for b in bs for x in (wr(1, 0, 0xd4), wr(0, 0, b))]
    s['mouse-scale-res'] = seed(I8042, mcmd(0xe7, 0xe8, 3, 0xe8, 7, 0xf4) +
                                [event(0x03, bytes([3, 0xfd, 0, 1])), event(0x03, bytes([120, 100, 0, 0])),
                                 rep_rd(0, 0, 16, 1)] + mcmd(0xf6, 0xe6, 0xf0, 0xeb, 0xee, 0x12, 0xec, 0xff),
                                preset=False)
    # 45 key presses and releases unread: the queue fills, then the type-ahead, then overrun
    flood = [event(0x80 if i % 2 == 0 else 0x00, bytes([0x10 + i % 20])) for i in range(90)]
    s['kbd-typeahead'] = seed(I8042, flood + [rep_rd(0, 0, 64, 1)], preset=False)
    s['kbd-set3-pause'] = seed(I8042, [wr(0, 0, 0xf0), wr(0, 0, 3), event(0x82, struct.pack('<I', 0xe11d45)),
                                       event(0x02, struct.pack('<I', 0xe11d45)), event(0x01, b'\x48'),
                                       rep_rd(0, 0, 16, 1), wr(1, 0, 0x60), wr(0, 0, 0x05),
                                       wr(0, 0, 0xf0), wr(0, 0, 1), event(0x80, b'\x80'), rep_rd(0, 0, 16, 1)],
                               preset=False)
    return s


def pam_seeds():
    s = {}
    s['shadow'] = seed(PAM, [event(0, bytes([0x10, 0x11, 0x22, 0x33, 0, 0, 0])),
                             struct.pack('<BII', 7 | 2 << 3 | 0x20, 0xf0000, 0x12345678),
                             struct.pack('<BI', 7 | 2 << 3, 0xf0000),
                             cfg(0x58, 0x30000000), cfg(0x5c, 0x33333333),
                             struct.pack('<BII', 7 | 0x20, 0xc4000, 0x99),
                             wr(0, 0x3fffe, 0xabcd, 4), rd(0, 0x3ffff, 4)], preset=False)
    return s


def board_seeds():
    # regions: 0 PAM, 1-6 IDE (cmd0 ctl0 cmd1 ctl1 bm0 bm1), 7-8 e1000, 9-12 VGA, 13-14 i8042
    # functions: 0 i440FX (PAM), 1 IDE, 2 e1000, 3 VGA
    def cfgb(fn, reg, val):
        return struct.pack('<BBBI', 2 | 2 << 3, reg, fn, val)
    s = {}
    # IDE DMA read into the VGA framebuffer and over the VGA ROM BAR placed at 0xc0000
    s['dma-lfb'] = seed(BOARD, [cfgb(3, 0x30, 0xc0001), ram(0x1000, prd(0xfd000000, 0x200, False) +
                                                            prd(0xc0000, 0x200)),
                                wr(5, 4, 0x1000, 4), wr(5, 0, 0x08)] + ata_cmd(1, 0xc8, 2, 0) +
                        [wr(5, 0, 0x09), rd(5, 2), event(3, b'\x00')])
    # PAM segments read/write while the framebuffer BAR sits on them
    s['pam-lfb'] = seed(BOARD, [cfgb(3, 0x10, 0xc0000), cfgb(0, 0x58, 0x33000000), cfgb(0, 0x5c, 0x33333333),
                                cfgb(3, 0x10, 0xfd000000), cfgb(0, 0x5c, 0x11111111),
                                struct.pack('<BII', 7 | 2 << 3 | 0x20, 0xc4000, 0x12345678),
                                struct.pack('<BI', 7 | 2 << 3, 0xc4000)])
    # e1000 receive into a read-only shadow segment
    rxd = b''.join(struct.pack('<QQ', 0xe0000 + 0x800 * i, 0) for i in range(8))
    frame = bytes([0xff] * 6 + [0x52, 0x54, 0, 1, 2, 3, 0x08, 0x00]) + bytes(range(46))
    s['rx-rom'] = seed(BOARD, [ram(0x3000, rxd), cfgb(0, 0x5c, 0x10101010),
                               wr(7, 0x2800, 0x3000, 4), wr(7, 0x2808, 0x80, 4), wr(7, 0x2818, 7, 4),
                               wr(7, 0x100, 0x801a, 4),
                               event(1, b'\x00' + struct.pack('<H', len(frame)) + frame)])
    return s


def ide_all():
    s = ide_seeds()
    # the same with the images on a worker thread: a clock step after every operation
    # completes what is in flight
    for name, ops in list(ide_seeds_ops.items()):
        s['async-%d' % name] = seed(IDE, [x for op in ops for x in (op, clock(1000))], async_=True)
    return s


def main():
    out = sys.argv[1]
    for name, fn in (('ide', ide_all), ('e1000', e1000_seeds), ('vga', vga_seeds),
                     ('i8042', i8042_seeds), ('pam', pam_seeds), ('board', board_seeds)):
        d = os.path.join(out, 'fuzz_devices-' + name)
        os.makedirs(d, exist_ok=True)
        for k, v in fn().items():
            with open(os.path.join(d, 'seed-' + k), 'wb') as f:
                f.write(v)


if __name__ == '__main__':
    main()
