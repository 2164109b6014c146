/** A tensor's raw bytes in slices, for writing files without copying whole tensors. */
import { Tensor } from '../tensor';
import { uint8 } from '../dtype';

/** Slice size: bounded memory when a slice must be copied (non-CPU tensors). */
const CHUNK = 1 << 26;

/**
 * The bytes of a 1-D contiguous tensor (any dtype, any device), in order. CPU slices are views
 * of the tensor's memory (no copy); other devices copy one slice at a time to the CPU.
 * float16 / bfloat16 / bool are read as raw bytes, never widened.
 */
export function* rawBytes(flat: Tensor): Generator<Uint8Array> {
  const bytes = flat.view(uint8);
  try {
    const n = bytes.numel();
    const cpu = bytes.device.type === 'cpu';
    for (let off = 0; off < n; off += CHUNK) {
      const part = bytes.narrow(0, off, Math.min(CHUNK, n - off));
      try {
        yield (cpu ? part.numpy() : part.toTypedArray()) as Uint8Array;
      } finally {
        part.dispose();
      }
    }
  } finally {
    if (bytes !== flat) bytes.dispose();
  }
}
