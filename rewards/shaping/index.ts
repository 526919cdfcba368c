export { PotentialShaping, shapingTerm, type Potential } from './pbrs.ts';
export { optimalActions, valueIteration, type FiniteMdp, type TransitionReward } from './mdp.ts';
export { arbMdp, arbPotential, cycleBonus, optimalPolicyPreserved, pbrs, shapedReturnTelescopes, type ArbMdpOptions } from './testing.ts';
