# `make bench`: hvm against QEMU on the same guests (bench/run.sh); not part
# of `make check`.  BENCH_RUNS=N sets the runs per configuration.
.PHONY: bench
bench: $(B)/hvm $(GUEST_B)/hello.elf $(GUEST_B)/compute.elf
	B=$(B) bench/run.sh
