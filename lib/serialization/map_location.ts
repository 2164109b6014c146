/**
 * torch.load's map_location: where each storage goes. The same forms as PyTorch: nothing (back
 * where it was saved), a device or device string, a dict from saved location to location, or a
 * function (storage, location) -> storage | null. Storages here are 1-D tensors of their dtype.
 */
import * as cuda from '../cuda';
import { device, DeviceLike } from '../device';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';

export type MapLocationFn = (storage: Tensor, location: string) => Tensor | null | undefined;
export type MapLocation = DeviceLike | Readonly<Record<string, DeviceLike>> | MapLocationFn | null;

/** PyTorch's default_restore_location: 'cpu' stays, 'cuda:N' is checked and moved. */
function restore(storage: Tensor, location: string): Tensor {
  let d: device;
  try {
    d = new device(location);
  } catch {
    throw new TorchError(`don't know how to restore data location of a storage (tagged with ${location})`);
  }
  if (d.type === 'cpu') return storage;
  if (d.type !== 'cuda') {
    throw new TorchError(`don't know how to restore data location of a storage (tagged with ${location})`);
  }
  if (!cuda.is_available()) {
    throw new TorchError(
      'Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. ' +
        "If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') " +
        'to map your storages to the CPU.',
    );
  }
  const index = d.index ?? 0;
  const count = cuda.device_count();
  if (index >= count) {
    throw new TorchError(
      `Attempting to deserialize object on CUDA device ${index} but torch.cuda.device_count() is ${count}. ` +
        'Please use torch.load with map_location to map your storages to an existing device.',
    );
  }
  return storage.to(d);
}

/** Checks map_location's type up front (a wrong option fails before any record is read). */
export function checkMapLocation(m: unknown): MapLocation {
  if (m === undefined || m === null) return null;
  if (typeof m === 'string' || typeof m === 'function' || m instanceof device) return m as MapLocation;
  if (typeof m === 'object' && Object.getPrototypeOf(m) === Object.prototype) {
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string' && !(v instanceof device)) {
        throw new TypeError(`load(): map_location['${k}'] must be a device or str, not ${typeof v}`);
      }
    }
    return m as Record<string, DeviceLike>;
  }
  throw new TypeError('load(): map_location must be a device, a str, a dict or a function');
}

/** Places one freshly read CPU storage according to map_location. */
export function placeStorage(storage: Tensor, location: string, m: MapLocation): Tensor {
  if (m === null) return restore(storage, location);
  if (typeof m === 'string' || m instanceof device) return restore(storage, String(m));
  if (typeof m === 'function') {
    const r = m(storage, location);
    if (r === null || r === undefined) return restore(storage, location);
    if (!(r instanceof Tensor) || r.dim() !== 1 || r.dtype !== storage.dtype || r.numel() !== storage.numel()) {
      throw new TorchError(
        `map_location function must return null or a 1-D ${storage.dtype} tensor of ${storage.numel()} elements ` +
          '(the storage it was given, possibly moved)',
      );
    }
    // Views are rebuilt with as_strided on the storage itself: it must start at element 0.
    return r.is_contiguous() && r.storage_offset() === 0 ? r : r.clone();
  }
  const mapped = Object.prototype.hasOwnProperty.call(m, location) ? m[location] : location;
  return restore(storage, String(mapped));
}
