// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdint.h>

#include <kernel/printf.h>
#include <kernel/string.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* what would have been written */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, alt; /* '-', '0', '#' (0x before hex) */
	unsigned width;
	int length; /* 0 int, 1 long, 2 long long, 3 size_t */
};

static void pad(struct out *o, unsigned n, char c)
{
	while (n--)
		put(o, c);
}

static void put_field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	unsigned fill = sp->width > n ? sp->width - (unsigned)n : 0;

	if (!sp->left)
		pad(o, fill, sp->zero ? '0' : ' ');
	while (n--)
		put(o, *s++);
	if (sp->left)
		pad(o, fill, ' ');
}

static void put_number(struct out *o, const struct spec *sp, uint64_t v, unsigned base,
		       bool negative, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = (int)sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (negative) {
		if (sp->zero && sp->width) {
			struct spec rest = *sp;
			put(o, '-');
			rest.width = rest.width ? rest.width - 1 : 0;
			put_field(o, &rest, tmp + i, sizeof(tmp) - (size_t)i);
			return;
		}
		tmp[--i] = '-';
	}
	put_field(o, sp, tmp + i, sizeof(tmp) - (size_t)i);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '#')
			sp->alt = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	if (*f == 'z') {
		sp->length = 3;
		f++;
	}
	while (*f == 'l') {
		sp->length++;
		f++;
	}
	return f;
}

static uint64_t unsigned_arg(va_list *ap, int length)
{
	switch (length) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t signed_arg(va_list *ap, int length)
{
	switch (length) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, long long);
	}
}

static void convert(struct out *o, char conv, struct spec *sp, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = signed_arg(ap, sp->length);
		put_number(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, false);
		break;
	}
	case 'u': put_number(o, sp, unsigned_arg(ap, sp->length), 10, false, false); break;
	case 'x':
		if (sp->alt) {
			put(o, '0');
			put(o, 'x');
		}
		put_number(o, sp, unsigned_arg(ap, sp->length), 16, false, false);
		break;
	case 'X': put_number(o, sp, unsigned_arg(ap, sp->length), 16, false, true); break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_number(o, sp, (uintptr_t)va_arg(*ap, void *), 16, false, false);
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		s = s ? s : "(null)";
		put_field(o, sp, s, strlen(s));
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_field(o, sp, &c, 1);
		break;
	}
	default: /* %% and anything unknown print as themselves */
		put(o, conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		struct spec sp;
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp);
		if (!*f)
			break;
		convert(&o, *f, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
