/* SPDX-License-Identifier: GPL-2.0-only */
/* The parts of kernel/fcm_file.h's handle shared by its files: the handle
 * and registry (fcm_file.c), the monitor (fcm_monitor.c) and the swapper
 * (fcm_swapper.c). */
#ifndef SV_FS_FCM_FILE_IMPL_H
#define SV_FS_FCM_FILE_IMPL_H

#include <stdbool.h>

#include <kernel/factory.h>
#include <kernel/fcm_file.h>

#define FCM_WANT_NONE (-1)

struct fcm_monitor;

struct fcm_file {
	coid_t id;
	struct factory_instance *inst; /* of class "fcm" (kernel/fcm_class.h) */
	const struct fcm_backing_ops *backing;
	void *file;
	uint32_t refs;                /* the owner's, the swapper queue's, reclaimers' */
	int kind;                     /* enum fcm_kind; written by the swapper only */
	struct fcm_file *prev, *next; /* the registry of open files */
	/* Under the swapper's queue lock: */
	int wanted;                   /* enum fcm_kind, or FCM_WANT_NONE */
	int wanted_by_monitor;        /* ignored unless the policy is adaptive */
	int queued;
	struct fcm_file *queue_next;
	/* The swapper's (or, before it sees the file and after the last
	 * reference, the only holder's): */
	struct fcm_monitor *monitor;
};

void fcm_file_get(struct fcm_file *f);
void fcm_file_put(struct fcm_file *f);
/* A reference unless the last one is gone (f is then being destroyed);
 * takes f as the factory instance's owner. */
bool fcm_file_tryget(void *f);

/* Calls fn on every open file in the registry with the registry lock
 * held (fn must not block). */
void fcm_files_for_each(void (*fn)(struct fcm_file *f, void *arg), void *arg);

/* Queues f for the swapper with what it should become. */
void fcm_swapper_queue(struct fcm_file *f, int wanted, bool by_monitor);

/* Runs fn(arg) on the swapper thread (at once when called there) and
 * waits for it: what must not race the swapper's kind changes and
 * monitors. */
void fcm_swapper_run(void (*fn)(void *arg), void *arg);
/* On the swapper thread: takes f's monitor off; puts a fresh one on if
 * the policy is adaptive. */
void fcm_swapper_monitor_off(struct fcm_file *f);
void fcm_swapper_monitor_on(struct fcm_file *f);

/* A monitor on f's FCM (watching for f->kind), or NULL when out of
 * memory or refused; and its removal. */
struct fcm_monitor *fcm_monitor_attach(struct fcm_file *f);
void fcm_monitor_detach(struct fcm_monitor *m);

void fcm_swap_stat_add(enum fcm_swap_stat stat);
void fcm_swap_stats(uint64_t out[FCM_SWAP_STATS]);

#endif
