/**
 * A download written once, run two ways. The logic (MD5 checks, `.part` files, mirrors, messages)
 * is a generator that yields each network fetch it needs; `run_async` performs the fetches in
 * this thread (`await X.create(root, { download: true })`), `run_sync` in a worker thread while
 * this one blocks (`new X({ root, download: true })`, as torchvision downloads in `__init__`).
 * A failed fetch is thrown back into the generator at its `yield`, so its try / catch / finally
 * blocks behave the same both ways.
 */
import { fetchTo } from './_fetch';
import { fetchToSync } from './_fetch_sync';

/** One network fetch: GET `url` into `dest`, following at most `hops` redirects. */
export interface FetchRequest {
  url: string;
  dest: string;
  hops: number;
}

export type DownloadSteps<T = void> = Generator<FetchRequest, T, void>;

function drive<T>(steps: DownloadSteps<T>, fetch: (r: FetchRequest) => void): T {
  let r = steps.next();
  while (!r.done) {
    let ok = false;
    let failure: unknown;
    try {
      fetch(r.value);
      ok = true;
    } catch (e) {
      failure = e;
    }
    r = ok ? steps.next() : steps.throw(failure);
  }
  return r.value;
}

/** Runs the steps, blocking this thread during each fetch. */
export function run_sync<T>(steps: DownloadSteps<T>): T {
  return drive(steps, (r) => fetchToSync(r.url, r.dest, r.hops));
}

/** Runs the steps, awaiting each fetch. */
export async function run_async<T>(steps: DownloadSteps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    let ok = false;
    let failure: unknown;
    try {
      await fetchTo(r.value.url, r.value.dest, r.value.hops);
      ok = true;
    } catch (e) {
      failure = e;
    }
    r = ok ? steps.next() : steps.throw(failure);
  }
  return r.value;
}
