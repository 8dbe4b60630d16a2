package dev.herd.quorum;

/** votequorum.c {@code nodestate_t}. A node entry is never removed, only marked dead (votequorum.c allocate_node). */
enum NodeState {
    /** Allocated but no nodeinfo yet: the zeroed entry of votequorum.c allocate_node. */
    UNKNOWN,
    MEMBER,
    DEAD,
    LEAVING
}
