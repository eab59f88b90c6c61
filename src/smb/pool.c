/* SPDX-License-Identifier: MIT */
/* Fixed-capacity hash tables for pending requests, trees, handles and
 * sessions. Memory is allocated once (calloc: pages are touched only when
 * used); when a table is full its least recently used entry is evicted and
 * counted, so a capture of any size runs in bounded memory. */
#include <stdlib.h>

#include "smb/smb_internal.h"

static inline struct smb_node *node(const struct smb_pool *p, uint32_t link)
{
	return smb_pool_at(p, link - 1);
}

static uint32_t key_hash(const struct smb_pool *p, uint64_t k0, uint64_t k1, uint64_t k2)
{
	uint64_t h = (k0 * UINT64_C(0x9E3779B97F4A7C15)) ^ (k1 * UINT64_C(0xC2B2AE3D27D4EB4F)) ^
	             (k2 * UINT64_C(0x165667B19E3779F9));
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32)) & p->mask;
}

int smb_pool_init(struct smb_pool *p, uint32_t cap, size_t esize)
{
	memset(p, 0, sizeof(*p));
	uint32_t nb = 1;
	while (nb < cap * 2u && nb < (1u << 30))
		nb <<= 1;
	p->cap = cap;
	p->esize = esize;
	p->mask = nb - 1;
	p->mem = calloc(cap, esize);
	p->buckets = calloc(nb, sizeof(*p->buckets));
	if (!p->mem || !p->buckets) {
		smb_pool_destroy(p);
		return -1;
	}
	return 0;
}

void smb_pool_destroy(struct smb_pool *p)
{
	free(p->mem);
	free(p->buckets);
	memset(p, 0, sizeof(*p));
}

struct smb_node *smb_pool_find(struct smb_pool *p, uint64_t k0, uint64_t k1, uint64_t k2)
{
	if (!p->cap)
		return NULL;
	for (uint32_t l = p->buckets[key_hash(p, k0, k1, k2)]; l; l = node(p, l)->hnext) {
		struct smb_node *n = node(p, l);
		if (n->k0 == k0 && n->k1 == k1 && n->k2 == k2)
			return n;
	}
	return NULL;
}

static void lru_unlink(struct smb_pool *p, struct smb_node *n)
{
	if (n->prev)
		node(p, n->prev)->next = n->next;
	else
		p->lru_head = n->next;
	if (n->next)
		node(p, n->next)->prev = n->prev;
	else
		p->lru_tail = n->prev;
	n->prev = n->next = 0;
}

static void lru_push(struct smb_pool *p, struct smb_node *n)
{
	uint32_t l = smb_pool_link(p, n);
	n->prev = 0;
	n->next = p->lru_head;
	if (p->lru_head)
		node(p, p->lru_head)->prev = l;
	p->lru_head = l;
	if (!p->lru_tail)
		p->lru_tail = l;
}

void smb_pool_touch(struct smb_pool *p, struct smb_node *n)
{
	lru_unlink(p, n);
	lru_push(p, n);
}

void smb_pool_remove(struct smb_pool *p, struct smb_node *n)
{
	uint32_t l = smb_pool_link(p, n);
	uint32_t *pp = &p->buckets[key_hash(p, n->k0, n->k1, n->k2)];
	while (*pp && *pp != l)
		pp = &node(p, *pp)->hnext;
	if (*pp)
		*pp = n->hnext;
	lru_unlink(p, n);
	memset(n, 0, p->esize);
	n->hnext = p->free_head;
	p->free_head = l;
	p->n--;
}

static struct smb_node *take_slot(struct smb_pool *p)
{
	if (p->free_head) {
		struct smb_node *n = node(p, p->free_head);
		p->free_head = n->hnext;
		n->hnext = 0;
		return n;
	}
	if (p->used_hw < p->cap)
		return smb_pool_at(p, p->used_hw++);
	struct smb_node *old = node(p, p->lru_tail);
	p->evicted++;
	if (p->on_evict)
		p->on_evict(p->ctx, old);
	if (old->used) /* on_evict may have removed it already */
		smb_pool_remove(p, old);
	return take_slot(p);
}

struct smb_node *smb_pool_insert(struct smb_pool *p, uint64_t k0, uint64_t k1, uint64_t k2)
{
	struct smb_node *n = take_slot(p);
	memset(n, 0, p->esize);
	n->k0 = k0;
	n->k1 = k1;
	n->k2 = k2;
	n->used = 1;
	uint32_t b = key_hash(p, k0, k1, k2);
	n->hnext = p->buckets[b];
	p->buckets[b] = smb_pool_link(p, n);
	lru_push(p, n);
	p->n++;
	return n;
}
