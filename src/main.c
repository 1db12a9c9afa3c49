/*
 * hvm: options -> machine -> run -> exit status.
 *
 * Exit status: guest debug-exit v -> (v << 1) | 1; ACPI power-off -> 0;
 * reset with --no-reboot -> 0; bad option or file -> 2; fatal engine error
 * -> 125.
 */
#include "boot/acpi.h"
#include "boot/boot.h"
#include "config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/vm.h"
#include "engine/kvm/kvm.h"
#include "host/chr_host.h"
#include "host/screendump.h"
#include "host/vnc.h"
#include "machine_pc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HVM_VERSION "0.1.0"

static const char usage[] =
	"usage: hvm run [--kernel FILE] [options] boot a guest (hvm run --help for options)\n"
	"       hvm probe                         which CPU engines work on this host\n"
	"       hvm --help | --version\n";

static struct timespec t_start;

static double ms_since_start(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t_start.tv_sec) * 1e3 + (t.tv_nsec - t_start.tv_nsec) / 1e6;
}

struct file_map {
	const uint8_t *data;
	size_t len;
};

/* mmap a whole file read-only.  Prints the error itself; 0 or 2. */
static int map_file(const char *what, const char *path, struct file_map *f)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "hvm: %s '%s': %s\n", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "hvm: %s '%s': not a regular file\n", what, path);
		close(fd);
		return 2;
	}
	f->len = st.st_size;
	f->data = NULL;
	if (f->len) {
		void *p = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "hvm: %s '%s': %s\n", what, path, strerror(errno));
			close(fd);
			return 2;
		}
		f->data = p;
	}
	close(fd);
	return 0;
}

/*
 * The engine for `choice`, or NULL (with the reason in why) when a forced
 * engine cannot run.  For auto, why says what was chosen and why.
 */
static const struct engine_ops *pick_engine(enum engine_choice choice, char *why, size_t len)
{
	char kwhy[200] = "";
	if (choice == ENGINE_EMU) {
		snprintf(why, len, "forced");
		return &emu_engine;
	}
	if (kvm_engine.probe(kwhy, sizeof(kwhy)) == 0) {
		if (choice == ENGINE_KVM) {
			snprintf(why, len, "forced");
			return &kvm_engine;
		}
		/* A KVM that emulates guest kernel code is far slower than emu. */
		if (kvm_speed_check(kwhy, sizeof(kwhy)) == 0) {
			snprintf(why, len, "kvm works at hardware speed: %s", kwhy);
			return &kvm_engine;
		}
		snprintf(why, len, "%s", kwhy);
		return &emu_engine;
	}
	if (choice == ENGINE_KVM) {
		snprintf(why, len, "%s", kwhy);
		return NULL;
	}
	snprintf(why, len, "kvm unavailable: %s", kwhy);
	return &emu_engine;
}

static int cmd_probe(void)
{
	const struct engine_ops *e[] = { &kvm_engine, &emu_engine }, *a;
	char why[256] = "";
	for (unsigned i = 0; i < 2; i++) {
		if (e[i]->probe(why, sizeof(why)) == 0)
			printf("%s: available\n", e[i]->name);
		else
			printf("%s: unavailable: %s\n", e[i]->name, why);
	}
	a = pick_engine(ENGINE_AUTO, why, sizeof(why));
	printf("auto: %s (%s)\n", a->name, why);
	return 0;
}

/* Load the kernel and firmware tables and set up the boot vCPU. */
static int load_guest(struct vm *vm, const struct vm_config *cfg, const struct file_map *kernel,
		      const struct file_map *initrd)
{
	char err[256] = "";
	const char *slash = cfg->kernel ? strrchr(cfg->kernel, '/') : NULL;
	struct boot_params_in in = {
		.kernel = kernel->data, .kernel_len = kernel->len,
		.initrd = initrd->data, .initrd_len = initrd->len,
		.cmdline = cfg->append, .kernel_name = slash ? slash + 1 : cfg->kernel,
		.nr_cpus = cfg->nr_cpus, .acpi_rsdp = ACPI_RSDP_ADDR,
		/* HVM_GUEST_UNPACK=1: the kernel runs its own decompressor (benchmarks, tests) */
		.no_unpack = getenv("HVM_GUEST_UNPACK") && strcmp(getenv("HVM_GUEST_UNPACK"), "0"),
		.vga_text = !cfg->no_vga,
	};
	/* PCI0 with a _PRT: INTx of slot s pin p on GSI 16 + ((s + p) & 3), as the board wires it. */
	struct acpi_config ac = { .nr_cpus = cfg->nr_cpus, .ioapic_id = 0,
				  .pci = 1, .pci_gsi_base = IRQ_PCI_GSI_BASE };
	int r;

	for (int i = 0; i < vm->nr_vcpus; i++) {
		cpu_state_reset(&vm->vcpu[i]->st, i == 0);
		vm->vcpu[i]->st_dirty = 1;
	}
	/* Firmware boot: the BSP starts at the reset vector, f000:fff0 below 4 GiB. */
	if (!cfg->kernel)
		return 0;
	r = acpi_build(&vm->mem, &ac);
	if (r) {
		fprintf(stderr, "hvm: ACPI tables: %s\n", strerror(-r));
		return 2;
	}
	r = boot_load(&vm->mem, &in, &vm->vcpu[0]->st, err, sizeof(err));
	if (r) {
		fprintf(stderr, "hvm: --kernel '%s': %s\n", cfg->kernel, err[0] ? err : strerror(-r));
		return 2;
	}
	machine_pc_post_state(vm);
	return 0;
}

/*
 * With --screendump, SIGTERM and SIGINT end the guest like Ctrl-A x, so the
 * screen is still dumped: every thread blocks them and this one waits.
 */
static volatile sig_atomic_t quit_signal;

static void *signal_thread(void *opaque)
{
	struct vm *vm = opaque;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigwait(&set, &sig) == 0) {
		quit_signal = sig;
		vm_request(vm, VMREQ_QUIT, 0, sig == SIGTERM ? "SIGTERM" : "SIGINT");
	}
	return NULL;
}

static void block_quit_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void dump_screen(struct vm *vm, const char *path)
{
	struct display_src *d = machine_pc_display(vm);
	char err[160] = "";
	int r;

	if (!d)
		return;
	pthread_mutex_lock(&vm->dm_lock);
	r = screendump(path, d, err, sizeof(err));
	pthread_mutex_unlock(&vm->dm_lock);
	if (r)
		fprintf(stderr, "hvm: --screendump '%s': %s\n", path, err);
}

static int cmd_run(int argc, char **argv)
{
	struct vm_config cfg;
	struct file_map kernel = { 0 }, initrd = { 0 }, bios = { 0 };
	const struct engine_ops *eng;
	struct vm *vm;
	struct loop *loop;
	struct chr *con = NULL, *dcon = NULL;
	struct vnc *vnc = NULL;
	char err[256] = "";
	int r, status;

	r = config_parse_run(&cfg, argc, argv);
	if (r)
		return r == 1 ? 0 : r;
	log_verbosity = LOG_WARN + cfg.verbose;
	/* Before any thread exists, so that they all inherit the mask. */
	if (cfg.screendump)
		block_quit_signals();
	if (cfg.bios) {
		if (map_file("--bios", cfg.bios, &bios))
			return 2;
		if (!bios.len) {
			fprintf(stderr, "hvm: --bios '%s': empty file\n", cfg.bios);
			return 2;
		}
	} else if (map_file("--kernel", cfg.kernel, &kernel))
		return 2;
	if (!cfg.bios && !kernel.len) {
		fprintf(stderr, "hvm: --kernel '%s': empty file\n", cfg.kernel);
		return 2;
	}
	if (!cfg.bios && boot_detect(kernel.data, kernel.len) == KERNEL_UNKNOWN) {
		fprintf(stderr, "hvm: --kernel '%s': not a multiboot, bzImage or ELF vmlinux image\n",
			cfg.kernel);
		return 2;
	}
	if (cfg.initrd && map_file("--initrd", cfg.initrd, &initrd))
		return 2;
	eng = pick_engine(cfg.engine, err, sizeof(err));
	if (!eng) {
		fprintf(stderr, "hvm: --engine kvm: %s\n", err);
		return 2;
	}
	pr_info("engine: %s (%s%s)", eng->name, cfg.engine == ENGINE_AUTO ? "auto: " : "", err);

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return 125;
	r = vm_create(vm, &cfg, eng);
	if (r) {
		fprintf(stderr, "hvm: cannot create the VM (%s engine, %llu MiB): %s\n", eng->name,
			(unsigned long long)(cfg.mem_size >> 20), strerror(-r));
		return r == -ENOMEM || r == -EINVAL ? 2 : 125;
	}
	loop = loop_new(&vm->dm_lock, vm->clock);
	if (!loop) {
		fprintf(stderr, "hvm: cannot create the event loop\n");
		return 125;
	}
	switch (cfg.serial) {
	case SERIAL_STDIO:
		con = chr_stdio_new(loop, &vm->ctl);
		break;
	case SERIAL_FILE:
		con = chr_file_new(cfg.serial_path);
		if (!con) {
			fprintf(stderr, "hvm: --serial file:%s: %s\n", cfg.serial_path, strerror(errno));
			return 2;
		}
		break;
	case SERIAL_NONE:
		break;
	}
	if (cfg.debugcon == SERIAL_STDIO)
		dcon = con && cfg.serial == SERIAL_STDIO ? con : chr_stdio_new(loop, &vm->ctl);
	else if (cfg.debugcon == SERIAL_FILE && !(dcon = chr_file_new(cfg.debugcon_path))) {
		fprintf(stderr, "hvm: --debugcon file:%s: %s\n", cfg.debugcon_path, strerror(errno));
		return 2;
	}
	vm->loop = loop;
	r = machine_pc_build(vm, con, err, sizeof(err));
	if (r) {
		fprintf(stderr, "hvm: %s\n", err);
		/* A disk image that is missing, locked or not writable is the user's file: 2. */
		return r == -ENOENT || r == -EBUSY || r == -EACCES || r == -EROFS || r == -EISDIR ||
		       r == -EPERM || r == -ENOTDIR || r == -EINVAL ? 2 : 125;
	}
	if (dcon && (r = machine_pc_add_debugcon(vm, dcon, err, sizeof(err)))) {
		fprintf(stderr, "hvm: %s\n", err);
		return 125;
	}
	if (cfg.bios && (r = machine_pc_load_bios(vm, bios.data, bios.len, err, sizeof(err)))) {
		fprintf(stderr, "hvm: --bios '%s': %s\n", cfg.bios, err);
		return r == -EINVAL ? 2 : 125;
	}
	r = load_guest(vm, &cfg, &kernel, &initrd);
	if (r)
		return r;
	if (cfg.vnc) {
		r = vnc_start(&vnc, cfg.vnc, machine_pc_display(vm), &vm->dm_lock, err, sizeof(err));
		if (r) {
			fprintf(stderr, "hvm: --vnc '%s': %s\n", cfg.vnc, err);
			return r == -ENOMEM ? 125 : 2;
		}
	}
	if (loop_start(loop) < 0) {
		fprintf(stderr, "hvm: cannot start the event loop\n");
		return 125;
	}

	if (cfg.screendump) {
		pthread_t t;
		if (pthread_create(&t, NULL, signal_thread, vm) == 0)
			pthread_detach(t);
	}
	pr_info("guest starts %.3f ms after hvm started (%s engine)", ms_since_start(), eng->name);
	for (;;) {
		enum vm_request req;
		r = vm_start_vcpus(vm);
		if (r) {
			fprintf(stderr, "hvm: cannot start vCPU threads: %s\n", strerror(-r));
			status = 125;
			break;
		}
		req = vm_wait_request(vm);
		vm_stop_vcpus(vm);
		if (req == VMREQ_RESET && !cfg.no_reboot) {
			pr_info("guest reset (%s): rebooting", vm->req_reason);
			machine_pc_reset(vm);
			if (vm->eng_ops->vm_reset && vm->eng_ops->vm_reset(vm)) {
				fprintf(stderr, "hvm: %s engine: reset failed\n", vm->eng_ops->name);
				status = 125;
				break;
			}
			if (load_guest(vm, &cfg, &kernel, &initrd)) {
				status = 125;
				break;
			}
			pthread_mutex_lock(&vm->req_lock);
			vm->req = VMREQ_NONE;
			pthread_mutex_unlock(&vm->req_lock);
			continue;
		}
		switch (req) {
		case VMREQ_EXIT:
			status = vm->req_code;
			break;
		case VMREQ_RESET:
			fprintf(stderr, "hvm: guest reset (%s); exiting because of --no-reboot\n",
				vm->req_reason);
			status = 0;
			break;
		case VMREQ_POWEROFF:
			pr_info("guest powered off");
			status = 0;
			break;
		case VMREQ_QUIT:
			status = 0;
			break;
		case VMREQ_FATAL:
		default:
			status = 125;
			break;
		}
		break;
	}
	loop_stop(loop);
	vnc_stop(vnc);
	fflush(stdout);
	if (cfg.screendump)
		dump_screen(vm, cfg.screendump);
	/* Killed by SIGTERM/SIGINT: the shell's status for it, after the dump. */
	if (quit_signal)
		status = 128 + quit_signal;
	/* Process exit tears the VM down; skip the slow orderly teardown. */
	return status;
}

int main(int argc, char **argv)
{
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("hvm %s\n", HVM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe();
	fprintf(stderr, "hvm: unknown command '%s' (see hvm --help)\n", argv[1]);
	return 2;
}
