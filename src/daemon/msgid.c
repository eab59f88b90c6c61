/* SPDX-License-Identifier: MIT */
/* MESSAGE_ID of each finding id: fixed forever once shipped (the journal
 * catalog catalog/netdiag.catalog uses them). Made once with uuid4; a new
 * finding id gets a new line here and a catalog entry (tests/daemon checks
 * both). */
#include <string.h>

#include "daemon/daemon.h"

static const char *const table[][2] = {
        {"apparmor.denied", "8e2829506b79462e92874b1641b91e28"},
        {"apparmor.share_denied", "147b3131d0e240079418e860d1387694"},
        {"apparmor.smb_access_denied", "d5c16b4d5b2f436b9ddffdff3eafad25"},
        {"capture.artefacts", "7b9c051cf28b41d58bcfd13ff0d12d0c"},
        {"capture.input_error", "c7ca10c7769241d7855e6464e7ea4921"},
        {"capture.ip_fragments", "dc68356740f44ee7a908b59c658f6b30"},
        {"capture.loss", "fee3aefbae2347df8802b1a9b01a1c0a"},
        {"capture.truncated_packets", "0164c39c59fb4b6cbddba2504eab388b"},
        {"capture.undecodable_packets", "302a5d6e4e1a4f84bb250433fc1ca0c5"},
        {"offload.bridge_mtu_mismatch", "dd9051cfd9234832a90cac07d1e8dace"},
        {"offload.lro_on_forwarding", "f5c2567c89bd4273894a8d292ac0a914"},
        {"offload.requested_not_active", "aea3938ecd21491fa2016ffec6d1d46c"},
        {"offload.tso_with_loss", "cc63e6d44da44c24956373b35d472952"},
        {"smb.access_denied", "2fba7be7e5444d328fcabdab4e5b3614"},
        {"smb.bad_share", "179e68618ca44991a87f036f3b07d10e"},
        {"smb.encrypted", "16d59369358f4579adab672d67412e6e"},
        {"smb.handle_leak_suspected", "0299d2fc61fc48a3bb54ba29479e8682"},
        {"smb.pending_at_end", "b2232ab3de7e4da6bd0060f049d91665"},
        {"smb.slow_writes", "960f8e66c6ba40db93884f8c09c08e31"},
        {"tcp.dup_ack_storm", "edd36aa38def40f188ce67ff333046c4"},
        {"tcp.flow_table_full", "7d59d83146c548df955dd256efc38836"},
        {"tcp.lso_drop_suspected", "3823d882b67f4f5eadeec9a0e3006ac1"},
        {"tcp.network_loss", "af55b43d7e97440dad32aac16c15ae3a"},
        {"tcp.oversized_segments", "92965f175fd743f2b9f192cb59ee12e6"},
        {"tcp.rst_abort", "b36722564e444f5197c91267b9c14903"},
        {"tcp.zero_window", "bd6931f82cbe4ffc826384828a547360"},
        {"samba.log_error", "d934306d3a2046179fe8e993db25ad2d"},
        {"daemon.capture_failed", "3a7c3f791c1741dd8f3681ba5aa8a314"},
        {"netdiag.generic", "8de92eb81a474b9487fa7af2b0409fad"},
};

const char *nd_daemon_message_id(const char *finding_id)
{
	for (size_t i = 0; i + 1 < ND_ARRAY_LEN(table); i++)
		if (!strcmp(table[i][0], finding_id))
			return table[i][1];
	return table[ND_ARRAY_LEN(table) - 1][1]; /* netdiag.generic */
}

size_t nd_daemon_message_ids(const char *const (**ids)[2])
{
	*ids = table;
	return ND_ARRAY_LEN(table);
}
