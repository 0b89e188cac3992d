/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A file's FCM as the file system holds it: the FCM's COID, which kind it
 * is now, and the autonomic machinery around it (seed 001 §6.3).
 *
 * Swaps are done by one "swapper" daemon thread (co_hot_swap needs a
 * daemon): whoever wants a file's FCM changed (a monitor, the policy, a
 * test) records the kind it wants and queues the file for the swapper.
 *
 * Under SV_FCM_POLICY_ADAPTIVE every FCM has an interposed monitor (a
 * co_interpose wrapper) watching its reads and writes: accesses from more
 * than one CPU within FCM_MONITOR_WINDOW_MS ask for the replicated FCM,
 * FCM_MONITOR_SINGLE_CALLS calls from one CPU alone for the shared one
 * again; more than FCM_MONITOR_SEQUENTIAL_PAGES pages in sequence ask for
 * the sequential FCM, FCM_MONITOR_RANDOM_CALLS out-of-sequence accesses
 * for the shared one again. A hot swap's mediator is an exclusive
 * interposer and a swap refuses an object that has one, so the swapper
 * detaches the monitor, swaps, and attaches a fresh monitor to the new
 * FCM (its counts start over with the new kind).
 */
#ifndef SV_KERNEL_FCM_FILE_H
#define SV_KERNEL_FCM_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/fcm.h>
#include <sv/ring.h>

#define FCM_MONITOR_WINDOW_MS 50
#define FCM_MONITOR_SINGLE_CALLS 16
#define FCM_MONITOR_SEQUENTIAL_PAGES 20
#define FCM_MONITOR_RANDOM_CALLS 10
#define FCM_SWAP_TIMEOUT_US 10000000ull

struct fcm_file;

/* Starts the swapper (once; later calls do nothing): 0, or SV_ENOMEM. */
int fcm_files_init(void);

/* A file's FCM of the kind the policy says (shared under ADAPTIVE, with
 * its monitor): NULL when out of memory or COIDs. */
struct fcm_file *fcm_file_create(const struct fcm_backing_ops *backing, void *file);
/* The owner is done with the file (deleted): once the swapper and any
 * reclaimer are done with it too, its FCM is destroyed (pages dropped,
 * not written back) and the backing's release runs. */
void fcm_file_release(struct fcm_file *f);

coid_t fcm_file_id(const struct fcm_file *f);
enum fcm_kind fcm_file_kind(const struct fcm_file *f);

/* Queues a swap of f's FCM to `kind` (done by the swapper, later). */
void fcm_file_request(struct fcm_file *f, enum fcm_kind kind);

/* Swaps every open file's FCM to the policy's kind (ADAPTIVE: keeps each
 * kind and attaches monitors) and makes it the kind of new files. Does
 * not wait: the swapper does it. 0, or SV_EINVAL. */
int fcm_set_policy(enum sv_fcm_policy policy);
enum sv_fcm_policy fcm_policy(void);

/* Requests queued or being served by the swapper (tests wait for 0). */
uint64_t fcm_swaps_pending(void);

/* Asks open files to evict pages until the cache is within its budget
 * (the FCMs trim only themselves). Call with no lock held. */
void fcm_files_reclaim(void);

enum fcm_swap_stat {
	FCM_SWAPS_TO_REPLICATED,
	FCM_SWAPS_TO_SHARED,      /* from replicated */
	FCM_SWAPS_TO_SEQUENTIAL,
	FCM_SWAPS_FROM_SEQUENTIAL,
	FCM_SWAPS_FAILED,
	FCM_SWAP_STATS
};

struct fcm_file_stats {
	uint64_t swaps[FCM_SWAP_STATS];
	uint64_t alive;                /* FCMs in service */
	uint64_t by_kind[FCM_KINDS];   /* of those, per kind */
	uint64_t monitors;             /* monitors attached */
};

void fcm_file_stats(struct fcm_file_stats *out);

#endif
