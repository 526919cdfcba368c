/**
 * Render a robotics scene from a `state()` snapshot (any camera, any size), without the physics world:
 * the snapshot is loaded into a size-1 SceneBuffers scratch and drawn with the same primitives and
 * cameras as `render()`. Reward functions that need pixels of a state (progress models, VLM rewards) get
 * this from the composition root, since rewards do not import envs.
 */
import type { Frame } from '../../sim/env.ts';
import { Renderer3D, type Primitive } from '../../sim/render/renderer3d.ts';
import { SceneBuffers, loadState } from './scene_buffers.ts';
import { CAMERAS, type CameraName, cameraFor, scenePrimitives } from './scene_render.ts';
import type { RoboticsState } from './state.ts';
import type { TaskDef } from './task.ts';

export class StateRenderer {
  private readonly scratch: SceneBuffers;
  private readonly names: ('cube' | 'cubeA' | 'cubeB')[];
  private readonly renderer = new Renderer3D();
  private readonly prims: Primitive[] = [];

  constructor(readonly task: TaskDef) {
    this.scratch = new SceneBuffers(1, task.objects.map((o) => o.half), task.drawer);
    this.names = task.objects.map((o) => o.name);
  }

  render(state: RoboticsState, camera: string, width: number, height: number): Frame {
    if (!(CAMERAS as readonly string[]).includes(camera)) throw new RangeError(`StateRenderer: camera '${camera}' is not one of [${CAMERAS.join(', ')}]`);
    loadState(this.scratch, 0, state, this.names);
    this.task.updateGoal?.(this.scratch, 0);
    scenePrimitives(this.task, this.scratch, 0, this.prims);
    return this.renderer.render(this.prims, cameraFor(camera as CameraName, this.scratch, 0), width, height);
  }
}
