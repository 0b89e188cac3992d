// SPDX-License-Identifier: GPL-2.0-only
#include "guest_image.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_symbols.h"
#include "fail.h"

/* Every definition as read, before names are merged. */
struct definition {
	const char *name;  /* in the ELF's string table, valid while it is open */
	uint64_t addr;
	int global;
};

struct collection {
	struct definition *defs;
	size_t n, cap;
	int failed;
};

/* Functions and objects, local or not; untyped globals too, because
 * assembly entry points and linker-script symbols carry no type. */
static int bindable(const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);

	if (sym->st_shndx == SHN_UNDEF)
		return 0;
	if (type == STT_FUNC || type == STT_OBJECT)
		return 1;
	return type == STT_NOTYPE && GELF_ST_BIND(sym->st_info) != STB_LOCAL;
}

static int collect(const char *name, const GElf_Sym *sym, void *ctx)
{
	struct collection *c = ctx;

	if (!*name || !bindable(sym))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct definition *d = realloc(c->defs, cap * sizeof(*d));
		if (!d) {
			c->failed = 1;
			return 1;
		}
		c->defs = d;
		c->cap = cap;
	}
	c->defs[c->n++] = (struct definition){ name, sym->st_value,
					       GELF_ST_BIND(sym->st_info) != STB_LOCAL };
	return 0;
}

/* By name, globals first, so each name's binding is its group's head. */
static int by_name_global_first(const void *a, const void *b)
{
	const struct definition *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : y->global - x->global;
}

/* One symbol per name: the global, else the local if all locals agree. */
static int merge(struct guest_image *img, struct definition *defs, size_t n)
{
	img->syms = calloc(n ? n : 1, sizeof(*img->syms));
	if (!img->syms)
		return -1;
	for (size_t i = 0, j; i < n; i = j) {
		struct guest_symbol *s = &img->syms[img->nsyms];

		s->addr = defs[i].addr;
		for (j = i + 1; j < n && !strcmp(defs[j].name, defs[i].name); j++)
			if (!defs[i].global && defs[j].addr != s->addr)
				s->ambiguous = 1;
		if (!(s->name = strdup(defs[i].name)))
			return -1;
		img->nsyms++;
	}
	return 0;
}

static int read_symbols(Elf *elf, struct guest_image *img, char *err, size_t errlen)
{
	struct collection c = { 0 };
	int rc;

	elf_visit_symbols(elf, collect, &c);
	if (c.failed || !c.n) {
		snprintf(err, errlen, "%s: %s", img->path,
			 c.failed ? "out of memory reading symbols" : "no symbol table");
		free(c.defs);
		return -1;
	}
	qsort(c.defs, c.n, sizeof(*c.defs), by_name_global_first);
	rc = merge(img, c.defs, c.n);
	free(c.defs);
	if (rc)
		snprintf(err, errlen, "%s: out of memory reading symbols", img->path);
	return rc;
}

void build_id_hex(const uint8_t *bytes, uint32_t len, char *buf)
{
	for (uint32_t i = 0; i < len; i++)
		sprintf(buf + 2 * i, "%02x", bytes[i]);
	buf[2 * len] = 0;
}

static int read_build_id(Elf *elf, struct guest_image *img, char *err, size_t errlen)
{
	size_t len;

	if (!elf_build_id(elf, img->build_id, sizeof(img->build_id), &len)) {
		img->build_id_len = (uint32_t)len;
		return 0;
	}
	snprintf(err, errlen, "%s: no GNU build-id note (link with --build-id=sha1)", img->path);
	return -1;
}

static void close_elf(Elf *elf, int fd)
{
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

/* The ELF file at path, open for reading; NULL with err. */
static Elf *open_elf(const char *path, int *fd, char *err, size_t errlen)
{
	Elf *elf = NULL;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd >= 0 && elf_version(EV_CURRENT) != EV_NONE &&
	    (elf = elf_begin(*fd, ELF_C_READ, NULL)) && elf_kind(elf) == ELF_K_ELF)
		return elf;
	snprintf(err, errlen, "%s: cannot read as ELF: %s", path,
		 *fd < 0 ? "cannot open" : elf_errmsg(-1));
	close_elf(elf, *fd);
	return NULL;
}

int guest_image_open(const char *path, struct guest_image *img, char *err, size_t errlen)
{
	int fd, rc = -1;
	Elf *elf;

	*img = (struct guest_image){ 0 };
	if (!(img->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if ((elf = open_elf(path, &fd, err, errlen))) {
		if (!read_build_id(elf, img, err, errlen))
			rc = read_symbols(elf, img, err, errlen);
		close_elf(elf, fd);
	}
	if (rc)
		guest_image_close(img);
	return rc;
}

void guest_image_close(struct guest_image *img)
{
	for (size_t i = 0; i < img->nsyms; i++)
		free(img->syms[i].name);
	free(img->syms);
	free(img->path);
	*img = (struct guest_image){ 0 };
}

static int by_key(const void *key, const void *sym)
{
	return strcmp(key, ((const struct guest_symbol *)sym)->name);
}

enum guest_lookup guest_image_lookup(const struct guest_image *img, const char *name,
				     uint64_t *addr)
{
	const struct guest_symbol *s = bsearch(name, img->syms, img->nsyms,
					       sizeof(*s), by_key);

	if (!s)
		return GUEST_SYMBOL_MISSING;
	if (s->ambiguous)
		return GUEST_SYMBOL_AMBIGUOUS;
	*addr = s->addr;
	return GUEST_SYMBOL_FOUND;
}

struct function_query {
	const char *name;
	uint64_t addr, size;
};

static int match_function(const char *name, const GElf_Sym *sym, void *ctx)
{
	struct function_query *q = ctx;

	if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_value != q->addr ||
	    strcmp(name, q->name))
		return 0;
	q->size = sym->st_size;
	return 1;
}

/* The file is read again, after guest_image_open: it must be the same build. */
static int same_build(Elf *elf, const struct guest_image *img)
{
	uint8_t id[SV_PATCH_BUILD_ID_MAX];
	size_t len;

	return !elf_build_id(elf, id, sizeof(id), &len) && len == img->build_id_len &&
	       !memcmp(id, img->build_id, len);
}

/* The file's bytes at addr, in the executable section holding it, and
 * how many follow to the section's end; NULL if no such section does. */
static const uint8_t *code_at(Elf *elf, uint64_t addr, uint64_t *avail)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || d->d_size != sh.sh_size)
			return NULL;
		*avail = sh.sh_size - (addr - sh.sh_addr);
		return (const uint8_t *)d->d_buf + (addr - sh.sh_addr);
	}
	return NULL;
}

/* fn's bytes in the file, in the executable section holding all of them;
 * NULL if none does. */
static const uint8_t *find_code(Elf *elf, const struct guest_function *fn)
{
	uint64_t avail;
	const uint8_t *code = code_at(elf, fn->addr, &avail);

	return code && fn->size <= avail ? code : NULL;
}

static int read_function(Elf *elf, const struct guest_image *img, const char *name,
			 struct guest_function *fn, char *err, size_t errlen)
{
	struct function_query q = { name, fn->addr, 0 };
	const uint8_t *code;

	if (!same_build(elf, img))
		return patcher_fail(err, errlen, img->path,
				    "the file changed since it was read (build-id differs)");
	if (elf_visit_symbols(elf, match_function, &q) <= 0 || !q.size)
		return patcher_fail(err, errlen, img->path,
				    "%s is not a function with a size in the symbol table", name);
	fn->size = q.size;
	if (!(code = find_code(elf, fn)))
		return patcher_fail(err, errlen, img->path,
				    "%s: its %zu bytes at 0x%llx are not in an executable section",
				    name, fn->size, (unsigned long long)fn->addr);
	if (!(fn->bytes = malloc(fn->size)))
		return patcher_fail(err, errlen, img->path, "out of memory reading %s", name);
	memcpy(fn->bytes, code, fn->size);
	return 0;
}

int guest_image_function(const struct guest_image *img, const char *name,
			 struct guest_function *fn, char *err, size_t errlen)
{
	enum guest_lookup found;
	int fd, rc = -1;
	Elf *elf;

	*fn = (struct guest_function){ 0 };
	found = guest_image_lookup(img, name, &fn->addr);
	if (found == GUEST_SYMBOL_MISSING)
		return patcher_fail(err, errlen, img->path, "no symbol %s", name);
	if (found == GUEST_SYMBOL_AMBIGUOUS)
		return patcher_fail(err, errlen, img->path,
				    "%s is defined locally more than once, never globally", name);
	if ((elf = open_elf(img->path, &fd, err, errlen))) {
		rc = read_function(elf, img, name, fn, err, errlen);
		close_elf(elf, fd);
	}
	if (rc)
		guest_function_free(fn);
	return rc;
}

void guest_function_free(struct guest_function *fn)
{
	free(fn->bytes);
	*fn = (struct guest_function){ 0 };
}

struct code_visit {
	Elf *elf;
	guest_code_visitor visit;
	void *ctx;
};

static int visit_code(const char *name, const GElf_Sym *sym, void *ctx)
{
	struct code_visit *v = ctx;
	struct guest_code code = { name, sym->st_value, sym->st_size,
				   GELF_ST_TYPE(sym->st_info) == STT_FUNC, NULL, 0 };

	if (!*name || sym->st_shndx == SHN_UNDEF || GELF_ST_TYPE(sym->st_info) == STT_SECTION ||
	    !(code.bytes = code_at(v->elf, code.addr, &code.avail)))
		return 0;
	return v->visit(v->ctx, &code);
}

int guest_image_visit_code(const char *path, guest_code_visitor visit, void *ctx, char *err,
			   size_t errlen)
{
	struct code_visit v = { NULL, visit, ctx };
	int fd, rc;

	if (!(v.elf = open_elf(path, &fd, err, errlen)))
		return -1;
	rc = elf_visit_symbols(v.elf, visit_code, &v);
	close_elf(v.elf, fd);
	return rc;
}
