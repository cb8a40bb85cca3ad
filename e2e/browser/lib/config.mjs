// The server under test, as scripts/browser-test.sh describes it in the
// environment. A missing variable stops the run naming it, rather than
// letting every test time out against an undefined URL.
import path from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests with scripts/browser-test.sh`);
  }
  return value;
}

const ftpAddr = required('UAPID_FTP_ADDR');
const colon = ftpAddr.lastIndexOf(':');

export const config = {
  url: required('UAPID_URL').replace(/\/+$/, ''),
  user: required('UAPID_USER'),
  pass: required('UAPID_PASS'),
  domain: required('UAPID_DOMAIN'),
  ftpHost: ftpAddr.slice(0, colon),
  ftpPort: Number(ftpAddr.slice(colon + 1)),
  chromium: process.env.UAPID_CHROMIUM || '/usr/bin/chromium',
  // Screenshots are taken only when this names a directory.
  screenshots: process.env.UAPID_SCREENSHOTS ? path.resolve(process.env.UAPID_SCREENSHOTS) : '',
};
