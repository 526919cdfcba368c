/**
 * The Rapier physics engine (`@dimforge/rapier3d-compat`: its WebAssembly is inlined, nothing is fetched).
 *
 * Rapier must be initialised (asynchronously, ~160 ms) before any world exists, while `make(id)` is
 * synchronous; so this module awaits the initialisation at the top level and every robotics module
 * imports RAPIER from here. The only effect is that importing the robotics family takes that long once
 * per process; nothing is registered or allocated per env.
 */
import RAPIER from '@dimforge/rapier3d-compat';

await RAPIER.init();

export { RAPIER };
