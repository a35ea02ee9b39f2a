/** Public surface of the NSX realized-rule engine and the stateful replay (src/engine/tiered is separate). */
export { compileFilter, generationFromRulesets } from './compile.js';
export type { AddrMatcher, CompileInput, CompiledFilter, CompiledRule, CompiledRuleset, PortMatcher } from './compile.js';
export { evaluate, evaluateNaive, rejectResponse } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { ConnTable, defaultTimers, stateKey } from './conntrack.js';
export { diffReplays, eventFlow, inferOwners, replay } from './replay.js';
export type { ReplayOptions } from './replay.js';
export { buildRangeSet, parseIp, parseIpEntry, parseIpv4, parseIpv6 } from '../net/ip.js';
