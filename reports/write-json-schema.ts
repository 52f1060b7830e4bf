// Regenerates reports/results.schema.json from the zod schema: `npx tsx reports/write-json-schema.ts`.
// test/reports/results-schema.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resultsJsonSchema } from './results-schema.ts';

export const JSON_SCHEMA_PATH = new URL('./results.schema.json', import.meta.url);

export function jsonSchemaText(): string {
  return JSON.stringify(resultsJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  writeFileSync(JSON_SCHEMA_PATH, jsonSchemaText());
  console.log('wrote reports/results.schema.json');
}
