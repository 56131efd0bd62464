/*
 * mapload.c: loading mapping files (mapfile.h).  The shipped mappings
 * (mappings/NAME.json, built in by scripts/embed-json) come first, then the
 * *.json files of each --mappings DIR in name order; a mapping is named
 * after its file, and a later one of the same name replaces an earlier
 * one (a user's copy of a shipped mapping wins).  Each is read with
 * jansson (its syntax errors name line and column), copied into the
 * run's arena, and checked (maprule.c); a shape error is located in the
 * file's text by the dotted path the check names, so every error reads
 * FILE:LINE:COL: reason, and is fatal (exit 78) before any input is read.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "embed.h"
#include "err.h"
#include "json.h"
#include "mapfile.h"

/* The built-in mappings (mappings/NAME.json; Makefile, embed_rule). */
extern const struct soc_embed ing_shipped_mappings[] __attribute__((weak));

#define MAP_FILE_MAX ((size_t)1 << 20)
#define MAP_MAX 256

/* A copy of jansson's value j in a (new values of a). */
static struct soc_val *
from_json(struct soc_val_arena *a, const json_t *j)
{
	struct soc_val *v;
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = soc_val_new_object(a);
		json_object_foreach((json_t *)j, k, x)
			soc_val_putn(v, k, strlen(k), from_json(a, x));
		return v;
	case JSON_ARRAY:
		v = soc_val_new_array(a);
		json_array_foreach(j, i, x)
			soc_val_append(v, from_json(a, x));
		return v;
	case JSON_STRING:
		return soc_val_new_strn(a, json_string_value(j),
		    json_string_length(j));
	case JSON_INTEGER:
		return soc_val_new_int(a, json_integer_value(j));
	case JSON_REAL:
		return soc_val_new_real(a, json_real_value(j));
	case JSON_TRUE:
		return soc_val_new(a, SOC_VAL_TRUE);
	case JSON_FALSE:
		return soc_val_new(a, SOC_VAL_FALSE);
	default:
		return soc_val_new(a, SOC_VAL_NULL);
	}
}

/*
 * Line and column (from 1) of the member at the dotted path at in the
 * JSON text t[0..n): the longest prefix of the path that is found, the
 * whole text when none is.
 */
static void
locate(const char *t, size_t n, const char *at, int *line, int *col)
{
	struct soc_span root, v;
	const char *why, *p = t;
	char path[256];
	size_t off;
	char *dot;

	*line = 1;
	*col = 1;
	if (soc_json_validate(t, n, SOC_JSON_MAX_DEPTH, &root, &why, &off) < 0)
		return;
	snprintf(path, sizeof path, "%s", at);
	for (;;) {
		if (!path[0]) {
			p = root.p;
			break;
		}
		if (soc_json_path(&root, path, &v) != SOC_JSON_NONE) {
			p = v.p;
			break;
		}
		if (!(dot = strrchr(path, '.')))
			path[0] = '\0';
		else
			*dot = '\0';
	}
	for (; t < p; t++)
		if (*t == '\n') {
			++*line;
			*col = 1;
		} else
			++*col;
}

/* The mapping in t[0..n) (file name file, for errors) in a; fatal when
 * it does not load. */
static const struct soc_val *
load_text(struct soc_val_arena *a, const char *file, const char *t,
    size_t n, int dir)
{
	json_error_t err;
	json_t *j = json_loadb(t, n, JSON_REJECT_DUPLICATES, &err);
	const struct soc_val *m;
	char why[256], at[256];
	const char *r;
	int line, col;

	if (!j)
		soc_die(SOC_EX_CONFIG, "%s:%d:%d: %s", file, err.line,
		    err.column, err.text);
	m = from_json(a, j);
	json_decref(j);
	if ((r = ing_map_check(m, dir, why, sizeof why, at, sizeof at))) {
		locate(t, n, at, &line, &col);
		soc_die(SOC_EX_CONFIG, "%s:%d:%d: %s%s%s", file, line, col,
		    at[0] ? at : "", at[0] ? ": " : "", r);
	}
	return m;
}

/* The bytes of file path in b (at most MAP_FILE_MAX); fatal errors. */
static void
read_file(const char *path, struct soc_buf *b)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t k;

	if (!fp)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
	soc_buf_reset(b);
	while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (soc_buf_add(b, chunk, k) < 0)
			soc_die(SOC_EX_CONFIG, "%s: a mapping file is at most "
			    "%zu bytes", path, MAP_FILE_MAX);
	if (ferror(fp))
		soc_die_errno(SOC_EX_NOINPUT, "cannot read '%s'", path);
	fclose(fp);
}

const struct soc_val *
ing_map_load_file(struct soc_val_arena *a, const char *path)
{
	struct soc_buf b;
	const struct soc_val *m;

	soc_buf_init(&b, MAP_FILE_MAX);
	read_file(path, &b);
	m = load_text(a, path, b.p ? b.p : "", b.len, 0);
	soc_buf_release(&b);
	return m;
}

struct loaded {
	char *name, *file;
	const struct soc_val *m;
};

static struct {
	struct loaded v[MAP_MAX];
	size_t n;
} maps;

static void
keep(char *name, char *file, const struct soc_val *m)
{
	size_t i;

	for (i = 0; i < maps.n; i++)
		if (strcmp(maps.v[i].name, name) == 0) {
			free(maps.v[i].name);
			free(maps.v[i].file);
			break;
		}
	if (i == MAP_MAX)
		soc_die(SOC_EX_CONFIG, "%s: more than %d mappings", file,
		    MAP_MAX);
	maps.v[i] = (struct loaded){ name, file, m };
	if (i == maps.n)
		maps.n++;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The name of a mapping file d_name ("duo.json" is "duo"), or NULL when
 * it is not one (other files of the directory are left alone). */
static char *
map_name(const char *f)
{
	size_t n = strlen(f);

	if (n <= 5 || strcmp(f + n - 5, ".json") != 0 || f[0] == '.')
		return NULL;
	return soc_xstrndup(f, n - 5);
}

static void
load_dir(struct soc_val_arena *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	struct soc_buf b;

	if (!d)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", dir);
	while ((errno = 0, e = readdir(d)) != NULL) {
		char *nm = map_name(e->d_name);

		if (!nm)
			continue;
		names = soc_xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = nm;
	}
	if (errno)
		soc_die_errno(SOC_EX_NOINPUT, "cannot read '%s'", dir);
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	soc_buf_init(&b, MAP_FILE_MAX);
	for (i = 0; i < n; i++) {
		char *file = soc_xasprintf("%s/%s.json", dir, names[i]);

		if (strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789-_")
		    != strlen(names[i]))
			soc_die(SOC_EX_CONFIG, "%s: a mapping's file name is "
			    "lower-case letters, digits, '-' and '_'", file);
		read_file(file, &b);
		keep(names[i], file, load_text(a, file, b.p ? b.p : "",
		    b.len, 1));
	}
	soc_buf_release(&b);
	free(names);
}

/* A format of the registry for the loaded mapping l. */
static void
add_format(const struct loaded *l)
{
	struct ing_format *f;
	const struct ing_format *old = ing_format_find(l->name);
	const char *fmt = soc_val_str(soc_val_key(l->m, "format"));

	if (old && !old->rules)
		soc_die(SOC_EX_CONFIG, "%s: '%s' is the name of a built-in "
		    "format", l->file, l->name);
	f = soc_xcalloc(1, sizeof *f);
	f->name = l->name;
	f->desc = soc_val_str(soc_val_key(l->m, "description"));
	if (!f->desc)
		f->desc = "(mapping file)";
	f->rules = l->m;
	f->sure_max = ing_map_sure_max(l->m);
	f->ns = soc_val_str(soc_val_key(l->m, "namespace"));
	if (strcmp(fmt, "json") == 0)
		f->map_json = ing_map_json;
	else
		f->map_text = ing_map_text_line;
	ing_format_add(f);
}

void
ing_maps_load(struct soc_val_arena *a, const char *const *dirs,
    size_t ndirs)
{
	const struct soc_embed *e;
	size_t i;

	for (e = ing_shipped_mappings; e && e->name; e++) {
		char *file = soc_xasprintf("mappings/%s.json", e->name);

		keep(soc_xstrdup(e->name), file, load_text(a, file, e->text,
		    e->len, 1));
	}
	for (i = 0; i < ndirs; i++)
		load_dir(a, dirs[i]);
	for (i = 0; i < maps.n; i++) {
		add_format(&maps.v[i]);
		free(maps.v[i].file);
	}
	maps.n = 0;
}
