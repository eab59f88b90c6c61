/* SPDX-License-Identifier: MIT */
/* Names for commands, NTSTATUS values, dialects and FSCTL codes, and the
 * benign-status policy. Status names follow MS-ERREF 2.3.1 as printed by
 * Wireshark and Zeek ("STATUS_" + name). */
#include <stdlib.h>

#include "smb/smb_internal.h"

static const char *const cmd_names[ND_SMB_NCMD] = {
        "NEGOTIATE",     "SESSION_SETUP", "LOGOFF",   "TREE_CONNECT", "TREE_DISCONNECT",
        "CREATE",        "CLOSE",         "FLUSH",    "READ",         "WRITE",
        "LOCK",          "IOCTL",         "CANCEL",   "ECHO",         "QUERY_DIRECTORY",
        "CHANGE_NOTIFY", "QUERY_INFO",    "SET_INFO", "OPLOCK_BREAK", "OTHER",
};

/* tshark 4.0 `-z smb2,srt` row labels. */
static const char *const srt_labels[ND_SMB_NCMD] = {
        "Negotiate Protocol",
        "Session Setup",
        "Session Logoff",
        "Tree Connect",
        "Tree Disconnect",
        "Create",
        "Close",
        "Flush",
        "Read",
        "Write",
        "Lock",
        "Ioctl",
        "Cancel",
        "KeepAlive",
        "Find",
        "Notify",
        "GetInfo",
        "SetInfo",
        "Break",
        "Other",
};

const char *nd_smb_command_name(unsigned cmd)
{
	return cmd < ND_SMB_NCMD ? cmd_names[cmd] : "OTHER";
}

const char *nd_smb_command_srt_label(unsigned cmd)
{
	return cmd < ND_SMB_NCMD ? srt_labels[cmd] : "Other";
}

struct status_name {
	uint32_t v;
	const char *name;
};

/* Sorted by value for bsearch (nt_status.def keeps that order). */
static const struct status_name statuses[] = {
#define ND_NT_STATUS(name, value) {value, "STATUS_" #name},
#include "smb/nt_status.def"
#undef ND_NT_STATUS
};

static int status_cmp(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct status_name *)e)->v;
	return a < b ? -1 : a > b;
}

const char *nd_smb_status_name(uint32_t status)
{
	const struct status_name *s =
	        bsearch(&status, statuses, ND_ARRAY_LEN(statuses), sizeof(statuses[0]), status_cmp);
	return s ? s->name : NULL;
}

const char *nd_smb_dialect_name(uint16_t d)
{
	switch (d) {
	case 0x0202:
		return "2.0.2";
	case 0x0210:
		return "2.1";
	case 0x0300:
		return "3.0";
	case 0x0302:
		return "3.0.2";
	case 0x0311:
		return "3.1.1";
	case 0x02FF:
		return "2.???";
	default:
		return NULL;
	}
}

const char *nd_smb_ioctl_name(uint32_t ctl)
{
	switch (ctl) {
	case 0x0011C017:
		return "FSCTL_PIPE_TRANSCEIVE";
	case 0x0011400C:
		return "FSCTL_PIPE_PEEK";
	case 0x00110018:
		return "FSCTL_PIPE_WAIT";
	case 0x00060194:
		return "FSCTL_DFS_GET_REFERRALS";
	case 0x000601B0:
		return "FSCTL_DFS_GET_REFERRALS_EX";
	case 0x001401FC:
		return "FSCTL_QUERY_NETWORK_INTERFACE_INFO";
	case 0x00140078:
		return "FSCTL_SRV_REQUEST_RESUME_KEY";
	case 0x00140204:
		return "FSCTL_VALIDATE_NEGOTIATE_INFO";
	case 0x001440F2:
		return "FSCTL_SRV_COPYCHUNK";
	case 0x001480F2:
		return "FSCTL_SRV_COPYCHUNK_WRITE";
	case 0x001401D4:
		return "FSCTL_LMR_REQUEST_RESILIENCY";
	case 0x00144064:
		return "FSCTL_SRV_ENUMERATE_SNAPSHOTS";
	default:
		return NULL;
	}
}

const char *nd_smb_share_type_name(uint8_t t)
{
	switch (t) {
	case 1:
		return "disk";
	case 2:
		return "pipe";
	case 3:
		return "print";
	default:
		return "unknown";
	}
}

static bool ioctl_benign(uint32_t status)
{
	/* The server lacks the feature (DFS, multichannel, copy offload): the
	 * client falls back. */
	switch (status) {
	case ND_STATUS_INVALID_DEVICE_REQUEST:
	case ND_STATUS_NOT_FOUND:
	case ND_STATUS_FS_DRIVER_REQUIRED:
	case ND_STATUS_NOT_SUPPORTED:
	case ND_STATUS_INVALID_PARAMETER:
	case ND_STATUS_BUFFER_OVERFLOW:
		return true;
	default:
		return false;
	}
}

bool nd_smb_status_benign(unsigned cmd, uint32_t status, uint32_t ctl_code,
                          bool after_failed_related)
{
	(void)ctl_code;
	switch (status) {
	case ND_STATUS_PENDING:
	case ND_STATUS_NOTIFY_CLEANUP:
	case ND_STATUS_NOTIFY_ENUM_DIR:
	case ND_STATUS_BUFFER_OVERFLOW:
	case ND_STATUS_NO_MORE_FILES:
	case ND_STATUS_STOPPED_ON_SYMLINK:
	case ND_STATUS_CANCELLED:
		return true;
	case ND_STATUS_MORE_PROCESSING_REQUIRED:
		return cmd == ND_SMB_SESSION_SETUP;
	case ND_STATUS_OBJECT_NAME_NOT_FOUND:
		return cmd == ND_SMB_CREATE; /* probes: desktop.ini, autorun.inf, .Trash */
	case ND_STATUS_NO_SUCH_FILE:
		return cmd == ND_SMB_QUERY_DIRECTORY;
	case ND_STATUS_FILE_CLOSED:
		return after_failed_related;
	case ND_STATUS_NETWORK_NAME_DELETED:
		return cmd == ND_SMB_TREE_DISCONNECT; /* the tree was already gone */
	default:
		break;
	}
	if (cmd == ND_SMB_IOCTL)
		return ioctl_benign(status);
	return false;
}
