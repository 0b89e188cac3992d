/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attaching to a running VM's request queues from another process: the
 * control socket's "ring-attach" hands over guest RAM's memfd and each
 * request queue's two eventfds (SCM_RIGHTS); the queues are mapped from
 * the memfd. The attachment lasts as long as the connection is open.
 */
#ifndef SV_VMM_RING_ATTACH_H
#define SV_VMM_RING_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include <sv/ring.h>

#define RING_ATTACH_MSG_MAX 512

struct ring_attachment {
	int sock;            /* the control connection; closing it detaches */
	unsigned queues;     /* request queues, one per guest CPU */
	uint64_t ring_gpa;   /* guest-physical address of queue 0 */
	uint64_t queue_size; /* bytes per queue */
	void *map;           /* queues 0..queues-1, mapped shared */
	size_t map_len;
	int kick_fd[SV_RING_QUEUES_MAX]; /* eventfd: the queue's MSI to the guest */
	int call_fd[SV_RING_QUEUES_MAX]; /* eventfd: the guest rang the doorbell */
};

/* Connects to the control socket at path and attaches. 0, or -1 with msg
 * saying why (a VMM's refusal verbatim). */
int ring_attach(const char *path, struct ring_attachment *a,
		char msg[RING_ATTACH_MSG_MAX]);

struct sv_ring_queue *ring_attachment_queue(const struct ring_attachment *a,
					    unsigned q);

/* Unmaps, closes every fd and the connection (which releases the rings). */
void ring_detach(struct ring_attachment *a);

#endif
