/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the factory object (factory.c) and its instance lists
 * (factory_instances.c). */
#ifndef SV_UPDATE_FACTORY_IMPL_H
#define SV_UPDATE_FACTORY_IMPL_H

#include <kernel/factory.h>

/* An empty list and lock (registration). */
void factory_class_init(struct factory_class *cls);
/* Adds a new instance (its one reference is the list's). */
void factory_track(struct factory_class *cls, struct factory_instance *inst);

#endif
