// Password hashes of other systems for the import tests: one per format Gatehouse reads, of one
// password. Python's hashlib made the PBKDF2, scrypt and SHA-2 ones (an implementation apart from
// node:crypto); the Firebase one is the sample in the README of github.com/firebase/scrypt.
import * as bcrypt from 'bcrypt';
import argon2 from 'argon2';

export const PASSWORD = 'hunter2 is a fine password';

/** Firebase's published sample: project parameters, one exported user, and the password. */
export const FIREBASE_SAMPLE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==', rounds: 8, memCost: 14,
  salt: '42xEC+ixf3L2lw==',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
  password: 'user1password',
};
const F = FIREBASE_SAMPLE;
export const FIREBASE_HASH = `$firescrypt$ln=${F.memCost},r=${F.rounds},p=1$${F.salt}$${F.hash}$${F.saltSeparator}$${F.signerKey}`;

/** One hash per format, each of PASSWORD. */
export const VECTORS: Record<string, string> = {
  'pbkdf2-sha1': '$pbkdf2-sha1$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$Ejv3WNbYj15GhObD2KvfJXE3oSh3VYJSyYWiBsDkvvE',
  'pbkdf2-sha256': '$pbkdf2-sha256$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$DPzdis7ocyUDShmeIZZrGaKpk0OkukkrG1SmI3/9lec',
  'pbkdf2-sha512': '$pbkdf2-sha512$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$Qcw8JiQv+5CAoHgX40sj/f8s/DBEMR3Tyio9C/7EG/w',
  django: 'pbkdf2_sha256$1000$seasalt$Lrx5K/hA0YL/w8M5ydTbPbH1RPrLPxGWKB7HoQza5ro=',
  scrypt: '$scrypt$ln=16384,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$AozBoTKpWkZhJ8/UQ43qUEXyQpc6iQuymqMFyG7J+Zg=',
  sha256: '$sha256$MDEyMzQ1Njc4OWFiY2RlZg==$YwUTIPyXwZUjxDnp/0o52WfTVuiTVi8kQyaK4LW2VE0=',
  sha512: '$sha512$pf=e1BBU1NXT1JEfXtTQUxUfQ==$MDEyMzQ1Njc4OWFiY2RlZg==$0s96/9zW8/44EPjqqzdrMnbei2VaUQ0Bmnn8X+vntUzJAgUmZXFlpk/dE24owbXaf3BhmBkM5lqfZkMxlxzqpA==',
};

/** The same, plus bcrypt and argon2i, computed now by their native bindings. */
export async function allVectors(): Promise<Record<string, string>> {
  return {
    ...VECTORS,
    bcrypt: (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, '$2y$'),
    argon2i: await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 }),
  };
}
