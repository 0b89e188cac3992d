// SPDX-License-Identifier: GPL-2.0-only
/* The fake VMM of the monitor's tests (fake_vmm.h). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <sv/abi.h>
#include <sv/patch.h>

#include "elf_symbols.h"
#include "fake_vmm.h"

#define AREA_BASE 0x3000000ull /* guest-physical, near the kernel as in a real VM */
#define MODULES_MAX 8
#define CHANGES_MAX 16
#define FIRST_MAX 1024 /* instances batches, by their first instance */
#define LINE_MAX_ 65536

struct fake_module {
	bool loaded;
	uint32_t handle;
	uint64_t addr;
	const struct sv_patch_header *header;
	const struct sv_patch_class *classes;
	const struct sv_patch_object *objects;
	const struct sv_patch_service *services;
	uint64_t nclasses, nobjects, nservices;
	/* What is applied, by change; batches by change and first instance. */
	bool factory[CHANGES_MAX], object[CHANGES_MAX], service[CHANGES_MAX];
	bool batch[CHANGES_MAX][FIRST_MAX];
};

struct fake_vmm {
	char socket[108];
	const char *kernel, *key;
	char build_id[2 * SV_PATCH_BUILD_ID_MAX + 1]; /* the kernel's, "booted" at start */
	json_t *guest_info;
	uint64_t tracked;
	int listen_fd, stop_fd, ram_fd;
	uint8_t *area;
	pthread_t thread;
	pthread_mutex_t lock;
	struct fake_module modules[MODULES_MAX];
	uint32_t loads;
	json_t *last_steps; /* step name -> its last request */
};

/* ---- the patch area -------------------------------------------------- */

/* The area's bytes at guest address `addr`, `size` long, or NULL. */
static const void *in_area(struct fake_vmm *f, uint64_t addr, uint64_t size)
{
	if (addr < AREA_BASE || addr - AREA_BASE > SV_PATCH_AREA_SIZE ||
	    size > SV_PATCH_AREA_SIZE - (addr - AREA_BASE))
		return NULL;
	return f->area + (addr - AREA_BASE);
}

/* A module's tables, read as the guest reads them at LOAD. */
static bool read_manifest(struct fake_vmm *f, struct fake_module *m, uint64_t addr)
{
	const struct sv_patch_module *pm = in_area(f, addr, sizeof(*pm));

	if (!pm)
		return false;
	m->header = in_area(f, pm->header, sizeof(*m->header));
	m->classes = in_area(f, pm->classes, pm->nclasses * sizeof(*m->classes));
	m->objects = in_area(f, pm->objects, pm->nobjects * sizeof(*m->objects));
	m->services = in_area(f, pm->services, pm->nservices * sizeof(*m->services));
	m->nclasses = pm->nclasses;
	m->nobjects = pm->nobjects;
	m->nservices = pm->nservices;
	return m->header && m->nclasses <= CHANGES_MAX && m->nobjects <= CHANGES_MAX &&
	       m->nservices <= CHANGES_MAX && (m->classes || !m->nclasses) &&
	       (m->objects || !m->nobjects) && (m->services || !m->nservices);
}

/* ---- the guest's bookkeeping ------------------------------------------ */

static unsigned applied(const struct fake_module *m)
{
	unsigned n = 0;

	for (unsigned c = 0; c < CHANGES_MAX; c++) {
		n += m->factory[c] + m->object[c] + m->service[c];
		for (unsigned first = 0; first < FIRST_MAX; first++)
			n += m->batch[c][first];
	}
	return n;
}

static struct fake_module *find(struct fake_vmm *f, json_int_t handle)
{
	for (unsigned i = 0; i < MODULES_MAX; i++)
		if (f->modules[i].loaded && f->modules[i].handle == handle)
			return &f->modules[i];
	return NULL;
}

static int step_load(struct fake_vmm *f, uint64_t addr, uint32_t *handle)
{
	struct fake_module *slot = NULL;

	for (unsigned i = 0; i < MODULES_MAX; i++) {
		if (f->modules[i].loaded && f->modules[i].addr == addr) {
			*handle = f->modules[i].handle; /* a repeated LOAD finds it */
			return SV_OK;
		}
		if (!f->modules[i].loaded && !slot)
			slot = &f->modules[i];
	}
	if (!slot)
		return SV_ENOMEM;
	*slot = (struct fake_module){ .loaded = true, .addr = addr,
				      .handle = (++f->loads << 4) | (uint32_t)(slot - f->modules) };
	if (!read_manifest(f, slot, addr)) {
		slot->loaded = false;
		return SV_EFAULT;
	}
	*handle = slot->handle;
	return SV_OK;
}

/* A change step, forward or reverted; reverting FACTORY takes every
 * instance back too, as the guest's does. */
static int step_change(struct fake_module *m, const char *step, json_t *req)
{
	json_int_t c = json_integer_value(json_object_get(req, "change"));
	json_int_t first = json_integer_value(json_object_get(req, "first"));
	bool on = !json_is_true(json_object_get(req, "revert"));

	if (c < 0 || c >= CHANGES_MAX || first < 0 || first >= FIRST_MAX)
		return SV_EINVAL;
	if (!strcmp(step, "factory")) {
		m->factory[c] = on;
		if (!on)
			memset(m->batch[c], 0, sizeof(m->batch[c]));
	} else if (!strcmp(step, "instances")) {
		if (on && !m->factory[c])
			return SV_EINVAL;
		m->batch[c][first] = on;
	} else if (!strcmp(step, "object")) {
		m->object[c] = on;
	} else if (!strcmp(step, "service")) {
		m->service[c] = on;
	}
	return SV_OK;
}

static int step(struct fake_vmm *f, json_t *req, uint32_t *handle)
{
	const char *name = json_string_value(json_object_get(req, "step"));
	struct fake_module *m;

	json_object_set(f->last_steps, name ? name : "?", req);
	if (name && !strcmp(name, "load"))
		return step_load(f, (uint64_t)json_integer_value(json_object_get(req, "module")),
				 handle);
	m = find(f, json_integer_value(json_object_get(req, "handle")));
	if (!m || !name)
		return SV_ENOENT;
	if (!strcmp(name, "unload")) {
		if (applied(m))
			return SV_EBUSY;
		m->loaded = false;
		return SV_OK;
	}
	return step_change(m, name, req);
}

/* ---- update-info -------------------------------------------------------- */

/* The version of `name` in `list` when a loaded module's change to it is
 * applied (FACTORY for a class). */
static void show_versions(struct fake_vmm *f, json_t *list, bool classes)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));

		for (unsigned k = 0; k < MODULES_MAX; k++) {
			struct fake_module *m = &f->modules[k];
			uint64_t n = classes ? m->nclasses : m->nobjects;

			for (uint64_t c = 0; m->loaded && c < n; c++)
				if (classes ? m->factory[c] && !strcmp(m->classes[c].name, name)
					    : m->object[c] && !strcmp(m->objects[c].name, name))
					json_object_set_new(e, "version", json_integer(
						classes ? m->classes[c].to_version
							: m->objects[c].to_version));
		}
	}
}

static json_t *update_info(struct fake_vmm *f)
{
	json_t *info = json_deep_copy(f->guest_info), *modules = json_array();

	show_versions(f, json_object_get(info, "classes"), true);
	show_versions(f, json_object_get(info, "objects"), false);
	for (unsigned k = 0; k < MODULES_MAX; k++) {
		struct fake_module *m = &f->modules[k];

		for (uint64_t c = 0; m->loaded && c < m->nservices; c++)
			if (m->service[c])
				json_array_append_new(json_object_get(info, "services"),
						      json_string(m->services[c].name));
		if (m->loaded)
			json_array_append_new(modules, json_pack("{s:I, s:s, s:I}", "handle",
				(json_int_t)m->handle, "id", m->header->id,
				"version", (json_int_t)m->header->version));
	}
	json_object_set_new(info, "modules", modules);
	return info;
}

/* ---- the socket ----------------------------------------------------------- */

static json_t *step_answer(struct fake_vmm *f, json_t *req)
{
	uint32_t handle = 0;
	int status = step(f, req, &handle);
	const char *step_name = json_string_value(json_object_get(req, "step"));

	return json_pack("{s:b, s:i, s:s, s:I, s:i, s:I, s:{}, s:s}", "ok", 1, "status", status,
			 "status_name", status ? "SV_EFAKE" : "SV_OK", "handle", (json_int_t)handle,
			 "done", 0, "tracked",
			 (json_int_t)(step_name && !strcmp(step_name, "factory") ? f->tracked : 0),
			 "timings", "detail", status ? "refused by the fake guest" : "");
}

static json_t *answer(struct fake_vmm *f, json_t *req, int *send_fd)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	char hex[3][32];

	*send_fd = -1;
	if (cmd && !strcmp(cmd, "patch-step"))
		return step_answer(f, req);
	if (cmd && !strcmp(cmd, "update-info"))
		return json_pack("{s:b, s:o}", "ok", 1, "info", update_info(f));
	if (!cmd || strcmp(cmd, "patch-area"))
		return json_pack("{s:b, s:s}", "ok", 0, "error", "the fake VMM knows no such command");
	*send_fd = f->ram_fd;
	snprintf(hex[0], sizeof(hex[0]), "0x%llx", AREA_BASE);
	snprintf(hex[1], sizeof(hex[1]), "0x%llx", SV_PATCH_AREA_SIZE);
	snprintf(hex[2], sizeof(hex[2]), "0x%llx", AREA_BASE + SV_PATCH_AREA_SIZE);
	return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:[s], s:b}", "ok", 1, "base", hex[0],
			 "size", hex[1], "ram_size", hex[2], "kernel", f->kernel,
			 "build_id", f->build_id,
			 "trusted_keys", f->key, "allow_unsigned", 0);
}

static void send_answer(int fd, json_t *ans, int send_fd)
{
	char *text = json_dumps(ans, JSON_COMPACT);
	size_t len = strlen(text);
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { text, len + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	text[len] = '\n'; /* json_dumps' NUL */
	if (send_fd >= 0) {
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &send_fd, sizeof(int));
	}
	sendmsg(fd, &mh, MSG_NOSIGNAL);
	free(text);
	json_decref(ans);
}

/* Answers one connection's requests, a line each, until it closes. */
static void serve(struct fake_vmm *f, int fd)
{
	char *buf = malloc(LINE_MAX_);
	size_t len = 0;
	ssize_t n;

	while (buf && (n = read(fd, buf + len, LINE_MAX_ - len)) > 0) {
		char *nl;

		len += (size_t)n;
		while ((nl = memchr(buf, '\n', len))) {
			json_t *req = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
			int send_fd;

			pthread_mutex_lock(&f->lock);
			json_t *ans = answer(f, req, &send_fd);
			pthread_mutex_unlock(&f->lock);
			send_answer(fd, ans, send_fd);
			json_decref(req);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
	}
	free(buf);
	close(fd);
}

static void *server(void *arg)
{
	struct fake_vmm *f = arg;
	struct pollfd fds[2] = { { f->listen_fd, POLLIN, 0 }, { f->stop_fd, POLLIN, 0 } };

	while (poll(fds, 2, -1) >= 0 && !fds[1].revents) {
		int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0)
			serve(f, fd);
	}
	return NULL;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	unlink(path);
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 4))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Guest RAM: a memfd the size of the area's end, mapped at the area. */
static int make_ram(struct fake_vmm *f)
{
	void *map;

	f->ram_fd = memfd_create("fake-vmm-ram", MFD_CLOEXEC);
	if (f->ram_fd < 0 || ftruncate(f->ram_fd, (off_t)(AREA_BASE + SV_PATCH_AREA_SIZE)))
		return -1;
	map = mmap(NULL, SV_PATCH_AREA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->ram_fd,
		   (off_t)AREA_BASE);
	f->area = map == MAP_FAILED ? NULL : map;
	return f->area ? 0 : -1;
}

/* The kernel's build-id in hex, as the real VMM records it at boot. */
static void read_build_id(const char *kernel, char *hex)
{
	uint8_t id[SV_PATCH_BUILD_ID_MAX];
	size_t len = 0;
	int fd = open(kernel, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 && elf_version(EV_CURRENT) != EV_NONE ?
		   elf_begin(fd, ELF_C_READ, NULL) : NULL;

	if (elf)
		elf_build_id(elf, id, sizeof(id), &len);
	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	hex[2 * len] = 0;
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

struct fake_vmm *fake_vmm_start(const char *socket, const char *kernel, const char *key,
				const char *guest_info, uint64_t tracked)
{
	struct fake_vmm *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	*f = (struct fake_vmm){ .kernel = kernel, .key = key, .tracked = tracked, .ram_fd = -1,
				.guest_info = json_loads(guest_info, 0, NULL),
				.last_steps = json_object(),
				.stop_fd = eventfd(0, EFD_CLOEXEC), .listen_fd = listen_on(socket) };
	snprintf(f->socket, sizeof(f->socket), "%s", socket);
	read_build_id(kernel, f->build_id);
	pthread_mutex_init(&f->lock, NULL);
	if (f->guest_info && f->stop_fd >= 0 && f->listen_fd >= 0 && !make_ram(f) &&
	    !pthread_create(&f->thread, NULL, server, f))
		return f;
	f->thread = 0;
	fake_vmm_stop(f);
	return NULL;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void fake_vmm_stop(struct fake_vmm *f)
{
	if (f->thread) {
		eventfd_write(f->stop_fd, 1);
		pthread_join(f->thread, NULL);
	}
	if (f->area)
		munmap(f->area, SV_PATCH_AREA_SIZE);
	close_fd(f->ram_fd);
	close_fd(f->stop_fd);
	close_fd(f->listen_fd);
	json_decref(f->guest_info);
	json_decref(f->last_steps);
	unlink(f->socket);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* ---- what the test asks ------------------------------------------------ */

void fake_vmm_restart(struct fake_vmm *f)
{
	pthread_mutex_lock(&f->lock);
	memset(f->modules, 0, sizeof(f->modules));
	pthread_mutex_unlock(&f->lock);
}

unsigned fake_vmm_modules(struct fake_vmm *f)
{
	unsigned n = 0;

	pthread_mutex_lock(&f->lock);
	for (unsigned i = 0; i < MODULES_MAX; i++)
		n += f->modules[i].loaded;
	pthread_mutex_unlock(&f->lock);
	return n;
}

unsigned fake_vmm_applied(struct fake_vmm *f)
{
	unsigned n = 0;

	pthread_mutex_lock(&f->lock);
	for (unsigned i = 0; i < MODULES_MAX; i++)
		n += f->modules[i].loaded ? applied(&f->modules[i]) : 0;
	pthread_mutex_unlock(&f->lock);
	return n;
}

uint64_t fake_vmm_last_timeout_ms(struct fake_vmm *f, const char *step)
{
	uint64_t ms;

	pthread_mutex_lock(&f->lock);
	ms = (uint64_t)json_integer_value(json_object_get(json_object_get(f->last_steps, step),
							  "timeout_ms"));
	pthread_mutex_unlock(&f->lock);
	return ms;
}
