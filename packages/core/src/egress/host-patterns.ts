import { parseIpAddress } from './ip-address';

const LABEL = /^(?!-)[a-z\d_-]{1,63}(?<!-)$/;

/**
 * A host name as compared: lower case, without the trailing dot of a fully qualified name.
 *
 * @example
 * ```ts
 * normalizeHost('Jira.Example.COM.'); // 'jira.example.com'
 * ```
 */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Builds the test of allowed host names from exact names, IP literals and `*.suffix` patterns.
 * A pattern matches names below the suffix at any depth, not the suffix itself: `*.corp.example`
 * takes `jira.corp.example` and `a.b.corp.example`, not `corp.example`.
 *
 * @throws TypeError naming an entry that is neither a host name, an IP address nor a pattern.
 * @example
 * ```ts
 * const allowed = compileHostPatterns(['jira.corp.example', '*.hooks.corp.example']);
 * allowed('JIRA.corp.example.'); // true
 * allowed('hooks.corp.example'); // false
 * ```
 */
export function compileHostPatterns(patterns: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const pattern of patterns) {
    const wildcard = pattern.startsWith('*.');
    const name = normalizeHost(wildcard ? pattern.slice(2) : pattern);
    if (!isHostName(name) && (wildcard || parseIpAddress(name) === undefined)) {
      throw new TypeError(
        `"${pattern}" is not an allowed host: write a host name (in xn-- form if internationalised), ` +
          'an IP address, or *.suffix.',
      );
    }
    if (wildcard) suffixes.push(`.${name}`);
    else exact.add(name);
  }
  return (host) => {
    const name = normalizeHost(host);
    return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
  };
}

/** A DNS name; one ending in a number is not, as URL parsers read such a host as IPv4. */
function isHostName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}
