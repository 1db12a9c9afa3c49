# `make guest`: the default Debian guest (kernel + busybox initramfs) in
# $(B)/guest, fetched and cached by scripts/make-guest.sh.
.PHONY: guest guest-generic guest-for-check
guest:
	B=$(B) scripts/make-guest.sh

# Debian's generic kernel with the legacy-device modules, in $(B)/guest-generic
# (tests/boot/legacy.sh builds it itself when it runs).
guest-generic:
	B=$(B) FLAVOUR=generic scripts/make-guest.sh

# For `make check`: a failed download must not stop the other suites, so it
# is recorded and tests/boot/run.sh reports it as a failure.
guest-for-check:
	@mkdir -p $(B)/guest
	@rm -f $(B)/guest/FAILED
	@B=$(B) scripts/make-guest.sh 2> $(B)/guest/make-guest.log || \
		{ tail -n1 $(B)/guest/make-guest.log > $(B)/guest/FAILED; cat $(B)/guest/FAILED >&2; }
CHECK_DEPS += guest-for-check
