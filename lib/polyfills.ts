/**
 * Node 20 may lack Symbol.dispose (TypeScript `using`); Node's own polyfill uses this registry
 * symbol. Imported first by tensor.ts so the Tensor class can define [Symbol.dispose].
 */
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('nodejs.dispose');
export {};
