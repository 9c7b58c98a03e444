// The daemon's runs and the console's retries share one store and one set of adapters: they take turns,
// so a retry posted during a run waits for it instead of failing on the run lock (and a run never finds
// the lock held by a retry of the same daemon).

export type Turns = <T>(work: () => Promise<T>) => Promise<T>;

export function oneAtATime(): Turns {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const turn = tail.then(work, work);
    tail = turn.catch(() => undefined);
    return turn;
  };
}
