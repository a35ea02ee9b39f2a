import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { ingest } from '../../src/ingest/ingest.js';
import { queryEvents } from '../../src/store/events-repo.js';
import { parseDfwpktlogLine } from '../../src/parse/dfwpktlog.js';
import { parseAntreaNpLogLine } from '../../src/parse/antrea-np-log.js';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { CORPUS } from '../helpers/paths.js';

/** Every log file we have: corpus samples, vsipioctl log captures, and the bundled logs. */
const files = [
  ...readdirSync(join(CORPUS, 'dfwpktlog')).filter((f) => f.endsWith('.log')).map((f) => join(CORPUS, 'dfwpktlog', f)),
  ...readdirSync(join(CORPUS, 'antrea-np-log')).filter((f) => f.endsWith('.log')).map((f) => join(CORPUS, 'antrea-np-log', f)),
  ...readdirSync(join(CORPUS, 'vsipioctl')).filter((f) => f.startsWith('dfwpktlogs-') && !f.includes('flattened')).map((f) => join(CORPUS, 'vsipioctl', f)),
  'logs/syslog-export/collector-2024-05-15.log',
  'logs/antrea-node/np.log',
];

test('every stored event reads back exactly as the parser produced it (no column lost by the insert shapes)', async (t) => {
  let compared = 0;
  let storedTotal = 0;
  for (const file of files) {
    // one store per file: some corpus files have the same content and would be deduplicated
    const db = openStore(':memory:');
    await ingest(db, [file]);
    const stored = queryEvents(db, {});
    db.close();
    storedTotal += stored.length;
    const lines = readFileSync(file, 'utf8').split('\n');
    const isAntrea = file.includes('antrea') || file.includes('np.log');
    lines.forEach((text, i) => {
      const ctx = { source: file, line: i + 1, host: null };
      const r = isAntrea ? parseAntreaNpLogLine(text, ctx) : parseDfwpktlogLine(text, ctx);
      if (r.kind !== 'event') return;
      const s = stored.find((e) => e.source === file && e.line === i + 1);
      if (!s) return t.fail(`${file}:${i + 1} not stored`);
      const { id: _id, ...back } = s;
      t.deepEqual({ ...back } as PacketEvent, r.event, `${file}:${i + 1}`);
      compared++;
    });
  }
  t.is(compared, storedTotal);
  t.true(compared > 60, `compared ${compared}`);
});
