/* SPDX-License-Identifier: MIT */
/* smb: SMB2/3 over TCP (NBSS / Direct TCP on 445 and 139, or any port whose
 * stream starts with an NBSS header and an SMB magic). It consumes the tcp
 * module's in-order payload without copying data: only message headers and
 * small fixed bodies (and bounded names) are buffered when they straddle
 * segments. It matches requests to responses per (connection, MessageId) the
 * way tshark's `-z smb2,srt` does, and keeps bounded tables of trees, open
 * handles, error statuses and per-share latency. Field meanings: docs/smb.md. */
#ifndef ND_SMB_H
#define ND_SMB_H

#include "common/common.h"
#include "tcp/tcp.h"

struct nd_smb_config {
	uint32_t max_pending;      /* pending requests over all connections; 0 = 16384 */
	uint32_t max_handles;      /* open handles tracked; 0 = 16384 */
	uint32_t max_trees;        /* tree connects tracked; 0 = 4096 */
	uint32_t top_slowest;      /* slowest operations kept; 0 = 20 */
	uint32_t leak_min_handles; /* never-closed handles for a leak suspicion; 0 = 20 */
	uint32_t max_sessions;     /* sessions tracked; 0 = 4096 */
	uint32_t max_shares;       /* per-share statistics rows; 0 = 64 */
	uint32_t max_errors;       /* distinct error rows; 0 = 256 */
	uint32_t max_clients;      /* per-client handle rows; 0 = 256 */
	uint32_t max_servers;      /* per-server statistics rows; 0 = 64 */
	uint32_t max_logons;       /* logon rows; 0 = 256 */
	/* Judgement of each operation (docs/smb.md, "Slow operations"). */
	nd_ns slow_io_base;            /* READ/WRITE: fixed part of the expected time; 0 = 20 ms */
	uint64_t slow_io_rate;         /* READ/WRITE: bytes/s of the expected time; 0 = 10 MB/s */
	nd_ns slow_metadata;           /* CREATE, CLOSE, QUERY_INFO ...; 0 = 200 ms */
	nd_ns slow_connect;            /* NEGOTIATE, SESSION_SETUP, TREE_CONNECT; 0 = 1 s */
	uint32_t slow_outlier_factor;  /* READ/WRITE service above this x the median; 0 = 10 */
	uint32_t slow_outlier_min_ops; /* ... once the connection completed this many; 0 = 20 */
};

/* Commands by MS-SMB2 code; ND_SMB_CMD_OTHER collects codes above 0x12. */
enum {
	ND_SMB_NEGOTIATE = 0x00,
	ND_SMB_SESSION_SETUP = 0x01,
	ND_SMB_LOGOFF = 0x02,
	ND_SMB_TREE_CONNECT = 0x03,
	ND_SMB_TREE_DISCONNECT = 0x04,
	ND_SMB_CREATE = 0x05,
	ND_SMB_CLOSE = 0x06,
	ND_SMB_FLUSH = 0x07,
	ND_SMB_READ = 0x08,
	ND_SMB_WRITE = 0x09,
	ND_SMB_LOCK = 0x0A,
	ND_SMB_IOCTL = 0x0B,
	ND_SMB_CANCEL = 0x0C,
	ND_SMB_ECHO = 0x0D,
	ND_SMB_QUERY_DIRECTORY = 0x0E,
	ND_SMB_CHANGE_NOTIFY = 0x0F,
	ND_SMB_QUERY_INFO = 0x10,
	ND_SMB_SET_INFO = 0x11,
	ND_SMB_OPLOCK_BREAK = 0x12,
	ND_SMB_CMD_OTHER = 0x13,
	ND_SMB_NCMD = 0x14,
};

/* NTSTATUS values by name (ND_STATUS_ACCESS_DENIED ...), from the one table
 * in smb/nt_status.def. Values above INT_MAX: the enum is unsigned (GNU C). */
enum nd_nt_status {
#define ND_NT_STATUS(name, value) ND_STATUS_##name = value##u,
#include "smb/nt_status.def"
#undef ND_NT_STATUS
};

#define ND_SMB_PATH_MAX        128 /* \\server\share, UTF-8, cut beyond */
#define ND_SMB_NAME_MAX        192 /* file name relative to the share, UTF-8 */
#define ND_SMB_USER_MAX        128 /* "DOMAIN\user", UTF-8 */
#define ND_SMB_WORKSTATION_MAX 64
#define ND_SMB_MECH_MAX        16
#define ND_SMB_IOSIZE_BUCKETS  13 /* <=4K, <=8K, ... <=8M, larger */
#define ND_SMB_MAX_DIALECTS    8
/* A client pause between I/Os longer than this is the user not copying,
 * not the client being slow: it is left out of io_idle_ns. */
#define ND_SMB_IDLE_GAP_MAX ND_NS_PER_SEC

/* SESSION_SETUP response SessionFlags (MS-SMB2 2.2.6). */
#define ND_SMB_SESSION_IS_GUEST     0x0001u
#define ND_SMB_SESSION_IS_NULL      0x0002u
#define ND_SMB_SESSION_ENCRYPT_DATA 0x0004u

/* The tcp module's cumulative counters of one connection (both directions
 * summed); the difference between two snapshots says what happened in
 * between. Oversized segments are not trouble (segmentation offload at the
 * capture point makes them), so they are not here. */
struct nd_smb_net {
	uint64_t lost_segment, retransmission, spurious_retransmission, dup_ack_storm;
};
/* Network trouble between two snapshots: lost segments + retransmissions
 * that were not spurious + dup-ACK storms. */
uint64_t nd_smb_net_trouble(const struct nd_smb_net *from, const struct nd_smb_net *to);

/* How an operation is judged (docs/smb.md): connect per server, metadata
 * and io per share; NONE for commands that are not judged (LOGOFF,
 * TREE_DISCONNECT, CANCEL, ECHO, CHANGE_NOTIFY, OPLOCK_BREAK, OTHER) and for
 * IOCTLs that wait or copy by design (FSCTL_PIPE_WAIT, FSCTL_SRV_COPYCHUNK,
 * FSCTL_SRV_COPYCHUNK_WRITE). ctl_code is read for IOCTL only. */
enum nd_smb_op_class {
	ND_SMB_CLASS_NONE = 0,
	ND_SMB_CLASS_CONNECT,
	ND_SMB_CLASS_METADATA,
	ND_SMB_CLASS_IO,
};
enum nd_smb_op_class nd_smb_op_class(unsigned cmd, uint32_t ctl_code);

/* Judged operations of one command on one share (or server): every final
 * response, failures included. Times: wait = request first byte -> response
 * last byte; transfer = the part spent moving the messages (WRITE: the
 * request, READ: the response, others: both); service = wait - transfer. */
struct nd_smb_op_stats {
	uint64_t ops;   /* final responses (failures included) */
	uint64_t bytes; /* READ/WRITE: the bytes judged (WRITE Length, READ DataLength) */
	nd_ns wait_sum, wait_max, transfer_sum, service_sum;
	uint64_t slow;                        /* judged slow */
	uint64_t slow_outliers;               /* of which slow by the median rule only */
	uint64_t slow_trouble;                /* of which had network trouble meanwhile */
	nd_ns slow_wait_sum, slow_excess_sum; /* their waiting; beyond the expected time */
	nd_ns slow_transfer_sum, slow_service_sum;
	nd_ns slow_wait_min, slow_wait_max; /* recurring-stall patterns */
	nd_ns slow_first_ts,
	        slow_last_ts; /* request first byte of the first, response of the last */
	struct {
		nd_ns wait;
		nd_ns ts;       /* the request's first byte */
		uint64_t frame; /* of the request (the frame that completes it, as tshark) */
		uint32_t file;
		uint64_t bytes;
		uint8_t ip_version;
		uint8_t client[16];
		char name[ND_SMB_NAME_MAX]; /* file, TREE_CONNECT path, or SESSION_SETUP user */
	} worst;                            /* the slowest operation */
};

struct nd_smb_cmd_stats {
	uint64_t requests, responses; /* PDUs seen (interim responses included) */
	struct nd_hist lat;           /* request -> final response (tshark SRT) */
	struct nd_hist interim;       /* request -> interim STATUS_PENDING */
	uint64_t errors;              /* final responses with a real failure */
	uint64_t benign_errors;       /* final non-success statuses expected in healthy traffic */
	uint64_t unmatched_responses; /* no request seen for them */
	uint64_t pending_at_end;      /* no final response in the capture */
};

struct nd_smb_io_stats {
	uint64_t ops, bytes; /* completed successfully */
	uint64_t size_buckets[ND_SMB_IOSIZE_BUCKETS];
	uint32_t inflight_max;             /* most outstanding on one connection */
	uint64_t inflight_sum, inflight_n; /* sampled when each request is sent */
	nd_ns first_ts, last_ts; /* first byte of the first request, last final response */
};

struct nd_smb_share {
	char path[ND_SMB_PATH_MAX]; /* "" when the tree connect was not captured */
	uint8_t ip_version;         /* of the server: a share row is (server, path) */
	uint8_t server[16];
	uint8_t type;   /* 1 disk, 2 pipe, 3 print, 0 unknown */
	uint32_t flags; /* ShareFlags (0x8000 = encrypt data) */
	uint64_t tree_connects, tree_connect_failures;
	struct nd_hist write_lat, read_lat;
	struct nd_smb_io_stats write_io, read_io;
	uint64_t cmd_count[ND_SMB_NCMD];
	nd_ns cmd_sum[ND_SMB_NCMD];
	uint64_t errors, benign_errors;
	/* Metadata and io operations judged here (connect ones: per server). */
	struct nd_smb_op_stats ops[ND_SMB_NCMD];
	/* Client pauses between I/Os on one connection, up to
	 * ND_SMB_IDLE_GAP_MAX each, counted for the share of the next request;
	 * and time with at least one READ/WRITE outstanding on the connection,
	 * counted for the share of the operation completing it. */
	nd_ns io_idle_ns, io_busy_ns;
};

struct nd_smb_server {
	uint8_t ip_version;
	uint8_t addr[16];
	struct nd_smb_op_stats ops[ND_SMB_NCMD]; /* connect class */
};

/* Logons worth reporting: failed SESSION_SETUPs and guest or anonymous
 * (null) sessions. One row per (server, client, user, status). */
struct nd_smb_logon {
	uint8_t ip_version;
	uint8_t client[16], server[16];
	char user[ND_SMB_USER_MAX]; /* "DOMAIN\user"; "" when not visible */
	char workstation[ND_SMB_WORKSTATION_MAX];
	char mech[ND_SMB_MECH_MAX]; /* "NTLMSSP", "Kerberos", "" */
	uint32_t status;            /* final status */
	uint16_t session_flags;     /* of a successful one */
	uint64_t count;
	nd_ns first_ts, last_ts;
	uint64_t first_frame;
	uint32_t first_file;
};

struct nd_smb_error {
	uint32_t status;
	uint8_t cmd;
	bool benign;
	char share[ND_SMB_PATH_MAX];
	char path[ND_SMB_NAME_MAX]; /* CREATE name, TREE_CONNECT path, or the handle's name */
	uint64_t count;
	nd_ns first_ts, last_ts;
	uint64_t first_frame;
	uint32_t first_file;
	uint8_t ip_version;
	uint8_t client[16];
	uint8_t server[16];
	char user[ND_SMB_USER_MAX];           /* of the session; "" when not known */
	uint32_t desired_access, disposition; /* CREATE */
	uint32_t ctl_code;                    /* IOCTL */
};

struct nd_smb_open_handle {
	char share[ND_SMB_PATH_MAX];
	char name[ND_SMB_NAME_MAX];
	uint8_t ip_version;
	uint8_t client[16];
	uint64_t session_id;
	uint8_t file_id[16];
	nd_ns opened_at;
	uint64_t frame;
	uint32_t file;
	uint32_t desired_access, create_action;
	bool cut_short; /* a connection of its session was still open at the end */
};

struct nd_smb_slow_op {
	nd_ns latency, ts; /* ts: the request */
	uint64_t frame;    /* of the request */
	uint32_t file;
	uint8_t cmd;
	uint32_t status;
	uint8_t ip_version;
	uint8_t client[16];
	char share[ND_SMB_PATH_MAX];
	char name[ND_SMB_NAME_MAX];
	uint64_t offset;
	uint32_t length;
	bool network_trouble; /* nd_smb_net_trouble() > 0 from request first byte to response */
};

#define ND_SMB_CLIENT_SAMPLES 64
struct nd_smb_client {
	uint8_t ip_version;
	uint8_t addr[16];
	uint64_t opened, closed, closed_by_disconnect, evicted;
	uint32_t open_now, peak;
	nd_ns peak_ts, first_ts, last_ts;
	uint32_t open_at_mid; /* open handles at the middle of the capture (finish) */
	/* Open-handle count over time, decimated to stay bounded. */
	uint16_t n_samples;
	nd_ns sample_every;
	struct {
		nd_ns ts;
		uint32_t open;
	} samples[ND_SMB_CLIENT_SAMPLES];
};

struct nd_smb_enc_session {
	uint64_t session_id;
	uint8_t ip_version;
	uint8_t client[16];
	uint64_t pdus[2]; /* [0] client to server, [1] back */
	bool setup_seen;  /* its final SESSION_SETUP was captured: the fields below are known */
	uint16_t session_flags; /* ND_SMB_SESSION_ENCRYPT_DATA: the server required encryption */
	char user[ND_SMB_USER_MAX];
};

struct nd_smb_results {
	struct nd_smb_cmd_stats cmd[ND_SMB_NCMD];
	struct nd_smb_io_stats read, write;
	uint64_t connections; /* TCP connections carrying SMB */
	uint64_t smb2_pdus, encrypted_pdus, compressed_pdus, compressed_parsed;
	uint64_t smb1_pdus, smb1_negotiates, smb1_negotiates_smb2, smb1_other;
	uint64_t break_notifications, cancels, duplicate_requests, async_finals;
	struct {
		uint16_t dialect;
		uint64_t count;
	} dialects[ND_SMB_MAX_DIALECTS];
	size_t n_dialects;
	/* framing */
	uint64_t nbss_other;         /* NBSS messages other than session messages */
	uint64_t bad_nbss;           /* a header where one was expected failed the checks */
	uint64_t bytes_not_captured; /* holes in the TCP stream inside SMB traffic */
	uint64_t resyncs;            /* times decoding restarted on NBSS header + SMB magic */
	uint64_t resync_bytes;       /* bytes skipped while searching for one */
	uint64_t headers_lost;       /* a message header fell into a hole */
	uint64_t pdus_recovered;     /* of those, read from a late (retransmitted) segment */
	uint64_t pdus_cut;           /* header not fully captured (snaplen) */
	uint64_t bad_chain, chain_cut;
	/* limits */
	uint64_t pending_evicted, handles_evicted, trees_evicted, sessions_evicted;
	uint64_t shares_overflow, errors_overflow, clients_overflow;
	uint64_t servers_overflow, logons_overflow;
	nd_ns first_ts, last_ts;
	bool capture_cut; /* some SMB connection had no FIN/RST at the end */
	/* arrays, valid after nd_smb_finish */
	const struct nd_smb_share *shares;
	size_t n_shares;
	const struct nd_smb_error *errors; /* most frequent first */
	size_t n_errors;
	const struct nd_smb_open_handle *open_handles;
	size_t n_open_handles;
	const struct nd_smb_slow_op *slowest; /* slowest first */
	size_t n_slowest;
	const struct nd_smb_client *clients;
	size_t n_clients;
	const struct nd_smb_server *servers;
	size_t n_servers;
	const struct nd_smb_logon *logons; /* failures first, then by count */
	size_t n_logons;
	const struct nd_smb_enc_session *enc_sessions;
	size_t n_enc_sessions;
	uint64_t enc_sessions_total;
};

struct nd_smb;

struct nd_smb *nd_smb_new(const struct nd_smb_config *cfg);
/* Registers itself as the tcp stream consumer. */
void nd_smb_attach(struct nd_smb *smb, struct nd_tcp_table *tcp);
/* After nd_tcp_finish: everything still pending is final. */
void nd_smb_finish(struct nd_smb *smb);
void nd_smb_free(struct nd_smb *smb);

const struct nd_smb_results *nd_smb_get_results(const struct nd_smb *smb);
/* The effective configuration (defaults filled in). */
const struct nd_smb_config *nd_smb_get_config(const struct nd_smb *smb);

/* Names. */
const char *nd_smb_command_name(unsigned cmd);      /* "WRITE"; "UNKNOWN" */
const char *nd_smb_command_srt_label(unsigned cmd); /* tshark's "Write" */
/* "STATUS_ACCESS_DENIED", or NULL when unknown (print it in hex). */
const char *nd_smb_status_name(uint32_t status);
/* "3.1.1", "2.0.2", "2.???"; NULL when unknown. */
const char *nd_smb_dialect_name(uint16_t dialect);
/* "FSCTL_PIPE_TRANSCEIVE"; NULL when unknown. */
const char *nd_smb_ioctl_name(uint32_t ctl);
const char *nd_smb_share_type_name(uint8_t type); /* "disk", "pipe", "print", "unknown" */
/* A CREATE DesiredAccess as its MS-SMB2 2.2.13.1 names joined by '|' with the
 * value, e.g. "FILE_READ_DATA|SYNCHRONIZE (0x00100001)". */
const char *nd_smb_access_mask_format(uint32_t mask, char *buf, size_t len);
/* CreateDisposition: "FILE_OPEN", "FILE_OVERWRITE_IF"; "unknown" beyond. */
const char *nd_smb_disposition_name(uint32_t disposition);

#endif
