/*
 * bootsect.S - the boot sector of the Bochs disk (Bochs 2.7 has no
 * multiboot loader): reads the program from sectors 1..127 with the BIOS
 * (int 13h, extended read) to 0x10000, enters 32-bit protected mode with a
 * flat GDT, copies the program to its link address (1 MiB) and jumps to
 * the entry the multiboot header names, with EAX = 0 (not the multiboot
 * magic: the guest then reads the images from the disk).
 */
#include "blob.h"

#define BUF_SEG 0x1000
#define LOAD_ADDR 0x100000

	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7c00, %sp
	sti
	mov $dap, %si
	mov $0x42, %ah
	int $0x13
	jc fail

	cli
	in $0x92, %al			/* A20 on (fast gate) */
	or $2, %al
	and $0xfe, %al
	out %al, $0x92
	lgdt gdt_desc
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmp $0x08, $pm32

fail:
	mov $0x3f8, %dx
	mov $'E', %al
	out %al, %dx
	hlt
	jmp fail

	.code32
pm32:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $(BUF_SEG * 16), %esi
	mov $LOAD_ADDR, %edi
	mov $(BLOB_PROGRAM_SECTORS * 512 / 4), %ecx
	cld
	rep movsl
	mov LOAD_ADDR + 28, %edx	/* multiboot header: entry_addr */
	xor %eax, %eax
	jmp *%edx

	.align 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt
dap:
	.byte 0x10, 0
	.word BLOB_PROGRAM_SECTORS
	.word 0, BUF_SEG
	.quad 1

	.org 510
	.word 0xaa55
