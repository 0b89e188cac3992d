// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest that answers every control-queue command with a lie, a
 * different one each time: a slot number out of range, a slot that was
 * never posted, the right slot with a wrong tag, a length past the slot,
 * a status no service returns, and a completion index run far ahead of
 * the requests. The host test checks the VMM refuses each (an error for
 * the command, never a crash) and keeps serving its control socket.
 */
#include <sv/ring.h>

#include "guest.h"

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void publish(struct sv_ring_queue *q, uint32_t slot, uint32_t advance)
{
	uint32_t head = q->idx.comp_head;

	q->comp[head % SV_RING_SLOTS] = slot;
	__atomic_store_n(&q->idx.comp_head, head + advance, __ATOMIC_RELEASE);
}

static void lie(struct sv_ring_queue *q, uint32_t slot, unsigned which)
{
	struct sv_ring_resp *resp = &q->slots[slot].resp;

	*resp = (struct sv_ring_resp){ .tag = q->slots[slot].req.tag,
				       .op = q->slots[slot].req.op };
	switch (which % 6) {
	case 0: publish(q, SV_RING_SLOTS + 7, 1); break;
	case 1: publish(q, (slot + 1) % SV_RING_SLOTS, 1); break;
	case 2: resp->tag ^= 0x5a5a; publish(q, slot, 1); break;
	case 3: resp->len = SV_RING_DATA_MAX + 1; publish(q, slot, 1); break;
	case 4: resp->status = -9999; publish(q, slot, 1); break;
	default: publish(q, slot, 1000); break;
	}
}

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	struct sv_ring_queue *q;
	uint32_t seen = 0;

	if (cpu != 0 || bi->ring_queues != bi->ncpus + 1)
		for (;;)
			__asm__ volatile("hlt");
	q = (struct sv_ring_queue *)(uintptr_t)(bi->ring_base +
						bi->ncpus * sizeof(struct sv_ring_queue));
	uart_puts("ring liar: lying on the control queue\n");
	for (unsigned which = 0;; which++) {
		while (load(&q->idx.req_head) == seen)
			cpu_relax();
		uint32_t slot = q->req[seen % SV_RING_SLOTS] % SV_RING_SLOTS;

		seen++;
		q->idx.req_tail = seen;
		lie(q, slot, which);
		__asm__ volatile("outl %k0, %w1" : : "a"(0u),
				 "Nd"((uint16_t)(SV_RING_PORT_BASE + bi->ncpus)) : "memory");
	}
}
