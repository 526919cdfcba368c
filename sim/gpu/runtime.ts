/**
 * Opening gpu.js for the `gpu` backend, with the mode chosen explicitly and every fallback reported.
 *
 * gpu.js 2.2x has four backends that matter here: `webgpu` (WGSL compute shaders, through Dawn from the
 * `webgpu` package; needs a GPU adapter, i.e. a GPU and a Vulkan loader on Linux), `webasm` (WebAssembly
 * with f32x4 SIMD, threaded under the async contract), `headlessgl` (the optional `gl` package, which
 * does not build on our machines) and `cpu` (plain JavaScript). `auto` asks for an adapter first and
 * otherwise takes webasm; the reason it did not get webgpu is kept in `fallback` and printed by the
 * callers (run summaries, bench output). Asking for `webgpu` by name on a machine without an adapter is
 * an error, never a silent downgrade.
 */
import { GPU } from 'gpu.js';
import { RNG_KERNEL_FUNCTIONS } from './counter_rng.ts';

export const GPU_MODES = ['auto', 'webgpu', 'webasm', 'cpu'] as const;
export type GpuModeRequest = (typeof GPU_MODES)[number];
export type GpuMode = Exclude<GpuModeRequest, 'auto'>;

export interface GpuRuntime {
  readonly gpu: GPU;
  /** The gpu.js mode kernels run in. */
  readonly mode: GpuMode;
  readonly requested: GpuModeRequest;
  /** Why `auto` did not get webgpu (null when it did, or when a mode was named). */
  readonly fallback: string | null;
  /** Whether a single kernel call returns a Promise (webgpu) rather than its result. */
  readonly asyncOnly: boolean;
  destroy(): Promise<void>;
}

let webgpuProbe: Promise<boolean> | undefined;
/** Why WebGPU is not available here, once probed (null when it is). */
let webgpuMissing: string | null = null;

/**
 * gpu.js finds WebGPU at `navigator.gpu`, which Node lacks: install it from Dawn's Node binding (the
 * `webgpu` package). The binding needs glibc ≥ 2.38 and a Vulkan loader; where it cannot load, the
 * reason is kept and reported.
 */
async function installNavigatorGpu(): Promise<void> {
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  try {
    const { create, globals } = (await import('webgpu')) as { create(flags: string[]): unknown; globals: Record<string, unknown> };
    for (const [k, v] of Object.entries(globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    // gpu.js assigns a plain function to `device.onuncapturederror`, which this Dawn binding's setter
    // rejects ("invalid value to onuncapturederror"); route it to addEventListener instead.
    const proto = (globals.GPUDevice as { prototype?: object } | undefined)?.prototype;
    if (proto) {
      const desc = Object.getOwnPropertyDescriptor(proto, 'onuncapturederror');
      Object.defineProperty(proto, 'onuncapturederror', {
        configurable: true,
        get: () => null,
        set(this: { addEventListener?(t: string, f: unknown): void }, fn: unknown) {
          try {
            desc?.set?.call(this, fn);
          } catch {
            try {
              this.addEventListener?.('uncapturederror', fn);
            } catch {
              // no way to register: errors still surface through failed readbacks
            }
          }
        },
      });
    }
    const gpu = create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } catch (e) {
    webgpuMissing = `the webgpu (Dawn) binding did not load: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** Whether a WebGPU adapter answers here (probed once per process). */
export function webgpuAvailable(): Promise<boolean> {
  webgpuProbe ??= (async () => {
    await installNavigatorGpu();
    if (webgpuMissing) return false;
    const ok = await GPU.isWebGPUAvailable().catch(() => false);
    if (!ok) webgpuMissing = 'no WebGPU adapter answered (no GPU, or no Vulkan loader and driver)';
    return ok;
  })();
  return webgpuProbe;
}

/** The reason WebGPU is unavailable (after `webgpuAvailable()` resolved false), else null. */
export function webgpuUnavailableReason(): string | null {
  return webgpuMissing;
}

export function parseGpuMode(value: unknown, field = 'gpuMode'): GpuModeRequest {
  if (typeof value !== 'string' || !(GPU_MODES as readonly string[]).includes(value)) {
    throw new RangeError(`${field} must be one of ${GPU_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as GpuModeRequest;
}

/** Open a gpu.js instance in the requested mode, with the counter-RNG helpers registered. */
export async function openGpu(requested: GpuModeRequest = 'auto'): Promise<GpuRuntime> {
  parseGpuMode(requested, 'gpu mode');
  let mode: GpuMode;
  let fallback: string | null = null;
  if (requested === 'auto') {
    if (await webgpuAvailable()) mode = 'webgpu';
    else if (GPU.isWebAssemblySupported) {
      mode = 'webasm';
      fallback = `${webgpuMissing}; using webasm`;
    } else {
      mode = 'cpu';
      fallback = `${webgpuMissing}, and no WebAssembly SIMD support; using cpu`;
    }
  } else {
    mode = requested;
    if (mode === 'webgpu' && !(await webgpuAvailable())) {
      throw new Error(`gpu mode 'webgpu' was asked for but ${webgpuMissing}; use --gpu-mode auto to fall back to webasm`);
    }
    if (mode === 'webasm' && !GPU.isWebAssemblySupported) throw new Error("gpu mode 'webasm' was asked for but this runtime lacks WebAssembly SIMD support");
  }
  const gpu = new GPU({ mode });
  for (const f of RNG_KERNEL_FUNCTIONS) gpu.addFunction(f.source as never, { argumentTypes: f.argumentTypes, returnType: f.returnType } as never);
  return {
    gpu,
    mode,
    requested,
    fallback,
    asyncOnly: mode === 'webgpu',
    destroy: () => gpu.destroy(),
  };
}

export { flt } from './literal.ts';
