/* SPDX-License-Identifier: MIT */
/* The authentication mechanism of a SESSION_SETUP request and, for NTLMSSP,
 * who logs on. The security buffer is SPNEGO (RFC 4178) around an NTLMSSP
 * or Kerberos token, or a raw NTLMSSP message. Rather than parse ASN.1 from
 * the wire, the NTLMSSP message is found by its signature, and Kerberos by
 * its OIDs or an AP-REQ; only the NTLMSSP AUTHENTICATE fields are read, each
 * offset and length checked against the bytes present. Kerberos names the
 * client only inside the encrypted authenticator: no user for it. */
#include "smb/smb_internal.h"

#define NTLM_SIG_LEN      8
#define NTLM_AUTH_HDR     64 /* up to and including NegotiateFlags */
#define NTLM_FLAG_UNICODE 0x00000001u
#define NTLM_OFF_TYPE     8
#define NTLM_OFF_DOMAIN   28
#define NTLM_OFF_USER     36
#define NTLM_OFF_WORKSTAT 44
#define NTLM_OFF_FLAGS    60

static const uint8_t ntlm_sig[NTLM_SIG_LEN] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
/* DER OIDs: 1.2.840.113554.1.2.2 (krb5) and 1.2.840.48018.1.2.2 (the
 * Microsoft variant Windows lists first). */
static const uint8_t oid_krb5[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                   0xF7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_mskrb5[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x82,
                                     0xF7, 0x12, 0x01, 0x02, 0x02};

static const uint8_t *find(const uint8_t *p, size_t len, const uint8_t *pat, size_t plen)
{
	for (size_t i = 0; plen <= len && i <= len - plen; i++)
		if (p[i] == pat[0] && !memcmp(p + i, pat, plen))
			return p + i;
	return NULL;
}

/* A raw Kerberos AP-REQ: [APPLICATION 14] (0x6E) holding a SEQUENCE. */
static bool is_ap_req(const uint8_t *p, size_t len)
{
	if (len < 4 || p[0] != 0x6E)
		return false;
	size_t l = p[1] < 0x80 ? 0 : p[1] & 0x7F; /* extra length bytes */
	return l <= 4 && 2 + l < len && p[2 + l] == 0x30;
}

/* OEM names: the code page is unknown, so only printable ASCII is kept. */
static void oem_to_str(const uint8_t *src, size_t len, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < cap; i++)
		dst[o++] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : '?';
	dst[o] = 0;
}

/* A (Len, MaxLen, Offset) field at `at` of the message m of mlen bytes:
 * the name it points at, if it lies within those bytes. */
static bool ntlm_name(const uint8_t *m, size_t mlen, size_t at, bool unicode, char *dst, size_t cap)
{
	dst[0] = 0;
	if (at + 8 > mlen)
		return false;
	size_t len = nd_le16(m + at);
	size_t off = nd_le32(m + at + 4);
	if (off > mlen || len > mlen - off)
		return false;
	if (unicode)
		nd_smb_utf16_to_utf8(m + off, len, dst, cap);
	else
		oem_to_str(m + off, len, dst, cap);
	return true;
}

/* dst = DOMAIN\user, or the user alone when there is no domain; cut on a
 * UTF-8 boundary (the parts are valid UTF-8). */
static void join_user(char *dst, size_t cap, const char *dom, const char *user)
{
	const char *parts[3] = {dom, dom[0] ? "\\" : "", user};
	size_t o = 0;
	bool cut = false;
	for (int k = 0; k < 3 && !cut; k++)
		for (const char *s = parts[k]; *s && !cut; s++) {
			cut = o + 1 >= cap;
			if (!cut)
				dst[o++] = *s;
		}
	size_t lead = o;
	while (cut && lead > 0 && ((uint8_t)dst[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (cut && lead > 0 && (uint8_t)dst[lead - 1] >= 0xC0) {
		uint8_t c = (uint8_t)dst[lead - 1];
		size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (o - (lead - 1) < need)
			o = lead - 1; /* its continuation bytes did not fit */
	}
	dst[o] = 0;
}

static void ntlm_authenticate(const uint8_t *m, size_t mlen, struct smb_auth *out)
{
	if (mlen < NTLM_AUTH_HDR)
		return;
	bool uni = nd_le32(m + NTLM_OFF_FLAGS) & NTLM_FLAG_UNICODE;
	char dom[ND_SMB_USER_MAX], user[ND_SMB_USER_MAX];
	if (!ntlm_name(m, mlen, NTLM_OFF_USER, uni, user, sizeof(user)))
		return;
	ntlm_name(m, mlen, NTLM_OFF_DOMAIN, uni, dom, sizeof(dom));
	join_user(out->user, sizeof(out->user), dom, user);
	ntlm_name(m, mlen, NTLM_OFF_WORKSTAT, uni, out->workstation, sizeof(out->workstation));
}

void nd_smb_auth_parse(const uint8_t *blob, size_t len, struct smb_auth *out)
{
	memset(out, 0, sizeof(*out));
	const uint8_t *m = find(blob, len, ntlm_sig, sizeof(ntlm_sig));
	if (m) {
		/* Offsets in an NTLMSSP message count from its signature. */
		size_t mlen = len - (size_t)(m - blob);
		out->mech = SMB_MECH_NTLMSSP;
		if (mlen >= NTLM_OFF_TYPE + 4) {
			uint32_t type = nd_le32(m + NTLM_OFF_TYPE);
			out->ntlm_type = type <= 3 ? (uint8_t)type : 0;
		}
		if (out->ntlm_type == 3)
			ntlm_authenticate(m, mlen, out);
		return;
	}
	if (find(blob, len, oid_krb5, sizeof(oid_krb5)) ||
	    find(blob, len, oid_mskrb5, sizeof(oid_mskrb5)) || is_ap_req(blob, len))
		out->mech = SMB_MECH_KERBEROS;
}

const char *nd_smb_mech_name(uint8_t mech)
{
	switch (mech) {
	case SMB_MECH_NTLMSSP:
		return "NTLMSSP";
	case SMB_MECH_KERBEROS:
		return "Kerberos";
	default:
		return "";
	}
}
