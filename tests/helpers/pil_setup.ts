/** The Python prelude of the tests that compare transforms with torchvision + Pillow. */
export const PIL_SETUP = `
import numpy as np
from PIL import Image
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode as IM
def pil(t): return Image.fromarray(t.numpy())
def arr(p): return torch.from_numpy(np.array(p))
def seeded(s, fn):
    torch.manual_seed(s)
    return fn()
`;
