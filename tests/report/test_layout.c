/* SPDX-License-Identifier: MIT */
/* The text layout helpers of report/: tables that fit a width (cut cells,
 * columns left out), word wrap, UTF-8 widths, numbers with units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/report_internal.h"

/* Output captured in memory. */
struct capture {
	char *buf;
	size_t len;
	struct nd_text_out o;
};

static void cap_open(struct capture *c, int width)
{
	c->buf = NULL;
	c->len = 0;
	FILE *f = open_memstream(&c->buf, &c->len);
	assert_non_null(f);
	struct nd_report_options opt = {.width = width};
	c->o = nd_text_out_make(f, &opt);
}

static const char *cap_text(struct capture *c)
{
	fflush(c->o.f);
	return c->buf;
}

static void cap_close(struct capture *c)
{
	fclose(c->o.f);
	free(c->buf);
}

/* Characters (not bytes) of the widest line; fails on a line that is not
 * valid UTF-8 (a cut in the middle of a character). */
static int widest_line(const char *s)
{
	int widest = 0, w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			widest = w > widest ? w : widest;
			w = 0;
			continue;
		}
		if ((*p & 0xC0) != 0x80)
			w++;
		if (*p >= 0xC0) {
			int n = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : 1;
			for (int i = 1; i <= n; i++)
				assert_int_equal(p[i] & 0xC0, 0x80);
		}
	}
	return w > widest ? w : widest;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const struct nd_text_col flow_cols[] = {
        {"ID", ND_TEXT_RIGHT, 0, 1},
        {"CLIENT", ND_TEXT_LEFT, 10, ND_TEXT_KEEP},
        {"PACKETS", ND_TEXT_RIGHT, 0, 3},
        {"BYTES", ND_TEXT_RIGHT, 0, 8},
        {"END", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
};

static void flow_rows(struct nd_text_table *t, const char *client)
{
	nd_text_table_cell(t, "%d", 7);
	nd_text_table_cell(t, "%s", client);
	nd_text_table_cell(t, "%d", 340);
	nd_text_table_cell(t, "%s", "577.9 KB");
	nd_text_table_cell(t, "%s", "fin");
}

static void test_table_natural(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 100);
	struct nd_text_table *t = nd_text_table_new(2, 2, flow_cols, 5);
	flow_rows(t, "10.231.0.1:58534");
	nd_text_table_end(&c.o, t);
	assert_string_equal(cap_text(&c), "  ID  CLIENT            PACKETS     BYTES  END\n"
	                                  "   7  10.231.0.1:58534      340  577.9 KB  fin\n");
	assert_int_equal(c.o.err, 0);
	cap_close(&c);
}

static void test_table_cuts_flexible_first(void **state)
{
	(void)state;
	struct capture c;
	/* natural 46 columns; 42 fit when CLIENT gives 4 of its 16 */
	cap_open(&c, 42);
	c.o.width = 42; /* below the minimum on purpose: the helpers take any width */
	struct nd_text_table *t = nd_text_table_new(2, 2, flow_cols, 5);
	flow_rows(t, "10.231.0.1:58534");
	nd_text_table_end(&c.o, t);
	const char *out = cap_text(&c);
	assert_non_null(strstr(out, "   7  10.2" ND_TEXT_CUT "58534      340"));
	assert_null(strstr(out, "narrow terminal"));
	assert_int_equal(widest_line(out), 42);
	cap_close(&c);
}

static void test_table_drops_lowest_priority(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	c.o.width = 34;
	struct nd_text_table *t = nd_text_table_new(2, 2, flow_cols, 5);
	flow_rows(t, "10.231.0.1:58534");
	nd_text_table_end(&c.o, t);
	const char *out = cap_text(&c);
	/* ID (1) goes first, then PACKETS (3); CLIENT widens again */
	assert_string_equal(out, "  CLIENT               BYTES  END\n"
	                         "  10.231.0.1:58534  577.9 KB  fin\n"
	                         "  (narrow terminal: ID, PACKETS\n"
	                         "  left out; --json has them)\n");
	cap_close(&c);
}

static void test_table_never_wider(void **state)
{
	(void)state;
	static const struct nd_text_col keep[] = {
	        {"A-LONG-TITLE", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
	        {"NUMBER", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
	        {"PATH", ND_TEXT_LEFT, 8, ND_TEXT_KEEP},
	};
	for (int width = 1; width <= 60; width++) {
		struct capture c;
		cap_open(&c, 40);
		c.o.width = width;
		struct nd_text_table *t = nd_text_table_new(2, 2, keep, 3);
		nd_text_table_cell(t, "%s", "some text that goes on");
		nd_text_table_cell(t, "%s", "1234567890");
		nd_text_table_cell(t, "%s", "/srv/samba/a/very/long/path/to/a/file.bin");
		nd_text_table_end(&c.o, t);
		int w = widest_line(cap_text(&c));
		assert_true(w <= (width > 3 ? width : 3));
		cap_close(&c);
	}
}

static void test_table_utf8_cells(void **state)
{
	(void)state;
	static const struct nd_text_col cols[] = {
	        {"NAME", ND_TEXT_LEFT, 6, ND_TEXT_KEEP},
	        {"N", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
	};
	struct capture c;
	cap_open(&c, 100);
	struct nd_text_table *t = nd_text_table_new(0, 1, cols, 2);
	nd_text_table_cell(t, "%s", "Größe.txt"); /* 9 characters, 11 bytes */
	nd_text_table_cell(t, "%d", 1);
	nd_text_table_cell(t, "%s", "a");
	nd_text_table_cell(t, "%d", 22);
	nd_text_table_end(&c.o, t);
	assert_string_equal(cap_text(&c), "NAME       N\n"
	                                  "Größe.txt  1\n"
	                                  "a         22\n");
	cap_close(&c);

	/* cut in the middle of multi-byte characters: whole characters only */
	cap_open(&c, 100);
	c.o.width = 10;
	t = nd_text_table_new(0, 1, cols, 2);
	nd_text_table_cell(t, "%s", "ÄÖÜäöüßÄÖÜäöüß");
	nd_text_table_cell(t, "%d", 1);
	nd_text_table_end(&c.o, t);
	const char *out = cap_text(&c);
	assert_int_equal(widest_line(out), 10);
	assert_non_null(strstr(out, "ÄÖ" ND_TEXT_CUT "öüß 1"));
	cap_close(&c);
}

static void test_table_control_characters(void **state)
{
	(void)state;
	static const struct nd_text_col cols[] = {{"NAME", ND_TEXT_LEFT, 0, ND_TEXT_KEEP}};
	struct capture c;
	cap_open(&c, 100);
	struct nd_text_table *t = nd_text_table_new(0, 1, cols, 1);
	nd_text_table_cell(t, "%s",
	                   "a\033[2Jb\nc\xff"
	                   "d\xc2\x9b");
	nd_text_table_end(&c.o, t);
	assert_string_equal(cap_text(&c), "NAME\na?[2Jb?c?d?\n");
	cap_close(&c);
}

static void test_table_empty(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 100);
	nd_text_table_end(&c.o, nd_text_table_new(2, 2, flow_cols, 5));
	assert_string_equal(cap_text(&c), "");
	cap_close(&c);
}

static void test_wrap_hanging_label(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	nd_text_wrap(&c.o, 4, "fix: ",
	             "Turn off large send offload on the sender with ethtool and check the bridge");
	assert_string_equal(cap_text(&c), "    fix: Turn off large send offload on\n"
	                                  "         the sender with ethtool and\n"
	                                  "         check the bridge\n");
	cap_close(&c);
}

static void test_wrap_long_word(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	const char *url = "https://example.org/a/very/long/path/that/does/not/fit/at/all.html";
	nd_text_wrap(&c.o, 2, "see: ", url);
	const char *out = cap_text(&c);
	assert_int_equal(widest_line(out), 40);
	assert_true(count_lines(out) == 2);
	/* the pieces, without the indent, give the word back */
	char joined[256] = "";
	for (const char *p = out; *p;) {
		const char *e = strchr(p, '\n');
		const char *s = p + 7; /* "  see: " and the hanging indent are 7 wide */
		strncat(joined, s, (size_t)(e - s));
		p = e + 1;
	}
	assert_string_equal(joined, url);
	cap_close(&c);
}

static void test_wrap_code_span_and_spaces(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	nd_text_wrap(&c.o, 0, "",
	             "[data] /srv/data  profile smbd  then run `ethtool -K eth0 tso off`");
	assert_string_equal(cap_text(&c), "[data] /srv/data  profile smbd  then run\n"
	                                  "`ethtool -K eth0 tso off`\n");
	cap_close(&c);
}

static void test_wrap_code_span_too_long(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	/* the first span cannot fit a line and breaks at its spaces; the words
	 * after it are words again, and the second span stays whole */
	nd_text_wrap(&c.o, 0, "",
	             "run `one two three four five six seven eight nine ten eleven` then a b c d "
	             "e `x y z`");
	assert_string_equal(cap_text(&c), "run `one two three four five six seven\n"
	                                  "eight nine ten eleven` then a b c d e\n"
	                                  "`x y z`\n");
	cap_close(&c);
}

static void test_wrap_colour_label_newline(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 40);
	c.o.color = true;
	nd_text_wrap(&c.o, 2, ND_SGR_RED "PARTIAL:" ND_SGR_RESET " ",
	             "one two\nthree four five six seven eight nine ten");
	assert_string_equal(cap_text(&c), "  " ND_SGR_RED "PARTIAL:" ND_SGR_RESET " one two\n"
	                                  "           three four five six seven\n"
	                                  "           eight nine ten\n");
	cap_close(&c);
}

static void test_wrap_random_never_wider(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 300; round++) {
		char text[600];
		size_t n = (size_t)(rand() % 500);
		for (size_t i = 0; i < n; i++) {
			int r = rand() % 12;
			text[i] = r == 0 ? ' ' : r == 1 ? '`' : (char)('a' + rand() % 26);
		}
		text[n] = 0;
		int width = 40 + rand() % 80;
		struct capture c;
		cap_open(&c, width);
		nd_text_wrap(&c.o, rand() % 12, rand() % 2 ? "label: " : "", text);
		assert_true(widest_line(cap_text(&c)) <= width);
		cap_close(&c);
	}
}

static void test_units(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(nd_text_bytes(999, b, sizeof(b)), "999 B");
	assert_string_equal(nd_text_bytes(577900, b, sizeof(b)), "577.9 KB");
	assert_string_equal(nd_text_bytes(204800000, b, sizeof(b)), "204.8 MB");
	assert_string_equal(nd_text_duration(63000, b, sizeof(b)), "0.063 ms");
	assert_string_equal(nd_text_duration(7777000, b, sizeof(b)), "7.78 ms");
	assert_string_equal(nd_text_duration(423922000, b, sizeof(b)), "423.9 ms");
	assert_string_equal(nd_text_duration(1520000000, b, sizeof(b)), "1.52 s");
	assert_string_equal(nd_text_duration(95000000000, b, sizeof(b)), "95 s");
	assert_string_equal(nd_text_bitrate(100000, b, sizeof(b)), "800 kbit/s");
	assert_string_equal(nd_text_bitrate(487500, b, sizeof(b)), "3.9 Mbit/s");
	assert_string_equal(nd_text_bitrate(131625000, b, sizeof(b)), "1.05 Gbit/s");
	assert_int_equal(nd_text_width("\033[1mÄb\033[0m"), 2);
}

static void test_out_make(void **state)
{
	(void)state;
	struct nd_report_options opt = {.width = 12, .color = true};
	struct nd_text_out o = nd_text_out_make(stdout, &opt);
	assert_int_equal(o.width, ND_TEXT_MIN_WIDTH);
	assert_true(o.color);
	o = nd_text_out_make(stdout, NULL);
	assert_int_equal(o.width, ND_TEXT_DEFAULT_WIDTH);
	assert_false(o.color);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table_natural),
	        cmocka_unit_test(test_table_cuts_flexible_first),
	        cmocka_unit_test(test_table_drops_lowest_priority),
	        cmocka_unit_test(test_table_never_wider),
	        cmocka_unit_test(test_table_utf8_cells),
	        cmocka_unit_test(test_table_control_characters),
	        cmocka_unit_test(test_table_empty),
	        cmocka_unit_test(test_wrap_hanging_label),
	        cmocka_unit_test(test_wrap_long_word),
	        cmocka_unit_test(test_wrap_code_span_and_spaces),
	        cmocka_unit_test(test_wrap_code_span_too_long),
	        cmocka_unit_test(test_wrap_colour_label_newline),
	        cmocka_unit_test(test_wrap_random_never_wider),
	        cmocka_unit_test(test_units),
	        cmocka_unit_test(test_out_make),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
