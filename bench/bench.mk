# `make bench`: hvm against QEMU on the same guests (bench/run.sh: tiny and
# compute guests; bench/linux.sh: the Debian guest's boot;
# bench/virtio-blk.sh: the guest's sequential disk read against the host's);
# not part of `make check`.  BENCH_RUNS=N sets the runs per configuration.
.PHONY: bench bench-linux bench-virtio-blk
bench: $(B)/hvm $(GUEST_B)/hello.elf $(GUEST_B)/compute.elf
	@scripts/install-deps.sh --bench
	B=$(B) bench/run.sh
	@$(MAKE) --no-print-directory bench-linux
	@$(MAKE) --no-print-directory bench-virtio-blk

bench-linux: $(B)/hvm guest
	@scripts/install-deps.sh --bench
	B=$(B) bench/linux.sh

bench-virtio-blk: $(B)/hvm guest
	B=$(B) bench/virtio-blk.sh
