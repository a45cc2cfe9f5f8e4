import { embeddingFormOf } from './embedded-ipv4';
import { compileHostPatterns } from './host-patterns';
import { formatIpv4, type IpAddress, parseIpAddress } from './ip-address';
import { type IpRange, parseCidr, rangeContains } from './ip-range';

/** One rule of an {@link EgressPolicy}: addresses in `cidr` are allowed or denied. */
export interface EgressRule {
  action: 'allow' | 'deny';
  /** An IPv4 or IPv6 range, e.g. `10.0.0.0/8`, `fd00::/8`; a bare address is a range of one. */
  cidr: string;
}

/**
 * Where outbound requests may go. Rules are tried in order and the first whose range holds the
 * address decides; an address no rule holds is denied. When `allowedHosts` or `allowedPorts` are
 * set, the URL's host and port must also be listed. Build one with {@link createEgressPolicy},
 * which validates it; treat it as immutable.
 *
 * IPv6 addresses that carry an IPv4 address are judged by the IPv4 rules: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4
 * (`2002::/16`, by its router address). Teredo (`2001::/32`) is always denied.
 *
 * @example
 * ```ts
 * const policy: EgressPolicy = createEgressPolicy({ allowedPorts: [443] });
 * checkEgress(policy, { host: 'hooks.corp.example', port: 443, address: '10.2.0.7' }); // { allowed: true }
 * ```
 */
export interface EgressPolicy {
  readonly rules: readonly EgressRule[];
  /** Exact host names, IP literals or `*.suffix` patterns; absent: any host. */
  readonly allowedHosts?: readonly string[];
  /** Absent: any port. */
  readonly allowedPorts?: readonly number[];
}

/** Options of {@link createEgressPolicy}. */
export interface EgressPolicyOptions {
  /**
   * Tried before the defaults, so they can override them: deny part of a private range, or
   * allow one address the defaults deny (`127.0.0.1/32` for a receiver on the same machine).
   * An allow here opens even what the defaults deny as dangerous: keep its ranges narrow.
   */
  prepend?: readonly EgressRule[];
  /**
   * Tried after the defaults, so the defaults' denials still hold: allow a public range
   * (a SaaS endpoint) without opening loopback or the metadata service.
   */
  rules?: readonly EgressRule[];
  /** Drop {@link DEFAULT_EGRESS_RULES}: only `prepend` and `rules` apply. */
  replaceDefaults?: boolean;
  /** Exact host names, IP literals or `*.suffix` patterns (any depth below the suffix). */
  allowedHosts?: readonly string[];
  allowedPorts?: readonly number[];
}

/** The outcome of {@link checkEgress}; `reason` names the address and what refused it. */
export type EgressDecision = { allowed: true } | { allowed: false; reason: string };

/** Where {@link checkEgress} looks: the URL's host and port, and one address to connect to. */
export interface EgressDestination {
  host?: string;
  port?: number;
  /** An IP address as resolvers and sockets write it; a zone id (`%eth0`) is ignored. */
  address: string;
}

const deny = (cidr: string): EgressRule => ({ action: 'deny', cidr });
const allow = (cidr: string): EgressRule => ({ action: 'allow', cidr });

/**
 * On-premises only: private ranges allowed; loopback, unspecified, link-local (cloud metadata),
 * multicast, reserved and shared ranges denied; anything else, the public internet, matches no
 * rule and is denied.
 *
 * @example
 * ```ts
 * createEgressPolicy().rules.length === DEFAULT_EGRESS_RULES.length; // true
 * ```
 */
export const DEFAULT_EGRESS_RULES: readonly EgressRule[] = Object.freeze([
  deny('0.0.0.0/8'),
  deny('127.0.0.0/8'),
  deny('169.254.0.0/16'),
  // Carrier-grade NAT: the provider's network, and Alibaba Cloud's metadata service (100.100.100.200).
  deny('100.64.0.0/10'),
  // Benchmarking, often repurposed internally by appliances.
  deny('198.18.0.0/15'),
  deny('224.0.0.0/4'),
  // Reserved, with the limited broadcast 255.255.255.255 at its end.
  deny('240.0.0.0/4'),
  deny('::/128'),
  deny('::1/128'),
  deny('fe80::/10'),
  deny('ff00::/8'),
  // AWS's IPv6 metadata service, inside the unique local range allowed below.
  deny('fd00:ec2::254/128'),
  // Local-use NAT64 (RFC 8215): where its IPv4 address sits depends on the deployment, so it is not judged by it.
  deny('64:ff9b:1::/48'),
  allow('10.0.0.0/8'),
  allow('172.16.0.0/12'),
  allow('192.168.0.0/16'),
  allow('fc00::/7'),
]);

interface CompiledPolicy {
  rules: ReadonlyArray<{ cidr: string; action: EgressRule['action']; range: IpRange }>;
  hostAllowed: ((host: string) => boolean) | undefined;
  ports: ReadonlySet<number> | undefined;
}

/** Each policy is parsed once, on first use; checks then cost a few integer compares per rule. */
const compiledPolicies = new WeakMap<EgressPolicy, CompiledPolicy>();

/**
 * Builds and validates an {@link EgressPolicy}: `prepend`, then {@link DEFAULT_EGRESS_RULES}
 * (unless `replaceDefaults`), then `rules`.
 *
 * @throws TypeError | RangeError naming the bad CIDR, host pattern or port, for operator config.
 * @example
 * ```ts
 * const policy = createEgressPolicy({
 *   prepend: parseEgressRules({ deny: process.env.PORTICO_EGRESS_DENY, allow: process.env.PORTICO_EGRESS_ALLOW }),
 *   allowedPorts: [443, 8443],
 * });
 * ```
 */
export function createEgressPolicy(options: EgressPolicyOptions = {}): EgressPolicy {
  const defaults = options.replaceDefaults ? [] : DEFAULT_EGRESS_RULES;
  const policy: EgressPolicy = Object.freeze({
    rules: Object.freeze([...(options.prepend ?? []), ...defaults, ...(options.rules ?? [])]),
    ...(options.allowedHosts && { allowedHosts: Object.freeze([...options.allowedHosts]) }),
    ...(options.allowedPorts && { allowedPorts: Object.freeze([...options.allowedPorts]) }),
  });
  compiled(policy);
  return policy;
}

/**
 * Reads the comma-separated CIDR lists of `PORTICO_EGRESS_DENY` and `PORTICO_EGRESS_ALLOW` into
 * rules, denials first so that a range in both is denied. Meant for `prepend`. Blank items are
 * skipped; anything else must be a CIDR range.
 *
 * @throws TypeError | RangeError naming the bad item.
 * @example
 * ```ts
 * parseEgressRules({ allow: '10.1.0.0/16, fd12::/16', deny: '10.1.9.0/24' });
 * // [{ action: 'deny', cidr: '10.1.9.0/24' },
 * //  { action: 'allow', cidr: '10.1.0.0/16' }, { action: 'allow', cidr: 'fd12::/16' }]
 * ```
 */
export function parseEgressRules(lists: { allow?: string | undefined; deny?: string | undefined }): EgressRule[] {
  const read = (list: string | undefined, action: EgressRule['action']): EgressRule[] =>
    (list ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((cidr) => cidr !== '')
      .map((cidr) => {
        parseCidr(cidr);
        return { action, cidr };
      });
  return [...read(lists.deny, 'deny'), ...read(lists.allow, 'allow')];
}

/**
 * Decides whether a connection to `address` is allowed, for a URL with `host` and `port`.
 * Call it with the address actually connected to, after DNS, not with the URL's text.
 *
 * @example
 * ```ts
 * checkEgress(createEgressPolicy(), { host: 'metadata', port: 80, address: '169.254.169.254' });
 * // { allowed: false, reason: '169.254.169.254 is in denied range 169.254.0.0/16' }
 * ```
 */
export function checkEgress(policy: EgressPolicy, destination: EgressDestination): EgressDecision {
  const named = checkHostAndPort(policy, destination.host, destination.port);
  return named.allowed ? checkAddress(policy, destination.address) : named;
}

/**
 * The part of {@link checkEgress} that needs no address, so a refused name is never even resolved.
 *
 * @example
 * ```ts
 * checkHostAndPort(createEgressPolicy({ allowedPorts: [443] }), 'jira.corp.example', 80);
 * // { allowed: false, reason: 'port 80 is not in the allowed ports' }
 * ```
 */
export function checkHostAndPort(policy: EgressPolicy, host?: string, port?: number): EgressDecision {
  const { hostAllowed, ports } = compiled(policy);
  if (host !== undefined && hostAllowed && !hostAllowed(host)) {
    return { allowed: false, reason: `host ${host} is not in the allowed hosts` };
  }
  if (port !== undefined && ports && !ports.has(port)) {
    return { allowed: false, reason: `port ${port} is not in the allowed ports` };
  }
  return { allowed: true };
}

/**
 * The part of {@link checkEgress} that judges one address by the rules.
 *
 * @example
 * ```ts
 * checkAddress(createEgressPolicy(), '::ffff:127.0.0.1');
 * // { allowed: false, reason: '::ffff:127.0.0.1 (IPv4-mapped 127.0.0.1) is in denied range 127.0.0.0/8' }
 * ```
 */
export function checkAddress(policy: EgressPolicy, text: string): EgressDecision {
  const parsed = parseIpAddress(text.split('%', 1)[0]!);
  if (parsed === undefined) return { allowed: false, reason: `"${text}" is not an IP address` };
  const form = embeddingFormOf(parsed);
  if (form && !form.embeddedIpv4) {
    return { allowed: false, reason: `${text} is a ${form.name} address, always denied: ${form.deniedBecause}` };
  }
  const judged: IpAddress = form?.embeddedIpv4 ? { version: 4, value: form.embeddedIpv4(parsed.value) } : parsed;
  const subject = form ? `${text} (${form.name} ${formatIpv4(judged.value)})` : text;
  const rule = compiled(policy).rules.find((candidate) => rangeContains(candidate.range, judged));
  if (rule === undefined) return { allowed: false, reason: `${subject} is in no allowed range` };
  if (rule.action === 'allow') return { allowed: true };
  return { allowed: false, reason: `${subject} is in denied range ${rule.cidr}` };
}

function compiled(policy: EgressPolicy): CompiledPolicy {
  let result = compiledPolicies.get(policy);
  if (result === undefined) {
    result = compile(policy);
    compiledPolicies.set(policy, result);
  }
  return result;
}

function compile(policy: EgressPolicy): CompiledPolicy {
  const rules = policy.rules.map(({ action, cidr }) => {
    if (action !== 'allow' && action !== 'deny') {
      throw new TypeError(`Egress rule "${cidr}": the action must be "allow" or "deny", not "${String(action)}".`);
    }
    const range = parseCidr(cidr);
    const form = embeddingFormOf({ version: range.version, value: range.network });
    if (form && range.prefixLength >= form.range.prefixLength) {
      const judged = form.embeddedIpv4 ? 'is judged by the IPv4 address it carries: write an IPv4 range' : 'is always denied';
      throw new RangeError(`"${cidr}" lies in the ${form.name} range, which ${judged}.`);
    }
    return { action, cidr, range };
  });
  for (const port of policy.allowedPorts ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new RangeError(`Allowed port ${String(port)} is not a port number (1 to 65535).`);
    }
  }
  return {
    rules,
    hostAllowed: policy.allowedHosts && compileHostPatterns(policy.allowedHosts),
    ports: policy.allowedPorts && new Set(policy.allowedPorts),
  };
}
