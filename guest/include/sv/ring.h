/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The request ring: how the host's load generator and the monitor talk to
 * the guest's services. One header for both sides, like sv/abi.h.
 *
 * The VMM reserves one region of guest RAM (boot info: ring_base,
 * ring_queues; region type SV_MEM_RING) holding ring_queues queues of
 * sizeof(struct sv_ring_queue) bytes each, one after another:
 *
 *   queue 0 .. ncpus-1   request queue of guest CPU q (served on CPU q)
 *   queue ncpus          the control queue (monitor commands, served on CPU 0)
 *
 * A queue has SV_RING_SLOTS slots. The host owns a slot until it posts it:
 * it writes the request into the slot, stores the slot's number in
 * req[req_head % SV_RING_SLOTS] and then increments req_head (release).
 * The guest owns it from taking it (req_tail) until it completes it: it
 * writes the response (and data) into the slot, stores the slot's number
 * in comp[comp_head % SV_RING_SLOTS] and increments comp_head (release).
 * Indices run free (they wrap at 2^32); at most SV_RING_SLOTS requests are
 * outstanding, so neither array overflows.
 *
 * Doorbells, each only when the other side said it waits (set the flag,
 * full fence, look at the index again, then sleep):
 *   host -> guest  an MSI with SV_RING_VECTOR (request queues) or
 *                  SV_RING_CTL_VECTOR (control queue) to the queue's CPU,
 *                  when guest_waiting is set
 *   guest -> host  any write to I/O port SV_RING_PORT_BASE + q, when
 *                  host_waiting is set (an ioeventfd: no exit to user space)
 *
 * Neither side trusts the other's writes: the guest checks every slot
 * number, opcode, length and offset it reads and answers a bad request
 * with an error status; the host checks every completion (slot number,
 * slot really outstanding, tag, lengths, status) before it believes it.
 */
#ifndef SV_RING_H
#define SV_RING_H

#include <stdint.h>

#include <sv/abi.h>

#define SV_RING_SLOTS 32u         /* per queue; a power of two */
#define SV_RING_DATA_MAX 16384u   /* payload bytes per slot, each way */
#define SV_RING_PATH_MAX 256u     /* path bytes, no NUL needed */
#define SV_RING_QUEUES_MAX 65u    /* 64 CPUs and the control queue */
#define SV_RING_PORT_BASE 0x540u  /* doorbell ports 0x540 .. 0x580 */
#define SV_RING_VECTOR 0x40u      /* "requests posted" on a request queue */
#define SV_RING_CTL_VECTOR 0x41u  /* "requests posted" on the control queue */

/* Request opcodes of the service queues. Paths are absolute, components
 * separated by '/', at most SV_RING_PATH_MAX bytes. */
enum sv_ring_op {
	SV_OP_NOP = 0,      /* answers 0 */
	SV_OP_CREATE = 1,   /* path: a new empty file (SV_EEXIST if any) */
	SV_OP_MKDIR = 2,    /* path: a new directory */
	SV_OP_WRITE = 3,    /* path, offset, len bytes of data -> resp.len written */
	SV_OP_APPEND = 4,   /* path, len bytes of data -> resp.value new size */
	SV_OP_READ = 5,     /* path, offset, len wanted -> data, resp.len */
	SV_OP_TRUNCATE = 6, /* path, offset = new size */
	SV_OP_DELETE = 7,   /* path: a file or an empty directory */
	SV_OP_STAT = 8,     /* path -> resp.value size, resp.arg SV_STAT_* */
	SV_OP_FSYNC = 9,    /* path: the file's dirty pages to the block store */
	SV_OP_READDIR = 10, /* path -> data: entry names, each ending in '\0' */
	SV_OP_COUNTER_ADD = 11,  /* arg = counter (0 .. SV_COUNTERS-1), offset = n */
	SV_OP_COUNTER_READ = 12, /* arg = counter -> resp.value */
	SV_OP_CALL = 13,    /* path = a patched-in service's name (sv/patch.h) */
	SV_OP_DESCRIPTORS = 14, /* arg = n: take and give back n memory
				 * descriptors -> resp.value = collisions seen */
	SV_OP_CHECKSUM = 15, /* path -> resp.value = Adler-32 of the file's bytes
			      * (zlib's); today wrong for bytes >= 0x80, a known
			      * bug kept for the checksum-fix binary patch */
	SV_OP_MAX
};

#define SV_COUNTERS 8u
#define SV_STAT_FILE 1u
#define SV_STAT_DIR 2u

/* Control-queue opcodes (the monitor's commands). */
enum sv_ctl_op {
	SV_CTL_PING = 0,       /* answers 0 */
	SV_CTL_STATS = 1,      /* arg 1: heap caches given back first; -> data: one JSON
				* object of service statistics */
	SV_CTL_FCM_POLICY = 2, /* arg = SV_FCM_POLICY_*: which FCMs new and open files use */
	SV_CTL_PATCH = 3,      /* payload struct sv_patch_step_req -> sv_patch_step_resp */
	SV_CTL_UPDATE_INFO = 4, /* -> data: JSON of classes, objects, services, modules */
	SV_CTL_MAX
};

enum sv_fcm_policy {
	SV_FCM_POLICY_SHARED = 0,     /* every file's FCM shared, no monitors */
	SV_FCM_POLICY_REPLICATED = 1, /* every file's FCM replicated, no monitors */
	SV_FCM_POLICY_ADAPTIVE = 2,   /* monitors swap each FCM as its access changes */
	SV_FCM_POLICY_MAX
};

struct sv_ring_req {
	uint64_t tag;      /* the host's; echoed in the response */
	uint32_t op;       /* enum sv_ring_op or enum sv_ctl_op */
	uint32_t path_len; /* bytes of path used */
	uint64_t offset;
	uint64_t len;
	uint64_t arg;
	uint64_t reserved[3];
	char path[SV_RING_PATH_MAX];
};

struct sv_ring_resp {
	uint64_t tag;    /* the request's tag */
	int32_t status;  /* SV_OK or a negative SV_E* code */
	uint32_t op;     /* the request's opcode */
	uint64_t len;    /* bytes of data returned or written */
	uint64_t value;  /* per opcode (sizes, counter values) */
	uint64_t arg;    /* per opcode (SV_STAT_* for stat) */
	uint64_t reserved[3];
};

struct sv_ring_slot {
	struct sv_ring_req req;
	struct sv_ring_resp resp;
	uint8_t data[SV_RING_DATA_MAX]; /* request payload in, response data out */
};

struct sv_ring_indices {
	/* written by the host */
	uint32_t req_head;      /* requests posted */
	uint32_t host_waiting;  /* 1: ring the doorbell on the next completion */
	uint32_t host_pad[14];  /* each side's words on their own cache line */
	/* written by the guest */
	uint32_t comp_head;     /* completions posted */
	uint32_t req_tail;      /* requests taken */
	uint32_t guest_waiting; /* 1: send the MSI on the next request */
	uint32_t guest_pad[13];
};

struct sv_ring_queue {
	struct sv_ring_indices idx;
	uint32_t req[SV_RING_SLOTS];  /* slot numbers, host-written */
	uint32_t comp[SV_RING_SLOTS]; /* slot numbers, guest-written */
	uint8_t pad[4096 - sizeof(struct sv_ring_indices) - 8 * SV_RING_SLOTS];
	struct sv_ring_slot slots[SV_RING_SLOTS];
};

SV_STATIC_ASSERT(sizeof(struct sv_ring_req) == 64 + SV_RING_PATH_MAX);
SV_STATIC_ASSERT(sizeof(struct sv_ring_resp) == 64);
SV_STATIC_ASSERT(sizeof(struct sv_ring_indices) == 128);
SV_STATIC_ASSERT(sizeof(struct sv_ring_queue) % 4096 == 0);
SV_STATIC_ASSERT((SV_RING_SLOTS & (SV_RING_SLOTS - 1)) == 0);

#endif
