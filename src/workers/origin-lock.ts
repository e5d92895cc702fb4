/**
 * Runs `work` holding a named lock shared by every worker and tab of this origin (Web Locks), so two
 * workers making the same stored thing take turns; where the API is missing (Node tests), it just runs.
 */
export async function withOriginLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  if (!locks) return work();
  return locks.request(`bert-studio:${name}`, work);
}
