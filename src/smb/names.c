/* SPDX-License-Identifier: MIT */
/* Names for commands, NTSTATUS values, dialects and FSCTL codes, and the
 * benign-status policy. Status names follow MS-ERREF 2.3.1 as printed by
 * Wireshark and Zeek ("STATUS_" + name). */
#include <stdio.h>
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

const char *nd_smb_access_mask_format(uint32_t mask, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
	        {0x00000001, "FILE_READ_DATA"},
	        {0x00000002, "FILE_WRITE_DATA"},
	        {0x00000004, "FILE_APPEND_DATA"},
	        {0x00000008, "FILE_READ_EA"},
	        {0x00000010, "FILE_WRITE_EA"},
	        {0x00000020, "FILE_EXECUTE"},
	        {0x00000040, "FILE_DELETE_CHILD"},
	        {0x00000080, "FILE_READ_ATTRIBUTES"},
	        {0x00000100, "FILE_WRITE_ATTRIBUTES"},
	        {0x00010000, "DELETE"},
	        {0x00020000, "READ_CONTROL"},
	        {0x00040000, "WRITE_DAC"},
	        {0x00080000, "WRITE_OWNER"},
	        {0x00100000, "SYNCHRONIZE"},
	        {0x01000000, "ACCESS_SYSTEM_SECURITY"},
	        {0x02000000, "MAXIMUM_ALLOWED"},
	        {0x10000000, "GENERIC_ALL"},
	        {0x20000000, "GENERIC_EXECUTE"},
	        {0x40000000, "GENERIC_WRITE"},
	        {0x80000000, "GENERIC_READ"},
	};
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < ND_ARRAY_LEN(bits) && used + 1 < len; i++)
		if (mask & bits[i].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
			                         bits[i].name);
	if (used + 1 < len)
		snprintf(buf + used, len - used, "%s(0x%08X)", used ? " " : "", mask);
	return buf;
}

const char *nd_smb_disposition_name(uint32_t d)
{
	static const char *const names[] = {"FILE_SUPERSEDE", "FILE_OPEN",
	                                    "FILE_CREATE",    "FILE_OPEN_IF",
	                                    "FILE_OVERWRITE", "FILE_OVERWRITE_IF"};
	return d < ND_ARRAY_LEN(names) ? names[d] : "unknown";
}
