/*
 * svmcheck/vmcb.h - the AMD SVM Virtual Machine Control Block, byte for byte.
 *
 * One 4 KiB page: the control area (0x000-0x3FF) and the legacy state save
 * area (0x400-0x6E7), the rest reserved; the SEV-ES/SNP VMSA is its own page
 * and its own struct.  Fields are fixed-width, little-endian, in APM order
 * (AMD APM vol. 2, appendix B), with reserved gaps named by their offset as
 * Linux arch/x86/include/asm/svm.h does.  Every offset and every area size is
 * asserted at compile time below.  No C bitfields: hardware words are decoded
 * with the shift/mask macros at the end of this file.
 *
 * Readers copy bytes into these structs (memcpy); nothing casts a buffer.
 */
#ifndef SVMCHECK_VMCB_H
#define SVMCHECK_VMCB_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svmcheck reads VMCBs by memcpy and needs a little-endian host"
#endif

#define SVMC_VMCB_PAGE_SIZE 4096u
#define SVMC_VMCB_SAVE_OFFSET 0x400u

/* the layout is the documentation: offsets, bit macros and asserts in columns */
/* clang-format off */
/* Control area, APM vol. 2 table B-1. */
struct svmc_vmcb_control {
	uint32_t intercept_cr;          /* 0x000 CR0-15 read [15:0], write [31:16] */
	uint32_t intercept_dr;          /* 0x004 DR0-15 read [15:0], write [31:16] */
	uint32_t intercept_exceptions;  /* 0x008 bit n: exception vector n */
	uint32_t intercept_misc1;       /* 0x00C INTR, NMI, ... SHUTDOWN */
	uint32_t intercept_misc2;       /* 0x010 VMRUN (bit 0), VMMCALL, ... */
	uint32_t intercept_misc3;       /* 0x014 INVLPGB, INVPCID, ... */
	uint8_t reserved_0x018[36];
	uint16_t pause_filter_thresh;   /* 0x03C */
	uint16_t pause_filter_count;    /* 0x03E */
	uint64_t iopm_base_pa;          /* 0x040 bits 11:0 ignored */
	uint64_t msrpm_base_pa;         /* 0x048 bits 11:0 ignored */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 0 is illegal (APM 15.5.1) */
	uint8_t tlb_ctl;                /* 0x05C APM 15.16 */
	uint8_t erap_ctl;               /* 0x05D ERAPS */
	uint8_t reserved_0x05e[2];
	uint32_t int_ctl;               /* 0x060 V_TPR, V_IRQ, V_GIF, vNMI, AVIC */
	uint32_t int_vector;            /* 0x064 V_INTR_VECTOR [7:0] */
	uint32_t int_state;             /* 0x068 interrupt shadow */
	uint8_t reserved_0x06c[4];
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info_1;           /* 0x078 */
	uint64_t exit_info_2;           /* 0x080 */
	uint32_t exit_int_info;         /* 0x088 EVENTINJ encoding */
	uint32_t exit_int_info_err;     /* 0x08C */
	uint64_t nested_ctl;            /* 0x090 NP, SEV, SEV-ES (misc_ctl) */
	uint64_t avic_vapic_bar;        /* 0x098 */
	uint64_t ghcb_gpa;              /* 0x0A0 */
	uint32_t event_inj;             /* 0x0A8 APM 15.20 */
	uint32_t event_inj_err;         /* 0x0AC */
	uint64_t nested_cr3;            /* 0x0B0 APM 15.25.4 */
	uint64_t virt_ext;              /* 0x0B8 LBR virt, vVMLOAD/VMSAVE (misc_ctl2) */
	uint32_t clean;                 /* 0x0C0 VMCB clean bits */
	uint8_t reserved_0x0c4[4];
	uint64_t next_rip;              /* 0x0C8 */
	uint8_t insn_len;               /* 0x0D0 */
	uint8_t insn_bytes[15];         /* 0x0D1 */
	uint64_t avic_backing_page;     /* 0x0E0 */
	uint8_t reserved_0x0e8[8];
	uint64_t avic_logical_id;       /* 0x0F0 */
	uint64_t avic_physical_id;      /* 0x0F8 */
	uint8_t reserved_0x100[8];
	uint64_t vmsa_pa;               /* 0x108 */
	uint8_t reserved_0x110[16];
	uint16_t bus_lock_counter;      /* 0x120 */
	uint8_t reserved_0x122[22];
	uint64_t allowed_sev_features;  /* 0x138 bit 63 = valid (APM 15.36.20) */
	uint64_t guest_sev_features;    /* 0x140 */
	uint8_t reserved_0x148[664];
	uint8_t reserved_sw[32];        /* 0x3E0 software use (Hyper-V) */
};

/* A segment register in the save area: 16 bytes. */
struct svmc_vmcb_seg {
	uint16_t selector; /* +0 */
	uint16_t attrib;   /* +2 descriptor bits 15:8 then 23:20 */
	uint32_t limit;    /* +4 */
	uint64_t base;     /* +8 */
};

/* Legacy / SEV-MEM state save area, APM table B-2, at page offset 0x400. */
struct svmc_vmcb_save {
	struct svmc_vmcb_seg es;             /* 0x400 */
	struct svmc_vmcb_seg cs;             /* 0x410 */
	struct svmc_vmcb_seg ss;             /* 0x420 */
	struct svmc_vmcb_seg ds;             /* 0x430 */
	struct svmc_vmcb_seg fs;             /* 0x440 */
	struct svmc_vmcb_seg gs;             /* 0x450 */
	struct svmc_vmcb_seg gdtr;           /* 0x460 */
	struct svmc_vmcb_seg ldtr;           /* 0x470 */
	struct svmc_vmcb_seg idtr;           /* 0x480 */
	struct svmc_vmcb_seg tr;             /* 0x490 */
	uint8_t reserved_0x4a0[42];
	uint8_t vmpl;                   /* 0x4CA */
	uint8_t cpl;                    /* 0x4CB */
	uint8_t reserved_0x4cc[4];
	uint64_t efer;                  /* 0x4D0 */
	uint8_t reserved_0x4d8[112];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t reserved_0x580[88];
	uint64_t rsp;                   /* 0x5D8 */
	uint64_t s_cet;                 /* 0x5E0 */
	uint64_t ssp;                   /* 0x5E8 */
	uint64_t isst_addr;             /* 0x5F0 */
	uint64_t rax;                   /* 0x5F8 */
	uint64_t star;                  /* 0x600 */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t reserved_0x648[32];
	uint64_t g_pat;                 /* 0x668 */
	uint64_t dbgctl;                /* 0x670 */
	uint64_t br_from;               /* 0x678 */
	uint64_t br_to;                 /* 0x680 */
	uint64_t last_excp_from;        /* 0x688 */
	uint64_t last_excp_to;          /* 0x690 */
	uint8_t reserved_0x698[72];
	uint64_t spec_ctrl;             /* 0x6E0 */
};

/* The whole page. */
struct svmc_vmcb {
	struct svmc_vmcb_control control;    /* 0x000 */
	struct svmc_vmcb_save save;          /* 0x400 */
	uint8_t reserved_0x6e8[SVMC_VMCB_PAGE_SIZE - 0x6e8];
};

/*
 * SEV-ES/SNP save area (VMSA), a page of its own addressed by vmsa_pa.
 * Offsets relative to the VMSA page.
 */
struct svmc_vmcb_vmsa {
	struct svmc_vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint64_t pl0_ssp;               /* 0x0A0 */
	uint64_t pl1_ssp;               /* 0x0A8 */
	uint64_t pl2_ssp;               /* 0x0B0 */
	uint64_t pl3_ssp;               /* 0x0B8 */
	uint64_t u_cet;                 /* 0x0C0 */
	uint8_t reserved_0x0c8[2];
	uint8_t vmpl;                   /* 0x0CA */
	uint8_t cpl;                    /* 0x0CB */
	uint8_t reserved_0x0cc[4];
	uint64_t efer;                  /* 0x0D0 */
	uint8_t reserved_0x0d8[104];
	uint64_t xss;                   /* 0x140 */
	uint64_t cr4;                   /* 0x148 */
	uint64_t cr3;                   /* 0x150 */
	uint64_t cr0;                   /* 0x158 */
	uint64_t dr7;                   /* 0x160 */
	uint64_t dr6;                   /* 0x168 */
	uint64_t rflags;                /* 0x170 */
	uint64_t rip;                   /* 0x178 */
	uint64_t dr0, dr1, dr2, dr3;    /* 0x180 */
	uint64_t dr0_addr_mask, dr1_addr_mask, dr2_addr_mask, dr3_addr_mask; /* 0x1A0 */
	uint8_t reserved_0x1c0[24];
	uint64_t rsp;                   /* 0x1D8 */
	uint64_t s_cet;                 /* 0x1E0 */
	uint64_t ssp;                   /* 0x1E8 */
	uint64_t isst_addr;             /* 0x1F0 */
	uint64_t rax;                   /* 0x1F8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x200 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x228 */
	uint64_t cr2;                   /* 0x240 */
	uint8_t reserved_0x248[32];
	uint64_t g_pat;                 /* 0x268 */
	uint64_t dbgctl;                /* 0x270 */
	uint64_t br_from;               /* 0x278 */
	uint64_t br_to;                 /* 0x280 */
	uint64_t last_excp_from;        /* 0x288 */
	uint64_t last_excp_to;          /* 0x290 */
	uint8_t reserved_0x298[80];
	uint32_t pkru;                  /* 0x2E8 */
	uint32_t tsc_aux;               /* 0x2EC */
	uint64_t tsc_scale;             /* 0x2F0 */
	uint64_t tsc_offset;            /* 0x2F8 */
	uint8_t reserved_0x300[8];
	uint64_t rcx, rdx, rbx;         /* 0x308 */
	uint8_t reserved_0x320[8];
	uint64_t rbp, rsi, rdi;         /* 0x328 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t reserved_0x380[16];
	uint64_t guest_exit_info_1;     /* 0x390 */
	uint64_t guest_exit_info_2;     /* 0x398 */
	uint64_t guest_exit_int_info;   /* 0x3A0 */
	uint64_t guest_nrip;            /* 0x3A8 */
	uint64_t sev_features;          /* 0x3B0 */
	uint64_t vintr_ctrl;            /* 0x3B8 */
	uint64_t guest_exit_code;       /* 0x3C0 */
	uint64_t virtual_tom;           /* 0x3C8 */
	uint64_t tlb_id;                /* 0x3D0 */
	uint64_t pcpu_id;               /* 0x3D8 */
	uint64_t event_inj;             /* 0x3E0 */
	uint64_t xcr0;                  /* 0x3E8 */
	uint8_t reserved_0x3f0[16];
	uint64_t x87_dp;                /* 0x400 */
	uint32_t mxcsr;                 /* 0x408 */
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs; /* 0x40C */
	uint64_t x87_rip;               /* 0x418 */
	uint8_t fpreg_x87[80];          /* 0x420 */
	uint8_t fpreg_xmm[256];         /* 0x470 */
	uint8_t fpreg_ymm[256];         /* 0x570 */
};

/* ---- compile-time proofs of the layout ---------------------------------- */
#define SVMC_VMCB_ASSERT_OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " at " #off)
#define SVMC_VMCB_CTRL(field, off) SVMC_VMCB_ASSERT_OFF(struct svmc_vmcb_control, field, off)
#define SVMC_VMCB_SAVE(field, off) SVMC_VMCB_ASSERT_OFF(struct svmc_vmcb, save.field, off)
#define SVMC_VMCB_VMSA(field, off) SVMC_VMCB_ASSERT_OFF(struct svmc_vmcb_vmsa, field, off)

SVMC_VMCB_CTRL(intercept_cr, 0x000); SVMC_VMCB_CTRL(intercept_dr, 0x004);
SVMC_VMCB_CTRL(intercept_exceptions, 0x008); SVMC_VMCB_CTRL(intercept_misc1, 0x00C);
SVMC_VMCB_CTRL(intercept_misc2, 0x010); SVMC_VMCB_CTRL(intercept_misc3, 0x014);
SVMC_VMCB_CTRL(reserved_0x018, 0x018); SVMC_VMCB_CTRL(pause_filter_thresh, 0x03C);
SVMC_VMCB_CTRL(pause_filter_count, 0x03E); SVMC_VMCB_CTRL(iopm_base_pa, 0x040);
SVMC_VMCB_CTRL(msrpm_base_pa, 0x048); SVMC_VMCB_CTRL(tsc_offset, 0x050);
SVMC_VMCB_CTRL(asid, 0x058); SVMC_VMCB_CTRL(tlb_ctl, 0x05C); SVMC_VMCB_CTRL(erap_ctl, 0x05D);
SVMC_VMCB_CTRL(reserved_0x05e, 0x05E); SVMC_VMCB_CTRL(int_ctl, 0x060);
SVMC_VMCB_CTRL(int_vector, 0x064); SVMC_VMCB_CTRL(int_state, 0x068);
SVMC_VMCB_CTRL(reserved_0x06c, 0x06C); SVMC_VMCB_CTRL(exit_code, 0x070);
SVMC_VMCB_CTRL(exit_info_1, 0x078); SVMC_VMCB_CTRL(exit_info_2, 0x080);
SVMC_VMCB_CTRL(exit_int_info, 0x088); SVMC_VMCB_CTRL(exit_int_info_err, 0x08C);
SVMC_VMCB_CTRL(nested_ctl, 0x090); SVMC_VMCB_CTRL(avic_vapic_bar, 0x098);
SVMC_VMCB_CTRL(ghcb_gpa, 0x0A0); SVMC_VMCB_CTRL(event_inj, 0x0A8);
SVMC_VMCB_CTRL(event_inj_err, 0x0AC); SVMC_VMCB_CTRL(nested_cr3, 0x0B0);
SVMC_VMCB_CTRL(virt_ext, 0x0B8); SVMC_VMCB_CTRL(clean, 0x0C0);
SVMC_VMCB_CTRL(reserved_0x0c4, 0x0C4); SVMC_VMCB_CTRL(next_rip, 0x0C8);
SVMC_VMCB_CTRL(insn_len, 0x0D0); SVMC_VMCB_CTRL(insn_bytes, 0x0D1);
SVMC_VMCB_CTRL(avic_backing_page, 0x0E0); SVMC_VMCB_CTRL(reserved_0x0e8, 0x0E8);
SVMC_VMCB_CTRL(avic_logical_id, 0x0F0); SVMC_VMCB_CTRL(avic_physical_id, 0x0F8);
SVMC_VMCB_CTRL(reserved_0x100, 0x100); SVMC_VMCB_CTRL(vmsa_pa, 0x108);
SVMC_VMCB_CTRL(reserved_0x110, 0x110); SVMC_VMCB_CTRL(bus_lock_counter, 0x120);
SVMC_VMCB_CTRL(reserved_0x122, 0x122); SVMC_VMCB_CTRL(allowed_sev_features, 0x138);
SVMC_VMCB_CTRL(guest_sev_features, 0x140); SVMC_VMCB_CTRL(reserved_0x148, 0x148);
SVMC_VMCB_CTRL(reserved_sw, 0x3E0);
_Static_assert(sizeof(struct svmc_vmcb_control) == 0x400, "control area is 1024 bytes");

_Static_assert(sizeof(struct svmc_vmcb_seg) == 16, "segment is 16 bytes");
_Static_assert(offsetof(struct svmc_vmcb_seg, attrib) == 2, "seg.attrib at +2");
_Static_assert(offsetof(struct svmc_vmcb_seg, limit) == 4, "seg.limit at +4");
_Static_assert(offsetof(struct svmc_vmcb_seg, base) == 8, "seg.base at +8");

SVMC_VMCB_ASSERT_OFF(struct svmc_vmcb, save, 0x400);
SVMC_VMCB_SAVE(es, 0x400); SVMC_VMCB_SAVE(cs, 0x410); SVMC_VMCB_SAVE(ss, 0x420);
SVMC_VMCB_SAVE(ds, 0x430); SVMC_VMCB_SAVE(fs, 0x440); SVMC_VMCB_SAVE(gs, 0x450);
SVMC_VMCB_SAVE(gdtr, 0x460); SVMC_VMCB_SAVE(ldtr, 0x470); SVMC_VMCB_SAVE(idtr, 0x480);
SVMC_VMCB_SAVE(tr, 0x490); SVMC_VMCB_SAVE(reserved_0x4a0, 0x4A0); SVMC_VMCB_SAVE(vmpl, 0x4CA);
SVMC_VMCB_SAVE(cpl, 0x4CB); SVMC_VMCB_SAVE(reserved_0x4cc, 0x4CC); SVMC_VMCB_SAVE(efer, 0x4D0);
SVMC_VMCB_SAVE(reserved_0x4d8, 0x4D8); SVMC_VMCB_SAVE(cr4, 0x548); SVMC_VMCB_SAVE(cr3, 0x550);
SVMC_VMCB_SAVE(cr0, 0x558); SVMC_VMCB_SAVE(dr7, 0x560); SVMC_VMCB_SAVE(dr6, 0x568);
SVMC_VMCB_SAVE(rflags, 0x570); SVMC_VMCB_SAVE(rip, 0x578); SVMC_VMCB_SAVE(reserved_0x580, 0x580);
SVMC_VMCB_SAVE(rsp, 0x5D8); SVMC_VMCB_SAVE(s_cet, 0x5E0); SVMC_VMCB_SAVE(ssp, 0x5E8);
SVMC_VMCB_SAVE(isst_addr, 0x5F0); SVMC_VMCB_SAVE(rax, 0x5F8); SVMC_VMCB_SAVE(star, 0x600);
SVMC_VMCB_SAVE(lstar, 0x608); SVMC_VMCB_SAVE(cstar, 0x610); SVMC_VMCB_SAVE(sfmask, 0x618);
SVMC_VMCB_SAVE(kernel_gs_base, 0x620); SVMC_VMCB_SAVE(sysenter_cs, 0x628);
SVMC_VMCB_SAVE(sysenter_esp, 0x630); SVMC_VMCB_SAVE(sysenter_eip, 0x638);
SVMC_VMCB_SAVE(cr2, 0x640); SVMC_VMCB_SAVE(reserved_0x648, 0x648); SVMC_VMCB_SAVE(g_pat, 0x668);
SVMC_VMCB_SAVE(dbgctl, 0x670); SVMC_VMCB_SAVE(br_from, 0x678); SVMC_VMCB_SAVE(br_to, 0x680);
SVMC_VMCB_SAVE(last_excp_from, 0x688); SVMC_VMCB_SAVE(last_excp_to, 0x690);
SVMC_VMCB_SAVE(reserved_0x698, 0x698); SVMC_VMCB_SAVE(spec_ctrl, 0x6E0);
_Static_assert(sizeof(struct svmc_vmcb_save) == 744, "legacy save area is 744 bytes");
SVMC_VMCB_ASSERT_OFF(struct svmc_vmcb, reserved_0x6e8, 0x6E8);
_Static_assert(sizeof(struct svmc_vmcb) == SVMC_VMCB_PAGE_SIZE, "a VMCB is one 4 KiB page");

SVMC_VMCB_VMSA(pl0_ssp, 0x0A0); SVMC_VMCB_VMSA(u_cet, 0x0C0); SVMC_VMCB_VMSA(vmpl, 0x0CA);
SVMC_VMCB_VMSA(cpl, 0x0CB); SVMC_VMCB_VMSA(efer, 0x0D0); SVMC_VMCB_VMSA(xss, 0x140);
SVMC_VMCB_VMSA(cr4, 0x148); SVMC_VMCB_VMSA(cr3, 0x150); SVMC_VMCB_VMSA(cr0, 0x158);
SVMC_VMCB_VMSA(dr7, 0x160); SVMC_VMCB_VMSA(dr6, 0x168); SVMC_VMCB_VMSA(rflags, 0x170);
SVMC_VMCB_VMSA(rip, 0x178); SVMC_VMCB_VMSA(dr0, 0x180); SVMC_VMCB_VMSA(dr0_addr_mask, 0x1A0);
SVMC_VMCB_VMSA(rsp, 0x1D8); SVMC_VMCB_VMSA(s_cet, 0x1E0); SVMC_VMCB_VMSA(rax, 0x1F8);
SVMC_VMCB_VMSA(star, 0x200); SVMC_VMCB_VMSA(sysenter_cs, 0x228); SVMC_VMCB_VMSA(cr2, 0x240);
SVMC_VMCB_VMSA(g_pat, 0x268); SVMC_VMCB_VMSA(last_excp_to, 0x290); SVMC_VMCB_VMSA(pkru, 0x2E8);
SVMC_VMCB_VMSA(tsc_aux, 0x2EC); SVMC_VMCB_VMSA(tsc_scale, 0x2F0); SVMC_VMCB_VMSA(tsc_offset, 0x2F8);
SVMC_VMCB_VMSA(rcx, 0x308); SVMC_VMCB_VMSA(rbx, 0x318); SVMC_VMCB_VMSA(rbp, 0x328);
SVMC_VMCB_VMSA(rdi, 0x338); SVMC_VMCB_VMSA(r8, 0x340); SVMC_VMCB_VMSA(r15, 0x378);
SVMC_VMCB_VMSA(guest_exit_info_1, 0x390); SVMC_VMCB_VMSA(sev_features, 0x3B0);
SVMC_VMCB_VMSA(event_inj, 0x3E0); SVMC_VMCB_VMSA(xcr0, 0x3E8); SVMC_VMCB_VMSA(x87_dp, 0x400);
SVMC_VMCB_VMSA(mxcsr, 0x408); SVMC_VMCB_VMSA(x87_ftw, 0x40C); SVMC_VMCB_VMSA(x87_cs, 0x416);
SVMC_VMCB_VMSA(x87_rip, 0x418); SVMC_VMCB_VMSA(fpreg_x87, 0x420); SVMC_VMCB_VMSA(fpreg_xmm, 0x470);
SVMC_VMCB_VMSA(fpreg_ymm, 0x570);
_Static_assert(sizeof(struct svmc_vmcb_vmsa) == 1648, "VMSA defines 1648 bytes");

/* clang-format on */

#endif /* SVMCHECK_VMCB_H */
