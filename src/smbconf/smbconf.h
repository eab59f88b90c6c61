/* SPDX-License-Identifier: MIT */
/* smbconf: reads smb.conf the way Samba's own loader does (lib/util/tini.c
 * and loadparm), not the way smb.conf(5) describes it, and lists every share
 * with the directory it exports: normal shares, [printers], the per-user
 * shares that [homes] makes from the passwd database, and usershares. It
 * also maps a file system path to the share that contains it. Rules and
 * their sources: docs/apparmor.md, "smb.conf". */
#ifndef ND_SMBCONF_H
#define ND_SMBCONF_H

#include <stdbool.h>
#include <stddef.h>

#define ND_SMBCONF_DEFAULT "/etc/samba/smb.conf"

enum nd_smbconf_kind {
	ND_SMBCONF_SHARE = 0, /* a [section] with a path */
	ND_SMBCONF_PRINTERS,  /* [printers]: the spool directory */
	ND_SMBCONF_HOMES,     /* [homes] itself (path = pattern or empty) */
	ND_SMBCONF_HOME_USER, /* one passwd user's home made by [homes] */
	ND_SMBCONF_USERSHARE, /* a file in the usershare path */
};

struct nd_smbconf_share {
	char *name; /* as first spelled; "homes" for HOME_USER entries */
	char *user; /* HOME_USER: the passwd user; else NULL */
	char *path; /* as configured (whitespace collapsed, macros that can
	               be resolved expanded, trailing '/' removed); "" none */
	char *real; /* realpath(path) when it exists and differs; else NULL */
	char *file; /* where the path was set (or the section began) */
	int line;
	enum nd_smbconf_kind kind;
	bool from_include; /* set in an included file */
	bool pattern;      /* path still holds client macros (%S, %U, %m...):
	                      each one matches within one path component */
	bool global_path;  /* HOMES: no path of its own (homes use passwd) */
	char *glob;        /* pattern: fnmatch(3) pattern per component */
};

enum nd_smbconf_problem_kind {
	ND_SMBCONF_ERROR = 0, /* Samba refuses the file: syntax error, unreadable */
	ND_SMBCONF_NOTE,      /* Samba goes on: missing include, client macro... */
};

struct nd_smbconf_problem {
	enum nd_smbconf_problem_kind kind;
	char *file;
	int line; /* 0 when not tied to a line */
	char *message;
};

struct nd_smbconf {
	char *path;  /* the main file */
	bool loaded; /* the main file was read */
	struct nd_smbconf_share *shares;
	size_t n_shares;
	struct nd_smbconf_problem *problems;
	size_t n_problems;
	size_t n_errors; /* problems of kind ERROR */
	char *usershare_path;
	unsigned usershare_max;
	char *netbios_name;
	size_t includes; /* include files read */
};

struct nd_smbconf_options {
	const char *path;        /* NULL: ND_SMBCONF_DEFAULT */
	const char *passwd_file; /* NULL: the system's passwd database */
	const char *hostname;    /* NULL: gethostname() */
	bool missing_ok;         /* a missing main file is a note, not an error */
};

/* Never NULL except when out of memory. */
struct nd_smbconf *nd_smbconf_load(const struct nd_smbconf_options *opt);
void nd_smbconf_free(struct nd_smbconf *c);

/* The share whose directory holds abs_path: the longest whole-component
 * prefix over the configured and the symlink-resolved share paths; a share
 * at "/" matches last. Index into c->shares, or -1. */
long nd_smbconf_match_path(const struct nd_smbconf *c, const char *abs_path);

/* The share a client names (case-insensitive), as smbd would find it:
 * sections and usershares first, then [homes] for a passwd user. Index, or
 * -1. */
long nd_smbconf_find_share(const struct nd_smbconf *c, const char *name);

/* The directory of a share: real when known, else path. */
const char *nd_smbconf_share_dir(const struct nd_smbconf_share *s);

const char *nd_smbconf_kind_name(enum nd_smbconf_kind k);

#endif
