// Validates SARIF against the SARIF 2.1.0 JSON schema (the SARIF SDK's copy, vendored in fixtures/ with
// its MIT licence) with ajv, formats included (uri, uri-reference, date-time).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';

let validate: ReturnType<Ajv2020['compile']> | null = null;

/** The schema violations of a SARIF document, as `instancePath: message` lines; [] when it is valid. */
export function sarifErrors(document: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(
      JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8')),
    );
  }
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
