/**
 * The ESXi host a file belongs to, from its support-bundle path. `vm-support` names the
 * bundle folder `esx-<host>-<yyyy>-<mm>-<dd>--<hh>.<mm>-<n>`; a folder that holds `var/log`
 * names the host otherwise (our `logs/<case>/<host>/var/log/...` layout). Null when neither.
 */
export function hostFromBundlePath(path: string): string | null {
  const parts = path.split(/[\\/]/);
  for (const part of parts) {
    const m = /^esx-(.+?)-\d{4}-\d{2}-\d{2}--\d{2}\.\d{2}-\d+$/.exec(part);
    if (m?.[1]) return m[1];
  }
  const varIndex = parts.lastIndexOf('var');
  if (varIndex > 0 && parts[varIndex + 1] === 'log') {
    const owner = parts[varIndex - 1];
    if (owner && owner !== '.' && owner !== '..' && owner !== '') return owner;
  }
  return null;
}
