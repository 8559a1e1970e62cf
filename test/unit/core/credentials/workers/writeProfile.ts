// A separate process that writes one profile (parallel-writer and kill tests): argv = path, profile, [loops].
import { writeCredentialsProfile } from '../../../../../src/core/credentials/credentialsFile';

const [path, profile, loops = '1'] = process.argv.slice(2);
const expiration = new Date('2030-01-01T00:00:00Z');
for (let i = 0; i < Number(loops); i++) {
  writeCredentialsProfile(
    Number(loops) > 1 ? `${profile}-${i % 50}` : profile,
    {
      accessKeyId: `ASIA${profile.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
      secretAccessKey: 'x'.repeat(40),
      sessionToken: 't'.repeat(800),
      expiration,
    },
    { path },
  );
}
