import { codeIdentity as hashSources } from '../bin/built.js';

/** Set by the build (scripts/bin/build.js); absent when the sources run through tsx. */
declare const ROLLGATE_CODE_ID: string | undefined;

/** What a file's check result depends on besides the file: rollgate's code, its dependencies and Node. */
export function codeIdentity(): string {
  return typeof ROLLGATE_CODE_ID === 'string' ? ROLLGATE_CODE_ID : hashSources();
}
