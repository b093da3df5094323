/*
 * run_emu.c - `svmcheck replay --run qemu|bochs` (run_emu.h): the runner of
 * tests/conformance/run, in C, for the records a user gives.
 *
 * The run lives in a private directory (mkdtemp): the blob (a header page
 * and one VMCB page per record that can run), for Bochs the boot disk and
 * its bochsrc, the serial output and the emulator's log of each boot, and
 * standard input when it is an input.  The emulator is booted headless
 * exactly as the runner boots it; the guest prints the CPUID it sees, then
 * `img N exit 0x...` or `img N gp` per image.  When the serial output stops
 * growing for a few seconds (a hang) or the emulator dies without `done`
 * (a crash, a Bochs panic), that image is marked and the emulator boots
 * again at the next one (the blob header's start).  The directory is
 * removed at the end, after an error and after an interrupt (the first
 * SIGINT: replay's handler sets *stop; SIGTERM and SIGHUP: caught here
 * while the run lasts, then re-raised): the boot is killed and cleaned up.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/conform_blob.h"
#include "cli/run_emu.h"
#include "guest/blob.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/replay.h"
#include "svmcheck_config.h"
#include "vmcb/decode.h"

/*
 * The guest maps the first GiB and QEMU loads the whole blob into guest
 * memory: a quarter of that is plenty for checking answers by hand.
 */
#define MAX_IMAGES 65536u
#define POLL_MS 200
#define PAGE SVMC_VMCB_PAGE_SIZE

enum kind { EMU_QEMU, EMU_BOCHS };

/* What became of one record. */
enum state {
	ST_RUN,     /* it ran: see its image */
	ST_UNKNOWN, /* some field unknown: not run */
	ST_NSTATE,  /* a nested state: restored, not run */
};

/* What the emulator did with one image. */
enum outcome {
	OC_NONE, /* not reached (cannot happen once the run finished) */
	OC_EXIT, /* an exit code: VMRUN or VMEXIT_INVALID */
	OC_GP,   /* #GP on VMRUN itself */
	OC_HANG,
	OC_CRASH,
};

struct image {
	uint64_t exit;
	svmc_checkset failed; /* the emulator's model */
	const char *why;      /* hang or crash: the reason, owned by struct run_emu */
	uint8_t outcome;      /* enum outcome */
	uint8_t verdict;      /* the model's, enum svmc_verdict */
	int8_t agree;         /* 1, 0, or -1 without a real verdict */
};

struct entry {
	uint64_t index; /* the record's index in its input */
	uint32_t input; /* its input's position */
	uint32_t image; /* ST_RUN: its image */
	uint8_t state;  /* enum state */
};

struct run_emu {
	enum kind kind;
	const char *name; /* "qemu", "bochs" */
	const char *bin;  /* the program's name */
	char exe[PATH_MAX];
	char guest[PATH_MAX / 2]; /* the directory with conform.bin and bootsect.bin */
	char dir[PATH_MAX / 2];   /* the run's private directory; "" once removed */
	char version[32];
	const struct svmc_model *model;
	struct svmc_cpu *cpu; /* the emulator's, from the guest's CPUID dump */
	char **inputs;
	int ninputs;
	struct entry *ent;
	size_t nent, cap;
	struct image *img;
	uint32_t nimg;
	FILE *blob;
	bool write_failed;
	char *whys[64]; /* the distinct stop reasons */
	unsigned nwhys;
	uint64_t disagree;
	volatile sig_atomic_t *stop;
	unsigned boots;
	struct out *eo;
};

/*
 * SIGTERM or SIGHUP while the emulator runs: caught for as long as the run
 * lasts, so that the boot is killed and the directory removed before the
 * signal takes its course (main's handler, emit/atomic.c).
 */
static volatile sig_atomic_t term_sig;

static void on_term(int sig)
{
	term_sig = sig;
}

static bool stopping(const struct run_emu *e)
{
	return *e->stop || term_sig;
}

/* ---- the private directory ------------------------------------------------ */

/* dir/name into buf; false if it does not fit. */
static bool in_dir(const struct run_emu *e, const char *name, char *buf, size_t n)
{
	return (size_t)snprintf(buf, n, "%s/%s", e->dir, name) < n;
}

static void remove_dir(struct run_emu *e)
{
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX];

	if (!e->dir[0])
		return;
	d = opendir(e->dir);
	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    in_dir(e, de->d_name, p, sizeof(p)))
			unlink(p);
	if (d)
		closedir(d);
	rmdir(e->dir);
	e->dir[0] = '\0';
}

/* ---- finding the emulator and the guest ------------------------------------ */

/* The first executable name on $PATH into buf. */
static bool on_path(const char *name, char *buf, size_t n)
{
	const char *p = getenv("PATH");

	while (p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (len && (size_t)snprintf(buf, n, "%.*s/%s", (int)len, p, name) < n &&
		    access(buf, X_OK) == 0)
			return true;
		if (!colon)
			break;
		p = colon + 1;
	}
	return false;
}

/* Take dir as the guest's directory if conform.bin and bootsect.bin are there. */
static bool take_guest(struct run_emu *e, const char *dir)
{
	char p[PATH_MAX];

	if (strlen(dir) >= sizeof(e->guest))
		return false;
	snprintf(p, sizeof(p), "%s/conform.bin", dir);
	if (access(p, R_OK) != 0)
		return false;
	snprintf(p, sizeof(p), "%s/bootsect.bin", dir);
	if (access(p, R_OK) != 0)
		return false;
	strcpy(e->guest, dir);
	return true;
}

/*
 * $SVMCHECK_GUEST_DIR alone when set (a wrong setting is reported, not
 * bypassed), else the build tree, else the installation's libexec directory.
 */
static int find_guest(struct run_emu *e)
{
	const char *env = getenv("SVMCHECK_GUEST_DIR");
	char inst[PATH_MAX] = "";
	const char *rel = NULL;

	if (env && *env) {
		if (take_guest(e, env))
			return 0;
		cli_errorf(e->eo, SVMC_ERR_NOTFOUND,
			   "replay --run: the conformance guest (conform.bin, bootsect.bin) is not "
			   "in SVMCHECK_GUEST_DIR=%s",
			   env);
		return -1;
	}
	if (take_guest(e, SVMCHECK_GUEST_BUILD_DIR))
		return 0;
#ifdef SVMCHECK_REL_GUEST
	rel = SVMCHECK_REL_GUEST;
#endif
	if (cli_exe_relative_dir(rel, inst, sizeof(inst)) && take_guest(e, inst))
		return 0;
	cli_errorf(e->eo, SVMC_ERR_NOTFOUND,
		   "replay --run: the conformance guest (conform.bin, bootsect.bin) is missing: "
		   "not in the build tree (%s) nor installed (libexec/svmcheck); svmcheck builds "
		   "it when gcc, ld and objcopy for x86-64 are installed (Debian packages gcc, "
		   "binutils), or set SVMCHECK_GUEST_DIR",
		   SVMCHECK_GUEST_BUILD_DIR);
	return -1;
}

static int find_emulator(struct run_emu *e)
{
	static const char *const bochs_files[] = { "/usr/share/bochs/BIOS-bochs-latest",
						   "/usr/share/vgabios/vgabios.bin" };

	if (!on_path(e->bin, e->exe, sizeof(e->exe))) {
		cli_errorf(e->eo, SVMC_ERR_NOTFOUND,
			   "replay --run %s: %s is not installed (not on PATH); install the Debian "
			   "package%s %s",
			   e->name, e->bin, e->kind == EMU_QEMU ? "" : "s",
			   e->kind == EMU_QEMU ? "qemu-system-x86" : "bochs bochsbios vgabios");
		return -1;
	}
	for (size_t i = 0; e->kind == EMU_BOCHS && i < 2; i++)
		if (access(bochs_files[i], R_OK) != 0) {
			cli_errorf(e->eo, SVMC_ERR_NOTFOUND,
				   "replay --run bochs: %s is missing; install the Debian packages "
				   "bochsbios vgabios",
				   bochs_files[i]);
			return -1;
		}
	return 0;
}

/* ---- pass 1: the records that can run, into the blob ---------------------- */

static bool all_known(const struct svmc_record *r)
{
	for (unsigned f = 0; f < SVMC_F_COUNT; f++)
		if (!svmc_known(r, (enum svmc_field_id)f))
			return false;
	return true;
}

/* The position of input name in e->inputs (the pipeline passes the same pointers). */
static uint32_t input_no(const struct run_emu *e, const char *name)
{
	for (int i = 0; i < e->ninputs; i++)
		if (e->inputs[i] == name)
			return (uint32_t)i;
	for (int i = 0; i < e->ninputs; i++)
		if (strcmp(e->inputs[i], name) == 0)
			return (uint32_t)i;
	return UINT32_MAX;
}

static void collect(void *arg, const struct svmc_record *r)
{
	struct run_emu *e = arg;
	struct entry *x;

	if (e->nent == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 256;
		struct entry *p = realloc(e->ent, cap * sizeof(*p));

		if (!p) {
			e->write_failed = true;
			return;
		}
		e->ent = p;
		e->cap = cap;
	}
	x = &e->ent[e->nent++];
	x->index = r->index;
	x->input = input_no(e, r->input);
	x->image = 0;
	if (r->origin == SVMC_ORIGIN_NESTED_STATE) {
		x->state = ST_NSTATE;
	} else if (!all_known(r)) {
		x->state = ST_UNKNOWN;
	} else {
		x->state = ST_RUN;
		x->image = e->nimg++;
		if (e->nimg <= MAX_IMAGES && fwrite(&r->vmcb, PAGE, 1, e->blob) != 1)
			e->write_failed = true;
	}
}

/* Errors are replay's to report, in the second pass. */
static void skip_error(void *arg, const struct svmc_diag *d)
{
	(void)arg;
	(void)d;
}

/* Copy standard input into the directory and read it from there (twice). */
static int spool_stdin(struct run_emu *e)
{
	char p[PATH_MAX], buf[65536];
	int fd;
	ssize_t n;

	if (!in_dir(e, "stdin", p, sizeof(p)) ||
	    (fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot keep standard input: %s",
			   strerror(errno));
		return -1;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR && !stopping(e))
			continue;
		if (n < 0 || write(fd, buf, (size_t)n) != n) {
			cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: standard input: %s",
				   strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (dup2(fd, STDIN_FILENO) < 0 || lseek(STDIN_FILENO, 0, SEEK_SET) != 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: standard input: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Every input must be read twice: files as they are, standard input kept. */
static int check_inputs(struct run_emu *e)
{
	bool stdin_seen = false;
	struct stat st;

	for (int i = 0; i < e->ninputs; i++) {
		if (strcmp(e->inputs[i], "-") == 0) {
			if (!stdin_seen && spool_stdin(e) != 0)
				return -1;
			stdin_seen = true;
		} else if (stat(e->inputs[i], &st) == 0 && !S_ISREG(st.st_mode)) {
			cli_errorf(e->eo, SVMC_ERR_USAGE,
				   "replay --run reads each input twice (for the emulator, then "
				   "for the models): %s is not a regular file; save it to one, or "
				   "give it as standard input (-)",
				   e->inputs[i]);
			return -1;
		}
	}
	return 0;
}

static int write_blob(struct run_emu *e, enum svmc_format fmt)
{
	static uint8_t head[PAGE];
	struct blob_header h = { BLOB_MAGIC, 0, 0 };
	struct svmc_input_stats st;
	char p[PATH_MAX];

	if (!in_dir(e, "blob", p, sizeof(p)) || !(e->blob = fopen(p, "wb"))) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot create %s: %s", p,
			   strerror(errno));
		return -1;
	}
	if (fwrite(head, PAGE, 1, e->blob) != 1)
		e->write_failed = true;
	if (svmc_inputs_each((const char *const *)e->inputs, (size_t)e->ninputs, fmt, collect,
			     skip_error, e, &st) != SVMC_OK)
		e->write_failed = true;
	if (e->nimg > MAX_IMAGES) {
		cli_errorf(e->eo, SVMC_ERR_LIMIT,
			   "replay --run runs at most %u records at once, the inputs hold %" PRIu32
			   " that can run: give fewer",
			   MAX_IMAGES, e->nimg);
		return -1;
	}
	h.count = e->nimg;
	memcpy(head, &h, sizeof(h));
	if (fseek(e->blob, 0, SEEK_SET) || fwrite(head, PAGE, 1, e->blob) != 1)
		e->write_failed = true;
	if (fclose(e->blob))
		e->write_failed = true;
	e->blob = NULL;
	if (e->write_failed) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot write %s: %s", p,
			   strerror(errno));
		return -1;
	}
	/* the second pass reads standard input again from the start */
	if (lseek(STDIN_FILENO, 0, SEEK_CUR) > 0)
		lseek(STDIN_FILENO, 0, SEEK_SET);
	e->img = calloc(e->nimg ? e->nimg : 1, sizeof(*e->img));
	if (!e->img) {
		cli_errorf(e->eo, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- booting the emulator -------------------------------------------------- */

/* Start argv[0] = e->exe in dir cwd, output into log.  The pid, or -1. */
static pid_t spawn(struct run_emu *e, char *const argv[], const char *log)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/*
		 * svmcheck ended by a signal it does not catch (SIGTERM, a
		 * second SIGINT) must not leave a hanging emulator behind
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent || in < 0 ||
		    out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    dup2(out, STDERR_FILENO) < 0 || chdir(e->dir) != 0)
			_exit(127);
		execv(e->exe, argv);
		_exit(127);
	}
	return pid;
}

/* A file's contents, NUL-terminated (NULL if unreadable or out of memory). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (s = malloc((size_t)n + 1)) != NULL) {
		n = (long)fread(s, 1, (size_t)n, f);
		s[n] = '\0';
	}
	fclose(f);
	return s;
}

/* The version number (digits and dots) after marker in text, or "unknown". */
static void take_version(struct run_emu *e, const char *text, const char *marker)
{
	const char *v = text ? strstr(text, marker) : NULL;
	size_t n = v ? strspn(v + strlen(marker), "0123456789.") : 0;

	if (n && n < sizeof(e->version))
		snprintf(e->version, sizeof(e->version), "%.*s", (int)n, v + strlen(marker));
	else
		strcpy(e->version, "unknown");
}

/* "QEMU emulator version 7.2.22 (Debian ...)": 7.2.22 */
static int qemu_version(struct run_emu *e)
{
	char *argv[] = { e->exe, "--version", NULL };
	char log[PATH_MAX];
	char *s;
	pid_t pid;
	int st;

	if (!in_dir(e, "version", log, sizeof(log)) || (pid = spawn(e, argv, log)) < 0 ||
	    waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    !(s = slurp(log))) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run qemu: %s --version failed", e->exe);
		return -1;
	}
	take_version(e, s, "version ");
	free(s);
	return 0;
}

static int bochs_setup(struct run_emu *e)
{
	static const char rc[] =
		"megs: 64\n"
		"cpu: model=ryzen, ips=2000000, reset_on_triple_fault=0\n"
		"romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot\n"
		"vgaromimage: file=/usr/share/vgabios/vgabios.bin\n"
		/* Debian's Bochs has no nogui; rfb with timeout=0 waits for no client */
		"display_library: rfb, options=\"timeout=0\"\n"
		"ata0-master: type=disk, path=disk.img, mode=flat\n"
		"boot: disk\n"
		/* without a sound card Bochs aborts unless these are off */
		"speaker: enabled=0\n"
		"sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy\n"
		"log: bochs.log\n"
		"panic: action=fatal\n"
		"error: action=ignore\n"
		"info: action=ignore\n"
		"debug: action=ignore\n";
	/* its debugger is built in: continue, then quit */
	static const char dbg[] = "c\nquit\n";
	char p[PATH_MAX], q[PATH_MAX], blob[PATH_MAX], disk[PATH_MAX];
	char msg[PATH_MAX + 128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/bootsect.bin", e->guest);
	snprintf(q, sizeof(q), "%s/conform.bin", e->guest);
	if (!in_dir(e, "blob", blob, sizeof(blob)) || !in_dir(e, "disk.img", disk, sizeof(disk)) ||
	    conform_disk_write(p, q, blob, disk, msg, sizeof(msg)) != 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run bochs: the boot disk: %s", msg);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		in_dir(e, i ? "bochs.dbg" : "bochsrc", p, sizeof(p));
		f = fopen(p, "w");
		if (!f || fputs(i ? dbg : rc, f) == EOF || fclose(f) != 0) {
			cli_errorf(e->eo, SVMC_ERR_IO, "replay --run bochs: cannot write %s", p);
			return -1;
		}
	}
	return 0;
}

/* No serial output for this long is a hang (Bochs boots slower). */
static unsigned hang_seconds(const struct run_emu *e)
{
	return e->kind == EMU_QEMU ? 3 : 5;
}

enum boot_end { BOOT_DONE, BOOT_HANG, BOOT_CRASH, BOOT_STOPPED, BOOT_FAILED };

struct boot {
	char ser[PATH_MAX], log[PATH_MAX];
	int status; /* waitpid's */
	enum boot_end end;
};

static void sleep_poll(void)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* Boot the guest from image start; b says how it ended. */
static void boot(struct run_emu *e, uint32_t start, struct boot *b)
{
	char name[32], sername[32], mem[16], blobpath[PATH_MAX], kernel[PATH_MAX];
	char msg[PATH_MAX + 128], serarg[64];
	unsigned limit = hang_seconds(e), idle = 0;
	off_t size = -1;
	struct stat st;
	pid_t pid;

	e->boots++;
	snprintf(sername, sizeof(sername), "serial.%u", e->boots);
	snprintf(name, sizeof(name), "emulator.%u", e->boots);
	in_dir(e, sername, b->ser, sizeof(b->ser));
	in_dir(e, name, b->log, sizeof(b->log));
	b->end = BOOT_FAILED;
	b->status = 0;
	close(open(b->ser, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	if (e->kind == EMU_QEMU) {
		char *argv[] = {
			e->exe,    "-accel",     "tcg",      "-cpu",
			"max",     "-m",         mem,        "-display",
			"none",    "-no-reboot", "-monitor", "none",
			"-serial", serarg,       "-device",  "isa-debug-exit,iobase=0xf4,iosize=1",
			"-kernel", kernel,       "-initrd",  "blob",
			NULL
		};

		in_dir(e, "blob", blobpath, sizeof(blobpath));
		if (conform_blob_set_start(blobpath, 0, start, msg, sizeof(msg)) != 0) {
			cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: %s", msg);
			return;
		}
		/* the blob is loaded into guest memory: room for it above the 64 MiB */
		snprintf(mem, sizeof(mem), "%" PRIu32, e->nimg / 256 + 64);
		snprintf(serarg, sizeof(serarg), "file:%s", sername);
		snprintf(kernel, sizeof(kernel), "%s/conform.bin", e->guest);
		pid = spawn(e, argv, b->log);
	} else {
		char *argv[] = { e->exe, "-q", "-f", "bochsrc", "-rc", "bochs.dbg", serarg, NULL };

		in_dir(e, "disk.img", blobpath, sizeof(blobpath));
		if (conform_blob_set_start(blobpath, CONFORM_DISK_BLOB_OFFSET, start, msg,
					   sizeof(msg)) != 0) {
			cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: %s", msg);
			return;
		}
		/* a crashed Bochs leaves its lock behind and the next one refuses the disk */
		in_dir(e, "disk.img.lock", blobpath, sizeof(blobpath));
		unlink(blobpath);
		snprintf(serarg, sizeof(serarg), "com1: enabled=1, mode=file, dev=%s", sername);
		pid = spawn(e, argv, b->log);
	}
	if (pid < 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot start %s: %s", e->exe,
			   strerror(errno));
		return;
	}
	for (;;) {
		pid_t w = waitpid(pid, &b->status, WNOHANG);

		if (w == pid) {
			b->end = BOOT_CRASH; /* unless the serial output says done */
			break;
		}
		if (stopping(e) || idle >= limit * (1000 / POLL_MS)) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &b->status, 0) < 0 && errno == EINTR)
				;
			b->end = stopping(e) ? BOOT_STOPPED : BOOT_HANG;
			break;
		}
		sleep_poll();
		if (stat(b->ser, &st) == 0 && st.st_size != size) {
			size = st.st_size;
			idle = 0;
		} else {
			idle++;
		}
	}
}

/* The next line of *s (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **s)
{
	char *l = *s, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = l + strlen(l);
	}
	if (nl > l && nl[-1] == '\r')
		nl[-1] = '\0';
	return l;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A stop reason, kept once (the same crash repeats). */
static const char *keep_why(struct run_emu *e, const char *why)
{
	for (unsigned i = 0; i < e->nwhys; i++)
		if (strcmp(e->whys[i], why) == 0)
			return e->whys[i];
	if (e->nwhys == sizeof(e->whys) / sizeof(e->whys[0]))
		return e->whys[e->nwhys - 1];
	e->whys[e->nwhys] = strdup(why);
	return e->whys[e->nwhys] ? e->whys[e->nwhys++] : "";
}

/* Why a boot crashed: Bochs's last words, the guest's, or the exit status. */
static void crash_why(const struct run_emu *e, const struct boot *b, const char *serial, char *why,
		      size_t n)
{
	char *log = slurp(b->log), *s = log, *l;
	const char *f;

	while ((l = next_line(&s)) != NULL)
		if (strstr(l, "Bochs is exiting with the following message") &&
		    (l = next_line(&s)) != NULL) {
			snprintf(why, n, "%s", l);
			free(log);
			return;
		}
	free(log);
	f = strstr(serial, "fatal ");
	if (f) {
		snprintf(why, n, "%.*s", (int)strcspn(f, "\n"), f);
	} else if (WIFSIGNALED(b->status)) {
		snprintf(why, n, "%s killed by signal %d", e->bin, WTERMSIG(b->status));
	} else {
		snprintf(why, n, "%s exited with status %d", e->bin, WEXITSTATUS(b->status));
	}
}

/* The log's last line, for an emulator that never ran the guest. */
static void log_tail(const struct boot *b, char *buf, size_t n)
{
	char *log = slurp(b->log), *s = log, *l, *last = "(no output)";

	while ((l = next_line(&s)) != NULL)
		if (*l)
			last = l;
	snprintf(buf, n, "%s", last);
	free(log);
}

/* "img N exit 0x<hex>" or "img N gp": true with the image, outcome and code. */
static bool parse_img(const char *l, unsigned long *i, enum outcome *oc, uint64_t *code)
{
	char *end;

	if (strncmp(l, "img ", 4) != 0 || !isdigit((unsigned char)l[4]))
		return false;
	errno = 0;
	*i = strtoul(l + 4, &end, 10);
	if (errno)
		return false;
	if (strcmp(end, " gp") == 0) {
		*oc = OC_GP;
		return true;
	}
	if (strncmp(end, " exit 0x", 8) != 0 || !isxdigit((unsigned char)end[8]))
		return false;
	*code = strtoull(end + 8, &end, 16);
	*oc = OC_EXIT;
	return *end == '\0' && errno == 0;
}

/*
 * Read one boot's serial output: the CPUID block (the first boot) into
 * cpuid.txt, the images' results.  *last = the last image reported, or
 * start - 1; *done when the guest finished.  0, or -1 after reporting.
 */
static int read_serial(struct run_emu *e, const struct boot *b, uint32_t start, int64_t *last,
		       bool *done)
{
	char *text = slurp(b->ser), *s = text, *l;
	char cpuid[PATH_MAX], tail[512];
	bool started = false, gp_ok = false, in_cpuid = false;
	FILE *cf = NULL;

	*last = (int64_t)start - 1;
	*done = false;
	if (!text) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot read the serial output");
		return -1;
	}
	if (e->boots == 1 && in_dir(e, "cpuid.txt", cpuid, sizeof(cpuid)))
		cf = fopen(cpuid, "w");
	while ((l = next_line(&s)) != NULL) {
		unsigned long i;
		uint64_t code = 0;
		enum outcome oc;

		if (in_cpuid) {
			if (strcmp(l, "cpuid end") == 0)
				in_cpuid = false;
			else if (cf)
				fprintf(cf, "%s\n", l);
		} else if (ends_with(l, "cpuid begin")) {
			in_cpuid = true;
		} else if (strcmp(l, "gp check: caught") == 0) {
			gp_ok = true;
		} else if (strncmp(l, "start ", 6) == 0) {
			started = true;
		} else if (strcmp(l, "done") == 0) {
			*done = true;
		} else if (parse_img(l, &i, &oc, &code) && i < e->nimg) {
			e->img[i].outcome = (uint8_t)oc;
			e->img[i].exit = code;
			*last = (int64_t)i;
		}
	}
	if (cf && fclose(cf) != 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot write %s", cpuid);
		free(text);
		return -1;
	}
	if (!started || (e->boots == 1 && !gp_ok)) {
		/* a broken set-up, not an image's fault: no reboot loop */
		log_tail(b, tail, sizeof(tail));
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run %s: %s did not run the guest%s (%s)",
			   e->name, e->exe, started ? ": its #GP check on VMRUN failed" : "", tail);
		free(text);
		return -1;
	}
	if (b->end == BOOT_CRASH && !*done) {
		char why[256];

		crash_why(e, b, text, why, sizeof(why));
		if (*last + 1 < (int64_t)e->nimg)
			e->img[*last + 1].why = keep_why(e, why);
	}
	free(text);
	return 0;
}

/* Boot until every image has its outcome.  0, 1 interrupted, -1 after reporting. */
static int run_images(struct run_emu *e)
{
	uint32_t start = 0;

	for (;;) {
		struct boot b;
		int64_t last;
		bool done;
		uint32_t at;

		boot(e, start, &b);
		if (b.end == BOOT_FAILED)
			return -1;
		if (b.end == BOOT_STOPPED)
			return 1;
		if (read_serial(e, &b, start, &last, &done) != 0)
			return -1;
		if (done)
			return 0;
		at = (uint32_t)(last + 1);
		if (at >= e->nimg)
			return 0;
		if (b.end == BOOT_HANG) {
			char why[64];

			snprintf(why, sizeof(why), "no serial output for %u s, killed",
				 hang_seconds(e));
			e->img[at].outcome = OC_HANG;
			e->img[at].why = keep_why(e, why);
		} else {
			e->img[at].outcome = OC_CRASH;
		}
		start = at + 1;
		if (start >= e->nimg)
			return 0;
	}
}

/* ---- the emulator's model on the emulator's CPU --------------------------- */

static bool exit_invalid(uint64_t code)
{
	/* QEMU 7.2 writes VMEXIT_INVALID as the 32-bit 0x00000000ffffffff */
	return code == UINT64_MAX || code == UINT32_MAX;
}

static int judge_images(struct run_emu *e)
{
	struct svmc_cpu *cpu = e->cpu = malloc(sizeof(*cpu));
	struct svmc_compiled *c = malloc(sizeof(*c));
	struct svmc_record *r = malloc(sizeof(*r));
	char p[PATH_MAX], where[512];
	struct svmc_diag d;
	FILE *blob = NULL;
	int rc = -1;

	if (!cpu || !c || !r) {
		cli_errorf(e->eo, SVMC_ERR_NOMEM, "out of memory");
		goto out;
	}
	in_dir(e, "cpuid.txt", p, sizeof(p));
	svmc_diag_init(&d, p);
	if (svmc_cpu_load_file(p, cpu, &d) != SVMC_OK) {
		svmc_diag_format(&d, where, sizeof(where));
		cli_errorf(e->eo, d.code, "replay --run %s: the CPUID the guest printed: %s",
			   e->name, where);
		goto out;
	}
	snprintf(cpu->name, sizeof(cpu->name), "%s", e->name);
	svmc_diag_init(&d, NULL);
	if (svmc_compile(c, e->model, cpu, &d) != SVMC_OK) {
		cli_errorf(e->eo, d.code, "replay --run %s: the emulator's CPU: %s", e->name,
			   d.msg);
		goto out;
	}
	in_dir(e, "blob", p, sizeof(p));
	blob = fopen(p, "rb");
	if (!blob || fseek(blob, PAGE, SEEK_SET) != 0) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot read %s", p);
		goto out;
	}
	for (uint32_t i = 0; i < e->nimg; i++) {
		struct image *im = &e->img[i];
		struct svmc_result res;

		svmc_record_clear(r);
		if (fread(&r->vmcb, PAGE, 1, blob) != 1) {
			cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot read %s", p);
			goto out;
		}
		svmc_mark_all_known(r);
		svmc_evaluate(c, r, &res);
		im->verdict = (uint8_t)res.verdict;
		im->failed = res.failed;
		im->agree = -1;
		if (im->outcome == OC_EXIT) {
			im->agree = exit_invalid(im->exit) == (res.verdict == SVMC_VMEXIT_INVALID);
			e->disagree += !im->agree;
		}
	}
	rc = 0;
out:
	if (blob)
		fclose(blob);
	free(c);
	free(r);
	return rc;
}

/* ---- the run --------------------------------------------------------------- */

static int setup(struct run_emu *e, const char *emu, enum svmc_format fmt)
{
	const char *tmp = getenv("TMPDIR");
	char buf[sizeof(e->dir)];

	if (strcmp(emu, "qemu") == 0) {
		e->kind = EMU_QEMU;
		e->bin = "qemu-system-x86_64";
	} else if (strcmp(emu, "bochs") == 0) {
		e->kind = EMU_BOCHS;
		e->bin = "bochs";
	} else {
		cli_errorf(e->eo, SVMC_ERR_USAGE,
			   "--run takes an emulator, qemu or bochs, not '%s'", emu);
		return -1;
	}
	e->name = emu;
	if (find_emulator(e) != 0 || find_guest(e) != 0)
		return -1;
	if ((size_t)snprintf(buf, sizeof(buf), "%s/svmcheck-run.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof(buf) ||
	    !mkdtemp(buf)) {
		cli_errorf(e->eo, SVMC_ERR_IO, "replay --run: cannot make a directory in %s: %s",
			   tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return -1;
	}
	strcpy(e->dir, buf);
	if (check_inputs(e) != 0 || write_blob(e, fmt) != 0)
		return -1;
	if (e->kind == EMU_QEMU) {
		if (qemu_version(e) != 0)
			return -1;
		e->model = svmc_model_lookup(strncmp(e->version, "7.2.", 4) == 0 ? "qemu-7.2" :
										   "qemu");
	} else {
		if (bochs_setup(e) != 0)
			return -1;
		e->model = svmc_model_lookup("bochs");
	}
	if (!e->model) {
		cli_errorf(e->eo, SVMC_ERR_NOTFOUND, "replay --run: no model of %s", emu);
		return -1;
	}
	return 0;
}

/* Bochs names its version in its banner: "Bochs x86 Emulator 2.7". */
static void bochs_version(struct run_emu *e)
{
	char p[PATH_MAX], *log = NULL;

	if (in_dir(e, "emulator.1", p, sizeof(p)))
		log = slurp(p);
	take_version(e, log, "Bochs x86 Emulator ");
	free(log);
}

int run_emu_start(const char *emu, char **inputs, int n, enum svmc_format fmt,
		  volatile sig_atomic_t *stop, struct out *eo, struct run_emu **out)
{
	struct run_emu *e = calloc(1, sizeof(*e));
	struct sigaction sa, term_before, hup_before;
	int rc;

	*out = NULL;
	if (!e) {
		cli_errorf(eo, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &term_before);
	sigaction(SIGHUP, &sa, &hup_before);
	e->inputs = inputs;
	e->ninputs = n;
	e->stop = stop;
	e->eo = eo;
	rc = setup(e, emu, fmt);
	if (rc == 0 && stopping(e))
		rc = 1;
	if (rc == 0)
		rc = run_images(e);
	if (rc == 0 && e->kind == EMU_BOCHS)
		bochs_version(e);
	if (rc == 0)
		rc = judge_images(e);
	if (e->blob)
		fclose(e->blob);
	e->blob = NULL;
	remove_dir(e);
	sigaction(SIGTERM, &term_before, NULL);
	sigaction(SIGHUP, &hup_before, NULL);
	if (term_sig)
		raise(term_sig); /* now main's handler ends the process */
	if (rc != 0) {
		run_emu_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

/* ---- pass 2: the run beside each record ----------------------------------- */

static const struct entry *find_entry(const struct run_emu *e, const struct svmc_record *r)
{
	uint32_t in = input_no(e, r->input);
	size_t lo = 0, hi = e->nent;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *x = &e->ent[mid];

		if (x->input < in || (x->input == in && x->index < r->index))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->nent && e->ent[lo].input == in && e->ent[lo].index == r->index)
		return &e->ent[lo];
	return NULL;
}

static void put(struct rbuf *b, const char *s)
{
	svmc_rbuf_put(b, s, strlen(s));
}

static __attribute__((format(printf, 2, 3))) void putf(struct rbuf *b, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		svmc_rbuf_put(b, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static const char *not_run_reason(const struct entry *x)
{
	if (!x)
		return "not read in the first pass";
	return x->state == ST_NSTATE ? "a nested state is restored, not run" : "fields unknown";
}

/*
 * The model's failing checks, in its order, into buf: JSON strings
 * ("A","B") or text (" A, B").
 */
static const char *failures(const struct svmc_model *m, svmc_checkset failed, bool json, char *buf,
			    size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < m->norder && len < n; i++) {
		enum svmc_check_id id = (enum svmc_check_id)m->order[i];
		int w;

		if (!((failed >> id) & 1))
			continue;
		w = snprintf(buf + len, n - len, json ? "%s\"%s\"" : "%s%s",
			     len ? (json ? "," : ", ") : (json ? "" : " "),
			     svmc_check_info(id)->name);
		len += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

static void format_json(const struct run_emu *e, struct rbuf *b, const struct entry *x)
{
	const struct image *im = x && x->state == ST_RUN ? &e->img[x->image] : NULL;
	char fails[2048];
	static const char *const outcome[] = { "null", NULL, "\"gp\"", "\"hang\"", "\"crash\"" };

	put(b, ",\"run\":{\"emulator\":");
	svmc_rbuf_json_str(b, e->name);
	put(b, ",\"version\":");
	svmc_rbuf_json_str(b, e->version);
	if (!im) {
		put(b, ",\"verdict\":null,\"exit\":null,\"model\":");
		svmc_rbuf_json_str(b, e->model->name);
		put(b, ",\"model_verdict\":null,\"agree\":null,\"reason\":");
		svmc_rbuf_json_str(b, not_run_reason(x));
		put(b, "}");
		return;
	}
	if (im->outcome == OC_EXIT)
		putf(b, ",\"verdict\":\"%s\",\"exit\":\"0x%016" PRIx64 "\"",
		     exit_invalid(im->exit) ? "VMEXIT_INVALID" : "VMRUN", im->exit);
	else
		putf(b, ",\"verdict\":%s,\"exit\":null", outcome[im->outcome]);
	put(b, ",\"model\":");
	svmc_rbuf_json_str(b, e->model->name);
	putf(b, ",\"model_verdict\":\"%s\",\"model_failures\":[",
	     svmc_verdict_name((enum svmc_verdict)im->verdict));
	put(b, failures(e->model, im->failed, true, fails, sizeof(fails)));
	putf(b, "],\"agree\":%s", im->agree < 0 ? "null" : im->agree ? "true" : "false");
	if (im->why) {
		put(b, ",\"reason\":");
		svmc_rbuf_json_str(b, im->why);
	}
	put(b, "}");
}

static void put_piece(void *ctx, const char *s, size_t n)
{
	svmc_rbuf_put(ctx, s, n);
}

/* One text line, wrapped at the record writer's width as its own lines are. */
static __attribute__((format(printf, 3, 4))) void line(const struct replay_fmt *f, struct rbuf *b,
						       const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	svmc_text_wrap(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1, f->width, 0,
		       put_piece, b);
	svmc_rbuf_put(b, "\n", 1);
}

static void format_text(const struct run_emu *e, const struct replay_fmt *f, struct rbuf *b,
			const struct entry *x)
{
	const struct image *im = x && x->state == ST_RUN ? &e->img[x->image] : NULL;
	char name[32], real[320], fails[2048];

	if (!im) {
		line(f, b, "  %s %s: not run: %s", e->name, e->version, not_run_reason(x));
		return;
	}
	switch (im->outcome) {
	case OC_EXIT:
		if (exit_invalid(im->exit))
			snprintf(real, sizeof(real), "VMEXIT_INVALID (exit 0x%016" PRIx64 ")",
				 im->exit);
		else
			snprintf(real, sizeof(real), "VMRUN (exit %s)",
				 svmc_exit_name(im->exit, name, sizeof(name)));
		break;
	case OC_GP:
		snprintf(real, sizeof(real), "#GP on VMRUN");
		break;
	default:
		snprintf(real, sizeof(real), "%s (%s)", im->outcome == OC_HANG ? "hang" : "crash",
			 im->why ? im->why : "?");
		break;
	}
	line(f, b, "  %s %s (real): %s", e->name, e->version, real);
	failures(e->model, im->failed, false, fails, sizeof(fails));
	if (im->agree < 0)
		line(f, b, "  model %s on the emulator's CPU: %s%s; no real verdict to compare",
		     e->model->name, svmc_verdict_name((enum svmc_verdict)im->verdict), fails);
	else
		line(f, b, "  model %s on the emulator's CPU: %s%s; %s%s%s%s", e->model->name,
		     svmc_verdict_name((enum svmc_verdict)im->verdict), fails,
		     im->agree ? f->col_pass : f->col_fail,
		     im->agree ? "agrees" : "DISAGREES with the real ", im->agree ? "" : e->name,
		     f->col_reset);
}

void run_emu_format(const struct run_emu *e, const struct replay_fmt *f, struct rbuf *b,
		    size_t start, const struct svmc_record *r)
{
	const struct entry *x = find_entry(e, r);

	if (f->style == REPLAY_TEXT) {
		format_text(e, f, b, x);
		return;
	}
	/* one NDJSON line: the run goes in before its closing brace */
	if (b->len < start + 2 || memcmp(b->p + b->len - 2, "}\n", 2) != 0)
		return;
	b->len -= 2;
	format_json(e, b, x);
	put(b, "}\n");
}

const struct svmc_cpu *run_emu_cpu(const struct run_emu *e)
{
	return e->cpu;
}

uint64_t run_emu_disagreements(const struct run_emu *e)
{
	return e->disagree;
}

void run_emu_free(struct run_emu *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nwhys; i++)
		free(e->whys[i]);
	free(e->ent);
	free(e->img);
	free(e->cpu);
	free(e);
}
