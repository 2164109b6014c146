/**
 * Tensor printing: a port of PyTorch 1.13's `torch/_tensor_str.py`.
 *
 * `formatTensor(t)` returns exactly what Python's `repr(t)` / `str(t)` prints for a dense
 * (strided) tensor of a real or bool dtype. Layouts torchts does not have (sparse, quantized,
 * nested, meta, named, complex) are not ported.
 *
 * Python formats floats with `'{:.Nf}'` / `'{:.Ne}'`, which round the exact binary value of the
 * double half-to-even. JS `toFixed` / `toExponential` round ties away from zero (and switch to
 * exponent notation past 1e21), so float formatting here is done exactly with BigInt.
 */
import { get_default_dtype } from './dtype';

/** What the printer needs from a tensor; `Tensor` implements it. */
export interface PrintableTensor {
  readonly shape: readonly number[];
  /** PyTorch dtype name without 'torch.': 'float32', 'float64', 'float16', 'bfloat16', 'int8', ..., 'bool'. */
  readonly dtypeName: string;
  /** 'cpu', 'cuda:0', ... */
  readonly deviceStr: string;
  readonly requiresGrad: boolean;
  /** e.g. 'AddBackward0' when the tensor has a grad_fn, else null. */
  readonly gradFnName: string | null;
  /**
   * Flat row-major values of the whole tensor. float types: numbers (NaN/Infinity allowed);
   * int types: numbers (int64 may be bigint); bool: 0/1 or booleans.
   */
  values(): ArrayLike<number | bigint | boolean>;
}

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

type Scalar = number | bigint | boolean;

const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sci_mode: null,
};

const PRINT_OPTS: PrintOptions = { ...DEFAULT_PRINT_OPTIONS };

/**
 * `torch.set_printoptions`. As in Python, a profile is applied first and the explicit options
 * override it; and `sci_mode` is always assigned, so leaving it out resets it to `null` (auto).
 */
export function set_printoptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' } = {}): void {
  if (opts.profile === 'default') {
    Object.assign(PRINT_OPTS, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
  } else if (opts.profile === 'short') {
    Object.assign(PRINT_OPTS, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
  } else if (opts.profile === 'full') {
    Object.assign(PRINT_OPTS, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
  }
  if (opts.precision !== undefined) PRINT_OPTS.precision = opts.precision;
  if (opts.threshold !== undefined) PRINT_OPTS.threshold = opts.threshold;
  if (opts.edgeitems !== undefined) PRINT_OPTS.edgeitems = opts.edgeitems;
  if (opts.linewidth !== undefined) PRINT_OPTS.linewidth = opts.linewidth;
  PRINT_OPTS.sci_mode = opts.sci_mode ?? null;
}

/** A copy of the current print options (Python reads `torch._tensor_str.PRINT_OPTS`). */
export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

// ------------------------------------------------------------------ Python float formatting

/** An exact non-negative rational `num / den`: every finite double is one, with `den` a power of two. */
interface Rational {
  num: bigint;
  den: bigint;
}

/** The exact value of a finite, non-negative double. */
function exactRational(x: number): Rational {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biasedExp = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals have no implicit leading bit and the exponent of the smallest normal.
  const mantissa = biasedExp === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biasedExp === 0 ? 1 : biasedExp) - 1075;
  return exp2 >= 0 ? { num: mantissa << BigInt(exp2), den: 1n } : { num: mantissa, den: 1n << BigInt(-exp2) };
}

/** round(value * 10^power) with ties to even, as Python's correctly rounded float formatting does. */
function scaledRoundHalfEven(value: Rational, power: number): bigint {
  let { num, den } = value;
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  const quotient = num / den;
  const twiceRemainder = (num % den) * 2n;
  if (twiceRemainder > den || (twiceRemainder === den && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** Python spells non-finite floats 'nan', 'inf', '-inf' in every format; NaN never carries a sign. */
function nonFiniteString(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** Python keeps the sign of -0.0 and of negatives that round to zero. */
function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.<precision>f}'.format(x)`. */
export function formatFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFiniteString(x);
  const digits = scaledRoundHalfEven(exactRational(Math.abs(x)), precision)
    .toString()
    .padStart(precision + 1, '0');
  const intPart = digits.slice(0, digits.length - precision);
  return signOf(x) + (precision > 0 ? `${intPart}.${digits.slice(intPart.length)}` : intPart);
}

/** Python's `'{:.<precision>e}'.format(x)`: mantissa digits, then an exponent of at least two digits. */
export function formatScientific(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFiniteString(x);
  const abs = Math.abs(x);
  let exponent = 0;
  let mantissaDigits = 0n;
  if (abs !== 0) {
    const value = exactRational(abs);
    const lowest = 10n ** BigInt(precision);
    const highest = lowest * 10n;
    // log10 is only an estimate near powers of ten, and rounding can carry into a new digit
    // (9.99995 -> 1.0000e+01): step the exponent until the rounded mantissa has precision+1 digits.
    exponent = Math.floor(Math.log10(abs));
    for (;;) {
      mantissaDigits = scaledRoundHalfEven(value, precision - exponent);
      if (mantissaDigits >= highest) exponent += 1;
      else if (mantissaDigits < lowest) exponent -= 1;
      else break;
    }
  }
  const digits = mantissaDigits.toString().padStart(precision + 1, '0');
  const mantissa = precision > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponentStr = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${signOf(x)}${mantissa}e${exponentStr}`;
}

// ------------------------------------------------------------------ dtypes

const FLOATING_DTYPES: ReadonlySet<string> = new Set(['float16', 'bfloat16', 'float32', 'float64']);
/** torch.get_default_dtype(), which torch.set_default_dtype changes. */
function defaultDtypeName(): string {
  return get_default_dtype().name;
}
/** Dtypes whose repr omits `dtype=`: the default float dtype, int64 and bool. */
function omitsDtypeSuffix(name: string): boolean {
  return name === defaultDtypeName() || name === 'int64' || name === 'bool';
}

/** Python's `'{}'.format(value)` for an element of an int or bool tensor (`tolist()` gives int / bool). */
function formatIntegral(value: Scalar, isBool: boolean): string {
  if (isBool) return value === true || (value !== false && Number(value) !== 0) ? 'True' : 'False';
  // String(-0) is '0', matching Python ints, which have no negative zero.
  return String(value);
}

// ------------------------------------------------------------------ _Formatter

/**
 * Port of `_Formatter`: looks at all (or the summarized) values once to choose int_mode /
 * sci_mode and a common column width, then pads every element to that width.
 */
class Formatter {
  private readonly floating: boolean;
  private readonly isBool: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(values: readonly Scalar[], dtypeName: string) {
    this.floating = FLOATING_DTYPES.has(dtypeName);
    this.isBool = dtypeName === 'bool';
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, formatIntegral(v, this.isBool).length);
      return;
    }
    const nonzeroFinite = values.map(Number).filter((v) => Number.isFinite(v) && v !== 0);
    // Python returns early here, so a PRINT_OPTS.sci_mode override is NOT applied to
    // tensors without nonzero finite values (e.g. zeros print as '0.' even with sci_mode=True).
    if (nonzeroFinite.length === 0) return;
    this.chooseFloatMode(nonzeroFinite);
    if (PRINT_OPTS.sci_mode !== null) this.sciMode = PRINT_OPTS.sci_mode;
  }

  private chooseFloatMode(nonzeroFinite: readonly number[]): void {
    let min = Infinity;
    let max = 0;
    for (const v of nonzeroFinite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    const wideRange = max / min > 1000.0 || max > 1.0e8;
    // Integral floats never switch to sci mode for being small: the smallest is 1.
    this.sciMode = this.intMode ? wideRange : wideRange || min < 1.0e-4;
    for (const v of nonzeroFinite) this.maxWidth = Math.max(this.maxWidth, this.sampleWidth(v));
  }

  /** The width a value needs in the chosen mode; int_mode adds 1 for the trailing '.'. */
  private sampleWidth(v: number): number {
    if (this.sciMode) return formatScientific(v, PRINT_OPTS.precision).length;
    if (this.intMode) return formatFixed(v, 0).length + 1;
    return formatFixed(v, PRINT_OPTS.precision).length;
  }

  width(): number {
    return this.maxWidth;
  }

  format(value: Scalar): string {
    return this.formatUnpadded(value).padStart(this.maxWidth, ' ');
  }

  private formatUnpadded(value: Scalar): string {
    if (!this.floating) return formatIntegral(value, this.isBool);
    const v = Number(value);
    if (this.sciMode) return formatScientific(v, PRINT_OPTS.precision);
    if (this.intMode) return Number.isFinite(v) ? `${formatFixed(v, 0)}.` : nonFiniteString(v);
    return formatFixed(v, PRINT_OPTS.precision);
  }
}

// ------------------------------------------------------------------ views over the flat values

/** A row-major sub-tensor of the flat values: `self[i]` only ever selects a contiguous block. */
interface View {
  readonly data: ArrayLike<Scalar>;
  readonly offset: number;
  readonly shape: readonly number[];
}

function product(dims: readonly number[]): number {
  return dims.reduce((acc, d) => acc * d, 1);
}

/** `self[i]` for a view with at least one dimension. */
function select(view: View, index: number): View {
  const inner = view.shape.slice(1);
  return { data: view.data, offset: view.offset + index * product(inner), shape: inner };
}

/** `self[i]` for a 1-D view: one element. */
function at(view: View, index: number): Scalar {
  return view.data[view.offset + index];
}

/** `range(*slice(start, stop).indices(size))`: Python slice bounds, negatives counted from the end. */
function pySliceIndices(size: number, start: number, stop: number): number[] {
  const clamp = (i: number): number => Math.min(size, Math.max(0, i < 0 ? i + size : i));
  const out: number[] = [];
  for (let i = clamp(start); i < clamp(stop); i++) out.push(i);
  return out;
}

/**
 * The indices `self[:edgeitems]` and `self[-edgeitems:]` pick in a summarized 1-D row. As in
 * Python, `-0:` means "from the start", so edgeitems=0 keeps the whole row as the tail.
 */
function edgeIndices1d(size: number): { head: number[]; tail: number[] } {
  const k = PRINT_OPTS.edgeitems;
  return { head: pySliceIndices(size, 0, k), tail: pySliceIndices(size, -k, size) };
}

/** The rows `range(0, edgeitems)` and `range(len - edgeitems, len)` of a summarized dimension (dim >= 2). */
function edgeIndicesNd(size: number): { head: number[]; tail: number[] } {
  const head: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < PRINT_OPTS.edgeitems; i++) head.push(i);
  for (let i = size - PRINT_OPTS.edgeitems; i < size; i++) tail.push(i);
  return { head, tail };
}

function isSummarizedDim(view: View, summarize: boolean): boolean {
  return summarize && view.shape[0] > 2 * PRINT_OPTS.edgeitems;
}

/**
 * Port of `get_summarized_data`: the values that remain visible after summarization, which are
 * the only ones the formatter looks at. Their order does not matter to the formatter.
 */
function summarizedValues(view: View, out: Scalar[] = []): Scalar[] {
  const dim = view.shape.length;
  if (dim === 0) {
    out.push(view.data[view.offset]);
  } else if (dim === 1) {
    const indices = isSummarizedDim(view, true) ? edgeIndices1d(view.shape[0]) : null;
    const visible = indices ? [...indices.head, ...indices.tail] : pySliceIndices(view.shape[0], 0, view.shape[0]);
    for (const i of visible) out.push(at(view, i));
  } else {
    const indices = isSummarizedDim(view, true) ? edgeIndicesNd(view.shape[0]) : null;
    const rows = indices ? [...indices.head, ...indices.tail] : pySliceIndices(view.shape[0], 0, view.shape[0]);
    for (const i of rows) summarizedValues(select(view, i), out);
  }
  return out;
}

function allValues(view: View): Scalar[] {
  return Array.from({ length: product(view.shape) }, (_, i) => view.data[view.offset + i]);
}

// ------------------------------------------------------------------ layout

/** Port of `_vector_str`: a 1-D row, wrapped so that lines stay within linewidth. */
function vectorStr(view: View, indent: number, summarize: boolean, formatter: Formatter): string {
  // The element length includes the ', ' separator.
  const elementLength = formatter.width() + 2;
  const elementsPerLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const formatAt = (i: number): string => formatter.format(at(view, i));
  let data: string[];
  if (isSummarizedDim(view, summarize)) {
    const { head, tail } = edgeIndices1d(view.shape[0]);
    data = [...head.map(formatAt), ' ...', ...tail.map(formatAt)];
  } else {
    data = pySliceIndices(view.shape[0], 0, view.shape[0]).map(formatAt);
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

/** Port of `_tensor_str_with_formatter`: nested brackets, blank lines between 3-D+ blocks. */
function tensorStrWithFormatter(view: View, indent: number, summarize: boolean, formatter: Formatter): string {
  const dim = view.shape.length;
  if (dim === 0) return formatter.format(view.data[view.offset]);
  if (dim === 1) return vectorStr(view, indent, summarize, formatter);
  const sliceStr = (i: number): string => tensorStrWithFormatter(select(view, i), indent + 1, summarize, formatter);
  let slices: string[];
  if (isSummarizedDim(view, summarize)) {
    const { head, tail } = edgeIndicesNd(view.shape[0]);
    slices = [...head.map(sliceStr), '...', ...tail.map(sliceStr)];
  } else {
    slices = Array.from({ length: view.shape[0] }, (_, i) => sliceStr(i));
  }
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** Port of `_tensor_str` for a dense, non-empty tensor. */
function tensorStr(t: PrintableTensor, indent: number): string {
  const view: View = { data: t.values(), offset: 0, shape: t.shape };
  const summarize = product(t.shape) > PRINT_OPTS.threshold;
  // float16 / bfloat16 are printed after .float(): every value is exact in float32, so the
  // doubles we already have are the values Python formats.
  const formatter = new Formatter(summarize ? summarizedValues(view) : allValues(view), t.dtypeName);
  return tensorStrWithFormatter(view, indent, summarize, formatter);
}

// ------------------------------------------------------------------ repr

/** Python's `str(tuple(shape))`: `(0, 3)`, and `(0,)` for one dimension. */
function pythonTupleStr(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/**
 * Python prints `type(grad_fn).__name__`; for nodes without a Python class it falls back to the
 * C++ name after its last '::'. libtorch's `Node::name()` is namespaced for some nodes
 * ('torch::autograd::CopySlices'), so taking the last segment gives Python's name in both cases.
 */
function gradFnDisplayName(name: string): string {
  const cut = name.lastIndexOf('::');
  return cut === -1 ? name : name.slice(cut + 2);
}

/** Port of `_add_suffixes`: `, suffix` on the last line, or a new line when it would pass linewidth. */
function addSuffixes(tensorString: string, suffixes: readonly string[], indent: number, forceNewline: boolean): string {
  const parts = [tensorString];
  // Python's rfind gives -1 when there is no newline, so this is len + 2 for one-line strings.
  let lastLineLen = tensorString.length - tensorString.lastIndexOf('\n') + 1;
  let newline = forceNewline;
  for (const suffix of suffixes) {
    if (newline || lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
      newline = false;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Port of `_str_intern` for dense tensors: exactly Python's `repr(tensor)`. */
export function formatTensor(t: PrintableTensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  // Python prints the device whenever it is not the default (CPU) device type.
  if (t.deviceStr !== 'cpu') suffixes.push(`device='${t.deviceStr}'`);

  let body: string;
  if (product(t.shape) === 0) {
    // Explicitly print the shape if it is not (0,), and the dtype whenever it is not the default
    // float dtype: with no elements there is nothing to infer int64 / bool from.
    if (t.shape.length !== 1) suffixes.push(`size=${pythonTupleStr(t.shape)}`);
    if (t.dtypeName !== defaultDtypeName()) suffixes.push(`dtype=torch.${t.dtypeName}`);
    body = '[]';
  } else {
    if (!omitsDtypeSuffix(t.dtypeName)) suffixes.push(`dtype=torch.${t.dtypeName}`);
    body = tensorStr(t, indent);
  }

  if (t.gradFnName !== null) suffixes.push(`grad_fn=<${gradFnDisplayName(t.gradFnName)}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');

  return addSuffixes(prefix + body, suffixes, indent, false);
}
