// SPDX-License-Identifier: GPL-2.0-only
/* Asks for a lazy class update, which is refused for now. */
#include <sv/patch.h>

SV_PATCH("fix-lazy", 1, "unit-test bundle: lazy update");

static const char lazy_class[8] = "lazy";
SV_PATCH_CLASS(fcm, "fcm", 0, 1, SV_PATCH_LAZY, (const struct sv_class_impl *)lazy_class);
