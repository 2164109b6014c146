/**
 * torch.save / torch.load in PyTorch's checkpoint format, and safetensors files.
 *
 *   torch.save(model.state_dict(), 'model.pt');       // loads in Python with torch.load
 *   const sd = torch.load('model.pt', { map_location: 'cpu' }) as Record<string, torch.Tensor>;
 *   torch.safetensors.save_file({ w }, 'w.safetensors');
 */
export { save } from './torch_save';
export { load } from './torch_load';
export type { LoadOptions, MapLocation, MapLocationFn } from './torch_load';
export * as safetensors from './safetensors';
