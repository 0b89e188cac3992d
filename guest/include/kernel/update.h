/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dynamic-update engine (seed 004 §4.2.6): patch modules the monitor
 * wrote into the patch area, applied and reverted one step at a time
 * (sv/patch.h's SV_PATCH_STEP_*), and what is applied (SV_CTL_UPDATE_INFO).
 */
#ifndef SV_KERNEL_UPDATE_H
#define SV_KERNEL_UPDATE_H

#include <stddef.h>

#include <sv/abi.h>
#include <sv/patch.h>

/* Records the boot info's patch area: LOAD accepts modules only there.
 * Boot CPU, before any step. */
void update_init(const struct sv_boot_info *bi);

/* The patch area [*base, *base + *size): code half, then data half. */
void update_patch_area(uint64_t *base, uint64_t *size);

/* Does one step (SV_CTL_PATCH's work) and fills *resp, detail included
 * on failure; returns resp->status. On a daemon thread: steps hot-swap
 * objects. One step at a time: a step asked for while another runs is
 * answered SV_EBUSY. */
int update_step(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp);

/* SV_CTL_UPDATE_INFO's JSON: {"classes":[...],"objects":[...],
 * "services":[...],"modules":[...],"free_pages":N}. Its length, or
 * SV_ENOMEM when it does not fit in cap. */
int update_info_json(char *out, size_t cap);

#endif
