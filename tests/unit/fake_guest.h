/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stand-in for the guest's services behind the request ring, for unit
 * tests without KVM: queues in anonymous shared memory, real eventfds as
 * doorbells (kick: host -> guest, call: guest -> host), one server thread
 * per queue (or single steps driven by the test) over fake_fs.h's
 * in-memory file system. It can misbehave on
 * purpose, once, to show the host catches it.
 */
#ifndef SV_TEST_FAKE_GUEST_H
#define SV_TEST_FAKE_GUEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <sv/ring.h>

#include "fake_fault.h"

struct fake_fs;
struct fake_guest;

struct fake_server {
	struct fake_guest *g;
	unsigned q;
	pthread_t thread;
};

struct fake_guest {
	struct sv_ring_queue *queues;
	unsigned nqueues;
	int kick_fd[SV_RING_QUEUES_MAX];
	int call_fd[SV_RING_QUEUES_MAX];
	struct fake_server servers[SV_RING_QUEUES_MAX];
	bool running;
	atomic_bool stop;
	/* The fault, done once, on the first request of fault_op served
	 * after fault_after requests (a ring-level fault: of any op). */
	enum fake_fault fault;
	uint32_t fault_op;
	uint64_t fault_after;
	atomic_bool fault_done;
	atomic_uint_fast64_t served;
	atomic_uint_fast64_t msis;      /* kicks received */
	atomic_uint_fast64_t doorbells; /* calls rung */
	struct fake_fs *fs; /* shared by the queues, like the guest's */
};

/* nqueues queues with their indices all starting at start_index. */
int fake_guest_create(struct fake_guest *g, unsigned nqueues, uint32_t start_index);
void fake_guest_destroy(struct fake_guest *g);

/* A server thread per queue, until fake_guest_stop(). */
int fake_guest_start(struct fake_guest *g);
void fake_guest_stop(struct fake_guest *g);

/* Serves one posted request of queue q on the calling thread: 1 served,
 * 0 none posted. */
int fake_guest_serve_one(struct fake_guest *g, unsigned q);

/* Whether the host kicked queue q since the last call (consumes it). */
bool fake_guest_take_kick(struct fake_guest *g, unsigned q);

#endif
