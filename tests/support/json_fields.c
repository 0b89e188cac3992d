// SPDX-License-Identifier: GPL-2.0-only
#include "json_fields.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Walks path from root; the returned node is borrowed from root. */
static json_t *lookup(json_t *root, const char *path)
{
	char copy[256], *save = NULL;
	json_t *node = root;

	if (strlen(path) >= sizeof(copy))
		return NULL;
	strcpy(copy, path);
	for (char *key = strtok_r(copy, ".", &save); key && node;
	     key = strtok_r(NULL, ".", &save)) {
		char *end;
		unsigned long idx = strtoul(key, &end, 10);
		node = json_is_array(node) && !*end ? json_array_get(node, idx)
						    : json_object_get(node, key);
	}
	return node;
}

typedef int (*field_reader)(json_t *node, void *out, size_t size);

static int with_field(const char *json, const char *path, field_reader read,
		      void *out, size_t size)
{
	json_t *root = json_loads(json, 0, NULL);
	json_t *node = root ? lookup(root, path) : NULL;
	int rc = node ? read(node, out, size) : -1;

	json_decref(root);
	return rc;
}

static int read_u64(json_t *node, void *out, size_t size)
{
	(void)size;
	if (json_is_integer(node)) {
		*(uint64_t *)out = (uint64_t)json_integer_value(node);
		return 0;
	}
	if (json_is_string(node)) {
		char *end;
		*(uint64_t *)out = strtoull(json_string_value(node), &end, 0);
		return *end ? -1 : 0;
	}
	return -1;
}

static int read_bool(json_t *node, void *out, size_t size)
{
	(void)size;
	if (!json_is_boolean(node))
		return -1;
	*(int *)out = json_is_true(node);
	return 0;
}

static int read_string(json_t *node, void *out, size_t size)
{
	if (!json_is_string(node) || strlen(json_string_value(node)) >= size)
		return -1;
	strcpy(out, json_string_value(node));
	return 0;
}

static int read_array_size(json_t *node, void *out, size_t size)
{
	(void)size;
	*(int *)out = json_is_array(node) ? (int)json_array_size(node) : -1;
	return 0;
}

int jf_u64(const char *json, const char *path, uint64_t *out)
{
	return with_field(json, path, read_u64, out, 0);
}

int jf_bool(const char *json, const char *path, int *out)
{
	return with_field(json, path, read_bool, out, 0);
}

int jf_string(const char *json, const char *path, char *buf, size_t size)
{
	return with_field(json, path, read_string, buf, size);
}

int jf_array_size(const char *json, const char *path)
{
	int n = -1;
	return with_field(json, path, read_array_size, &n, 0) ? -1 : n;
}

static void remove_keys(json_t *node, const char *const keys[])
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_array(node))
		json_array_foreach(node, i, child)
			remove_keys(child, keys);
	if (!json_is_object(node))
		return;
	for (size_t k = 0; keys[k]; k++)
		json_object_del(node, keys[k]);
	json_object_foreach(node, key, child)
		remove_keys(child, keys);
}

char *jf_without(const char *json, const char *const keys[])
{
	json_t *root = json_loads(json, 0, NULL);
	char *text;

	if (!root)
		return NULL;
	remove_keys(root, keys);
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return text;
}
