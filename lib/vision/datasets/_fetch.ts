/**
 * The network part of a dataset download: an HTTP(S) GET into a file, following redirects.
 * Kept free of torchts' other modules so the synchronous path can run it in a small
 * worker_thread (./_fetch_worker.ts) without loading the addon there.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';

/** Python's urllib.error.URLError: the network failed (MNIST then tries its next mirror). */
export class URLError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'URLError';
  }
}

/** GETs `url` into `dest`, following at most `hops` redirects; network failures are URLErrors. */
export function fetchTo(url: string, dest: string, hops: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new URLError(`<urlopen error invalid URL '${url}'>`));
      return;
    }
    const get = parsed.protocol === 'https:' ? https.get : parsed.protocol === 'http:' ? http.get : null;
    if (!get) {
      reject(new URLError(`<urlopen error unknown url type: ${parsed.protocol}>`));
      return;
    }
    const req = get(url, { headers: { 'User-Agent': 'torchts' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hops <= 0) reject(new URLError(`Request to ${url} exceeded the redirect limit`));
        else fetchTo(new URL(res.headers.location, url).toString(), dest, hops - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new URLError(`HTTP Error ${status}: ${res.statusMessage ?? ''} (${url})`));
        return;
      }
      const out = fs.createWriteStream(dest);
      res.on('error', (e) => out.destroy(e));
      out.on('error', (e) => reject(new URLError(`download of ${url} failed: ${e.message}`)));
      out.on('finish', () => resolve());
      res.pipe(out);
    });
    req.on('error', (e) => reject(new URLError(`<urlopen error ${e.message}> (${url})`)));
  });
}
