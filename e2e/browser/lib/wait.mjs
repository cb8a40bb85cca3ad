// Bounded waiting. Every wait in these tests ends with a timeout and says
// what it was waiting for, so a broken server fails a test instead of
// hanging CI.

// withTimeout settles like promise, or rejects after ms naming what.
export function withTimeout(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// poll calls check until it returns a truthy value, which it returns; it
// gives up after timeout ms. The pause between tries only paces the
// polling: the assertion is check's result, never the time slept.
export async function poll(check, { timeout = 10000, interval = 200, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
