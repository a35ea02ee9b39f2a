import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore, type Db } from '../../src/store/open.js';
import { exportDuckDbFile } from '../../src/store/duckdb/export-duckdb.js';
import { exportParquet } from '../../src/store/duckdb/export-parquet.js';
import { CORPUS, tempDir } from './paths.js';

/** The bundled logs/ and the corpus logs (NSX DFW, Antrea, vsipioctl captures): NULL hosts and NULL times among them. */
export const STORE_INPUTS = {
  logs: ['logs'],
  corpus: [join(CORPUS, 'dfwpktlog'), join(CORPUS, 'antrea-np-log'), join(CORPUS, 'vsipioctl')],
} as const;

export interface ExportedStore {
  db: Db;
  parquet: string;
  duckdb: string;
}

/** A store of `inputs` in a temp file, exported both ways into the same temp folder. */
export async function exportedStore(inputs: readonly string[]): Promise<ExportedStore> {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.db'));
  await ingest(db, [...inputs]);
  const parquet = join(dir, 'tree');
  const duckdb = join(dir, 'events.duckdb');
  await exportParquet(db, parquet, { limits: { threads: 1 } });
  await exportDuckDbFile(db, duckdb, { limits: { threads: 1 } });
  return { db, parquet, duckdb };
}
