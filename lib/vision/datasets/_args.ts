/**
 * Python's argument binding for dataset constructors, so both spellings work:
 * `new CIFAR10(root, { train })` (positional root) and `new CIFAR10({ root, train })` (torchvision's
 * keyword call `CIFAR10(root=..., train=...)`). A trailing plain object holds the keyword
 * arguments; errors are Python's TypeErrors, word for word.
 */

/** An options object with the constructor's required arguments inside it. */
export type WithRoot<O> = O & { root: string };

/** A constructor's arguments in either spelling. */
export type RootArgs<O> = [root: string, opts?: O] | [opts: WithRoot<O>];

/** Python's name for a JS value's type, as its messages print it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    case 'function':
      return 'function';
    case 'object':
      return 'dict';
    default:
      return typeof v;
  }
}

function isKeywords(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function quoteList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0];
  return `${q.slice(0, -1).join(', ')}${q.length > 2 ? ',' : ''} and ${q[q.length - 1]}`;
}

/**
 * The keyword arguments a constructor takes, one `true` per key of its options interface. Declare
 * it as `{ ... } satisfies Keywords<MNISTOptions>`: a key the interface lacks, or an interface key
 * left out, is then a compile error, so the runtime check cannot drift from the types.
 */
export type Keywords<O> = { readonly [K in keyof O]-?: true };

/**
 * Binds `args` (positional values, then an optional keyword object) to the required parameters
 * `names` of `fn` (Python's qualified name, e.g. 'CIFAR10.__init__'), the other keywords to
 * `accepted`. Returns the values in `names` order and the remaining keyword options. `undefined`
 * counts as not given. Errors come in CPython's order: too many positional arguments, then each
 * keyword in the order given (unexpected, or a duplicate of a positional one), then missing ones.
 */
export function bindArgs(
  fn: string,
  names: readonly string[],
  args: readonly unknown[],
  accepted: Readonly<Record<string, true>>,
): [unknown[], Record<string, unknown>] {
  const given = [...args];
  while (given.length > 0 && given[given.length - 1] === undefined) given.pop();
  const kwargs =
    given.length > 0 && isKeywords(given[given.length - 1]) ? (given.pop() as Record<string, unknown>) : {};
  if (given.length > names.length) {
    throw new TypeError(
      `${fn}() takes ${names.length + 1} positional arguments but ${given.length + 1} were given ` +
        '(the other arguments go in the trailing options object)',
    );
  }
  for (const [k, v] of Object.entries(kwargs)) {
    if (v === undefined) continue;
    const i = names.indexOf(k);
    if (i >= 0 && i < given.length) throw new TypeError(`${fn}() got multiple values for argument '${k}'`);
    if (i < 0 && !Object.hasOwn(accepted, k)) throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
  }
  const opts = { ...kwargs };
  for (const name of names) delete opts[name];
  const values = names.map((name, i) => (i < given.length ? given[i] : kwargs[name]));
  const missing = names.filter((name, i) => i >= given.length && kwargs[name] === undefined);
  if (missing.length > 0) {
    const s = missing.length === 1 ? '' : 's';
    throw new TypeError(`${fn}() missing ${missing.length} required positional argument${s}: ${quoteList(missing)}`);
  }
  return [values, opts];
}

/** A path argument: os.fspath's TypeError for anything but a string. */
export function checkPath(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(v)}`);
  return v;
}

/**
 * `(root, opts?)` or `({ root, ...opts })` → [root, opts], with Python's errors naming `fn`;
 * `accepted` lists the keywords besides root.
 */
export function rootArgs<O extends object>(fn: string, args: readonly unknown[], accepted: Keywords<O>): [string, O] {
  const [[root], opts] = bindArgs(fn, ['root'], args, accepted);
  return [checkPath(root), opts as O];
}
