#!/usr/bin/env python3
# gen.py - writes records.raw: eight raw VMCB pages for the kernel-upgrade
# case (--from-model kvm-legacy --to-model kvm on epyc-milan, MAXPHYADDR 48,
# npt present).  Offsets: APM vol. 2 appendix B / include/svmcheck/vmcb.h.
#   0 baseline: 64-bit guest, valid everywhere          VMRUN on both
#   1 EVENTINJ TYPE 3 vector 2 (NMI as an exception)    kvm: CTRL.EVENTINJ.VECTOR
#   2 EVENTINJ TYPE 1 (reserved)                        kvm: CTRL.EVENTINJ.TYPE
#   3 NP_ENABLE, nCR3 = 2^48 (bit 48 >= MAXPHYADDR)     kvm: CTRL.NP.NCR3
#   4 CS.L and CS.D both set in long mode               kvm: SAVE.LM.CS_LD
#   5 ASID 0                                            fails on both (no change)
#   6 EVENTINJ TYPE 3 vector 14 (#PF) with error code   valid on both
#   7 NP_ENABLE, nCR3 = 0x100000 (legal)                valid on both
import struct

def page(**kw):
    p = bytearray(4096)
    def put(off, fmt, v):
        struct.pack_into('<' + fmt, p, off, v)
    put(0x010, 'I', 1)                 # intercept_misc2: VMRUN
    put(0x040, 'Q', 0x20000)           # iopm_base_pa
    put(0x048, 'Q', 0x10000)           # msrpm_base_pa
    put(0x058, 'I', kw.get('asid', 1))
    put(0x090, 'Q', kw.get('nested_ctl', 0))
    put(0x0A8, 'I', kw.get('event_inj', 0))
    put(0x0B0, 'Q', kw.get('nested_cr3', 0))
    put(0x410 + 2, 'H', kw.get('cs_attrib', 0x029b))   # P S type 0xb, L
    put(0x4D0, 'Q', 0x1d01)            # EFER: SCE LME LMA NXE SVME
    put(0x548, 'Q', 0x620)             # CR4: PAE OSFXSR OSXMMEXCPT
    put(0x550, 'Q', 0x1000)            # CR3
    put(0x558, 'Q', 0x80050033)        # CR0: PG AM WP NE ET MP PE
    put(0x560, 'Q', 0x400)             # DR7
    put(0x568, 'Q', 0xffff0ff0)        # DR6
    put(0x570, 'Q', 0x2)               # RFLAGS
    put(0x668, 'Q', 0x0007040600070406)  # G_PAT
    return bytes(p)

pages = [
    page(),
    page(event_inj=0x80000302),
    page(event_inj=0x80000100),
    page(nested_ctl=1, nested_cr3=1 << 48),
    page(cs_attrib=0x069b),
    page(asid=0),
    page(event_inj=0x80000b0e),
    page(nested_ctl=1, nested_cr3=0x100000),
]
with open('records.raw', 'wb') as f:
    for pg in pages:
        f.write(pg)
