/* SPDX-License-Identifier: MIT */
/* Features over the ethtool generic-netlink family: STRSET_GET for the
 * feature names (global, cached for the reader's lifetime) and FEATURES_GET
 * with compact bitsets. Every request waits for its ACK or error before the
 * next one (a libnl reader that stops at the reply leaves the ACK behind for
 * the next request). Kernel: family since 5.6, FEATURES_GET since 5.7. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/common.h"
#include "offload/offload_internal.h"

/* Extended ACK "missing attribute" (Linux 6.0; older uapi headers). */
#define ND_NLMSGERR_ATTR_MISS_TYPE 5

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct txn {
	int done;  /* 1 while waiting */
	int error; /* kernel errno (negative) or 0 */
	char extack[160];
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int attr_max;
	int parse_error;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	struct nlattr *tb[64] = {0};
	if (t->attr_max >= (int)ND_ARRAY_LEN(tb))
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, t->attr_max, NULL) < 0) {
		t->parse_error = -EPROTO;
		return NL_SKIP;
	}
	int rc = t->parse(tb, t->arg);
	if (rc < 0 && !t->parse_error)
		t->parse_error = rc;
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	t->done = 0;
	return NL_STOP;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct txn *t = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	t->error = e->error;
	t->done = 0;
	/* Extended ACK: with NETLINK_CAP_ACK the request is not echoed. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e) && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		size_t off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len >= sizeof(e->msg)
			               ? e->msg.nlmsg_len - sizeof(e->msg)
			               : 0;
		size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;
		if (off < total) {
			struct nlattr *a = nla_find((struct nlattr *)((char *)e + off),
			                            (int)(total - off), NLMSGERR_ATTR_MSG);
			struct nlattr *miss =
			        nla_find((struct nlattr *)((char *)e + off), (int)(total - off),
			                 ND_NLMSGERR_ATTR_MISS_TYPE);
			if (a && nla_len(a) > 0) {
				size_t l = ND_MIN((size_t)nla_len(a), sizeof(t->extack) - 1);
				memcpy(t->extack, nla_data(a), l);
				t->extack[l] = 0;
			} else if (miss && nla_len(miss) >= 4) {
				snprintf(t->extack, sizeof(t->extack), "missing attribute %u",
				         nla_get_u32(miss));
			}
		}
	}
	return NL_STOP;
}

/* Sends msg (consumed) and reads until the ACK or the error. Returns 0, the
 * kernel's negative errno, or -EIO for a libnl failure. */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct txn *t)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ack_cb, t);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, t);
	t->done = 1;
	int rc = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (rc >= 0 && t->done > 0)
		rc = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (t->error)
		return t->error;
	if (rc < 0) {
		nd_str_copy(t->extack, sizeof(t->extack), nl_geterror(rc));
		return rc == -NLE_NOMEM ? -ENOMEM : -EIO;
	}
	return t->parse_error;
}

static int genl_open(struct nd_offload *o, char *err, size_t errlen)
{
	if (o->genl_tried)
		return o->family >= 0 ? 0 : -EPROTONOSUPPORT;
	o->genl_tried = true;
	o->family = -1;
	o->genl = nl_socket_alloc();
	if (!o->genl)
		return -ENOMEM;
	int rc = genl_connect(o->genl);
	if (rc < 0) {
		nd_offload_errf(err, errlen, "cannot open a generic netlink socket: %s",
		                nl_geterror(rc));
		return -EPROTONOSUPPORT;
	}
	int one = 1;
	setsockopt(nl_socket_get_fd(o->genl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(o->genl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	o->family = genl_ctrl_resolve(o->genl, ETHTOOL_GENL_NAME);
	if (o->family < 0)
		return -EPROTONOSUPPORT; /* no ethtool family: kernel < 5.6 */
	return 0;
}

void nd_offload_ethnl_close(struct nd_offload *o)
{
	if (o->genl)
		nl_socket_free(o->genl);
	o->genl = NULL;
	free(o->names);
	o->names = NULL;
	o->n_names = 0;
}

/* ---- STRSET_GET ---- */

struct names_arg {
	struct nd_offload *o;
};

static int parse_strings(struct nd_offload *o, struct nlattr *set)
{
	struct nlattr *ss[ETHTOOL_A_STRINGSET_MAX + 1];
	if (nla_parse_nested(ss, ETHTOOL_A_STRINGSET_MAX, set, NULL) < 0 ||
	    !ss[ETHTOOL_A_STRINGSET_ID] || !ss[ETHTOOL_A_STRINGSET_COUNT])
		return -EPROTO;
	if (nla_get_u32(ss[ETHTOOL_A_STRINGSET_ID]) != ETH_SS_FEATURES)
		return 0;
	uint32_t count = nla_get_u32(ss[ETHTOOL_A_STRINGSET_COUNT]);
	if (count > 4096)
		return -EPROTO;
	free(o->names);
	o->names = calloc(count ? count : 1, sizeof(*o->names));
	if (!o->names)
		return -ENOMEM;
	o->n_names = count;
	if (!ss[ETHTOOL_A_STRINGSET_STRINGS])
		return 0;
	struct nlattr *s;
	int rem;
	nla_for_each_nested(s, ss[ETHTOOL_A_STRINGSET_STRINGS], rem)
	{
		struct nlattr *st[ETHTOOL_A_STRING_MAX + 1];
		if (nla_type(s) != ETHTOOL_A_STRINGS_STRING ||
		    nla_parse_nested(st, ETHTOOL_A_STRING_MAX, s, NULL) < 0 ||
		    !st[ETHTOOL_A_STRING_INDEX] || !st[ETHTOOL_A_STRING_VALUE])
			continue;
		uint32_t idx = nla_get_u32(st[ETHTOOL_A_STRING_INDEX]);
		if (idx >= count)
			continue;
		size_t l = ND_MIN((size_t)nla_len(st[ETHTOOL_A_STRING_VALUE]),
		                  sizeof(o->names[idx]) - 1);
		memcpy(o->names[idx], nla_data(st[ETHTOOL_A_STRING_VALUE]), l);
		o->names[idx][l] = 0;
	}
	return 0;
}

static int strset_parse(struct nlattr **tb, void *arg)
{
	struct names_arg *a = arg;
	if (!tb[ETHTOOL_A_STRSET_STRINGSETS])
		return -EPROTO;
	struct nlattr *set;
	int rem;
	nla_for_each_nested(set, tb[ETHTOOL_A_STRSET_STRINGSETS], rem)
	{
		if (nla_type(set) != ETHTOOL_A_STRINGSETS_STRINGSET)
			continue;
		int rc = parse_strings(a->o, set);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int load_names(struct nd_offload *o, char *err, size_t errlen)
{
	if (o->names)
		return 0;
	struct nl_msg *m = nlmsg_alloc();
	if (!m)
		return -ENOMEM;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, o->family, 0, NLM_F_REQUEST | NLM_F_ACK,
	                 ETHTOOL_MSG_STRSET_GET, ETHTOOL_GENL_VERSION))
		goto nomem;
	/* An empty header (no device): the global string sets, as ethtool asks. */
	struct nlattr *h = nla_nest_start(m, ETHTOOL_A_STRSET_HEADER);
	if (!h || nla_nest_end_keep_empty(m, h) < 0)
		goto nomem;
	struct nlattr *sets = nla_nest_start(m, ETHTOOL_A_STRSET_STRINGSETS);
	struct nlattr *set = sets ? nla_nest_start(m, ETHTOOL_A_STRINGSETS_STRINGSET) : NULL;
	if (!set || nla_put_u32(m, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES) < 0)
		goto nomem;
	nla_nest_end(m, set);
	nla_nest_end(m, sets);
	struct names_arg a = {.o = o};
	struct txn t = {.parse = strset_parse, .arg = &a, .attr_max = ETHTOOL_A_STRSET_MAX};
	int rc = transact(o->genl, m, &t);
	if (rc < 0) {
		nd_offload_errf(err, errlen, "ethtool netlink STRSET_GET failed: %s%s%s",
		                strerror(-rc), t.extack[0] ? ": " : "", t.extack);
		return rc;
	}
	if (!o->names) {
		nd_offload_errf(err, errlen, "ethtool netlink STRSET_GET: no feature names");
		return -EPROTO;
	}
	return 0;
nomem:
	nlmsg_free(m);
	return -ENOMEM;
}

/* ---- FEATURES_GET ---- */

struct bitmap {
	uint32_t *w;
	size_t nbits;
};

/* Compact (SIZE, VALUE[, MASK]) or verbose (BITS { BIT { INDEX, NAME,
 * VALUE } }) bitset; the value only. */
static int parse_bitset(struct nlattr *attr, struct bitmap *bm)
{
	struct nlattr *bs[ETHTOOL_A_BITSET_MAX + 1];
	if (!attr || nla_parse_nested(bs, ETHTOOL_A_BITSET_MAX, attr, NULL) < 0 ||
	    !bs[ETHTOOL_A_BITSET_SIZE])
		return -EPROTO;
	uint32_t size = nla_get_u32(bs[ETHTOOL_A_BITSET_SIZE]);
	if (size > 65536)
		return -EPROTO;
	size_t words = (size + 31) / 32;
	bm->nbits = size;
	bm->w = calloc(words ? words : 1, sizeof(uint32_t));
	if (!bm->w)
		return -ENOMEM;
	if (bs[ETHTOOL_A_BITSET_VALUE]) {
		if ((size_t)nla_len(bs[ETHTOOL_A_BITSET_VALUE]) < words * sizeof(uint32_t))
			return -EPROTO;
		memcpy(bm->w, nla_data(bs[ETHTOOL_A_BITSET_VALUE]), words * sizeof(uint32_t));
		return 0;
	}
	if (!bs[ETHTOOL_A_BITSET_BITS])
		return size ? -EPROTO : 0;
	bool nomask = bs[ETHTOOL_A_BITSET_NOMASK] != NULL;
	struct nlattr *b;
	int rem;
	nla_for_each_nested(b, bs[ETHTOOL_A_BITSET_BITS], rem)
	{
		struct nlattr *bt[ETHTOOL_A_BITSET_BIT_MAX + 1];
		if (nla_type(b) != ETHTOOL_A_BITSET_BITS_BIT ||
		    nla_parse_nested(bt, ETHTOOL_A_BITSET_BIT_MAX, b, NULL) < 0 ||
		    !bt[ETHTOOL_A_BITSET_BIT_INDEX])
			continue;
		uint32_t i = nla_get_u32(bt[ETHTOOL_A_BITSET_BIT_INDEX]);
		if (i < size && (nomask || bt[ETHTOOL_A_BITSET_BIT_VALUE]))
			bm->w[i / 32] |= 1u << (i % 32);
	}
	return 0;
}

struct features_arg {
	struct nd_offload *o;
	struct nd_offload_iface *ifc;
	bool got;
};

static int features_parse(struct nlattr **tb, void *arg)
{
	struct features_arg *a = arg;
	static const int attrs[4] = {ETHTOOL_A_FEATURES_HW, ETHTOOL_A_FEATURES_WANTED,
	                             ETHTOOL_A_FEATURES_ACTIVE, ETHTOOL_A_FEATURES_NOCHANGE};
	struct bitmap bm[4] = {{0}};
	int rc = 0;
	for (int i = 0; i < 4 && !rc; i++)
		rc = parse_bitset(tb[attrs[i]], &bm[i]);
	if (!rc && (bm[1].nbits != bm[0].nbits || bm[2].nbits != bm[0].nbits ||
	            bm[3].nbits != bm[0].nbits))
		rc = -EPROTO;
	if (!rc)
		rc = nd_offload_fill_features(
		        a->ifc, (const char(*)[ND_OFFLOAD_FEATURE_SZ])a->o->names, a->o->n_names,
		        bm[0].nbits, bm[0].w, bm[1].w, bm[2].w, bm[3].w);
	for (int i = 0; i < 4; i++)
		free(bm[i].w);
	if (!rc)
		a->got = true;
	return rc;
}

int nd_offload_ethnl_features(struct nd_offload *o, struct nd_offload_iface *ifc, char *err,
                              size_t errlen)
{
	int rc = genl_open(o, err, errlen);
	if (rc < 0)
		return rc;
	rc = load_names(o, err, errlen);
	if (rc == -EOPNOTSUPP)
		return rc;
	if (rc < 0)
		return rc;
	struct nl_msg *m = nlmsg_alloc();
	if (!m)
		return -ENOMEM;
	struct nlattr *h = NULL;
	if (genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, o->family, 0, NLM_F_REQUEST | NLM_F_ACK,
	                ETHTOOL_MSG_FEATURES_GET, ETHTOOL_GENL_VERSION))
		h = nla_nest_start(m, ETHTOOL_A_FEATURES_HEADER);
	/* libnl >= 3.5 sets NLA_F_NESTED, which the family's strict policy needs. */
	if (!h || nla_put_u32(m, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)ifc->ifindex) < 0 ||
	    nla_put_u32(m, ETHTOOL_A_HEADER_FLAGS, ETHTOOL_FLAG_COMPACT_BITSETS) < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	nla_nest_end(m, h);
	struct features_arg a = {.o = o, .ifc = ifc};
	struct txn t = {.parse = features_parse, .arg = &a, .attr_max = ETHTOOL_A_FEATURES_MAX};
	rc = transact(o->genl, m, &t);
	if (rc == -EOPNOTSUPP)
		return rc; /* kernel 5.6: the family without FEATURES_GET */
	if (rc < 0) {
		nd_offload_errf(err, errlen,
		                "cannot read offload features (ethtool netlink): %s%s%s",
		                rc == -ENODEV ? "no such device" : strerror(-rc),
		                t.extack[0] ? ": " : "", t.extack);
		return rc;
	}
	if (!a.got) {
		nd_offload_errf(err, errlen, "ethtool netlink FEATURES_GET: empty reply");
		return -EPROTO;
	}
	ifc->source = ND_OFFLOAD_SRC_NETLINK;
	return 0;
}
