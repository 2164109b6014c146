/**
 * torchvision.datasets.FakeData: item i is `torch.manual_seed(i + random_offset)`, then
 * `img = torch.randn(*image_size)` and `target = torch.randint(0, num_classes, (1,))[0]`, and the
 * image goes through ToPILImage (`mul(255).byte()`, CHW → HWC). Same seeds and same libtorch
 * give the same images and targets as Python.
 *
 * Without a transform an item's image is the PIL image's pixels as a uint8 tensor: H×W for one
 * channel ("L"), H×W×C otherwise. The global generator is left as it was, as torchvision leaves
 * it (it restores the state with get_rng_state / set_rng_state).
 */
import { int64, Tensor, TorchError } from '../../index';
import { Generator, randint, randn } from '../../generator';
import { markPil } from '../transforms/_image';
import { bindArgs, Keywords } from './_args';
import { TRANSFORM_KEYWORDS, transformOptions, TransformOptions, VisionDataset } from './vision';

export interface FakeDataOptions extends TransformOptions<Tensor, number> {
  size?: number;
  image_size?: [number, number, number];
  num_classes?: number;
  random_offset?: number;
}

const FAKEDATA_KEYWORDS = {
  ...TRANSFORM_KEYWORDS,
  size: true,
  image_size: true,
  num_classes: true,
  random_offset: true,
} satisfies Keywords<FakeDataOptions>;

/** torchvision's to_pil_image for a float CHW tensor: the PIL image's pixels, marked as a PIL image. */
function toPilPixels(img: Tensor): Tensor {
  const hwc = img.mul(255).byte().permute(1, 2, 0).contiguous();
  return markPil(hwc.shape[2] === 1 ? hwc.squeeze(2) : hwc);
}

export class FakeData extends VisionDataset<Tensor, number> {
  readonly size: number;
  readonly num_classes: number;
  readonly image_size: [number, number, number];
  readonly random_offset: number;

  constructor(options: FakeDataOptions = {}) {
    const opts = bindArgs('FakeData.__init__', [], [options], FAKEDATA_KEYWORDS)[1] as FakeDataOptions;
    super('', transformOptions(opts));
    this.size = opts.size ?? 1000;
    this.num_classes = opts.num_classes ?? 10;
    this.image_size = opts.image_size ?? [3, 224, 224];
    this.random_offset = opts.random_offset ?? 0;
    const channels = this.image_size[0];
    if (this.image_size.length !== 3 || channels < 1 || channels > 4) {
      const got = this.image_size.join(', ');
      throw new TorchError(`FakeData: image_size must be (C, H, W) with 1 to 4 channels, got (${got})`, 'ValueError');
    }
  }

  get length(): number {
    return this.size;
  }

  /**
   * torchvision seeds a negative index as is (index + random_offset); here it counts from the end,
   * as in lists. A fresh generator seeded like that draws the same numbers as the reseeded global
   * one, without touching global state: DataLoader worker threads share libtorch's global
   * generator, so reseeding it here would race between them.
   */
  protected rawItem(index: number): [Tensor, number] {
    const g = new Generator().manual_seed(index + this.random_offset);
    const img = randn([...this.image_size], g);
    const target = Number(randint(0, this.num_classes, [1], g, { dtype: int64 }).item());
    return [toPilPixels(img), target];
  }
}
