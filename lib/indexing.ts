/**
 * Python-style indexing. `x.index([null, torch.slice(1, 3)])` is `x[None, 1:3]`, and the string
 * form `x.index(':, 1:3')` reads like the Python source. Items: integer, `null` (new axis),
 * `'...'` (Ellipsis), a `torch.slice`, a boolean, or an integer/boolean Tensor.
 */
import type { Tensor } from './tensor';

export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}

  toString(): string {
    const f = (v: number | null) => (v === null ? '' : String(v));
    return `${f(this.start)}:${f(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
}

/** `torch.slice(1, 3)` is Python's `1:3`; `torch.slice()` is `:`; `torch.slice(null, null, 2)` is `::2`. */
export function slice(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return new Slice(start, stop, step);
}

export const Ellipsis = '...';

export type IndexItem = number | null | boolean | '...' | Slice | Tensor;
export type Index = IndexItem | readonly IndexItem[] | string;

/** What the addon takes: integers, null, booleans, '...', [start, stop, step] and handles. */
export type EncodedIndex = unknown[];

function parseInteger(text: string, src: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new TypeError(`index(): cannot parse '${text}' in index string '${src}'`);
  return Number(text);
}

function parseItem(raw: string, src: string): IndexItem {
  const s = raw.trim();
  if (s === '...') return '...';
  if (s === 'None' || s === 'null') return null;
  if (s === 'True' || s === 'true') return true;
  if (s === 'False' || s === 'false') return false;
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length > 3) throw new TypeError(`index(): invalid slice '${s}' in index string '${src}'`);
    const [a, b, c] = parts.map((p) => (p.trim() === '' ? null : parseInteger(p.trim(), src)));
    return new Slice(a, b ?? null, c ?? null);
  }
  return parseInteger(s, src);
}

export function parseIndexString(src: string): IndexItem[] {
  if (src.trim() === '') return [];
  return src.split(',').map((p) => parseItem(p, src));
}

/** Normalizes any accepted index form for the addon. `isTensor` avoids a circular import. */
export function encodeIndex(index: Index, isTensor: (v: unknown) => v is Tensor): EncodedIndex {
  const items: readonly IndexItem[] =
    typeof index === 'string' && index !== '...'
      ? parseIndexString(index)
      : Array.isArray(index)
        ? (index as readonly IndexItem[])
        : [index as IndexItem];
  return items.map((it) => {
    if (it instanceof Slice) return [it.start, it.stop, it.step];
    if (isTensor(it)) return it._h;
    if (it === null || it === '...' || typeof it === 'boolean') return it;
    if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new TypeError(`index(): indices must be integers, got ${it}`);
      return it;
    }
    throw new TypeError(
      `index(): only integers, slices (torch.slice), ellipsis ('...'), null, booleans and Tensors are valid indices (got ${typeof it})`,
    );
  });
}
