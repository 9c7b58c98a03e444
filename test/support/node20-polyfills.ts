// Runs before every test file (jest setupFiles). nock 15's interceptors call Promise.withResolvers,
// which Node 20 lacks (it came in Node 22); leadloop supports Node 20, so the tests supply it.
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
promiseStatics.withResolvers ??= <T>() => {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
