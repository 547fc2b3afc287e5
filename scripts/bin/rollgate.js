#!/usr/bin/env node
// `npx rollgate`: the CLI built ahead of time (build/cli) when it was built from the sources as
// they are now; otherwise the TypeScript sources through tsx's loader (no build yet, as after
// `npm ci --ignore-scripts`, or sources edited since the build). Both run the same code.
import { pathToFileURL } from 'node:url';
import { freshBuild } from './built.js';

const built = process.env.ROLLGATE_FROM_SOURCES ? undefined : freshBuild();
if (built) {
  if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true); // stack traces name the .ts lines
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../rollgate.ts');
}
