/** Tiered policy engine (Antrea / K8s / NSX-style categories): compile once, evaluate many. */
export { compilePolicySet, policyRef, resolveEndpoint, selectorMatches } from './compile.js';
export type { CompiledEndpoint, CompiledPolicySet, CompiledRule, CompileOptions, Dir } from './compile.js';
export { evaluateConnection, evaluateResolved, resolveSide, sideWalkthrough, toDecision, rejectResponse } from './evaluate.js';
export type { ConnectionDecision, ConnectionSpec, ConnVerdict, EvaluateOptions, SideResolution, SideStep } from './evaluate.js';
export { computeEndpointMatrix, computeEndpointMatrixNaive, MARKS } from './matrix.js';
export type { EndpointMatrix } from './matrix.js';
