import { flagKey, kebabName } from '../config/schema/index.ts';
import { ScaffoldError } from './errors.ts';

/** A rollout NAME by the rule metadata.name follows (kebab-case, 1–63 characters, not reserved). */
export function checkRolloutName(name: string): string {
  if (!kebabName.safeParse(name).success) {
    throw new ScaffoldError('scaffold/invalid-name', `"${name}" is not a rollout name`, 'a rollout name is kebab-case: lower-case letters, digits and "-", 1–63 characters, starting and ending with a letter or digit (e.g. checkout-v2)');
  }
  return name;
}

/** A flag key as flag stores accept it, and none of the keys rollgate derives. */
export function checkFlagKey(key: string): string {
  if (!flagKey.safeParse(key).success) {
    throw new ScaffoldError('scaffold/invalid-flag', `"${key}" is not a flag key`, 'a flag key is 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  if (key.endsWith('.shadow')) throw new ScaffoldError('scaffold/invalid-flag', `"${key}" ends in .shadow`, 'rollgate derives <flag>.shadow for a rollout with a shadow stage: choose another key');
  return key;
}
