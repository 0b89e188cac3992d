// SPDX-License-Identifier: GPL-2.0-only
/* The dynamic-update registries: named single objects (and their JSON),
 * patched-in services reached by SV_OP_CALL, and a service's removal,
 * which completes only once no call can still be inside it. */
#include <kernel/counter.h>
#include <kernel/object_registry.h>
#include <kernel/percpu.h>
#include <kernel/request_ring.h>
#include <kernel/service_registry.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

SV_TEST(object_registry_adds_looks_up_versions_and_lists_objects)
{
	coid_t id = counter_create_shared(), found = NULL;
	uint32_t version = 0;
	char json[1024], tiny[8];
	bool listed = false;
	int len;

	SV_ASSERT(id != NULL);
	SV_ASSERT_EQ(object_registry_add("test.registry_counter", id, 3), SV_OK);
	SV_ASSERT_EQ(object_registry_add("test.registry_counter", id, 4), SV_EEXIST);
	SV_ASSERT_EQ(object_registry_add("has space", id, 0), SV_EINVAL);
	SV_ASSERT_EQ(object_registry_add("quote\"", id, 0), SV_EINVAL);
	SV_ASSERT_EQ(object_registry_add("", id, 0), SV_EINVAL);
	SV_ASSERT_EQ(object_registry_add("a_name_that_is_far_too_long_for_it", id, 0), SV_EINVAL);
	SV_ASSERT_EQ(object_registry_lookup("test.registry_counter", &found, &version), SV_OK);
	SV_ASSERT(found == id);
	SV_ASSERT_EQ(version, 3);
	SV_ASSERT_EQ(object_registry_lookup("test.nothing", &found, &version), SV_ENOENT);
	SV_ASSERT_EQ(object_registry_set_version("test.registry_counter", 5), SV_OK);
	SV_ASSERT_EQ(object_registry_set_version("test.nothing", 5), SV_ENOENT);
	len = object_registry_json(json, sizeof(json));
	SV_ASSERT(len > 0);
	SV_ASSERT_EQ(strlen(json), len);
	SV_ASSERT(json[0] == '[' && json[len - 1] == ']');
	for (const char *p = json; (p = strchr(p, '{')) != NULL; p++)
		listed |= strncmp(p, "{\"name\":\"test.registry_counter\",\"version\":5}", 44) == 0;
	SV_ASSERT(listed);
	SV_ASSERT_EQ(object_registry_json(tiny, sizeof(tiny)), SV_ENOMEM);
	SV_ASSERT_EQ(object_registry_json(json, 0), SV_ENOMEM);
}

/* ---- patched-in services ------------------------------------------------ */

static int echo_upper(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	for (uint64_t i = 0; i < req->len; i++)
		if (data[i] >= 'a' && data[i] <= 'z')
			data[i] -= 'a' - 'A';
	resp->len = req->len;
	resp->value = req->arg + 1;
	return SV_OK;
}

static const struct sv_patch_service echo = { .name = "test.echo", .serve = echo_upper };

static int call(const char *name, uint8_t *data, uint64_t len, struct sv_ring_resp *resp)
{
	struct sv_ring_req req = { .op = SV_OP_CALL, .len = len, .arg = 41,
				   .path_len = (uint32_t)strlen(name) };

	memcpy(req.path, name, req.path_len);
	*resp = (struct sv_ring_resp){ 0 };
	return file_service.ops[SV_OP_CALL].serve(&req, data, resp);
}

SV_TEST(service_registry_dispatches_ring_calls_by_name)
{
	static const struct sv_patch_service unnamed = { .name = "", .serve = echo_upper };
	static const struct sv_patch_service no_serve = { .name = "test.none" };
	struct sv_ring_resp resp;
	uint8_t data[8];

	SV_ASSERT(file_service.ops[SV_OP_CALL].payload);
	SV_ASSERT_EQ(service_registry_add(&echo), SV_OK);
	SV_ASSERT_EQ(service_registry_add(&echo), SV_EEXIST);
	SV_ASSERT_EQ(service_registry_add(&unnamed), SV_EINVAL);
	SV_ASSERT_EQ(service_registry_add(&no_serve), SV_EINVAL);
	memcpy(data, "hello", 5);
	SV_ASSERT_EQ(call("test.echo", data, 5, &resp), SV_OK);
	SV_ASSERT_EQ(memcmp(data, "HELLO", 5), 0);
	SV_ASSERT_EQ(resp.len, 5);
	SV_ASSERT_EQ(resp.value, 42);
	SV_ASSERT_EQ(call("test.ech", data, 5, &resp), SV_ENOENT);
	SV_ASSERT_EQ(call("test.echo2", data, 5, &resp), SV_ENOENT);
	SV_ASSERT(service_registry_lookup("test.echo", 9) == &echo);
	SV_ASSERT_EQ(service_registry_remove_wait("test.echo"), SV_OK);
	SV_ASSERT(service_registry_lookup("test.echo", 9) == NULL);
	SV_ASSERT_EQ(call("test.echo", data, 5, &resp), SV_ENOENT);
	SV_ASSERT_EQ(service_registry_remove_wait("test.echo"), SV_ENOENT);
}

/* A service whose calls stay inside until told to go. */
static volatile uint64_t parked_inside, parked_go;

static int park(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	__atomic_add_fetch(&parked_inside, 1, __ATOMIC_ACQ_REL);
	(void)wait_for(&parked_go, 1, 60000);
	return SV_OK;
}

static const struct sv_patch_service parking = { .name = "test.park", .serve = park };

static volatile uint64_t parked_answered, removal_done;

static void call_park(void *arg)
{
	struct sv_ring_resp resp;

	(void)arg;
	if (call("test.park", NULL, 0, &resp) == SV_OK)
		__atomic_add_fetch(&parked_answered, 1, __ATOMIC_ACQ_REL);
}

static void removed(void *arg)
{
	__atomic_store_n((volatile uint64_t *)arg, 1, __ATOMIC_RELEASE);
}

SV_TEST(service_removal_completes_only_after_the_calls_inside_return)
{
	struct sv_ring_resp resp;

	parked_inside = parked_go = parked_answered = removal_done = 0;
	SV_ASSERT_EQ(service_registry_add(&parking), SV_OK);
	SV_ASSERT(thread_create_on(cpus_online() - 1, call_park, NULL, 0));
	SV_ASSERT(wait_for(&parked_inside, 1, 10000));
	SV_ASSERT_EQ(service_registry_remove("test.park", removed, (void *)&removal_done), SV_OK);
	SV_ASSERT_EQ(call("test.park", NULL, 0, &resp), SV_ENOENT);
	SV_ASSERT(!wait_for(&removal_done, 1, 50)); /* a call is still inside */
	__atomic_store_n(&parked_go, 1, __ATOMIC_RELEASE);
	SV_ASSERT(wait_for(&removal_done, 1, 30000));
	SV_ASSERT_EQ(parked_answered, 1);
}
