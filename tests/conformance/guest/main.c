/*
 * main.c - the conformance guest: runs VMRUN on every VMCB image of a blob
 * under a real SVM implementation (QEMU TCG, Bochs) and prints, on COM1,
 * the CPUID the emulator shows (in `cpuid -r` form, so that svmcheck judges
 * against exactly this CPU) and one line per image:
 *
 *   img N exit 0x<64-bit EXITCODE>     VMRUN ran; the exit it came back with
 *   img N gp                            VMRUN itself raised #GP
 *
 * Each image is copied to a page-aligned VMCB and changed only where it
 * must be for the guest to come back at once (see adjust()); every bit a
 * consistency check reads stays as the image has it.
 *
 * The blob (blob.h) is the multiboot module under QEMU, and the sectors
 * after this program on the boot disk under Bochs (read with ATA PIO).
 */
#include <stddef.h>
#include <stdint.h>

#include "blob.h"

#define PAGE 4096u
#define MB_BOOT_MAGIC 0x2badb002u

#define COM1 0x3f8
#define ATA 0x1f0
#define QEMU_DEBUG_EXIT 0xf4
#define BOCHS_SHUTDOWN 0x8900

#define MSR_EFER 0xc0000080u
#define MSR_VM_HSAVE_PA 0xc0010117u

#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)

#define INTERCEPT_HLT (1u << 24)
#define INTERCEPT_SHUTDOWN (1u << 31)

/* VMCB offsets used here (APM vol. 2, appendix B; include/svmcheck/vmcb.h) */
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_MISC1 0x00c
#define VMCB_EXIT_CODE 0x070
#define VMCB_NESTED_CTL 0x090
#define VMCB_NCR3 0x0b0
#define VMCB_CLEAN 0x0c0
#define VMCB_CS_LIMIT 0x414
#define VMCB_CS_BASE 0x418
#define VMCB_IDTR_LIMIT 0x484
#define VMCB_IDTR_BASE 0x488
#define VMCB_EFER 0x4d0
#define VMCB_CR4 0x548
#define VMCB_CR3 0x550
#define VMCB_CR0 0x558
#define VMCB_RIP 0x578

#define ALIGNED(n) __attribute__((aligned(n)))

static uint8_t vmcb[PAGE] ALIGNED(PAGE);
static uint8_t hsave[PAGE] ALIGNED(PAGE);
static uint8_t hlt_page[PAGE] ALIGNED(PAGE);
static uint8_t blob_head[PAGE] ALIGNED(PAGE);

/*
 * The guest's page tables, one set per paging mode, and the nested page
 * tables; all map the first GiB (where this program lives) identity.
 * g_pd is the 2-MiB page directory of both long mode and PAE; the PAE
 * page repeats its 4 PDPTEs 128 times, so that any 32-byte slot that
 * CR3[11:5] (kept from the image) selects is a valid PDPT.  Guest entries
 * leave U clear (SMEP), nested ones set it (nested walks are user
 * accesses).
 */
static uint64_t g_pml5[512] ALIGNED(PAGE);
static uint64_t g_pml4[512] ALIGNED(PAGE);
static uint64_t g_pdpt[512] ALIGNED(PAGE);
static uint64_t g_pd[512] ALIGNED(PAGE);
static uint64_t g_pae[512] ALIGNED(PAGE);
static uint32_t g_pd32[1024] ALIGNED(PAGE);
static uint32_t g_pt32[1024] ALIGNED(PAGE);
static uint64_t n_pml4[512] ALIGNED(PAGE);
static uint64_t n_pdpt[512] ALIGNED(PAGE);
static uint64_t n_pd[512] ALIGNED(PAGE);

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};
static struct idt_gate idt[32] ALIGNED(16);

/* the frame boot32.S's isr_common hands over */
struct isr_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern const uint64_t isr_table[32];
extern const char vmrun_insn[], vmrun_resume[];
void conform_main(uint32_t magic, uint32_t mbi);
void isr_handler(struct isr_frame *f);

static volatile int vmrun_gp;
/*
 * Which long mode the guest walks when EFER.LME and EFER.LMA disagree:
 * QEMU loads EFER.LMA as the VMCB has it, Bochs recomputes LMA = LME and
 * CR0.PG.  QEMU sets CPUID.1:ECX[31] (hypervisor) and Bochs does not.
 * Tables of the wrong mode would send the guest through garbage for
 * seconds before it faults.
 */
static int lma_as_loaded;
static uint64_t phys_mask; /* the address bits below MAXPHYADDR, page part */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* rep movsb: one instruction to emulate instead of a loop of them */
static void *copy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

static inline uint64_t get64(const uint8_t *p, unsigned off)
{
	uint64_t v;

	copy(&v, p + off, 8);
	return v;
}

static inline void put64(uint8_t *p, unsigned off, uint64_t v)
{
	copy(p + off, &v, 8);
}

static inline void put32(uint8_t *p, unsigned off, uint32_t v)
{
	copy(p + off, &v, 4);
}

static inline uint32_t get32(const uint8_t *p, unsigned off)
{
	uint32_t v;

	copy(&v, p + off, 4);
	return v;
}

static void serial_init(void)
{
	outb(COM1 + 1, 0);    /* no interrupts */
	outb(COM1 + 3, 0x80); /* divisor latch */
	outb(COM1 + 0, 1);    /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on */
}

static void putc_serial(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static void put_hex(uint64_t v, int digits)
{
	puts_serial("0x");
	for (int i = digits - 1; i >= 0; i--)
		putc_serial("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void put_dec(uint64_t v)
{
	char buf[24];
	int n = 0;

	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		putc_serial(buf[--n]);
}

/* Leave the emulator: QEMU's isa-debug-exit, then Bochs's shutdown port. */
static __attribute__((noreturn)) void leave(uint8_t code)
{
	while (!(inb(COM1 + 5) & 0x40)) /* the last byte out of the UART */
		;
	outb(QEMU_DEBUG_EXIT, code);
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN, (uint8_t)*s);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void dump_leaf(uint32_t leaf, uint32_t sub)
{
	uint32_t r[4];

	cpuid(leaf, sub, r);
	puts_serial("   ");
	put_hex(leaf, 8);
	putc_serial(' ');
	put_hex(sub, 2);
	putc_serial(':');
	for (int i = 0; i < 4; i++) {
		putc_serial(' ');
		putc_serial('e');
		putc_serial("abcd"[i]);
		puts_serial("x=");
		put_hex(r[i], 8);
	}
	putc_serial('\n');
}

/*
 * Every basic and extended leaf up to the maximum (svmcheck refuses a dump
 * with a leaf missing below the maximum), sub-leaf 0, plus the sub-leaves
 * 7.1 and 0xD.1 whose bits gate CR4 and EFER.
 */
static void dump_cpuid(void)
{
	uint32_t r[4];

	/* a line of its own after whatever the firmware printed */
	puts_serial("\ncpuid begin\nCPU 0:\n");
	cpuid(0, 0, r);
	for (uint32_t l = 0; l <= r[0] && l < 0x40; l++) {
		dump_leaf(l, 0);
		if (l == 7 || l == 0xd)
			dump_leaf(l, 1);
	}
	cpuid(0x80000000u, 0, r);
	for (uint32_t l = 0x80000000u; l <= r[0] && l < 0x80000040u; l++)
		dump_leaf(l, 0);
	puts_serial("cpuid end\n");
}

void isr_handler(struct isr_frame *f)
{
	if (f->vector == 13 && f->rip == (uint64_t)vmrun_insn) {
		vmrun_gp = 1;
		f->rip = (uint64_t)vmrun_resume;
		return;
	}
	puts_serial("fatal host exception ");
	put_dec(f->vector);
	puts_serial(" error ");
	put_hex(f->error, 8);
	puts_serial(" rip ");
	put_hex(f->rip, 16);
	putc_serial('\n');
	leave(3);
}

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint64_t)idt };

	for (int v = 0; v < 32; v++) {
		uint64_t a = isr_table[v];

		idt[v] = (struct idt_gate){ .off0 = (uint16_t)a,
					    .sel = 0x08,
					    .type = 0x8e,
					    .off1 = (uint16_t)(a >> 16),
					    .off2 = (uint32_t)(a >> 32) };
	}
	__asm__ volatile("lidt %0" : : "m"(desc));
}

static void tables_init(void)
{
	for (int i = 0; i < 512; i++) {
		g_pd[i] = ((uint64_t)i << 21) | 0x83;       /* P RW PS */
		n_pd[i] = ((uint64_t)i << 21) | 0x87;       /* P RW US PS */
		g_pae[i] = (uint64_t)(uintptr_t)g_pd | 0x1; /* PDPTE: P only */
	}
	g_pml5[0] = (uint64_t)(uintptr_t)g_pml4 | 0x3;
	g_pml4[0] = (uint64_t)(uintptr_t)g_pdpt | 0x3;
	g_pdpt[0] = (uint64_t)(uintptr_t)g_pd | 0x3;
	n_pml4[0] = (uint64_t)(uintptr_t)n_pdpt | 0x7;
	n_pdpt[0] = (uint64_t)(uintptr_t)n_pd | 0x7;
	for (int i = 0; i < 1024; i++)
		g_pt32[i] = ((uint32_t)i << 12) | 0x3;
	g_pd32[0] = (uint32_t)(uintptr_t)g_pt32 | 0x3;
	for (unsigned i = 0; i < PAGE; i++)
		hlt_page[i] = 0xf4;
}

/* Replace the address bits of a CR3-like value below MAXPHYADDR. */
static uint64_t with_table(uint64_t v, const void *table)
{
	return (v & ~phys_mask) | (uint64_t)(uintptr_t)table;
}

/*
 * The changes the image needs to come back at once, and no more: every
 * exception, HLT and SHUTDOWN intercepted; clean bits 0 (a fresh VMCB);
 * RIP on a page of HLT with CS base 0 and no IDT (an injected event faults
 * into an intercept instead of running whatever the image's IDT points at);
 * and the table address bits of CR3 (only with CR0.PG) and nCR3 (only with
 * a nested_ctl bit set: Bochs turns NP on for any bit of that byte).  The
 * bits a check reads (at and above MAXPHYADDR, and 11:0) stay.
 */
static void adjust(uint8_t *v)
{
	uint64_t efer = get64(v, VMCB_EFER), cr0 = get64(v, VMCB_CR0), cr4 = get64(v, VMCB_CR4);

	put32(v, VMCB_INTERCEPT_EXC, 0xffffffffu);
	put32(v, VMCB_INTERCEPT_MISC1,
	      get32(v, VMCB_INTERCEPT_MISC1) | INTERCEPT_HLT | INTERCEPT_SHUTDOWN);
	put32(v, VMCB_CLEAN, 0);
	put64(v, VMCB_RIP, (uint64_t)(uintptr_t)hlt_page);
	put64(v, VMCB_CS_BASE, 0);
	put32(v, VMCB_CS_LIMIT, 0xffffffffu);
	put32(v, VMCB_IDTR_LIMIT, 0);
	put64(v, VMCB_IDTR_BASE, 0);
	put64(v, VMCB_EXIT_CODE, 0);
	if (cr0 & CR0_PG) {
		const void *t;

		if ((efer & (lma_as_loaded ? EFER_LMA : EFER_LME)) && (cr4 & CR4_PAE))
			t = (cr4 & CR4_LA57) ? (const void *)g_pml5 : (const void *)g_pml4;
		else if (cr4 & CR4_PAE)
			t = g_pae;
		else
			t = g_pd32;
		put64(v, VMCB_CR3, with_table(get64(v, VMCB_CR3), t));
	}
	if (get64(v, VMCB_NESTED_CTL) & 0xff)
		put64(v, VMCB_NCR3, with_table(get64(v, VMCB_NCR3), n_pml4));
}

/* noinline: the labels the #GP handler compares with exist once. */
static __attribute__((noinline)) void run(uint64_t pa)
{
	__asm__ volatile("clgi\n\t"
			 ".globl vmrun_insn\n"
			 "vmrun_insn:\n\t"
			 "vmrun\n\t"
			 ".globl vmrun_resume\n"
			 "vmrun_resume:\n\t"
			 "stgi"
			 : "+a"(pa)
			 :
			 : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
			   "r13", "r14", "r15", "memory", "cc");
}

/* ATA PIO, primary master, LBA28: read n sectors at lba into dst. */
static void ata_read(uint32_t lba, unsigned n, void *dst)
{
	uint16_t *p = dst;

	while (inb(ATA + 7) & 0x80)
		;
	outb(ATA + 6, (uint8_t)(0xe0 | ((lba >> 24) & 0x0f)));
	outb(ATA + 2, (uint8_t)n);
	outb(ATA + 3, (uint8_t)lba);
	outb(ATA + 4, (uint8_t)(lba >> 8));
	outb(ATA + 5, (uint8_t)(lba >> 16));
	outb(ATA + 7, 0x20);
	for (unsigned s = 0; s < n; s++) {
		uint8_t st;

		while ((st = inb(ATA + 7)) & 0x80)
			;
		if (!(st & 0x08) || (st & 0x01)) {
			puts_serial("fatal ATA read error at sector ");
			put_dec(lba + s);
			putc_serial('\n');
			leave(3);
		}
		unsigned long words = 256;

		__asm__ volatile("rep insw" : "+D"(p), "+c"(words) : "d"(ATA) : "memory");
	}
}

/* Page i of the blob (0 is its header) into dst: memory or disk. */
static const uint8_t *blob_mem;

static void blob_page(uint32_t i, uint8_t *dst)
{
	if (blob_mem)
		copy(dst, blob_mem + (uint64_t)i * PAGE, PAGE);
	else
		ata_read(BLOB_DISK_LBA + i * (PAGE / 512), PAGE / 512, dst);
}

void conform_main(uint32_t magic, uint32_t mbi)
{
	const struct blob_header *h = (const struct blob_header *)blob_head;
	uint32_t r[4];

	serial_init();
	idt_init();
	tables_init();
	cpuid(1, 0, r);
	lma_as_loaded = (r[2] >> 31) & 1;
	cpuid(0x80000008u, 0, r);
	phys_mask = ((1ull << (r[0] & 0xff)) - 1) & ~0xfffull;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (1ull << 12));
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)(uintptr_t)hsave);
	dump_cpuid();

	/* multiboot information: flags at 0, mods_count at 20, mods_addr at 24 */
	if (magic == MB_BOOT_MAGIC) {
		const uint32_t *info = (const uint32_t *)(uintptr_t)mbi;

		if ((info[0] & (1u << 3)) && info[5])
			blob_mem =
				(const uint8_t *)(uintptr_t) * (const uint32_t *)(uintptr_t)info[6];
	}
	/*
	 * The #GP catch works: VMRUN with rAX not page-aligned raises #GP in
	 * QEMU and Bochs alike (the runner checks this line).
	 */
	run((uint64_t)(uintptr_t)vmcb | 1);
	puts_serial(vmrun_gp ? "gp check: caught\n" : "gp check: VMRUN did not fault\n");
	blob_page(0, blob_head);
	if (h->magic != BLOB_MAGIC) {
		puts_serial(blob_mem ? "fatal no blob in the module\n" :
				       "fatal no blob on the disk\n");
		leave(3);
	}
	puts_serial("start ");
	put_dec(h->start);
	puts_serial(" count ");
	put_dec(h->count);
	putc_serial('\n');
	for (uint32_t i = h->start; i < h->count; i++) {
		blob_page(1 + i, vmcb);
		adjust(vmcb);
		vmrun_gp = 0;
		run((uint64_t)(uintptr_t)vmcb);
		puts_serial("img ");
		put_dec(i);
		if (vmrun_gp) {
			puts_serial(" gp\n");
		} else {
			puts_serial(" exit ");
			put_hex(get64(vmcb, VMCB_EXIT_CODE), 16);
			putc_serial('\n');
		}
	}
	puts_serial("done\n");
	leave(0);
}
