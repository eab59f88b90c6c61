/* SPDX-License-Identifier: MIT */
/* Private to smb/: wire decoders, the per-direction framing state, the
 * bounded tables and the module object. */
#ifndef ND_SMB_INTERNAL_H
#define ND_SMB_INTERNAL_H

#include "smb/smb.h"

/* ---- wire format (docs/smb.md, MS-SMB2 2.2) ---- */

#define SMB2_HDR_LEN       64
#define SMB2_FLAG_RESPONSE 0x00000001u
#define SMB2_FLAG_ASYNC    0x00000002u
#define SMB2_FLAG_RELATED  0x00000004u
#define SMB2_MSGID_NONE    UINT64_C(0xFFFFFFFFFFFFFFFF)

/* What a SESSION_SETUP request's security buffer shows (SPNEGO or raw). */
enum smb_mech { SMB_MECH_NONE = 0, SMB_MECH_NTLMSSP, SMB_MECH_KERBEROS };
struct smb_auth {
	uint8_t mech;               /* enum smb_mech */
	uint8_t ntlm_type;          /* NTLMSSP message: 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE */
	char user[ND_SMB_USER_MAX]; /* AUTHENTICATE: "DOMAIN\user", "user"; else "" */
	char workstation[ND_SMB_WORKSTATION_MAX];
};

/* One decoded SMB2 header. */
struct nd_smb2_hdr {
	uint16_t credit_charge;
	uint32_t status; /* responses only (requests: channel sequence) */
	uint16_t cmd;
	uint16_t credits;
	uint32_t flags;
	uint32_t next_command;
	uint64_t msg_id;
	uint64_t async_id; /* ASYNC form only */
	uint32_t tree_id;  /* SYNC form only */
	uint64_t session_id;
	bool is_response, is_async, is_related;
};

/* The fields netdiag uses from one PDU; body_ok says the fixed body was
 * fully present and well-formed. */
struct nd_smb2_info {
	struct nd_smb2_hdr h;
	bool body_ok;
	bool error_body; /* a response carrying the 9-byte ERROR body */
	uint16_t dialect;
	uint16_t session_flags;
	uint8_t share_type;
	uint32_t share_flags;
	uint32_t desired_access, disposition, create_options, create_action;
	bool has_fid;
	uint8_t fid[16];
	uint32_t length; /* READ/WRITE request */
	uint64_t offset;
	uint32_t count; /* READ response DataLength, WRITE response Count */
	uint32_t ctl_code;
	uint8_t info_type, info_class;
	bool has_name; /* CREATE name or TREE_CONNECT path, UTF-8 */
	char name[ND_SMB_NAME_MAX];
	struct smb_auth auth; /* SESSION_SETUP request */
};

/* 0 when a full 64-byte SMB2 header (FE 'SMB', StructureSize 64) is at p. */
int nd_smb2_parse_hdr(const uint8_t *p, size_t avail, struct nd_smb2_hdr *h);
/* Decodes header and body of one PDU: pdu points at its header, avail
 * bytes are present, pdu_len is the PDU's length in its message (bytes up
 * to NextCommand, or to the end of the message). Offsets found in the body
 * are checked against both. Returns -1 when no header could be read. */
int nd_smb2_parse(const uint8_t *pdu, size_t avail, size_t pdu_len, struct nd_smb2_info *out);
/* MS-SMB2 3.3.4.4: does a response with this status carry an ERROR body? */
bool nd_smb2_is_error_body(uint16_t cmd, uint32_t status, uint16_t structure_size);
/* Bytes of a PDU (from its header) worth buffering to decode it: the
 * header, the fixed body, and for CREATE/TREE_CONNECT requests the name. */
uint32_t nd_smb2_wanted(const struct nd_smb2_hdr *h, uint32_t pdu_len);
/* Finds the mechanism in a SESSION_SETUP security buffer of len bytes (as
 * far as captured): an NTLMSSP message anywhere in it (searched for its
 * signature, so SPNEGO wrapping needs no ASN.1 parser), else a Kerberos OID
 * or AP-REQ. For an NTLMSSP AUTHENTICATE it reads DomainName, UserName and
 * Workstation, each checked against the message bytes present; names are
 * sanitised (control characters replaced). */
void nd_smb_auth_parse(const uint8_t *blob, size_t len, struct smb_auth *out);
/* "NTLMSSP", "Kerberos", "" */
const char *nd_smb_mech_name(uint8_t mech);

/* UTF-16LE -> UTF-8, bounded; odd trailing byte ignored, bad surrogates and
 * control characters replaced. Always terminates dst (cap > 0); returns the
 * length written. */
size_t nd_smb_utf16_to_utf8(const uint8_t *src, size_t len, char *dst, size_t cap);
/* Benign statuses: expected in healthy traffic (docs/smb.md). */
bool nd_smb_status_benign(unsigned cmd, uint32_t status, uint32_t ctl_code,
                          bool after_failed_related);

/* ---- bounded hash tables with least-recently-used eviction ---- */

struct smb_node {
	uint64_t k0, k1, k2;
	uint32_t hnext, prev, next; /* index + 1; 0 = none */
	uint32_t used;
};

struct smb_pool {
	uint8_t *mem;
	size_t esize;
	uint32_t cap, n, used_hw, free_head;
	uint32_t lru_head, lru_tail; /* most / least recently used */
	uint32_t *buckets;
	uint32_t mask;
	uint64_t evicted;
	/* Called before an entry is evicted to make room. */
	void (*on_evict)(void *ctx, struct smb_node *n);
	void *ctx;
};

int smb_pool_init(struct smb_pool *p, uint32_t cap, size_t esize);
void smb_pool_destroy(struct smb_pool *p);
struct smb_node *smb_pool_find(struct smb_pool *p, uint64_t k0, uint64_t k1, uint64_t k2);
/* A zeroed entry with the keys set; evicts the least recently used when
 * full. Never NULL once initialised. */
struct smb_node *smb_pool_insert(struct smb_pool *p, uint64_t k0, uint64_t k1, uint64_t k2);
void smb_pool_remove(struct smb_pool *p, struct smb_node *n);
void smb_pool_touch(struct smb_pool *p, struct smb_node *n);
static inline struct smb_node *smb_pool_at(const struct smb_pool *p, uint32_t i)
{
	return (struct smb_node *)(p->mem + (size_t)i * p->esize);
}
static inline uint32_t smb_pool_link(const struct smb_pool *p, const struct smb_node *n)
{
	return (uint32_t)(((const uint8_t *)n - p->mem) / p->esize) + 1;
}

/* ---- framing (stream.c) ---- */

#define SMB_BUF_CAP         2048 /* message prefix buffered across segments */
#define SMB_PARK_CAP        512  /* header bytes collected from late segments */
#define SMB_MAX_FILL_RANGES 4
#define SMB_RANGE_IDS       4

/* When a message was seen: ts/frame/file of the segment it is decoded at
 * (tshark's SRT definition: the one that completes it, or its first one
 * when the snaplen cut that), and the segment that carried its first byte,
 * with the connection's network counters at that moment. partial: decoded
 * before its last byte passed (snaplen cut); smb_track_msg_end follows
 * with the time of its end. */
struct smb_when {
	nd_ns ts;
	uint64_t frame;
	uint32_t file;
	nd_ns first_ts;
	struct nd_smb_net first_net;
	bool partial;
};

enum smb_dir_state {
	SMB_ST_HDR = 0, /* collecting a message prefix at msg_start */
	SMB_ST_SKIP,    /* skipping to skip_end (message payload) */
	SMB_ST_RESYNC,  /* searching for NBSS header + SMB magic */
};

/* A committed message whose bytes were partly in a hole: a late segment
 * filling it moves its requests' timestamps (tshark completes the PDU at
 * the frame that fills the last gap). */
struct smb_fill_range {
	uint64_t start, end, missing;
	uint64_t msg_ids[SMB_RANGE_IDS];
	uint8_t n_ids;
};

/* A message as the decoders see it: contiguous (decoded in place), or the
 * pieces buffered from it: each PDU's header, fixed body and name, at its
 * offset in the message (the payload between them was skipped). */
#define SMB_MAX_PIECES 16
struct smb_piece {
	uint32_t off;  /* in the message (after the NBSS header) */
	uint32_t len;  /* bytes present */
	uint32_t boff; /* in base */
};
struct smb_view {
	const uint8_t *base;
	uint32_t msg_len;
	bool contig; /* base holds [0, avail) of the message */
	size_t avail;
	uint8_t n;
	struct smb_piece p[SMB_MAX_PIECES];
};

/* MessageIds a message carried: requests (ids), and final responses whose
 * operation waits for the message's end to be completed (resp). */
struct smb_msg_ids {
	uint64_t ids[SMB_RANGE_IDS];
	uint8_t n;
	uint8_t n_resp;
	uint64_t resp[SMB_MAX_PIECES];
};

struct smb_dir {
	uint8_t st;
	bool started;
	uint64_t pos; /* next stream offset the in-order parser expects */
	/* current message */
	uint64_t msg_start;
	uint32_t nbss_len; /* valid once blen >= 4 */
	uint32_t blen;     /* bytes buffered from msg_start (NBSS header included) */
	uint64_t skip_end;
	bool resume; /* skipping to the next piece of the message, not to its end */
	uint8_t n_pieces;
	struct smb_piece pieces[SMB_MAX_PIECES]; /* boff counts from buf + 4 */
	nd_ns first_ts;                          /* the segment holding the message start */
	struct nd_smb_net first_net;
	bool start_cut;          /* the segment holding the message start was cut by the snaplen */
	bool committed;          /* already decoded (cut start) */
	uint64_t missing;        /* message bytes that fell into holes */
	struct smb_msg_ids ends; /* decoded before its end: what its end completes */
	uint8_t buf[SMB_BUF_CAP + 4];
	/* a header expected inside a hole */
	bool park;
	uint64_t park_start;
	uint32_t park_have;
	nd_ns park_first_ts; /* the segment that gave the parked message its first byte */
	struct nd_smb_net park_first_net;
	uint8_t pbuf[SMB_PARK_CAP];
	struct smb_fill_range ranges[SMB_MAX_FILL_RANGES];
	uint8_t n_ranges;
};

/* ---- tracking ---- */

#define SMB_NO_SHARE 0xFFFFu

struct smb_conn {
	struct nd_smb *smb;
	struct nd_tcp_flow *flow;
	uint64_t id; /* tcp flow id */
	uint8_t ip_version;
	uint8_t addr[2][16];
	uint16_t port[2];
	bool known_port; /* 445 or 139 */
	struct smb_dir dir[2];
	uint32_t inflight[2]; /* [0] READ, [1] WRITE */
	/* I/O activity (judge.c): io_mark starts the outstanding time not yet
	 * counted; io_idle_since is when the last READ/WRITE completed with
	 * nothing else outstanding (0: no idle gap being measured). */
	nd_ns io_mark, io_idle_since, io_last_end;
	struct nd_hist service[2]; /* [0] READ, [1] WRITE: successful ones, for the median */
	uint32_t pend_head;        /* pending requests of this connection (pool links) */
	uint32_t n_pending;
	uint64_t sessions[4]; /* sessions seen, for the end-of-capture state */
	uint8_t n_sessions;
	struct smb_conn *prev, *next; /* live connections */
};

/* What completing an operation needs from its final response. */
struct smb_reply {
	uint32_t status;
	bool has_count; /* the body was read: count is valid */
	uint32_t count; /* READ DataLength, WRITE Count */
	nd_ns first_ts; /* response's first byte */
	nd_ns ts;       /* response decoded: its last byte unless decoded early */
};

struct smb_pending {
	struct smb_node node; /* k0 = connection id, k1 = MessageId */
	struct smb_conn *conn;
	uint32_t cprev, cnext;
	uint8_t cmd;
	uint8_t sender; /* direction that sent the request */
	bool interim, cancelled;
	bool answered;  /* final response decoded; waits for its last byte */
	uint8_t mech;   /* SESSION_SETUP: enum smb_mech */
	nd_ns ts;       /* request decoded (tshark SRT) */
	nd_ns first_ts; /* request's first byte */
	nd_ns last_ts;  /* request's last byte */
	nd_ns t_interim;
	uint64_t frame;
	uint32_t file;
	uint64_t session_id;
	uint32_t tree_id;
	uint16_t share;
	bool has_fid;
	uint8_t fid[16];
	uint64_t offset;
	uint32_t length;
	uint32_t desired_access, disposition, ctl_code;
	uint32_t inflight_slot; /* 0 none, 1 READ, 2 WRITE */
	struct nd_smb_net net0; /* at the request's first byte */
	struct smb_reply reply; /* from the final response */
	union {
		/* CREATE name, TREE_CONNECT path; for others, the handle's name
		 * (copied at the final response: a CLOSE forgets it) */
		char name[ND_SMB_NAME_MAX];
		struct { /* SESSION_SETUP */
			char user[ND_SMB_USER_MAX];
			char workstation[ND_SMB_WORKSTATION_MAX];
		} logon;
	};
};

struct smb_tree {
	struct smb_node node; /* k0 = SessionId, k1 = TreeId */
	uint16_t share;
	uint8_t type;
	uint32_t flags;
	uint32_t n_handles;
};

struct smb_handle {
	struct smb_node node; /* k0 = SessionId, k1/k2 = FileId persistent/volatile */
	uint32_t tree_id;
	uint16_t share;
	uint16_t client;
	nd_ns opened;
	uint64_t frame;
	uint32_t file;
	uint32_t access, action;
	char name[ND_SMB_NAME_MAX];
};

struct smb_session {
	struct smb_node node; /* k0 = SessionId */
	uint8_t ip_version;
	uint8_t addr[16];
	uint64_t enc[2];
	uint32_t conns_open;
	uint32_t n_handles;
	bool cut;
	bool setup_seen; /* a successful final SESSION_SETUP was captured */
	uint8_t mech;
	uint16_t flags; /* SessionFlags */
	char user[ND_SMB_USER_MAX];
};

struct nd_smb {
	struct nd_smb_config cfg;
	struct nd_tcp_table *tcp;
	struct nd_smb_results r;
	struct smb_pool pending, trees, handles, sessions;
	struct nd_smb_share *shares;
	struct nd_smb_error *errors;
	struct nd_smb_client *clients;
	struct nd_smb_server *servers;
	struct nd_smb_logon *logons;
	struct nd_smb_slow_op *slow; /* min-heap on latency until finish */
	size_t n_slow;
	struct nd_smb_open_handle *open_handles;
	struct nd_smb_enc_session *enc_sessions;
	struct smb_conn *conns;
	bool finished;
};

/* The connection's network counters now (zero without a tcp flow). */
void smb_net_snapshot(const struct smb_conn *c, struct nd_smb_net *n);

/* judge.c: an operation whose final response ended at resp_last (p->reply
 * filled in), judged when its class says so. */
void smb_judge(struct nd_smb *smb, struct smb_conn *c, const struct smb_pending *p,
               nd_ns resp_last);
/* A READ/WRITE request became outstanding on c (call before counting it in
 * c->inflight), and one completed at ts (before its slot is released). */
void smb_io_started(struct nd_smb *smb, struct smb_conn *c, uint16_t share, nd_ns first_ts);
void smb_io_completed(struct nd_smb *smb, struct smb_conn *c, uint16_t share, nd_ns ts);

/* The session with this id, made (for the client at c->addr[sender]) when
 * new; NULL for the ids that name no session (0, all-FF). */
struct smb_session *smb_session_get(struct nd_smb *smb, uint64_t sid, const struct smb_conn *c,
                                    int sender);

/* logon.c: a final SESSION_SETUP response. p is NULL when its request was
 * not seen. The session learns its user, mechanism and flags; failures and
 * guest or anonymous logons get a logon row. */
void smb_logon_done(struct nd_smb *smb, const struct smb_conn *c, int resp_dir,
                    const struct smb_pending *p, const struct nd_smb2_info *in,
                    const struct smb_when *w);
/* The user of a session ("" when not known). */
const char *smb_session_user(struct nd_smb *smb, uint64_t session_id);

/* stream.c */
void smb_stream_data(struct nd_smb *smb, struct smb_conn *c, int dir,
                     const struct nd_tcp_chunk *ch);

/* track.c: one NBSS session message (the bytes after the 4-byte NBSS
 * header). Request MessageIds are appended to ids (may be NULL). */
void smb_track_view(struct nd_smb *smb, struct smb_conn *c, int dir, const struct smb_view *v,
                    const struct smb_when *w, struct smb_msg_ids *ids);
/* The same for a contiguous message: avail of msg_len bytes at msg. */
void smb_track_message(struct nd_smb *smb, struct smb_conn *c, int dir, const uint8_t *msg,
                       size_t avail, uint32_t msg_len, const struct smb_when *w,
                       struct smb_msg_ids *ids);
/* A message decoded early (w->partial) ended at w: requests learn their
 * last byte, final responses complete their operation. */
void smb_track_msg_end(struct nd_smb *smb, struct smb_conn *c, const struct smb_msg_ids *ids,
                       const struct smb_when *w);
/* A late segment completed more of a request: its timestamp moves. */
void smb_track_request_refill(struct nd_smb *smb, struct smb_conn *c, uint64_t msg_id,
                              const struct smb_when *w);
void smb_track_conn_closed(struct nd_smb *smb, struct smb_conn *c);
void smb_track_finish(struct nd_smb *smb);
void smb_pending_evicted(void *ctx, struct smb_node *n);
void smb_handle_evicted(void *ctx, struct smb_node *n);
void smb_track_note_ts(struct nd_smb *smb, nd_ns ts);

/* Bytes worth buffering of the PDU (or transform) starting at msg_off of a
 * message, given the have bytes of it already buffered at p. */
uint32_t smb_piece_wanted(const uint8_t *p, size_t have, uint32_t msg_off, uint32_t msg_len);
/* Plausible start of an NBSS session message with an SMB magic at p. */
bool smb_looks_like_start(const uint8_t *p, size_t avail);

#endif
