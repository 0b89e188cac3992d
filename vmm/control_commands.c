// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control commands: one handler per command, indexed by the parsed
 * command. Requests arrive validated (control_request.c); what only the
 * machine knows (which CPUs exist, where RAM ends) is checked here.
 * Numbers that are addresses or registers go out as "0x..." strings, since
 * JSON integers stop at 2^63 in jansson and at 2^53 in many clients.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "control_commands.h"
#include "control_mirror.h"
#include "control_patch.h"
#include "guest_control.h"

_Static_assert(CONTROL_CPU_MAX == VM_CPUS_MAX, "control \"cpu\" limit is the VM's");

typedef json_t *(*handler_fn)(struct vm *vm, struct control_session *s,
			      const struct control_request *req, int *stop_status);

json_t *control_error(const char *fmt, ...)
{
	char msg[CONTROL_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static const char *err_text(int err)
{
	return err == -ESHUTDOWN ? "the VM is stopping" : strerror(-err);
}

json_t *control_hex(uint64_t v)
{
	return json_sprintf("0x%llx", (unsigned long long)v);
}

json_t *control_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static const char *state_name(int state)
{
	switch (state) {
	case VCPU_CREATED: return "created";
	case VCPU_RUNNING: return "running";
	case VCPU_PAUSED: return "paused";
	case VCPU_STEPPING: return "stepping";
	case VCPU_STOPPED: return "stopped";
	default: return "unknown";
	}
}

static json_t *check_cpu(struct vm *vm, const char *cmd, unsigned cpu)
{
	if (cpu < vm->ncpus)
		return NULL;
	return control_error("%s: cpu %u does not exist (the VM has %u vCPUs, 0..%u)",
			     cmd, cpu, vm->ncpus, vm->ncpus - 1);
}

static json_t *cpu_status(struct vcpu *v)
{
	json_t *exits = json_object();

	for (unsigned r = 0; exits && r < EXIT_REASONS; r++)
		json_object_set_new(exits, exit_reason_name((enum exit_reason)r),
				    control_u64(atomic_load(&v->exits[r])));
	return json_pack("{s:I, s:s, s:o, s:o}", "cpu", (json_int_t)v->index,
			 "state", state_name(atomic_load(&v->state)),
			 "rip", control_hex(atomic_load(&v->last_rip)), "exits", exits);
}

static json_t *cmd_status(struct vm *vm, struct control_session *s,
			  const struct control_request *req, int *stop_status)
{
	json_t *cpus = json_array();

	(void)s, (void)req, (void)stop_status;
	for (unsigned i = 0; cpus && i < vm->ncpus; i++)
		json_array_append_new(cpus, cpu_status(&vm->vcpus[i]));
	return json_pack("{s:b, s:o, s:b, s:o, s:o, s:o}", "ok", 1, "cpus", cpus,
			 "paused", vm_is_paused(vm), "uptime_ns", control_u64(vm_uptime_ns(vm)),
			 "ram_size", control_u64(vm->ram_size),
			 "bad_hypercalls", control_u64(atomic_load(&vm->bad_hypercalls)));
}

/*
 * Runs fn on a paused VM. The pause is nested, so when the VM is already
 * paused this reads in place and the vCPUs never move; otherwise they stop
 * just for the read and *briefly says so.
 */
static int with_pause(struct vm *vm, bool *briefly,
		      int (*fn)(struct vm *vm, const struct control_request *req, void *out),
		      const struct control_request *req, void *out)
{
	int err;

	*briefly = !vm_is_paused(vm);
	err = vm_pause(vm, NULL);
	if (err)
		return err; /* the VM is stopping: nothing left to keep balanced */
	err = fn(vm, req, out);
	vm_resume(vm);
	return err;
}

struct all_regs {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
};

static int read_cpu_regs(struct vm *vm, unsigned cpu, struct all_regs *r)
{
	int err = vcpu_get_regs(vm, cpu, &r->regs);

	return err ? err : vcpu_get_sregs(vm, cpu, &r->sregs);
}

static int read_regs(struct vm *vm, const struct control_request *req, void *out)
{
	return read_cpu_regs(vm, req->cpu, out);
}

static json_t *regs_json(const struct all_regs *r)
{
	const struct { const char *name; uint64_t value; } fields[] = {
		{ "rax", r->regs.rax }, { "rbx", r->regs.rbx }, { "rcx", r->regs.rcx },
		{ "rdx", r->regs.rdx }, { "rsi", r->regs.rsi }, { "rdi", r->regs.rdi },
		{ "rsp", r->regs.rsp }, { "rbp", r->regs.rbp }, { "r8", r->regs.r8 },
		{ "r9", r->regs.r9 }, { "r10", r->regs.r10 }, { "r11", r->regs.r11 },
		{ "r12", r->regs.r12 }, { "r13", r->regs.r13 }, { "r14", r->regs.r14 },
		{ "r15", r->regs.r15 }, { "rip", r->regs.rip }, { "rflags", r->regs.rflags },
		{ "cr0", r->sregs.cr0 }, { "cr2", r->sregs.cr2 }, { "cr3", r->sregs.cr3 },
		{ "cr4", r->sregs.cr4 }, { "efer", r->sregs.efer },
	};
	json_t *o = json_object();

	for (size_t i = 0; o && i < sizeof(fields) / sizeof(fields[0]); i++)
		json_object_set_new(o, fields[i].name, control_hex(fields[i].value));
	return o;
}

static json_t *hex_bytes(const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *text = malloc(2 * len);
	json_t *s;

	if (!text)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		text[2 * i] = digits[bytes[i] >> 4];
		text[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	s = json_stringn(text, 2 * len);
	free(text);
	return s;
}

/* Every vCPU's registers, read while the caller holds a pause. */
static json_t *all_cpus_regs(struct vm *vm, int *err)
{
	json_t *cpus = json_array();
	struct all_regs r;

	*err = 0;
	for (unsigned i = 0; cpus && !*err && i < vm->ncpus; i++) {
		*err = read_cpu_regs(vm, i, &r);
		if (!*err)
			json_array_append_new(cpus, json_pack("{s:I, s:o}", "cpu", (json_int_t)i,
							      "regs", regs_json(&r)));
	}
	return cpus;
}

static json_t *cmd_pause(struct vm *vm, struct control_session *s,
			 const struct control_request *req, int *stop_status)
{
	json_t *cpus = NULL, *resp;
	uint64_t ns;
	int err = vm_pause(vm, &ns);

	(void)stop_status;
	if (err)
		return control_error("pause: %s", err_text(err));
	if (req->regs) {
		cpus = all_cpus_regs(vm, &err);
		if (err || !cpus) {
			json_decref(cpus);
			vm_resume(vm); /* the request failed: it holds nothing */
			return control_error("pause: reading the registers: %s",
					     err_text(err ? err : -ENOMEM));
		}
	}
	s->pauses++;
	resp = json_pack("{s:b, s:o, s:I}", "ok", 1, "pause_ns", control_u64(ns),
			 "held", (json_int_t)s->pauses);
	if (resp && cpus)
		json_object_set_new(resp, "cpus", cpus);
	return resp;
}

/* Why resume's writes were refused; the pause is still held. */
static json_t *write_refused(struct vm *vm, const struct control_request *req, int err,
			     unsigned bad)
{
	const struct phys_write *w = &req->writes[bad];
	uint8_t now[PHYS_WRITE_LEN_MAX];
	json_t *resp, *now_hex, *old_hex;

	if (err == -EBUSY)
		return control_error("resume: writes need every vCPU parked (one is single-stepping "
				     "or the VM is stopping); nothing was written, the pause is still held");
	if (err == -EFAULT)
		return control_error("resume: writes[%u] 0x%llx..0x%llx is outside guest RAM (0x0..0x%llx); "
				     "nothing was written, the pause is still held", bad,
				     (unsigned long long)w->gpa,
				     (unsigned long long)(w->gpa + w->len - 1),
				     (unsigned long long)(vm->ram_size - 1));
	vm_read_phys(vm, w->gpa, now, w->len); /* stable: the VM is still paused */
	now_hex = hex_bytes(now, w->len);
	old_hex = hex_bytes(w->old_bytes, w->len);
	resp = now_hex && old_hex ?
		control_error("resume: writes[%u] at 0x%llx: memory holds %s, not \"old\" %s; "
			      "nothing was written, the pause is still held", bad,
			      (unsigned long long)w->gpa, json_string_value(now_hex),
			      json_string_value(old_hex)) : NULL;
	json_decref(now_hex);
	json_decref(old_hex);
	return resp;
}

/* A client releases only its own pauses: another tool (a patcher between
 * its checks and its writes, say) must not be resumed from under itself.
 * Writes, if any, are all made (or none) before the pause is released. */
static json_t *cmd_resume(struct vm *vm, struct control_session *s,
			  const struct control_request *req, int *stop_status)
{
	uint64_t stopped_ns;
	unsigned bad;
	json_t *resp;
	int err;

	(void)stop_status;
	if (!s->pauses)
		return control_error("resume: this connection holds no pause to release");
	if (req->nwrites) {
		err = vm_write_if_unchanged(vm, req->writes, req->nwrites, &bad);
		if (err)
			return write_refused(vm, req, err, bad);
	}
	err = vm_resume_timed(vm, &stopped_ns);
	if (err)
		return control_error("resume: %s", err_text(err));
	s->pauses--;
	resp = json_pack("{s:b, s:I, s:b}", "ok", 1, "held", (json_int_t)s->pauses,
			 "paused", vm_pause_held(vm));
	if (resp && req->nwrites)
		json_object_set_new(resp, "written", json_integer(req->nwrites));
	if (resp && stopped_ns)
		json_object_set_new(resp, "paused_ns", control_u64(stopped_ns));
	return resp;
}

static json_t *cmd_regs(struct vm *vm, struct control_session *s,
			const struct control_request *req, int *stop_status)
{
	struct all_regs r;
	bool briefly;
	json_t *bad = check_cpu(vm, "regs", req->cpu);
	int err;

	(void)s, (void)stop_status;
	if (bad)
		return bad;
	err = with_pause(vm, &briefly, read_regs, req, &r);
	if (err)
		return control_error("regs: cpu %u: %s", req->cpu, err_text(err));
	return json_pack("{s:b, s:I, s:b, s:o}", "ok", 1, "cpu", (json_int_t)req->cpu,
			 "paused_briefly", briefly, "regs", regs_json(&r));
}

/* Reads without pausing: a running guest may change the bytes while they
 * are copied; a client that needs a consistent snapshot pauses first. */
static json_t *cmd_read_phys(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status)
{
	uint8_t *buf = malloc(req->len);
	json_t *resp;

	(void)s, (void)stop_status;
	if (!buf)
		return NULL;
	if (vm_read_phys(vm, req->addr, buf, req->len)) {
		resp = control_error("read-phys: 0x%llx..0x%llx is outside guest RAM (0x0..0x%llx)",
				     (unsigned long long)req->addr,
				     (unsigned long long)(req->addr + req->len - 1),
				     (unsigned long long)(vm->ram_size - 1));
	} else {
		resp = json_pack("{s:b, s:o, s:I, s:o}", "ok", 1, "addr", control_hex(req->addr),
				 "len", (json_int_t)req->len, "data",
				 hex_bytes(buf, req->len));
	}
	free(buf);
	return resp;
}

static int translate(struct vm *vm, const struct control_request *req, void *out)
{
	return vcpu_translate(vm, req->cpu, req->vaddr, out);
}

static json_t *cmd_translate(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status)
{
	uint64_t gpa;
	bool briefly;
	json_t *bad = check_cpu(vm, "translate", req->cpu);
	int err;

	(void)s, (void)stop_status;
	if (bad)
		return bad;
	err = with_pause(vm, &briefly, translate, req, &gpa);
	if (err == -EFAULT)
		return control_error("translate: vaddr 0x%llx is not mapped on cpu %u",
				     (unsigned long long)req->vaddr, req->cpu);
	if (err)
		return control_error("translate: vaddr 0x%llx on cpu %u: %s",
				     (unsigned long long)req->vaddr, req->cpu,
				     err_text(err));
	return json_pack("{s:b, s:I, s:o, s:o, s:b}", "ok", 1, "cpu",
			 (json_int_t)req->cpu, "vaddr", control_hex(req->vaddr), "paddr",
			 control_hex(gpa), "paused_briefly", briefly);
}

static json_t *cmd_quit(struct vm *vm, struct control_session *s,
			const struct control_request *req, int *stop_status)
{
	(void)vm, (void)s;
	*stop_status = req->status;
	return json_pack("{s:b, s:i}", "ok", 1, "status", req->status);
}

static void lend_fd(struct control_session *s, int fd)
{
	s->send_fds[s->n_send_fds++] = fd;
}

/* Lends the service queues to this connection: the answer carries the
 * guest RAM memfd, then every service queue's kick fd, then its call fd
 * (sv/ring.h, vmm/ring_device.h); the client maps the queues from the
 * memfd. They are the connection's until it closes. */
static json_t *cmd_ring_attach(struct vm *vm, struct control_session *s,
			       const struct control_request *req, int *stop_status)
{
	unsigned nq = vm->ncpus;

	(void)req, (void)stop_status;
	if (s->ring_lent)
		return control_error("ring-attach: this connection already has the ring");
	if (!ring_device_lend(vm))
		return control_error("ring-attach: another connection has the request ring "
				     "(one load generator at a time)");
	s->ring_lent = true;
	lend_fd(s, vm->ram_fd);
	for (unsigned q = 0; q < nq; q++)
		lend_fd(s, vm->ring.kick_fd[q]);
	for (unsigned q = 0; q < nq; q++)
		lend_fd(s, vm->ring.call_fd[q]);
	return json_pack("{s:b, s:I, s:o, s:I, s:I, s:I}", "ok", 1, "queues", (json_int_t)nq,
			 "ring_gpa", control_hex(vm->ring_base),
			 "queue_size", (json_int_t)sizeof(struct sv_ring_queue),
			 "slots", (json_int_t)SV_RING_SLOTS, "fds", (json_int_t)s->n_send_fds);
}

static json_t *cmd_guest_stats(struct vm *vm, struct control_session *s,
			       const struct control_request *req, int *stop_status)
{
	static uint8_t text[SV_RING_DATA_MAX]; /* the control thread's alone */
	char err[GUEST_CONTROL_ERROR_MAX];
	size_t len;
	json_t *stats;

	(void)s, (void)stop_status;
	if (guest_control_call(vm, &(struct guest_call){ .op = SV_CTL_STATS, .arg = req->settle },
			       text,
			       sizeof(text), &len, err))
		return control_error("guest-stats: %s", err);
	stats = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(stats)) {
		json_decref(stats);
		return control_error("guest-stats: the guest's answer is not a JSON object");
	}
	return json_pack("{s:b, s:o}", "ok", 1, "stats", stats);
}

static json_t *cmd_fcm_policy(struct vm *vm, struct control_session *s,
			      const struct control_request *req, int *stop_status)
{
	char err[GUEST_CONTROL_ERROR_MAX];
	size_t len;

	(void)s, (void)stop_status;
	if (guest_control_call(vm, &(struct guest_call){ .op = SV_CTL_FCM_POLICY,
			       .arg = req->policy }, NULL, 0, &len, err))
		return control_error("fcm-policy: %s", err);
	return json_pack("{s:b, s:s}", "ok", 1, "policy", control_fcm_policy_name(req->policy));
}

static const handler_fn handlers[CONTROL_CMDS] = {
	[CONTROL_STATUS] = cmd_status,
	[CONTROL_PAUSE] = cmd_pause,
	[CONTROL_RESUME] = cmd_resume,
	[CONTROL_REGS] = cmd_regs,
	[CONTROL_READ_PHYS] = cmd_read_phys,
	[CONTROL_TRANSLATE] = cmd_translate,
	[CONTROL_QUIT] = cmd_quit,
	[CONTROL_RING_ATTACH] = cmd_ring_attach,
	[CONTROL_GUEST_STATS] = cmd_guest_stats,
	[CONTROL_FCM_POLICY] = cmd_fcm_policy,
	[CONTROL_UPDATE_INFO] = control_update_info,
	[CONTROL_PATCH_AREA] = control_patch_area,
	[CONTROL_PATCH_STEP] = control_patch_step,
	[CONTROL_MIRROR_START] = control_mirror_start,
	[CONTROL_MIRROR_STOP] = control_mirror_stop,
	[CONTROL_MIRROR_STATS] = control_mirror_stats,
};

json_t *control_execute(struct vm *vm, struct control_session *s,
			const struct control_request *req, int *stop_status)
{
	*stop_status = -1;
	if ((unsigned)req->cmd >= CONTROL_CMDS || !handlers[req->cmd])
		return control_error("command %d has no handler", (int)req->cmd);
	return handlers[req->cmd](vm, s, req, stop_status);
}

void control_session_end(struct vm *vm, struct control_session *s)
{
	for (; s->pauses; s->pauses--)
		vm_resume(vm);
	if (s->ring_lent)
		ring_device_return(vm);
	s->ring_lent = false;
}
