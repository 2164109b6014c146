/** torch.nn: Module, Parameter, layers, functional, init. */
export { Module, RemovableHandle, metadataOf } from './modules/module';
export type { StateDict, IncompatibleKeys, ForwardHook, ForwardPreHook, AnyForward } from './modules/module';
export { Parameter } from './parameter';
