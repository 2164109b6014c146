/**
 * TorchError carries a libtorch error: PyTorch's own message (no C++ backtrace) and the Python
 * exception type PyTorch raises for it (`RuntimeError`, `IndexError`, `ValueError`, ...).
 * Wrong JS argument types are plain `TypeError`s instead.
 */
export class TorchError extends Error {
  /** The Python exception class PyTorch would raise: 'RuntimeError', 'IndexError', ... */
  readonly python_type: string;

  constructor(message: string, python_type = 'RuntimeError') {
    super(message);
    this.name = 'TorchError';
    this.python_type = python_type;
  }
}

/** A short description of a JS value for error messages, in the style of PyTorch's arg parser. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/** `fn(): argument 'name' must be Expected, not Actual` — PyTorch's wording. */
export function argError(fn: string, name: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${fn}(): argument '${name}' must be ${expected}, not ${typeName(got)}`);
}
