/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_TEST_GOOD_HELPER_H
#define SV_TEST_GOOD_HELPER_H

/* Counts its calls: module data (.bss) reached from module code. */
int good_helper_count(void);

#endif
