/* proc_lock.h — an advisory lock shared by every thread and process of the console on one
 * store: flock(2) on "<store path>.<name>.lock", each taker on its own open file description,
 * so threads of one process exclude each other too. The kernel drops it when the holder dies
 * (a SIGKILL included), so a dead holder never blocks the next one. */
#ifndef MDR_PROC_LOCK_H
#define MDR_PROC_LOCK_H

/* Waits up to wait_ms for the lock. The descriptor (>= 0) to pass to mdr_proc_unlock, or -1
 * when it could not be opened or the wait ran out (the caller then goes on without it: the
 * lock saves work, the store's transactions keep the data right). */
int mdr_proc_lock(const char *store_path, const char *name, long wait_ms);
void mdr_proc_unlock(int fd);

#endif
