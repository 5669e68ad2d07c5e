/**
 * `npm run schema`: writes the live event protocol's JSON Schema, generated from the TypeBox
 * definitions in `src/stream/events.ts`, to `schema/live-event.schema.json`. A test fails when
 * the committed file is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { liveEventJsonSchema } from '../src/stream/events.js';

const folder = fileURLToPath(new URL('../schema/', import.meta.url));
mkdirSync(folder, { recursive: true });
const path = `${folder}live-event.schema.json`;
writeFileSync(path, `${JSON.stringify(liveEventJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path}`);
