/**
 * torchts/vision: the torchvision mirror.
 *
 *   import { datasets, transforms, models, utils } from 'torchts/vision';
 */
export * as datasets from './datasets';
export * as transforms from './transforms';
export * as models from './models';
export * as utils from './utils';
