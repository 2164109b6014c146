/** torch.cuda: availability, device count, synchronization and seeds. */
import { N } from './native';

export function is_available(): boolean {
  return N.cuda_is_available();
}
export function device_count(): number {
  return N.cuda_device_count();
}
/** Waits for all kernels on a device (the current one by default) to finish. */
export function synchronize(device = -1): void {
  if (is_available()) N.cuda_synchronize(device);
}
export function manual_seed(seed: number): void {
  N.cuda_manual_seed(seed);
}
export function manual_seed_all(seed: number): void {
  N.cuda_manual_seed_all(seed);
}

/** torch.cuda.amp: autocast on CUDA and the CUDA GradScaler. */
export * as amp from './cuda_amp';
