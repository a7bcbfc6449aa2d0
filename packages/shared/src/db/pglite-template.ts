// Creates the pre-initialised embedded database that `turbozap all` copies into a new data
// directory. PGlite's initdb peaks near 1 GB of memory; doing it once here, at install time,
// keeps the server's first start small and fast. Usage: node packages/shared/src/db/pglite-template.ts OUT
import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const out = process.argv[2];
if (!out) throw new Error('usage: pglite-template.ts OUTPUT_FILE');
const db = await PGlite.create();
const dump = await db.dumpDataDir('gzip');
writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
await db.close();
