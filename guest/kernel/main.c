// SPDX-License-Identifier: GPL-2.0-only
#include <sv/hypercall.h>

#include <arch/cpu.h>
#include <kernel/cobj.h>
#include <kernel/early_alloc.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/panic.h>
#include <kernel/printf.h>
#include <kernel/services.h>
#include <kernel/test.h>
#include <kernel/thread.h>
#include <kernel/update.h>

/* The boot context becomes the idle thread. */
static void __attribute__((noreturn)) idle(void)
{
	for (;;)
		sched_idle();
}

/* CPU 0 runs the self-tests the command line names and exits with their
 * verdict; without tests the kernel starts its services and idles while
 * the request ring's dispatchers serve. */
void kernel_main(const struct sv_boot_info *bi, unsigned cpu)
{
	if (cpu != 0) {
		sched_init_cpu();
		idle();
	}
	if (page_alloc_init(bi, early_alloc_end()) || heap_init(0, bi->ram_size))
		panic("memory: cannot manage the RAM of the boot info (%llu MiB)",
		      (unsigned long long)(bi->ram_size >> 20));
	co_init();
	update_init(bi);
	if (page_allocator_publish())
		panic("memory: no COID for the page allocator");
	sched_init_cpu();
	if (run_tests_requested(bi->cmdline))
		sv_exit((uint32_t)run_tests(bi->cmdline));
	printk("swapvisor guest kernel: %u CPUs, %llu MiB RAM\n", bi->ncpus,
	       (unsigned long long)(bi->ram_size >> 20));
	if (services_start(bi))
		panic("services: cannot start (the message above says which)");
	printk("services: serving %u request queues and the control queue\n", bi->ncpus);
	idle();
}
