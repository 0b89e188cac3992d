/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FCMs as a class (kernel/factory.h): class "fcm", version 0 in the
 * base kernel. Every file's FCM is an instance created through the
 * class's factory; the kind (shared, replicated, sequential) is a
 * creation argument, and the swapper's kind changes build their roots
 * through the version the instance runs, so a kind change never moves
 * an FCM to another version.
 *
 * A class update's hot swap of an FCM is run by the swapper daemon
 * (fcm_file.h), the one thread that swaps FCMs and attaches monitors:
 * it takes the file's monitor (an interposer, which a swap refuses) off,
 * swaps to the new version's root of the same kind, and puts a fresh
 * monitor back under the adaptive policy.
 */
#ifndef SV_KERNEL_FCM_CLASS_H
#define SV_KERNEL_FCM_CLASS_H

#include <kernel/factory.h>
#include <kernel/fcm.h>

/* The creation arguments of the "fcm" class. */
struct fcm_create_args {
	enum fcm_kind kind;
	const struct fcm_backing_ops *backing;
	void *file;
};

extern const struct sv_class_impl fcm_class_v0;

/* The class (registered by fcm_files_init). */
extern struct factory_class fcm_class;

#endif
