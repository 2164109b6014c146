/**
 * The addon is context-aware: it loads in worker_threads (each with its own state), workers
 * compute independently, and their exit leaves the main thread working. Workers load the
 * compiled package (dist/, built by `npm run setup`), as a user's worker script would.
 */
import * as path from 'path';
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import * as torch from '../lib';

const dist = path.resolve(__dirname, '..', 'dist', 'lib', 'index.js');

function runWorker(seed: number): Promise<{ sum: number; tensors: number }> {
  const code = `
    const torch = require(${JSON.stringify(dist)});
    const { parentPort, workerData } = require('worker_threads');
    const x = torch.arange(4096, { dtype: torch.float32 }).view(64, 64).mul(0.001 * workerData).sin();
    let y = x;
    for (let i = 0; i < 2000; i++) y = y.mul(0.5).add(x).tanh();
    parentPort.postMessage({ sum: y.sum().item(), tensors: torch.memory().tensors });
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: seed });
    let result: { sum: number; tensors: number } | null = null;
    w.on('message', (m) => (result = m));
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`worker exit ${code}`))));
  });
}

function expected(seed: number): number {
  const x = torch
    .arange(4096, { dtype: torch.float32 })
    .view(64, 64)
    .mul(0.001 * seed)
    .sin();
  let y = x;
  for (let i = 0; i < 2000; i++) y = y.mul(0.5).add(x).tanh();
  return y.sum().item() as number;
}

test('compiled package exists for workers', () => {
  expect(fs.existsSync(dist)).toBe(true);
});

test('the addon works in several worker_threads at once', async () => {
  const seeds = [1, 2, 3];
  const want = seeds.map(expected);
  const results = await Promise.all(seeds.map(runWorker));
  results.forEach((r, i) => expect(r.sum).toBeCloseTo(want[i], 4));
  // each worker counts only its own tensors
  for (const r of results) expect(r.tensors).toBeLessThan(10_000);
  // the main thread still works after the workers' environments are torn down
  expect(torch.ones(3).add(1).sum().item()).toBe(6);
});
