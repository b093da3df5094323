#!/usr/bin/env python3
# make_nested.py - writes the nested-state blob the diff cases compare with
# tests/fixtures/raw/nested.bin (header flags 0x0101 = GUEST_MODE | GIF_SET,
# format 1, size 4224, vmcb_pa 0x12345000, then dump25.bin).  The .bin file is
# committed; this documents its bytes.  Run from this folder:
# python3 make_nested.py
#   noguest.bin  the same blob with flags 0x0100 (GIF_SET only: not in guest
#                mode, so KVM_SET_NESTED_STATE has nothing nested to check)
#                and vmcb_pa 0x12346000
import struct

blob = bytearray(open('../../../fixtures/raw/nested.bin', 'rb').read())
assert len(blob) == 128 + 4096
struct.pack_into('<H', blob, 0, 0x0100)
struct.pack_into('<Q', blob, 8, 0x12346000)
with open('noguest.bin', 'wb') as f:
    f.write(blob)
