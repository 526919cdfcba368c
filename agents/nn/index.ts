/** The hand-written network engine: tensors, matmul backends, layers, MLP, Adam, policy heads, losses. */
export * from './tensor.ts';
export * from './matmul.ts';
export * from './init.ts';
export * from './activations.ts';
export * from './linear.ts';
export * from './mlp.ts';
export * from './adam.ts';
export * from './categorical.ts';
export * from './gaussian.ts';
export * from './loss.ts';
