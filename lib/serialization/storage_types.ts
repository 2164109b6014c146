/** PyTorch's typed storage classes (`torch.FloatStorage`, ...) and the dtypes they carry. */
import * as dt from '../dtype';

/** torch.<Name>Storage -> dtype, for every dtype torchts supports. */
export const STORAGE_DTYPES: ReadonlyMap<string, dt.dtype> = new Map([
  ['FloatStorage', dt.float32],
  ['DoubleStorage', dt.float64],
  ['HalfStorage', dt.float16],
  ['BFloat16Storage', dt.bfloat16],
  ['ByteStorage', dt.uint8],
  ['CharStorage', dt.int8],
  ['ShortStorage', dt.int16],
  ['IntStorage', dt.int32],
  ['LongStorage', dt.int64],
  ['BoolStorage', dt.bool],
]);

/** Storage classes PyTorch has but torchts cannot represent (for a precise error). */
export const UNSUPPORTED_STORAGES: ReadonlyMap<string, string> = new Map([
  ['ComplexFloatStorage', 'complex64'],
  ['ComplexDoubleStorage', 'complex128'],
  ['ComplexHalfStorage', 'complex32'],
  ['QInt8Storage', 'qint8'],
  ['QUInt8Storage', 'quint8'],
  ['QInt32Storage', 'qint32'],
  ['QUInt4x2Storage', 'quint4x2'],
  ['QUInt2x4Storage', 'quint2x4'],
  ['UntypedStorage', 'an untyped storage'],
]);

const NAMES = new Map<dt.dtype, string>([...STORAGE_DTYPES].map(([name, d]) => [d, name]));

export function storageClassName(d: dt.dtype): string {
  const name = NAMES.get(d);
  if (!name) throw new TypeError(`save(): no storage type for dtype ${d}`);
  return name;
}

/** The dtype objects `torch.float32`, ... are pickled as globals of the torch module. */
export const DTYPE_GLOBALS: ReadonlyMap<string, dt.dtype> = new Map(
  [dt.uint8, dt.int8, dt.int16, dt.int32, dt.int64, dt.float16, dt.float32, dt.float64, dt.bool, dt.bfloat16].map(
    (d) => [d.name, d],
  ),
);
