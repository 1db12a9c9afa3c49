#!/usr/bin/env python3
"""A minimal RFB 3.8 client (RFC 6143) and PNG/PPM readers for tests/display/vnc.sh.

Usage:
  rfb.py frame ADDR OUT.ppm          handshake, one full raw frame, disconnect
  rfb.py script ADDR OUT.ppm         frame, then the key and pointer script, then Escape
  rfb.py hello ADDR                  handshake only, then disconnect
  rfb.py resize ADDR OUT.ppm         text-mode frame, V (the guest sets a VBE mode), wait for
                                     the DesktopSize change, then a full frame, then Escape
  rfb.py tap ADDR KEYS               handshake, tap each character of KEYS ("~": Escape,
                                     newline: Return), leave
  rfb.py stuck ADDR SECONDS          handshake, ask for full frames, then never read again
                                     (a tiny receive buffer); prints "stuck", holds SECONDS
  rfb.py compare A B [TOLERANCE]     same size and pixels (PNG or PPM); TOLERANCE: mean
                                     abs difference per channel allowed (lossy captures)
ADDR is HOST:PORT or unix:PATH.
"""
import socket
import struct
import sys
import time
import zlib


def connect(addr, rcvbuf=0):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = addr[5:]
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    if rcvbuf:  # before connecting, so that a TCP window starts small too
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(target)
    return s


def recvn(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("server closed the connection")
        b += c
    return b


def handshake(s, resize=False):
    ver = recvn(s, 12)
    if not ver.startswith(b"RFB 003."):
        raise ValueError("not an RFB server: %r" % ver)
    s.sendall(b"RFB 003.008\n")
    n = recvn(s, 1)[0]
    if n == 0:
        raise ValueError("server refused: " + recvn(s, struct.unpack(">I", recvn(s, 4))[0]).decode())
    types = recvn(s, n)
    if 1 not in types:
        raise ValueError("no 'None' security type: %r" % types)
    s.sendall(b"\x01")
    if struct.unpack(">I", recvn(s, 4))[0] != 0:
        raise ValueError("security handshake failed")
    s.sendall(b"\x01")  # shared
    w, h = struct.unpack(">HH", recvn(s, 4))
    recvn(s, 16)
    name = recvn(s, struct.unpack(">I", recvn(s, 4))[0])
    # 32 bpp, depth 24, little endian, true colour, 0x00RRGGBB.
    pf = struct.pack(">BBBBHHHBBB3x", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
    s.sendall(b"\x00\x00\x00\x00" + pf)
    if resize:  # raw and DesktopSize
        s.sendall(struct.pack(">BxHii", 2, 2, 0, -223))
    else:  # raw only
        s.sendall(struct.pack(">BxHi", 2, 1, 0))
    return w, h, name


def frame(s, w, h):
    """A full (non-incremental) update, as a bytearray of RGB."""
    s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
    rgb = bytearray(w * h * 3)
    size = update(s, w, h, rgb)
    if size:
        raise ValueError("the size changed to %dx%d during a frame" % size)
    return rgb


def update(s, w, h, rgb):
    """Read one FramebufferUpdate into rgb; returns the new size on a DesktopSize rect."""
    while True:
        t = recvn(s, 1)[0]
        if t == 0:
            break
        if t == 2:  # bell
            continue
        if t == 3:  # cut text
            recvn(s, 3)
            recvn(s, struct.unpack(">I", recvn(s, 4))[0])
            continue
        if t == 1:  # colour map
            _, _, n = struct.unpack(">xHH", recvn(s, 5))
            recvn(s, 6 * n)
            continue
        raise ValueError("unexpected server message %d" % t)
    (nrects,) = struct.unpack(">xH", recvn(s, 3))
    size = None
    for _ in range(nrects):
        x, y, rw, rh, enc = struct.unpack(">HHHHi", recvn(s, 12))
        if enc == -223:
            size = (rw, rh)
            continue
        if enc != 0:
            raise ValueError("encoding %d, asked for raw" % enc)
        data = recvn(s, rw * rh * 4)
        if size:
            continue  # pixels of the old size
        for j in range(rh):
            for i in range(rw):
                o = (j * rw + i) * 4
                d = ((y + j) * w + x + i) * 3
                rgb[d] = data[o + 2]
                rgb[d + 1] = data[o + 1]
                rgb[d + 2] = data[o]
    return size


def key(s, sym, down):
    s.sendall(struct.pack(">BBxxI", 4, 1 if down else 0, sym))


def tap(s, sym):
    key(s, sym, 1)
    key(s, sym, 0)


def pointer(s, mask, x, y):
    s.sendall(struct.pack(">BBHH", 5, mask, x, y))


def drain(s, seconds):
    """Keep reading (and dropping) what the server sends, so it never waits on us."""
    end = time.time() + seconds
    s.settimeout(0.05)
    while time.time() < end:
        try:
            if not s.recv(65536):
                break
        except socket.timeout:
            pass


def write_ppm(path, w, h, rgb):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(rgb)


def read_ppm(path):
    d = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while d[pos:pos + 1].isspace():
            pos += 1
        if d[pos:pos + 1] == b"#":
            pos = d.index(b"\n", pos)
            continue
        end = pos
        while not d[end:end + 1].isspace():
            end += 1
        fields.append(d[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s: not an 8-bit P6 PPM" % path)
    w, h = int(fields[1]), int(fields[2])
    return w, h, bytearray(d[pos:pos + w * h * 3])


def read_png(path):
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, w = 8, b"", None
    while pos < len(d):
        n, t = struct.unpack(">I4s", d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or inter:
                raise ValueError("%s: only 8-bit RGB(A), non-interlaced" % path)
            bpp = 3 if ctype == 2 else 4
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    out, prev, p = bytearray(), bytearray(stride), 0
    for _ in range(h):
        f = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        prev = line
        if bpp == 3:
            out += line
        else:
            for i in range(0, stride, 4):
                out += line[i:i + 3]
    return w, h, out


def read_image(path):
    return read_png(path) if path.endswith(".png") else read_ppm(path)


def compare(a, b, tol):
    wa, ha, pa = read_image(a)
    wb, hb, pb = read_image(b)
    if (wa, ha) != (wb, hb):
        print("size differs: %s %dx%d, %s %dx%d" % (a, wa, ha, b, wb, hb))
        return 1
    diff = sum(abs(x - y) for x, y in zip(pa, pb))
    mean = diff / max(1, len(pa))
    if (tol == 0 and diff) or mean > tol:
        bad = sum(1 for i in range(0, len(pa), 3) if pa[i:i + 3] != pb[i:i + 3])
        print("pixels differ: %d of %d, mean abs difference %.3f" % (bad, wa * ha, mean))
        return 1
    # A blank picture would match anything blank: make sure there is something on it.
    if len(set(bytes(pa[i:i + 3]) for i in range(0, len(pa), 3))) < 2:
        print("the picture is one colour")
        return 1
    print("%dx%d, mean abs difference %.3f" % (wa, ha, mean))
    return 0


XK = {"Shift_L": 0xffe1, "Up": 0xff52, "F1": 0xffbe, "Escape": 0xff1b, "Control_R": 0xffe4,
      "Return": 0xff0d}


def run_script(s):
    # Keys: a, Shift+! (the 1 key), Up (extended), F1, right Ctrl.
    tap(s, ord("a"))
    key(s, XK["Shift_L"], 1)
    tap(s, ord("!"))
    key(s, XK["Shift_L"], 0)
    tap(s, XK["Up"])
    tap(s, XK["F1"])
    tap(s, XK["Control_R"])
    drain(s, 0.3)
    # Pointer: place it, then right 10 and up 5 with the left button, release,
    # wheel down one notch, then a long move right.
    pointer(s, 0, 100, 100)
    pointer(s, 1, 110, 95)
    pointer(s, 0, 110, 95)
    pointer(s, 16, 110, 95)
    pointer(s, 0, 110, 95)
    pointer(s, 0, 410, 95)
    drain(s, 0.5)
    tap(s, XK["Escape"])


def main():
    cmd = sys.argv[1]
    if cmd == "compare":
        return compare(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0)
    if cmd == "stuck":
        s = connect(sys.argv[2], rcvbuf=4096)
        w, h, _ = handshake(s)
        # Full frames, far more than any socket buffer holds; then stop reading.
        for _ in range(8):
            s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
        print("stuck", flush=True)
        time.sleep(float(sys.argv[3]))
        s.close()
        return 0
    s = connect(sys.argv[2])
    w, h, name = handshake(s, cmd == "resize")
    if cmd == "resize":
        frame(s, w, h)
        tap(s, ord("v"))
        deadline = time.time() + 10
        size = None
        while not size and time.time() < deadline:
            s.sendall(struct.pack(">BBHHHH", 3, 1, 0, 0, w, h))
            size = update(s, w, h, bytearray(w * h * 3))
        if not size:
            raise ValueError("no DesktopSize change after V (still %dx%d)" % (w, h))
        print("%dx%d -> %dx%d" % (w, h, size[0], size[1]))
        w, h = size
        time.sleep(0.2)  # let the painting finish
        write_ppm(sys.argv[3], w, h, frame(s, w, h))
        tap(s, XK["Escape"])
        drain(s, 0.5)
        s.close()
        return 0
    if cmd == "hello":
        s.close()
        return 0
    if cmd == "tap":
        for c in sys.argv[3]:
            tap(s, XK["Escape"] if c == "~" else XK["Return"] if c == "\n" else ord(c))
        drain(s, 0.3)
        s.close()
        return 0
    rgb = frame(s, w, h)
    write_ppm(sys.argv[3], w, h, rgb)
    if cmd == "script":
        run_script(s)
        drain(s, 0.5)
    s.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, EOFError) as e:
        print("rfb.py: %s" % e, file=sys.stderr)
        sys.exit(2)
