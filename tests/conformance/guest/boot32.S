/*
 * boot32.S - entry of the conformance guest: the multiboot header (a.out
 * kludge, so QEMU -kernel loads this flat image without an ELF loader), the
 * 32-bit entry that both loaders jump to, long mode with an identity map of
 * the first GiB, and the exception stubs whose common path calls
 * isr_handler() (a #GP on VMRUN is caught there).
 *
 * On entry EAX is 0x2badb002 and EBX the multiboot information when QEMU
 * booted us, anything else when the Bochs boot sector did (images then come
 * from the disk).
 */
#define MB_MAGIC 0x1badb002
/* bit 0: modules page-aligned; bit 16: the address fields below are valid */
#define MB_FLAGS 0x00010001

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header		/* header_addr */
	.long image_start	/* load_addr */
	.long image_end		/* load_end_addr */
	.long bss_end		/* bss_end_addr */
	.long entry32		/* entry_addr (the boot sector reads it here too) */

	.section .text.entry32, "ax"
	.code32
	.globl entry32
entry32:
	cli
	cld
	mov %eax, %esi
	mov %ebx, %ebp
	/* zero .bss: the multiboot loader does, our boot sector does not */
	mov $bss_start, %edi
	mov $bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %ebp, %edi
	mov $boot_stack_top, %esp

	/* PD: 512 2-MiB pages (P, RW, PS) = the first GiB, identity */
	mov $host_pd, %ebx
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, (%ebx,%ecx,8)
	movl $0, 4(%ebx,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b
	mov $host_pdpt, %eax
	movl $host_pd + 3, (%eax)
	mov $host_pml4, %eax
	movl $host_pdpt + 3, (%eax)
	mov %eax, %cr3

	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* EFER: LME, SVME */
	rdmsr
	or $0x1100, %eax
	wrmsr
	lgdt gdt_desc
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG, PE */
	and $0x9fffffff, %eax		/* caches on (CD, NW clear) */
	mov %eax, %cr0
	ljmp $0x08, $entry64

	.code64
entry64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $boot_stack_top, %rsp
	/* conform_main(magic, mbi) */
	mov %esi, %eax
	mov %edi, %esi
	mov %eax, %edi
	call conform_main
2:	hlt
	jmp 2b

/*
 * Exception stubs: vectors with a CPU-pushed error code (8, 10-14, 17, 21,
 * 29, 30) push only their number, the others a 0 first, so that the frame
 * has one shape (struct isr_frame in main.c).
 */
	.macro ISR vec
	.align 16
isr\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	push $0
	.endif
	push $\vec
	jmp isr_common
	.endm

	.macro ISR_ADDR vec
	.quad isr\vec
	.endm

	.text
	.altmacro
	.set i, 0
	.rept 32
	ISR %i
	.set i, i + 1
	.endr

isr_common:
	push %rax
	push %rcx
	push %rdx
	push %rbx
	push %rbp
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	call isr_handler
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rbp
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.align 8
	.globl isr_table
isr_table:
	.set i, 0
	.rept 32
	ISR_ADDR %i
	.set i, i + 1
	.endr

	.data
	.align 16
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.bss
	.align 4096
host_pml4:
	.skip 4096
host_pdpt:
	.skip 4096
host_pd:
	.skip 4096
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
