/**
 * torchvision.transforms for torchts: `transforms.Compose([...])`, `transforms.functional` (F),
 * and `transforms.v2` (batched transforms for C×H×W / N×C×H×W tensors, CUDA included).
 */
export * from './transforms';
export { InterpolationMode } from './_image';
export type { PaddingMode } from './_image';
export * as functional from './functional';
export * as v2 from './v2';
