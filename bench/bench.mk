# `make bench`: hvm against QEMU on the same guests (bench/run.sh: tiny and
# compute guests; bench/linux.sh: the Debian guest's boot); not part of
# `make check`.  BENCH_RUNS=N sets the runs per configuration.
.PHONY: bench bench-linux
bench: $(B)/hvm $(GUEST_B)/hello.elf $(GUEST_B)/compute.elf
	@scripts/install-deps.sh --bench
	B=$(B) bench/run.sh
	@$(MAKE) --no-print-directory bench-linux

bench-linux: $(B)/hvm guest
	@scripts/install-deps.sh --bench
	B=$(B) bench/linux.sh
