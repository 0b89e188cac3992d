// SPDX-License-Identifier: GPL-2.0-only
/*
 * Just enough of an 8250 for a guest's polled console output: the
 * transmitter is always empty, received data never arrives, and divisor
 * latch accesses (DLAB) are accepted and ignored.
 */
#include "io.h"

enum {
	UART_THR = 0, /* transmit holding register (DLAB=0) */
	UART_LCR = 3,
	UART_LSR = 5,
	UART_SCR = 7,
};

#define UART_LCR_DLAB 0x80
#define UART_LSR_IDLE 0x60 /* THR empty, transmitter empty */

void uart_io(struct vm *vm, uint16_t offset, bool out, uint8_t *data)
{
	struct uart_state *u = &vm->uart;

	if (out) {
		if (offset == UART_THR && !(u->lcr & UART_LCR_DLAB)) {
			flockfile(vm->console);
			putc_unlocked(*data, vm->console);
			if (*data == '\n')
				fflush_unlocked(vm->console);
			funlockfile(vm->console);
		} else if (offset == UART_LCR) {
			u->lcr = *data;
		} else if (offset == UART_SCR) {
			u->scr = *data;
		}
		return;
	}
	switch (offset) {
	case UART_LSR: *data = UART_LSR_IDLE; break;
	case UART_LCR: *data = u->lcr; break;
	case UART_SCR: *data = u->scr; break;
	default: *data = 0; break;
	}
}
