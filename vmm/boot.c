// SPDX-License-Identifier: GPL-2.0-only
/*
 * Putting the guest in its boot state: the kernel loaded, the boot info
 * page filled in, and every vCPU already in 64-bit mode at the entry point
 * (no real-mode trampoline, as in Solo5's hvt).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <sv/abi.h>
#include <sv/ring.h>

#include "boot_layout.h"
#include "boot_paging.h"
#include "elf_load.h"
#include "vm.h"

#define CR0_PE 1ull
#define CR0_MP 2ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

static const uint64_t boot_gdt[] = {
	0,
	0x00af9b000000ffffull, /* BOOT_SEL_CODE: 64-bit code, DPL 0 */
	0x00cf93000000ffffull, /* BOOT_SEL_DATA: data, DPL 0 */
};

static void add_region(struct sv_boot_info *bi, uint64_t base, uint64_t end,
		       uint32_t type)
{
	if (end > base && bi->nregions < SV_MEM_REGIONS_MAX)
		bi->regions[bi->nregions++] =
			(struct sv_mem_region){ .base = base, .size = end - base, .type = type };
}

static uint64_t page_up(uint64_t x)
{
	return (x + VM_PAGE_SIZE - 1) & ~(VM_PAGE_SIZE - 1);
}

static uint64_t stacks_base(const struct vm *vm)
{
	return vm->ram_size - vm->ncpus * BOOT_STACK_SIZE;
}

/* The request ring sits right below the stacks: a queue per CPU and the
 * control queue. */
static unsigned ring_queues(const struct vm *vm)
{
	return vm->ncpus + 1;
}

/* Sets vm->ring_base, or says why the ring does not fit. */
static int place_ring(struct vm *vm)
{
	uint64_t size = ring_queues(vm) * (uint64_t)sizeof(struct sv_ring_queue);

	if (stacks_base(vm) <= size + BOOT_KERNEL_MIN) {
		fprintf(stderr, "swapvisor: %llu MiB of guest RAM leaves no room for the "
			"request ring of %u vCPUs (%u queues of %zu KiB)\n",
			(unsigned long long)(vm->ram_size >> 20), vm->ncpus, ring_queues(vm),
			sizeof(struct sv_ring_queue) >> 10);
		return -ENOMEM;
	}
	vm->ring_base = stacks_base(vm) - size;
	return 0;
}

/* The patch area goes below the ring, 2 MiB-aligned so the guest maps
 * each half with one large page of its own permission. */
static int place_patch_area(struct vm *vm)
{
	uint64_t base = (vm->ring_base - SV_PATCH_AREA_SIZE) & ~(PATCH_AREA_ALIGN - 1);

	if (vm->ring_base < SV_PATCH_AREA_SIZE + PATCH_AREA_ALIGN + BOOT_KERNEL_MIN) {
		fprintf(stderr, "swapvisor: %llu MiB of guest RAM leaves no room for the "
			"%llu MiB patch area\n", (unsigned long long)(vm->ram_size >> 20),
			SV_PATCH_AREA_SIZE >> 20);
		return -ENOMEM;
	}
	vm->patch_base = base;
	return 0;
}

static int fill_boot_info(struct vm *vm, const struct elf_image *img,
			  const char *cmdline)
{
	struct sv_boot_info *bi = vm_phys_ptr(vm, BOOT_INFO_GPA, sizeof(*bi));
	uint64_t kernel_end = page_up(img->phys_end);

	if (cmdline && strlen(cmdline) >= SV_CMDLINE_MAX) {
		fprintf(stderr, "swapvisor: guest arguments are %zu bytes, the limit is %d\n",
			strlen(cmdline), SV_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	memset(bi, 0, sizeof(*bi));
	bi->magic = SV_BOOT_MAGIC;
	bi->abi_version = SV_ABI_VERSION;
	bi->ncpus = vm->ncpus;
	bi->ram_size = vm->ram_size;
	bi->stack_size = BOOT_STACK_SIZE;
	bi->stacks_base = stacks_base(vm);
	bi->ring_base = vm->ring_base;
	bi->ring_queues = ring_queues(vm);
	bi->patch_base = vm->patch_base;
	bi->patch_size = SV_PATCH_AREA_SIZE;
	bi->tsc_khz = (uint64_t)ioctl(vm->vcpus[0].fd, KVM_GET_TSC_KHZ, 0);
	if ((int64_t)bi->tsc_khz < 0)
		bi->tsc_khz = 0;
	add_region(bi, 0, BOOT_KERNEL_MIN, SV_MEM_BOOT);
	add_region(bi, BOOT_KERNEL_MIN, img->phys_start, SV_MEM_RAM);
	add_region(bi, img->phys_start, kernel_end, SV_MEM_KERNEL);
	if (kernel_end > vm->patch_base) {
		fprintf(stderr, "swapvisor: the kernel ends at %#llx, inside the patch area at %#llx\n",
			(unsigned long long)kernel_end, (unsigned long long)vm->patch_base);
		return -ENOMEM;
	}
	add_region(bi, kernel_end, vm->patch_base, SV_MEM_RAM);
	add_region(bi, vm->patch_base, vm->patch_base + SV_PATCH_AREA_SIZE, SV_MEM_PATCH);
	if (vm->patch_base + SV_PATCH_AREA_SIZE < bi->ring_base)
		add_region(bi, vm->patch_base + SV_PATCH_AREA_SIZE, bi->ring_base, SV_MEM_RAM);
	add_region(bi, bi->ring_base, bi->stacks_base, SV_MEM_RING);
	add_region(bi, bi->stacks_base, vm->ram_size, SV_MEM_STACKS);
	if (cmdline)
		strcpy(bi->cmdline, cmdline);
	return 0;
}

static struct kvm_segment segment(uint16_t selector, uint8_t type, bool code)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0,
		.g = 1,
	};
}

static int enter_long_mode(struct vcpu *v, uint64_t cr3)
{
	struct kvm_sregs s;
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = segment(BOOT_SEL_CODE, 0xb, true);
	s.ds = s.es = s.fs = s.gs = s.ss = segment(BOOT_SEL_DATA, 0x3, false);
	s.gdt.base = BOOT_GDT_GPA;
	s.gdt.limit = sizeof(boot_gdt) - 1;
	s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s.cr3 = cr3;
	s.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0 || ioctl(v->fd, KVM_SET_FPU, &fpu) < 0)
		return -errno;
	return 0;
}

static int set_entry_regs(struct vm *vm, struct vcpu *v)
{
	struct kvm_regs r = {
		.rip = vm->entry,
		.rsp = stacks_base(vm) + (v->index + 1) * BOOT_STACK_SIZE,
		.rdi = BOOT_INFO_GPA,
		.rsi = v->index,
		.rflags = 2, /* bit 1 is reserved and must be set */
	};
	return ioctl(v->fd, KVM_SET_REGS, &r) < 0 ? -errno : 0;
}

static int boot_vcpus(struct vm *vm, uint64_t cr3)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		int err = enter_long_mode(&vm->vcpus[i], cr3);
		if (!err)
			err = set_entry_regs(vm, &vm->vcpus[i]);
		if (err) {
			fprintf(stderr, "swapvisor: vCPU %u: setting boot registers: %s\n",
				i, strerror(-err));
			return err;
		}
	}
	return 0;
}

int vm_load_kernel(struct vm *vm, const char *path, const char *cmdline)
{
	struct elf_target target = { .ram = vm->ram, .ram_size = vm->ram_size,
				     .load_min = BOOT_KERNEL_MIN };
	struct elf_image img;
	uint64_t cr3;
	int err = place_ring(vm);

	if (!err)
		err = place_patch_area(vm);
	if (err)
		return err;
	target.load_max = vm->patch_base;
	err = elf_load(path, &target, &img);

	if (!err)
		err = fill_boot_info(vm, &img, cmdline);
	if (err)
		return err;
	vm->entry = img.entry;
	snprintf(vm->kernel_path, sizeof(vm->kernel_path), "%s", path);
	for (size_t i = 0; i < img.build_id_len; i++)
		snprintf(vm->kernel_build_id + 2 * i, 3, "%02x", img.build_id[i]);
	vm->boot_info_gpa = BOOT_INFO_GPA;
	memcpy(vm->ram + BOOT_GDT_GPA, boot_gdt, sizeof(boot_gdt));
	cr3 = boot_paging_build(vm->ram, vm->ram_size, img.link_offsets, img.nlink_offsets);
	if (!cr3) {
		fprintf(stderr, "swapvisor: %s: boot page tables do not fit in [%#llx, %#llx)\n",
			path, BOOT_PT_POOL_GPA, BOOT_PT_POOL_END);
		return -ENOMEM;
	}
	err = boot_vcpus(vm, cr3);
	return err ? err : ring_device_setup(vm, ring_queues(vm));
}
