/* SPDX-License-Identifier: MIT */
/* SMB2 header and body decoders. Pure functions over a byte range: every
 * read is checked against what is present, and every offset found in a body
 * against the PDU's own length, because both come from the wire. */
#include "smb/smb_internal.h"

int nd_smb2_parse_hdr(const uint8_t *p, size_t avail, struct nd_smb2_hdr *h)
{
	if (avail < SMB2_HDR_LEN || p[0] != 0xFE || p[1] != 'S' || p[2] != 'M' || p[3] != 'B')
		return -1;
	if (nd_le16(p + 4) != SMB2_HDR_LEN)
		return -1;
	memset(h, 0, sizeof(*h));
	h->credit_charge = nd_le16(p + 6);
	h->status = nd_le32(p + 8);
	h->cmd = nd_le16(p + 12);
	h->credits = nd_le16(p + 14);
	h->flags = nd_le32(p + 16);
	h->next_command = nd_le32(p + 20);
	h->msg_id = nd_le64(p + 24);
	h->is_response = h->flags & SMB2_FLAG_RESPONSE;
	h->is_async = h->flags & SMB2_FLAG_ASYNC;
	h->is_related = h->flags & SMB2_FLAG_RELATED;
	/* The ASYNC form has no TreeId: bytes 32..39 are the AsyncId. */
	if (h->is_async)
		h->async_id = nd_le64(p + 32);
	else
		h->tree_id = nd_le32(p + 36);
	h->session_id = nd_le64(p + 40);
	if (!h->is_response)
		h->status = 0;
	return 0;
}

bool nd_smb2_is_error_body(uint16_t cmd, uint32_t status, uint16_t structure_size)
{
	if (status == ND_STATUS_SUCCESS)
		return false;
	if (status == ND_STATUS_PENDING)
		return true; /* interim responses carry the ERROR body */
	switch (status) {
	case ND_STATUS_MORE_PROCESSING_REQUIRED:
		return cmd != ND_SMB_SESSION_SETUP;
	case ND_STATUS_BUFFER_OVERFLOW:
		if (cmd == ND_SMB_QUERY_INFO)
			return false;
		if (cmd == ND_SMB_READ)
			return structure_size != 17;
		if (cmd == ND_SMB_IOCTL)
			return structure_size != 49;
		return true;
	case ND_STATUS_INVALID_PARAMETER: /* FSCTL_SRV_COPYCHUNK answers with its body */
		return !(cmd == ND_SMB_IOCTL && structure_size == 49);
	case ND_STATUS_NOTIFY_ENUM_DIR:
		return cmd != ND_SMB_CHANGE_NOTIFY;
	default:
		break;
	}
	/* Other success-class codes (severity 0) answer with the normal body. */
	return (status >> 30) != 0;
}

/* Fixed body bytes read by the decoder, per command: [request, response]. */
static const uint8_t fixed_body[ND_SMB_NCMD][2] = {
        [ND_SMB_NEGOTIATE] = {36, 64},
        [ND_SMB_SESSION_SETUP] = {24, 8},
        [ND_SMB_LOGOFF] = {4, 4},
        [ND_SMB_TREE_CONNECT] = {8, 16},
        [ND_SMB_TREE_DISCONNECT] = {4, 4},
        [ND_SMB_CREATE] = {56, 88},
        [ND_SMB_CLOSE] = {24, 60},
        [ND_SMB_FLUSH] = {24, 4},
        [ND_SMB_READ] = {48, 16},
        [ND_SMB_WRITE] = {48, 16},
        [ND_SMB_LOCK] = {24, 4},
        [ND_SMB_IOCTL] = {56, 48},
        [ND_SMB_CANCEL] = {4, 4},
        [ND_SMB_ECHO] = {4, 4},
        [ND_SMB_QUERY_DIRECTORY] = {32, 8},
        [ND_SMB_CHANGE_NOTIFY] = {32, 8},
        [ND_SMB_QUERY_INFO] = {40, 8},
        [ND_SMB_SET_INFO] = {32, 2},
        [ND_SMB_OPLOCK_BREAK] = {24, 24},
        [ND_SMB_CMD_OTHER] = {8, 8},
};

static unsigned cmd_index(uint16_t cmd)
{
	return cmd < ND_SMB_CMD_OTHER ? cmd : ND_SMB_CMD_OTHER;
}

uint32_t nd_smb2_wanted(const struct nd_smb2_hdr *h, uint32_t pdu_len)
{
	unsigned c = cmd_index(h->cmd);
	uint32_t want;
	if (!h->is_response &&
	    (c == ND_SMB_CREATE || c == ND_SMB_TREE_CONNECT || c == ND_SMB_SESSION_SETUP))
		want = pdu_len; /* the name or security buffer follows the fixed body */
	else
		want = SMB2_HDR_LEN + ND_MAX(9u, fixed_body[c][h->is_response ? 1 : 0]);
	return ND_MIN(want, pdu_len);
}

size_t nd_smb_utf16_to_utf8(const uint8_t *src, size_t len, char *dst, size_t cap)
{
	size_t o = 0;
	len &= ~(size_t)1; /* an odd trailing byte is not a code unit */
	for (size_t i = 0; i < len; i += 2) {
		uint32_t cp = nd_le16(src + i);
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < len) {
			uint32_t lo = nd_le16(src + i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			} else {
				cp = 0xFFFD;
			}
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		}
		if (cp < 0x20 || cp == 0x7F)
			cp = '?'; /* keep reports on one line */
		uint8_t tmp[4];
		size_t n;
		if (cp < 0x80) {
			tmp[0] = (uint8_t)cp;
			n = 1;
		} else if (cp < 0x800) {
			tmp[0] = (uint8_t)(0xC0 | (cp >> 6));
			tmp[1] = (uint8_t)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			tmp[0] = (uint8_t)(0xE0 | (cp >> 12));
			tmp[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
			tmp[2] = (uint8_t)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			tmp[0] = (uint8_t)(0xF0 | (cp >> 18));
			tmp[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
			tmp[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
			tmp[3] = (uint8_t)(0x80 | (cp & 0x3F));
			n = 4;
		}
		if (o + n + 1 > cap)
			break; /* cut on a character boundary */
		memcpy(dst + o, tmp, n);
		o += n;
	}
	if (cap)
		dst[o] = 0;
	return o;
}

/* A name at [off, off+len) from the header start, if it lies inside the
 * PDU and inside the bytes present. */
static bool read_name(const uint8_t *pdu, size_t lim, uint32_t off, uint32_t len,
                      struct nd_smb2_info *out)
{
	if (len == 0) {
		out->name[0] = 0; /* CREATE: the share root */
		out->has_name = true;
		return true;
	}
	if (off < SMB2_HDR_LEN || off > lim || len > lim - off)
		return false;
	nd_smb_utf16_to_utf8(pdu + off, len, out->name, sizeof(out->name));
	out->has_name = true;
	return true;
}

static void read_fid(struct nd_smb2_info *out, const uint8_t *b)
{
	memcpy(out->fid, b, 16);
	out->has_fid = true;
}

static void parse_tree_connect_req(const uint8_t *pdu, size_t lim, const uint8_t *b,
                                   struct nd_smb2_info *out)
{
	uint16_t flags = nd_le16(b + 2), off = nd_le16(b + 4), len = nd_le16(b + 6);
	if (!read_name(pdu, lim, off, len, out))
		return;
	/* 3.1.1 EXTENSION_PRESENT: 16 bytes of extension may precede the path. */
	if ((flags & 0x4) && out->name[0] != '\\' && len > 16)
		read_name(pdu, lim, off + 16u, len - 16u, out);
}

/* The security buffer as far as present (the caller may have buffered
 * only a prefix of it): the NTLMSSP fields inside are checked against that. */
static void parse_session_setup_req(const uint8_t *pdu, size_t lim, const uint8_t *b,
                                    struct nd_smb2_info *out)
{
	size_t off = nd_le16(b + 12), len = nd_le16(b + 14);
	if (off < SMB2_HDR_LEN || off >= lim)
		return;
	nd_smb_auth_parse(pdu + off, ND_MIN(len, lim - off), &out->auth);
}

static void parse_request(const uint8_t *pdu, size_t lim, unsigned c, struct nd_smb2_info *out)
{
	const uint8_t *b = pdu + SMB2_HDR_LEN;
	switch (c) {
	case ND_SMB_SESSION_SETUP:
		parse_session_setup_req(pdu, lim, b, out);
		break;
	case ND_SMB_TREE_CONNECT:
		parse_tree_connect_req(pdu, lim, b, out);
		break;
	case ND_SMB_CREATE:
		out->desired_access = nd_le32(b + 24);
		out->disposition = nd_le32(b + 36);
		out->create_options = nd_le32(b + 40);
		read_name(pdu, lim, nd_le16(b + 44), nd_le16(b + 46), out);
		break;
	case ND_SMB_READ:
	case ND_SMB_WRITE:
		out->length = nd_le32(b + 4);
		out->offset = nd_le64(b + 8);
		read_fid(out, b + 16);
		break;
	case ND_SMB_IOCTL:
		out->ctl_code = nd_le32(b + 4);
		read_fid(out, b + 8);
		break;
	case ND_SMB_QUERY_INFO:
		out->info_type = b[2];
		out->info_class = b[3];
		read_fid(out, b + 24);
		break;
	case ND_SMB_SET_INFO:
		out->info_type = b[2];
		out->info_class = b[3];
		read_fid(out, b + 16);
		break;
	case ND_SMB_CLOSE:
	case ND_SMB_FLUSH:
	case ND_SMB_LOCK:
	case ND_SMB_QUERY_DIRECTORY:
	case ND_SMB_CHANGE_NOTIFY:
	case ND_SMB_OPLOCK_BREAK:
		read_fid(out, b + 8);
		break;
	default:
		break;
	}
}

static void parse_response(const uint8_t *b, unsigned c, struct nd_smb2_info *out)
{
	switch (c) {
	case ND_SMB_NEGOTIATE:
		out->dialect = nd_le16(b + 4);
		break;
	case ND_SMB_SESSION_SETUP:
		out->session_flags = nd_le16(b + 2);
		break;
	case ND_SMB_TREE_CONNECT:
		out->share_type = b[2];
		out->share_flags = nd_le32(b + 4);
		break;
	case ND_SMB_CREATE:
		out->create_action = nd_le32(b + 4);
		read_fid(out, b + 64);
		break;
	case ND_SMB_READ:
	case ND_SMB_WRITE:
		out->count = nd_le32(b + 4);
		break;
	case ND_SMB_IOCTL:
		out->ctl_code = nd_le32(b + 4);
		read_fid(out, b + 8);
		break;
	default:
		break;
	}
}

int nd_smb2_parse(const uint8_t *pdu, size_t avail, size_t pdu_len, struct nd_smb2_info *out)
{
	memset(out, 0, sizeof(*out));
	if (nd_smb2_parse_hdr(pdu, avail, &out->h))
		return -1;
	size_t lim = ND_MIN(avail, pdu_len);
	unsigned c = cmd_index(out->h.cmd);
	if (lim < SMB2_HDR_LEN + 2)
		return 0; /* header only (the PDU length may even be below 64) */
	size_t body = lim - SMB2_HDR_LEN;
	uint16_t ss = nd_le16(pdu + SMB2_HDR_LEN);
	if (out->h.is_response && nd_smb2_is_error_body(out->h.cmd, out->h.status, ss)) {
		out->error_body = true;
		out->body_ok = body >= 8;
		return 0;
	}
	if (body < fixed_body[c][out->h.is_response ? 1 : 0])
		return 0;
	out->body_ok = true;
	if (out->h.is_response)
		parse_response(pdu + SMB2_HDR_LEN, c, out);
	else
		parse_request(pdu, lim, c, out);
	return 0;
}
