import type { CommandModule } from 'yargs';
import type { CliContext } from '../io.js';
import { ingestCommand } from './ingest.js';
import { eventsCommand } from './events.js';
import { queryCommand } from './query.js';
import { filtersCommand } from './filters.js';
import { rulesCommand } from './rules.js';
import { evalCommand } from './eval.js';
import { replayCommand } from './replay.js';
import { matrixCommand } from './matrix.js';
import { policyCommand } from './policy.js';
import { explainCommand } from './explain.js';
import { whatifCommand } from './whatif.js';

/** Every command, in the order `--help` lists them (explicit list: no directory scan under ESM). */
export function commands(ctx: CliContext): CommandModule<object, never>[] {
  return [ingestCommand(ctx), eventsCommand(ctx), queryCommand(ctx), filtersCommand(ctx), rulesCommand(ctx), evalCommand(ctx), replayCommand(ctx), explainCommand(ctx), whatifCommand(ctx), matrixCommand(ctx), policyCommand(ctx)] as unknown as CommandModule<object, never>[];
}
