/* SPDX-License-Identifier: MIT */
/* offload: what a Linux network interface does to the packets it sends and
 * receives: its offload features (TSO/GSO/GRO/LRO, checksums, scatter-gather,
 * ...) as `ethtool -k` shows them, its MTU and GSO/GRO/TSO limits, its kind,
 * state, bridge master and member ports.
 *
 * Features are read over the ethtool generic-netlink family (FEATURES_GET,
 * names from STRSET_GET), or with the SIOCETHTOOL ioctl on kernels without
 * it (or when NETDIAG_ETHTOOL_IOCTL=1 forces it). Links are read over
 * rtnetlink. Reading needs no privileges. Everything is read in the network
 * namespace of the calling process. docs/offload.md has the details. */
#ifndef ND_OFFLOAD_H
#define ND_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_OFFLOAD_IFNAMSIZ   16 /* IFNAMSIZ */
#define ND_OFFLOAD_FEATURE_SZ 32 /* ETH_GSTRING_LEN */
#define ND_OFFLOAD_KIND_SZ    24
#define ND_OFFLOAD_MAX_ADDRS  16

/* One netdev feature. ethtool's rules (netlink/features.c): "[fixed]" when
 * !hw || nochange; otherwise "[requested on|off]" when active != requested. */
struct nd_offload_feature {
	char name[ND_OFFLOAD_FEATURE_SZ]; /* the kernel's name, e.g. "tx-tcp-segmentation" */
	bool active;                      /* dev->features: in effect now */
	bool requested;                   /* dev->wanted_features: what was asked for */
	bool hw;                          /* dev->hw_features: the user may toggle it */
	bool nochange;                    /* NETIF_F_NEVER_CHANGE */
	bool fixed;                       /* !hw || nochange */
};

enum nd_offload_source {
	ND_OFFLOAD_SRC_NONE = 0, /* features not read */
	ND_OFFLOAD_SRC_NETLINK,  /* ethtool genetlink FEATURES_GET */
	ND_OFFLOAD_SRC_IOCTL,    /* SIOCETHTOOL ETHTOOL_GFEATURES */
};

struct nd_offload_port {
	char name[ND_OFFLOAD_IFNAMSIZ];
	int ifindex;
};

/* -1 in a limit: the kernel does not report it (older kernel). */
struct nd_offload_iface {
	char name[ND_OFFLOAD_IFNAMSIZ];
	int ifindex;
	/* IFLA_INFO_KIND ("bridge", "veth", "bond", "vlan", "tun", ...); without
	 * one: "loopback" or "physical". */
	char kind[ND_OFFLOAD_KIND_SZ];
	char oper_state[16]; /* "up", "down", "unknown", "lowerlayerdown", ... */
	bool admin_up;
	uint32_t mtu;
	int64_t min_mtu, max_mtu;
	int64_t gso_max_size, gso_max_segs; /* IFLA_GSO_MAX_SIZE / _SEGS (4.6+) */
	int64_t gro_max_size;               /* IFLA_GRO_MAX_SIZE (5.17+) */
	int64_t tso_max_size, tso_max_segs; /* IFLA_TSO_MAX_SIZE / _SEGS (5.19+) */
	int master_ifindex;                 /* 0: none */
	char master[ND_OFFLOAD_IFNAMSIZ];
	char master_kind[ND_OFFLOAD_KIND_SZ];
	bool ip_forwarding;            /* net.ipv{4,6}.conf.IFACE.forwarding is 1 */
	struct nd_offload_port *ports; /* devices whose master is this one */
	size_t n_ports;
	struct nd_offload_feature *features; /* every named feature, in bit order */
	size_t n_features;
	enum nd_offload_source source;
	/* The interface's own IP addresses (getifaddrs), to recognise this
	 * host as the sender in a capture; at most ND_OFFLOAD_MAX_ADDRS. */
	size_t n_addrs;
	struct {
		uint8_t version; /* 4 or 6 */
		uint8_t addr[16];
	} addrs[ND_OFFLOAD_MAX_ADDRS];
};

/* Interfaces read for one report, and the ones that could not be read. */
struct nd_offload_error {
	char name[64];
	char msg[320];
};
struct nd_offload_set {
	struct nd_offload_iface *ifs;
	size_t n, cap;
	struct nd_offload_error *errs;
	size_t n_errs, cap_errs;
};

/* A reader: sockets and the cached feature names. */
struct nd_offload;

/* 0, or a negative errno with a message in err. */
int nd_offload_open(struct nd_offload **out, char *err, size_t errlen);
void nd_offload_close(struct nd_offload *o);

/* Names of every interface, in ifindex order; free() the array. */
int nd_offload_list(struct nd_offload *o, char (**names)[ND_OFFLOAD_IFNAMSIZ], size_t *n, char *err,
                    size_t errlen);

/* Reads one interface into *out (free with nd_offload_iface_free, also after
 * an error). 0, or a negative errno (-ENODEV for an unknown interface) with a
 * one-line message in err that does not repeat the interface name. */
int nd_offload_query(struct nd_offload *o, const char *ifname, struct nd_offload_iface *out,
                     char *err, size_t errlen);
void nd_offload_iface_free(struct nd_offload_iface *ifc);

/* Reads NAME into set (skipped when already there) and, when ports is true
 * and NAME is a bridge, each of its ports. Returns 0, or -1 when NAME could
 * not be read: its one-line reason is then the last entry of set->errs. */
int nd_offload_set_add(struct nd_offload *o, struct nd_offload_set *set, const char *name,
                       bool ports);
void nd_offload_set_free(struct nd_offload_set *set);

/* True when the address (version 4 or 6, 16 bytes) belongs to ifc. */
bool nd_offload_has_addr(const struct nd_offload_iface *ifc, int version, const uint8_t addr[16]);

/* Pure helpers: no I/O. */
const struct nd_offload_feature *nd_offload_find(const struct nd_offload_iface *ifc,
                                                 const char *name);
/* Active, and known at all. */
bool nd_offload_on(const struct nd_offload_iface *ifc, const char *name);
/* The features `netdiag offload` shows in text, in order. */
const char *const *nd_offload_highlighted(size_t *n);
const char *nd_offload_source_name(enum nd_offload_source s);
bool nd_offload_is_bridge(const struct nd_offload_iface *ifc);
/* It forwards frames it receives: a bridge/openvswitch port, or IP
 * forwarding is on for it. */
bool nd_offload_forwards(const struct nd_offload_iface *ifc);

/* The join with the TCP analysis (finding offload.tso_with_loss): the
 * interface is a local sender with segmentation offload on, and a capture on
 * this host shows oversized segments from it followed by loss
 * (tcp.lso_drop_suspected). Pure. */
struct nd_offload_tso_check {
	bool suspect;        /* the finding applies */
	bool tso, tso6, gso; /* which of tx-tcp-segmentation, tx-tcp6-segmentation,
	                        tx-generic-segmentation are active */
	bool fixed;          /* one of the active ones cannot be turned off */
	char command[128];   /* "ethtool -K eth0 tso off gso off" */
};
bool nd_offload_tso_with_loss(const struct nd_offload_iface *ifc, bool capture_oversized_loss,
                              struct nd_offload_tso_check *out);

#endif
