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

/* Sorted by value for bsearch. */
static const struct status_name statuses[] = {
        {0x00000000, "STATUS_SUCCESS"},
        {0x00000103, "STATUS_PENDING"},
        {0x0000010B, "STATUS_NOTIFY_CLEANUP"},
        {0x0000010C, "STATUS_NOTIFY_ENUM_DIR"},
        {0x80000005, "STATUS_BUFFER_OVERFLOW"},
        {0x80000006, "STATUS_NO_MORE_FILES"},
        {0x8000002D, "STATUS_STOPPED_ON_SYMLINK"},
        {0xC0000001, "STATUS_UNSUCCESSFUL"},
        {0xC0000002, "STATUS_NOT_IMPLEMENTED"},
        {0xC0000003, "STATUS_INVALID_INFO_CLASS"},
        {0xC0000004, "STATUS_INFO_LENGTH_MISMATCH"},
        {0xC0000008, "STATUS_INVALID_HANDLE"},
        {0xC000000D, "STATUS_INVALID_PARAMETER"},
        {0xC000000E, "STATUS_NO_SUCH_DEVICE"},
        {0xC000000F, "STATUS_NO_SUCH_FILE"},
        {0xC0000010, "STATUS_INVALID_DEVICE_REQUEST"},
        {0xC0000011, "STATUS_END_OF_FILE"},
        {0xC0000016, "STATUS_MORE_PROCESSING_REQUIRED"},
        {0xC0000017, "STATUS_NO_MEMORY"},
        {0xC0000022, "STATUS_ACCESS_DENIED"},
        {0xC0000023, "STATUS_BUFFER_TOO_SMALL"},
        {0xC0000033, "STATUS_OBJECT_NAME_INVALID"},
        {0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
        {0xC0000035, "STATUS_OBJECT_NAME_COLLISION"},
        {0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND"},
        {0xC0000043, "STATUS_SHARING_VIOLATION"},
        {0xC0000044, "STATUS_QUOTA_EXCEEDED"},
        {0xC0000054, "STATUS_FILE_LOCK_CONFLICT"},
        {0xC0000055, "STATUS_LOCK_NOT_GRANTED"},
        {0xC0000056, "STATUS_DELETE_PENDING"},
        {0xC000005E, "STATUS_NO_LOGON_SERVERS"},
        {0xC0000064, "STATUS_NO_SUCH_USER"},
        {0xC000006A, "STATUS_WRONG_PASSWORD"},
        {0xC000006D, "STATUS_LOGON_FAILURE"},
        {0xC000006E, "STATUS_ACCOUNT_RESTRICTION"},
        {0xC0000071, "STATUS_PASSWORD_EXPIRED"},
        {0xC0000072, "STATUS_ACCOUNT_DISABLED"},
        {0xC000007F, "STATUS_DISK_FULL"},
        {0xC000009A, "STATUS_INSUFFICIENT_RESOURCES"},
        {0xC00000A2, "STATUS_MEDIA_WRITE_PROTECTED"},
        {0xC00000B5, "STATUS_IO_TIMEOUT"},
        {0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY"},
        {0xC00000BB, "STATUS_NOT_SUPPORTED"},
        {0xC00000BE, "STATUS_BAD_NETWORK_PATH"},
        {0xC00000C9, "STATUS_NETWORK_NAME_DELETED"},
        {0xC00000CA, "STATUS_NETWORK_ACCESS_DENIED"},
        {0xC00000CC, "STATUS_BAD_NETWORK_NAME"},
        {0xC00000D0, "STATUS_REQUEST_NOT_ACCEPTED"},
        {0xC00000E5, "STATUS_INTERNAL_ERROR"},
        {0xC0000101, "STATUS_DIRECTORY_NOT_EMPTY"},
        {0xC0000103, "STATUS_NOT_A_DIRECTORY"},
        {0xC000011F, "STATUS_TOO_MANY_OPENED_FILES"},
        {0xC0000120, "STATUS_CANCELLED"},
        {0xC0000128, "STATUS_FILE_CLOSED"},
        {0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED"},
        {0xC000018D, "STATUS_TRUSTED_RELATIONSHIP_FAILURE"},
        {0xC0000193, "STATUS_ACCOUNT_EXPIRED"},
        {0xC000019C, "STATUS_FS_DRIVER_REQUIRED"},
        {0xC0000203, "STATUS_USER_SESSION_DELETED"},
        {0xC0000205, "STATUS_INSUFF_SERVER_RESOURCES"},
        {0xC0000224, "STATUS_PASSWORD_MUST_CHANGE"},
        {0xC0000225, "STATUS_NOT_FOUND"},
        {0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
        {0xC0000257, "STATUS_PATH_NOT_COVERED"},
        {0xC000035C, "STATUS_NETWORK_SESSION_EXPIRED"},
        {0xC0000467, "STATUS_FILE_NOT_AVAILABLE"},
        {0xC0000802, "STATUS_DISK_QUOTA_EXCEEDED"},
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
	case ST_INVALID_DEVICE_REQUEST:
	case ST_NOT_FOUND:
	case ST_FS_DRIVER_REQUIRED:
	case ST_NOT_SUPPORTED:
	case ST_INVALID_PARAMETER:
	case ST_BUFFER_OVERFLOW:
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
	case ST_PENDING:
	case ST_NOTIFY_CLEANUP:
	case ST_NOTIFY_ENUM_DIR:
	case ST_BUFFER_OVERFLOW:
	case ST_NO_MORE_FILES:
	case ST_STOPPED_ON_SYMLINK:
	case ST_CANCELLED:
		return true;
	case ST_MORE_PROCESSING_REQUIRED:
		return cmd == ND_SMB_SESSION_SETUP;
	case ST_OBJECT_NAME_NOT_FOUND:
		return cmd == ND_SMB_CREATE; /* probes: desktop.ini, autorun.inf, .Trash */
	case ST_NO_SUCH_FILE:
		return cmd == ND_SMB_QUERY_DIRECTORY;
	case ST_FILE_CLOSED:
		return after_failed_related;
	case ST_NETWORK_NAME_DELETED:
		return cmd == ND_SMB_TREE_DISCONNECT; /* the tree was already gone */
	default:
		break;
	}
	if (cmd == ND_SMB_IOCTL)
		return ioctl_benign(status);
	return false;
}
