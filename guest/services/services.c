// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/descriptor_allocator.h>
#include <kernel/fs.h>
#include <kernel/printf.h>
#include <kernel/request_ring.h>
#include <kernel/service_registry.h>
#include <kernel/services.h>

int services_start(const struct sv_boot_info *bi)
{
	int err = counter_service_init();

	if (err) {
		printk("services: counters: error %d\n", err);
		return err;
	}
	if (!descriptor_allocator_start())
		return SV_ENOMEM; /* it said why */
	err = fs_init(NULL);
	if (err) {
		printk("services: file system: error %d\n", err);
		return err;
	}
	err = service_registry_add_builtins();
	if (err)
		return err; /* it said which */
	err = request_ring_start(bi);
	if (err)
		printk("services: request ring: error %d\n", err);
	return err;
}
