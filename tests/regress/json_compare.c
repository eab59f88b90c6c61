/* SPDX-License-Identifier: MIT */
/* Compares a netdiag JSON report with a checked-in expected one and names
 * the first difference by its JSON path. What legitimately varies between
 * machines is normalised first: the version string, and file paths (reduced
 * to their base name).
 *
 *   json_compare EXPECTED ACTUAL   exit 0 when equal, 1 when not, 2 on error
 *   json_compare --valid FILE      exit 0 when FILE is one JSON document */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void normalise(json_object *o, const char *key);

static void normalise_object(json_object *o)
{
	json_object_object_del(o, "version");
	json_object_object_foreach(o, k, v)
	{
		if (!strcmp(k, "path") && json_object_is_type(v, json_type_string)) {
			const char *p = json_object_get_string(v);
			const char *b = strrchr(p, '/');
			if (b)
				json_object_object_add(o, k, json_object_new_string(b + 1));
			continue;
		}
		normalise(v, k);
	}
}

static void normalise(json_object *o, const char *key)
{
	(void)key;
	if (json_object_is_type(o, json_type_object)) {
		normalise_object(o);
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			normalise(json_object_array_get_idx(o, i), NULL);
	}
}

static int first_difference(json_object *a, json_object *b, char *path, size_t cap)
{
	if (json_object_equal(a, b))
		return 0;
	size_t len = strlen(path);
	if (json_object_is_type(a, json_type_object) && json_object_is_type(b, json_type_object)) {
		json_object_object_foreach(a, k, va)
		{
			json_object *vb;
			snprintf(path + len, cap - len, ".%s", k);
			if (!json_object_object_get_ex(b, k, &vb))
				return 1;
			if (first_difference(va, vb, path, cap))
				return 1;
		}
		json_object_object_foreach(b, kb, vbb)
		{
			(void)vbb;
			snprintf(path + len, cap - len, ".%s", kb);
			if (!json_object_object_get_ex(a, kb, NULL))
				return 1;
		}
		path[len] = 0;
		return 1;
	}
	if (json_object_is_type(a, json_type_array) && json_object_is_type(b, json_type_array)) {
		size_t na = json_object_array_length(a), nb = json_object_array_length(b);
		for (size_t i = 0; i < na && i < nb; i++) {
			snprintf(path + len, cap - len, "[%zu]", i);
			if (first_difference(json_object_array_get_idx(a, i),
			                     json_object_array_get_idx(b, i), path, cap))
				return 1;
		}
		snprintf(path + len, cap - len, "[length %zu vs %zu]", na, nb);
		return 1;
	}
	return 1;
}

static json_object *load(const char *file)
{
	json_object *o = json_object_from_file(file);
	if (!o)
		fprintf(stderr, "json_compare: %s: %s\n", file, json_util_get_last_err());
	return o;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--valid")) {
		json_object *o = load(argv[2]);
		json_object_put(o);
		return o ? 0 : 1;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: json_compare EXPECTED ACTUAL | --valid FILE\n");
		return 2;
	}
	json_object *e = load(argv[1]), *a = load(argv[2]);
	if (!e || !a)
		return 2;
	normalise(e, NULL);
	normalise(a, NULL);
	char path[1024] = "";
	int diff = first_difference(e, a, path, sizeof(path));
	if (diff)
		fprintf(stderr, "json_compare: %s and %s differ at %s\n", argv[1], argv[2],
		        path[0] ? path : "(top level)");
	json_object_put(e);
	json_object_put(a);
	return diff;
}
