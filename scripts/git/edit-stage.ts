import { isScalar, parseDocument, Scalar } from 'yaml';

/** The edit could not be made safely: the file does not have the shape an edit needs. */
export class EditError extends Error {
  override name = 'EditError';
}

/**
 * Sets `spec.environments.<env>.stage` in a rollout file's text. The node is found on the
 * positioned yaml Document and only its own characters are replaced, in its own quoting
 * style, so comments, folding and layout survive and the diff is that one line (yaml's
 * stringifier would refold and respace the rest). The result is parsed again and checked.
 */
export function setStage(text: string, env: string, stage: string): string {
  const path = ['spec', 'environments', env, 'stage'];
  const doc = parseDocument(text, { keepSourceTokens: true });
  const node = doc.getIn(path, true);
  if (!isScalar(node) || !node.range) throw new EditError(`no ${path.join('.')} scalar to edit`);
  const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE || /^(off|on|yes|no|true|false|null|~)$/i.test(stage) ? "'" : '';
  const edited = text.slice(0, node.range[0]) + quote + stage + quote + text.slice(node.range[1]);
  if (parseDocument(edited).getIn(path) !== stage) throw new EditError(`editing ${path.join('.')} did not give "${stage}"`);
  return edited;
}
