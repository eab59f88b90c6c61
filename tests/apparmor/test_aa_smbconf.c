/* SPDX-License-Identifier: MIT */
/* The smb.conf reader: Samba's lexer rules, includes, [homes], usershares,
 * symlinked share paths, longest whole-component prefix matching and bad
 * input. Argument: the fixtures directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "smbconf/smbconf.h"

static const char *fixtures;
static char tmpdir[256];

static struct nd_smbconf *load(const char *path, const char *passwd)
{
	struct nd_smbconf_options o = {.path = path, .passwd_file = passwd, .hostname = "vm"};
	struct nd_smbconf *c = nd_smbconf_load(&o);
	assert_non_null(c);
	return c;
}

static const struct nd_smbconf_share *share(const struct nd_smbconf *c, const char *name)
{
	long i = nd_smbconf_find_share(c, name);
	return i < 0 ? NULL : &c->shares[i];
}

static const char *path_of(const struct nd_smbconf *c, const char *name)
{
	const struct nd_smbconf_share *s = share(c, name);
	assert_non_null(s);
	return s->path;
}

static const char *match(const struct nd_smbconf *c, const char *p)
{
	long i = nd_smbconf_match_path(c, p);
	if (i < 0)
		return "-";
	return c->shares[i].user ? c->shares[i].user : c->shares[i].name;
}

static void fixture(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", fixtures, name);
}

static void write_file(const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_lexer(void **state)
{
	(void)state;
	char p[512];
	fixture(p, sizeof(p), "lexer.conf");
	struct nd_smbconf *c = load(p, NULL);
	assert_true(c->loaded);
	assert_int_equal(c->n_errors, 0);
	assert_string_equal(share(c, "DATA")->name, "Data"); /* first spelling kept */
	assert_string_equal(path_of(c, "data"), "/srv/data2");
	assert_string_equal(path_of(c, "spaces"), "/srv/share with\tspaces");
	assert_string_equal(path_of(c, "cont"), "/srv/cont");
	assert_string_equal(path_of(c, "rea d"), "/srv/keyspaces");
	assert_string_equal(path_of(c, "dir"), "/srv/dir");
	assert_string_equal(path_of(c, "copied"), "/srv/dir");
	assert_string_equal(path_of(c, "copied2"), "/srv/own");
	assert_string_equal(path_of(c, "inline"), "/srv/s1 ; trailing comment");
	assert_string_equal(path_of(c, "nopath"), "");
	assert_int_equal(share(c, "printers")->kind, ND_SMBCONF_PRINTERS);
	assert_int_equal(c->usershare_max, 0);
	assert_string_equal(match(c, "/var/spool/samba/job1"), "printers");
	nd_smbconf_free(c);
}

static void test_seed_homes(void **state)
{
	(void)state;
	char p[512], pw[512];
	fixture(p, sizeof(p), "seed.conf");
	fixture(pw, sizeof(pw), "passwd");
	struct nd_smbconf *c = load(p, pw);
	assert_int_equal(c->n_errors, 0);
	assert_string_equal(path_of(c, "winshare"), "/mnt/data/winshare");
	assert_string_equal(match(c, "/mnt/data/winshare/"), "winshare");
	assert_string_equal(match(c, "/mnt/data/winshare"), "winshare");
	assert_string_equal(match(c, "/mnt/data/winshare/a/b"), "winshare");
	assert_string_equal(match(c, "/mnt/data/winsharex"), "-");
	assert_string_equal(match(c, "/mnt/data/symbols/x.pdb"), "symbols");
	assert_string_equal(match(c, "/mnt/data"), "-");
	/* [homes]: login users of the passwd file only */
	assert_string_equal(match(c, "/home/me/doc.txt"), "me");
	assert_string_equal(match(c, "/srv/homes/alice"), "alice");
	assert_string_equal(match(c, "/root/x"), "-");
	assert_string_equal(match(c, "/usr/sbin/x"), "-");
	const struct nd_smbconf_share *a = share(c, "alice");
	assert_non_null(a);
	assert_int_equal(a->kind, ND_SMBCONF_HOME_USER);
	assert_string_equal(a->name, "homes");
	assert_null(share(c, "daemon"));
	assert_null(share(c, "nobody"));
	assert_int_equal(share(c, "homes")->kind, ND_SMBCONF_HOMES);
	nd_smbconf_free(c);
}

static void test_broken(void **state)
{
	(void)state;
	char p[512];
	fixture(p, sizeof(p), "broken.conf");
	struct nd_smbconf *c = load(p, NULL);
	assert_int_equal(c->n_errors, 2);
	assert_int_equal(c->problems[0].line, 5);
	assert_non_null(strstr(c->problems[0].message, "']'"));
	assert_int_equal(c->problems[1].line, 7);
	/* the rest is still read */
	assert_string_equal(path_of(c, "good"), "/srv/good");
	assert_string_equal(path_of(c, "after"), "/srv/after");
	nd_smbconf_free(c);
	/* a missing file, given explicitly: an error; by default: a note */
	c = load("/nonexistent/smb.conf", NULL);
	assert_false(c->loaded);
	assert_int_equal(c->n_errors, 1);
	nd_smbconf_free(c);
	struct nd_smbconf_options o = {.path = "/nonexistent/smb.conf", .missing_ok = true};
	c = nd_smbconf_load(&o);
	assert_int_equal(c->n_errors, 0);
	assert_int_equal(c->n_problems, 1);
	nd_smbconf_free(c);
	/* a directory and an empty file */
	c = load(fixtures, NULL);
	assert_int_equal(c->n_errors, 1);
	nd_smbconf_free(c);
	write_file("empty.conf", "");
	char e[512];
	snprintf(e, sizeof(e), "%s/empty.conf", tmpdir);
	c = load(e, NULL);
	assert_true(c->loaded);
	assert_int_equal(c->n_shares, 0);
	nd_smbconf_free(c);
}

static void test_includes_usershares_symlinks(void **state)
{
	(void)state;
	char p[1024], q[1024];
	snprintf(p, sizeof(p), "%s/real", tmpdir);
	mkdir(p, 0755);
	snprintf(q, sizeof(q), "%s/link", tmpdir);
	unlink(q);
	assert_int_equal(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/usershares", tmpdir);
	mkdir(p, 0755);
	write_file("usershares/pub", "#VERSION 2\npath=/srv/pub\ncomment=x\n"
	                             "usershare_acl=S-1-1-0:R,\nguest_ok=n\nsharename=Pub\n");
	write_file("usershares/old", "#VERSION 1\npath=/srv/old/\n");
	write_file("usershares/bad", "path=/srv/bad\n");
	write_file("usershares/data", "#VERSION 2\npath=/srv/other\nsharename=data\n");
	char inc[1024];
	snprintf(inc, sizeof(inc), "; included\n[sym]\n\tpath = %s/link\n", tmpdir);
	write_file("shares.inc", inc);
	char conf[2048];
	snprintf(conf, sizeof(conf),
	         "[global]\n\tworkgroup = LAB\n\tusershare path = %s/usershares\n"
	         "\tinclude = %s/shares.inc\n\tinclude = %s/missing-%%L.inc\n"
	         "\tusershare path = /ignored/in/a/share\n"
	         "[data]\n\tpath = /srv/data\n[sub]\n\tpath = /srv/data/sub/\n",
	         tmpdir, tmpdir, tmpdir);
	write_file("mixed.conf", conf);
	snprintf(p, sizeof(p), "%s/mixed.conf", tmpdir);
	struct nd_smbconf *c = load(p, NULL);
	assert_int_equal(c->n_errors, 0);
	assert_int_equal(c->includes, 1);
	/* the missing include (with %L = VM) and the global parameter that
	 * landed in [sym] because the include switched the section */
	bool missing = false, global_in_share = false;
	for (size_t i = 0; i < c->n_problems; i++) {
		missing |= strstr(c->problems[i].message, "missing-VM.inc") != NULL &&
		           c->problems[i].line == 5;
		global_in_share |= strstr(c->problems[i].message, "[sym]") != NULL;
	}
	assert_true(missing);
	assert_true(global_in_share);
	const struct nd_smbconf_share *s = share(c, "sym");
	assert_non_null(s);
	assert_true(s->from_include);
	snprintf(q, sizeof(q), "%s/link", tmpdir);
	assert_string_equal(s->path, q);
	char real[PATH_MAX];
	assert_non_null(realpath(tmpdir, real));
	char want[PATH_MAX + 16];
	snprintf(want, sizeof(want), "%s/real", real);
	assert_string_equal(s->real, want);
	snprintf(want, sizeof(want), "%s/real/doc.txt", real);
	nd_str_copy(q, sizeof(q), want);
	assert_string_equal(match(c, q), "sym");
	snprintf(q, sizeof(q), "%s/link/doc.txt", tmpdir);
	assert_string_equal(match(c, q), "sym");
	/* usershares: sharename= wins over the file name; version 1; bad and
	 * clashing ones left out */
	assert_string_equal(path_of(c, "pub"), "/srv/pub");
	assert_string_equal(share(c, "pub")->name, "Pub");
	assert_int_equal(share(c, "pub")->kind, ND_SMBCONF_USERSHARE);
	assert_string_equal(path_of(c, "old"), "/srv/old");
	assert_null(share(c, "bad"));
	assert_string_equal(path_of(c, "data"), "/srv/data");
	/* longest whole-component prefix */
	assert_string_equal(match(c, "/srv/data/sub/x/"), "sub");
	assert_string_equal(match(c, "/srv/data/subx"), "data");
	assert_string_equal(match(c, "/srv/datax/z"), "-");
	assert_string_equal(match(c, "/srv/pub/new.txt"), "Pub");
	assert_string_equal(match(c, "relative/path"), "-");
	nd_smbconf_free(c);
}

static void test_patterns_root_and_loops(void **state)
{
	(void)state;
	write_file("pat.conf", "[global]\n\tusershare max shares = 0\n"
	                       "[homes]\n\tpath = /data/pchome/%S\n"
	                       "[profiles]\n\tpath = /srv/profiles/%U/x%m\n"
	                       "[all]\n\tpath = /\n[data]\n\tpath = /srv/data\n");
	char p[512];
	snprintf(p, sizeof(p), "%s/pat.conf", tmpdir);
	struct nd_smbconf *c = load(p, NULL);
	assert_true(share(c, "homes")->pattern);
	assert_string_equal(share(c, "homes")->glob, "/data/pchome/*");
	assert_string_equal(match(c, "/data/pchome/bob/f.txt"), "homes");
	assert_string_equal(match(c, "/data/pchome"), "all");
	assert_string_equal(match(c, "/srv/profiles/bob/xPC1/ntuser.dat"), "profiles");
	assert_string_equal(match(c, "/srv/data/a"), "data");
	assert_string_equal(match(c, "/etc/shadow"), "all");
	/* an unknown user name maps to a [homes] with a pattern */
	assert_string_equal(share(c, "bob")->name, "homes");
	nd_smbconf_free(c);
	/* a file that includes itself stops at the depth limit */
	char loop[600];
	snprintf(loop, sizeof(loop), "[global]\n\tinclude = %s/loop.conf\n[x]\n\tpath = /x\n",
	         tmpdir);
	write_file("loop.conf", loop);
	snprintf(p, sizeof(p), "%s/loop.conf", tmpdir);
	c = load(p, NULL);
	assert_int_equal(c->n_errors, 1);
	assert_string_equal(path_of(c, "x"), "/x");
	nd_smbconf_free(c);
	/* config file = X: Samba reloads from X */
	write_file("real.conf", "[global]\n\tworkgroup = B\n[b]\n\tpath = /srv/b\n");
	char cf[600];
	snprintf(cf, sizeof(cf), "[global]\n\tconfig file = %s/real.conf\n[a]\n\tpath = /srv/a\n",
	         tmpdir);
	write_file("cf.conf", cf);
	snprintf(p, sizeof(p), "%s/cf.conf", tmpdir);
	c = load(p, NULL);
	assert_null(share(c, "a"));
	assert_string_equal(path_of(c, "b"), "/srv/b");
	nd_smbconf_free(c);
}

static void test_garbage(void **state)
{
	(void)state;
	/* binary junk and a very long line: never a crash */
	char *junk = malloc(300000);
	assert_non_null(junk);
	for (size_t i = 0; i < 299999; i++)
		junk[i] = (char)((i * 7919u) % 251u + 1u);
	junk[299999] = 0;
	write_file("junk.conf", junk);
	memset(junk, 'a', 299998);
	junk[0] = '[';
	junk[299998] = '\n';
	write_file("long.conf", junk);
	free(junk);
	char p[512];
	snprintf(p, sizeof(p), "%s/junk.conf", tmpdir);
	nd_smbconf_free(load(p, NULL));
	snprintf(p, sizeof(p), "%s/long.conf", tmpdir);
	struct nd_smbconf *c = load(p, NULL);
	assert_int_equal(c->n_errors, 1);
	nd_smbconf_free(c);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_aa_smbconf FIXTURES_DIR\n");
		return 1;
	}
	fixtures = argv[1];
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nd-smbconf-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lexer),
	        cmocka_unit_test(test_seed_homes),
	        cmocka_unit_test(test_broken),
	        cmocka_unit_test(test_includes_usershares_symlinks),
	        cmocka_unit_test(test_patterns_root_and_loops),
	        cmocka_unit_test(test_garbage),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return rc;
}
