/*
 * The default object (seed 000 §2): an interface of CO_METHODS_MAX stubs
 * that all reach one trampoline with their method number. The trampoline
 * saves every argument register, asks co_handle_miss(self, method) for
 * this CPU's rep, and restarts the call on it with self replaced: the
 * caller's return address and stack arguments are untouched, so the call
 * simply restarts.
 */
#include "cobj_trampoline.h"

	.text
	.balign 16
co_miss_trampoline:
	co_save_call CO_CALL_SAVED
	mov %r11d, %esi
	call co_handle_miss     /* rax = the rep to restart on */
	co_restart_call

	co_stub_table co_default_ops, co_miss_trampoline

	.section .note.GNU-stack, "", @progbits
