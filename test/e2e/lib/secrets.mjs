// What must never show up in the page, the logs or the artifacts: values of Jenkins string
// credentials (the example ExternalId), minted session keys and tokens, MFA codes typed in a test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Secret values (strings or RegExps) the tests themselves handle; specs add what they use. */
export const knownSecrets = new Set([
  // examples/jenkins-credentials.example.json's ExternalId (the trust policy's differs in one char).
  '7KAXZ44tHx8mKsPxZnCi2X6Yx',
]);

// Temporary (session) access key ids and the prefix of STS session tokens (real STS and moto alike).
const PATTERNS = [/\bASIA[A-Z0-9]{16}\b/g, /FQoGZXIvYXdzE[A-Za-z0-9/+=]{8,}/g, /IQoJb3JpZ2luX2Vj[A-Za-z0-9/+=]{8,}/g];

/** Every secret-looking match in `text` (values masked except their first 4 characters). */
export function findSecrets(text, extra = []) {
  const hits = [];
  for (const re of PATTERNS) for (const m of text.matchAll(re)) hits.push(m[0]);
  for (const s of [...knownSecrets, ...extra]) {
    if (s instanceof RegExp) for (const m of text.matchAll(new RegExp(s.source, 'g'))) hits.push(m[0]);
    else if (s && text.includes(s)) hits.push(s);
  }
  return [...new Set(hits)].map((s) => `${s.slice(0, 4)}… (${s.length} chars)`);
}

/** Scans every text file under `dir` (PNG screenshots are checked through their page-text twins). */
export function scanDir(dir, extra = []) {
  const out = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!/\.(png|jpe?g)$/i.test(f) && st.size < 50 * 1024 * 1024) {
        const hits = findSecrets(readFileSync(p, 'utf8'), extra);
        if (hits.length) out.push(`${path.relative(dir, p)}: ${hits.join(', ')}`);
      }
    }
  };
  walk(dir);
  return out;
}
