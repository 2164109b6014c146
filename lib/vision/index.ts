/** torchts/vision: the torchvision mirror (datasets, transforms, models, utils). */
export {};
