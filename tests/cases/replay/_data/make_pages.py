#!/usr/bin/env python3
# make_pages.py - writes the raw pages the replay cases use (the .bin/.log
# files here are committed; this documents every byte that differs from the
# readers' fixture tests/fixtures/raw/longmode.bin, a valid 64-bit guest:
# EFER 0x1d00, CR0 0x80000011, CR4 0x20, CS attrib 0x029b, VMRUN intercepted,
# ASID 1, NP on with nCR3 0x300000, EVENTINJ 0x80000b0d = #GP with error code).
# cut.log (by hand): the first 38 lines of tests/fixtures/kvm/prefix_none.log
# (a Linux dump_vmcb() sample up to the end of the control area) with
# a kvm_amd: dmesg prefix, between two unrelated log lines: a dump cut after
# the control area.
# Run from this folder: python3 make_pages.py
import struct

base = bytearray(open('../../../fixtures/raw/longmode.bin', 'rb').read())
assert len(base) == 4096

def patch(vals):
    p = bytearray(base)
    for off, fmt, v in vals:
        struct.pack_into('<' + fmt, p, off, v)
    return p

# EVENTINJ 0x80000315: V, TYPE 3 (exception), vector 21 (#CP), no error code.
# kvm: valid only if the CPU has shstk (epyc-milan yes, epyc-rome no).
cp = patch([(0x0a8, 'I', 0x80000315)])
# EVENTINJ 0x80000301: V, TYPE 3, vector 1 (#DB): valid under kvm, rejected
# by kvm-v1's mask as written (it ORs in NMI_VECTOR, the number 2 = BIT(1)).
db = patch([(0x0a8, 'I', 0x80000301)])
# Three faults: CR4 0x1020 (PAE + LA57, bit 12: reserved without la57),
# ASID 0, and the #CP injection of cp.
multi = patch([(0x548, 'Q', 0x1020), (0x058, 'I', 0), (0x0a8, 'I', 0x80000315)])

for name, data in [('cp.bin', cp), ('db.bin', db), ('multi.bin', multi),
                   ('corpus.bin', base + cp + db + multi)]:
    with open(name, 'wb') as f:
        f.write(data)
