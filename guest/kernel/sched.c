// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler: one run queue per CPU, round robin, threads never migrate.
 * A thread is switched out with its CPU's run-queue lock held and
 * interrupts off; the thread switched in releases neither state itself but
 * finish_switch() frees a thread that died on the way out (it could not
 * free the stack it was running on).
 */
#include <stddef.h>

#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/switch.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>
#include <kernel/thread_table.h>

#define TICK_US 1000

struct cpu_sched {
	struct spinlock lock;
	struct thread *head, *tail; /* runnable, not running */
	struct thread *sleepers;    /* blocked with a wake_tsc */
	struct thread *zombie;      /* died, to free after the switch */
	struct thread idle;         /* the CPU's boot context */
	int need_resched;
	int tick_stopped; /* the idle thread halts: only an interrupt wakes it */
	uint64_t ticks;
};

static struct cpu_sched scheds[CPUS_MAX];
static uint64_t live_threads;

static struct cpu_sched *here(void)
{
	return &scheds[cpu_id()];
}

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

uint64_t threads_alive(void)
{
	return __atomic_load_n(&live_threads, __ATOMIC_ACQUIRE);
}

uint64_t sched_ticks(unsigned cpu)
{
	return __atomic_load_n(&scheds[cpu].ticks, __ATOMIC_RELAXED);
}

static void enqueue(struct cpu_sched *s, struct thread *t)
{
	t->next = NULL;
	if (s->tail)
		s->tail->next = t;
	else
		s->head = t;
	s->tail = t;
}

static struct thread *dequeue(struct cpu_sched *s)
{
	struct thread *t = s->head;

	if (t) {
		s->head = t->next;
		if (!s->head)
			s->tail = NULL;
	}
	return t;
}

static uint64_t tick_cycles(void)
{
	return tsc_khz() * TICK_US / 1000;
}

/* With s->lock held, for a thread just made runnable on `cpu`: that CPU
 * switches at its next preemption point. True when that point must be
 * made now, by an interrupt (sent after the unlock): the CPU is another
 * one, halting in its idle loop with its tick stopped, and nobody has
 * asked it yet (one interrupt is enough). */
static bool want_resched_locked(struct cpu_sched *s, unsigned cpu)
{
	bool kick = cpu != cpu_id() && s->tick_stopped && !s->need_resched;

	s->need_resched = 1;
	return kick;
}

static void finish_switch(struct cpu_sched *s)
{
	struct thread *dead = s->zombie;

	if (!dead)
		return;
	s->zombie = NULL;
	thread_table_remove(dead);
	kfree(dead->stack);
	kfree(dead);
	__atomic_sub_fetch(&live_threads, 1, __ATOMIC_ACQ_REL);
}

/* Called with s->lock held and interrupts off (saved in flags); returns
 * with both released, once this thread runs again. */
static void schedule_locked(struct cpu_sched *s, uint64_t flags)
{
	struct thread *prev = thread_current();
	struct thread *next;

	if (prev->state == THREAD_RUNNABLE && prev != &s->idle)
		enqueue(s, prev);
	next = dequeue(s);
	if (!next)
		next = &s->idle;
	s->need_resched = 0;
	if (prev == &s->idle && next != prev && s->tick_stopped) {
		s->tick_stopped = 0;
		arch_timer_at(rdtsc() + tick_cycles());
	}
	if (next != prev) {
		this_cpu()->current = next;
		thread_table_switch(next);
		arch_switch(&prev->saved_rsp, next->saved_rsp);
		s = here(); /* the same CPU: threads never migrate */
	}
	spin_unlock(&s->lock);
	finish_switch(s);
	irq_restore(flags);
}

void thread_yield(void)
{
	struct cpu_sched *s = here();

	schedule_locked(s, spin_lock_irqsave(&s->lock));
}

static void thread_entry(void)
{
	struct cpu_sched *s = here();
	struct thread *me = thread_current();

	spin_unlock(&s->lock); /* taken by the schedule that switched to us */
	finish_switch(s);
	irq_enable();
	me->fn(me->arg);
	thread_exit();
}

struct thread *thread_create_on(unsigned cpu, void (*fn)(void *), void *arg,
				unsigned flags)
{
	struct thread *t = kzalloc(sizeof(*t));
	struct cpu_sched *s = &scheds[cpu];
	uint64_t irq;
	bool kick;

	if (!t || !(t->stack = kmalloc(THREAD_STACK_SIZE))) {
		kfree(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	t->flags = flags;
	t->state = THREAD_RUNNABLE;
	t->saved_rsp = arch_stack_init((char *)t->stack + THREAD_STACK_SIZE, thread_entry);
	__atomic_add_fetch(&live_threads, 1, __ATOMIC_ACQ_REL);
	thread_table_add(t);
	if (!(flags & THREAD_DAEMON))
		generation_thread_start(t);
	irq = spin_lock_irqsave(&s->lock);
	enqueue(s, t);
	kick = want_resched_locked(s, cpu);
	spin_unlock_irqrestore(&s->lock, irq);
	if (kick)
		arch_send_reschedule_ipi(cpu);
	return t;
}

void thread_exit(void)
{
	struct thread *me = thread_current();
	struct cpu_sched *s = here();
	uint64_t flags;

	BUG_ON(me == &s->idle);
	irq_disable();
	if (!(me->flags & THREAD_DAEMON))
		generation_thread_exit(me);
	flags = spin_lock_irqsave(&s->lock);
	me->state = THREAD_DEAD;
	s->zombie = me;
	schedule_locked(s, flags);
	panic("a dead thread was scheduled");
}

void thread_block(void)
{
	struct thread *me = thread_current();
	struct cpu_sched *s = here();
	uint64_t flags = spin_lock_irqsave(&s->lock);

	if (me->wake_pending) { /* the wake came first */
		me->wake_pending = 0;
		spin_unlock_irqrestore(&s->lock, flags);
		return;
	}
	me->state = THREAD_BLOCKED;
	schedule_locked(s, flags);
}

/* Takes a sleeper off its CPU's list (thread_wake cut its sleep short). */
static void unlink_sleeper(struct cpu_sched *s, struct thread *t)
{
	for (struct thread **link = &s->sleepers; *link; link = &(*link)->next)
		if (*link == t) {
			*link = t->next;
			return;
		}
}

void thread_wake(struct thread *t)
{
	struct cpu_sched *s = &scheds[t->cpu];
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool kick = false;

	if (t->state == THREAD_BLOCKED && t->wake_tsc && t->wakeable) {
		unlink_sleeper(s, t);
		t->wake_tsc = 0;
		t->woken = 1;
	}
	if (t->state == THREAD_BLOCKED && !t->wake_tsc) {
		t->state = THREAD_RUNNABLE;
		enqueue(s, t);
		kick = want_resched_locked(s, t->cpu);
	} else {
		t->wake_pending = 1; /* running, or in a sleep no wake may cut */
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (kick)
		arch_send_reschedule_ipi(t->cpu);
}

/* Blocks on the sleepers list until `tsc` (the tick checks it) or, when
 * `wakeable`, thread_wake; true when a wake ended it. */
static bool block_until(uint64_t tsc, bool wakeable)
{
	struct thread *me = thread_current();
	struct cpu_sched *s = here();
	uint64_t flags = spin_lock_irqsave(&s->lock);

	BUG_ON(me == &s->idle);
	if (wakeable && me->wake_pending) {
		me->wake_pending = 0;
		spin_unlock_irqrestore(&s->lock, flags);
		return true;
	}
	me->woken = 0;
	me->wakeable = wakeable;
	me->wake_tsc = tsc;
	me->state = THREAD_BLOCKED;
	me->next = s->sleepers;
	s->sleepers = me;
	schedule_locked(s, flags);
	return me->woken;
}

bool thread_block_until(uint64_t tsc)
{
	return block_until(tsc, true);
}

void thread_sleep_until(uint64_t tsc)
{
	block_until(tsc, false);
}

static void wake_sleepers(struct cpu_sched *s, uint64_t now)
{
	for (struct thread **link = &s->sleepers; *link;) {
		struct thread *t = *link;
		if (t->wake_tsc > now) {
			link = &t->next;
			continue;
		}
		*link = t->next;
		t->wake_tsc = 0;
		t->state = THREAD_RUNNABLE;
		enqueue(s, t);
	}
}

void sched_tick(void)
{
	struct cpu_sched *s = here();

	spin_lock(&s->lock); /* interrupts are off in the handler */
	s->ticks++;
	wake_sleepers(s, rdtsc());
	if (s->head)
		s->need_resched = 1;
	spin_unlock(&s->lock);
	arch_timer_at(rdtsc() + tick_cycles());
}

/* The earliest deadline of the CPU's sleepers, 0 if none sleeps. */
static uint64_t next_wake_locked(const struct cpu_sched *s)
{
	uint64_t next = 0;

	for (const struct thread *t = s->sleepers; t; t = t->next)
		if (!next || t->wake_tsc < next)
			next = t->wake_tsc;
	return next;
}

void sched_idle(void)
{
	struct cpu_sched *s = here();
	uint64_t flags = spin_lock_irqsave(&s->lock);

	if (s->head) {
		schedule_locked(s, flags);
		return;
	}
	/* Under nested emulation each tick costs several VM exits: a CPU
	 * with nothing to run takes only the interrupts meant for it. */
	arch_timer_at(next_wake_locked(s));
	s->tick_stopped = 1;
	s->need_resched = 0; /* nothing to run: the next wake must interrupt */
	spin_unlock(&s->lock);
	halt_enabling_irqs(); /* an interrupt sent meanwhile ends the halt */
}

void sched_preempt_point(void)
{
	struct cpu_sched *s = here();

	if (thread_current() && __atomic_load_n(&s->need_resched, __ATOMIC_RELAXED))
		schedule_locked(s, spin_lock_irqsave(&s->lock));
}

void sched_init_cpu(void)
{
	struct cpu_sched *s = here();

	s->idle.cpu = cpu_id();
	s->idle.state = THREAD_RUNNABLE;
	s->idle.flags = THREAD_DAEMON;
	this_cpu()->current = &s->idle;
	thread_table_cpu_up(&s->idle);
	arch_timer_at(rdtsc() + tick_cycles());
}
