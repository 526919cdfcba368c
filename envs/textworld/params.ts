/** Text-world keyword arguments are validated with the shared `parseParams` (sim/params.ts). */
export { parseParams } from '../../sim/params.ts';
