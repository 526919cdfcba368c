/** Run outputs: safetensors, atomic writes, checkpoints, metrics.jsonl and TensorBoard event files. */
export * from './atomic.ts';
export * from './checkpoint.ts';
export * from './metrics.ts';
export * from './safetensors.ts';
export * from './tfevents.ts';
