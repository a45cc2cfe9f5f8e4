import { describe, expect, it } from 'vitest';
import {
  checkEgress,
  createEgressPolicy,
  DEFAULT_EGRESS_RULES,
  type EgressPolicy,
  type EgressRule,
  parseEgressRules,
} from '../../src/egress/egress-policy';

const defaults = createEgressPolicy();
const allowed = { allowed: true };
const denied = (reason: string) => ({ allowed: false, reason });

/** The decision for one address, with no host or port limits in play. */
const decide = (address: string, policy: EgressPolicy = defaults) => checkEgress(policy, { address });

describe('the default policy', () => {
  it.each([
    ['10.0.0.5', allowed],
    ['172.16.0.1', allowed],
    ['172.31.255.255', allowed],
    ['192.168.1.1', allowed],
    ['fd12:3456::1', allowed],
    ['FC00::1', allowed],
    ['::ffff:10.0.0.5', allowed],
    ['64:ff9b::10.0.0.5', allowed],
    ['2002:a00:5::1', allowed],
    ['0.0.0.0', denied('0.0.0.0 is in denied range 0.0.0.0/8')],
    ['127.0.0.1', denied('127.0.0.1 is in denied range 127.0.0.0/8')],
    ['127.255.255.254', denied('127.255.255.254 is in denied range 127.0.0.0/8')],
    ['169.254.169.254', denied('169.254.169.254 is in denied range 169.254.0.0/16')],
    ['100.100.100.200', denied('100.100.100.200 is in denied range 100.64.0.0/10')],
    ['198.19.255.1', denied('198.19.255.1 is in denied range 198.18.0.0/15')],
    ['224.0.0.251', denied('224.0.0.251 is in denied range 224.0.0.0/4')],
    ['240.0.0.1', denied('240.0.0.1 is in denied range 240.0.0.0/4')],
    ['255.255.255.255', denied('255.255.255.255 is in denied range 240.0.0.0/4')],
    ['172.32.0.1', denied('172.32.0.1 is in no allowed range')],
    ['8.8.8.8', denied('8.8.8.8 is in no allowed range')],
    ['::', denied(':: is in denied range ::/128')],
    ['::1', denied('::1 is in denied range ::1/128')],
    ['fe80::1', denied('fe80::1 is in denied range fe80::/10')],
    ['fe80::1%eth0', denied('fe80::1%eth0 is in denied range fe80::/10')],
    ['ff02::1', denied('ff02::1 is in denied range ff00::/8')],
    ['fd00:ec2::254', denied('fd00:ec2::254 is in denied range fd00:ec2::254/128')],
    ['FD00:EC2:0::254', denied('FD00:EC2:0::254 is in denied range fd00:ec2::254/128')],
    ['2606:4700::1111', denied('2606:4700::1111 is in no allowed range')],
    ['::ffff:127.0.0.1', denied('::ffff:127.0.0.1 (IPv4-mapped 127.0.0.1) is in denied range 127.0.0.0/8')],
    ['::ffff:a9fe:a9fe', denied('::ffff:a9fe:a9fe (IPv4-mapped 169.254.169.254) is in denied range 169.254.0.0/16')],
    ['::7f00:1', denied('::7f00:1 (IPv4-compatible 127.0.0.1) is in denied range 127.0.0.0/8')],
    ['64:ff9b::7f00:1', denied('64:ff9b::7f00:1 (NAT64 127.0.0.1) is in denied range 127.0.0.0/8')],
    ['64:ff9b::8.8.8.8', denied('64:ff9b::8.8.8.8 (NAT64 8.8.8.8) is in no allowed range')],
    ['64:ff9b:1::a00:5', denied('64:ff9b:1::a00:5 is in denied range 64:ff9b:1::/48')],
    ['2002:7f00:1::1', denied('2002:7f00:1::1 (6to4 127.0.0.1) is in denied range 127.0.0.0/8')],
    [
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      denied('2001:0:4136:e378:8000:63bf:3fff:fdd2 is a Teredo address, always denied: it tunnels through public relays to an obfuscated IPv4 address'),
    ],
    ['127.1', denied('"127.1" is not an IP address')],
    ['localhost', denied('"localhost" is not an IP address')],
  ])('%s → %o', (address, decision) => {
    expect(decide(address)).toEqual(decision);
  });

  it('lists frozen rules that all parse', () => {
    expect(Object.isFrozen(DEFAULT_EGRESS_RULES)).toBe(true);
    expect(defaults.rules).toEqual(DEFAULT_EGRESS_RULES);
  });
});

describe('createEgressPolicy', () => {
  const rule = (action: EgressRule['action'], cidr: string): EgressRule => ({ action, cidr });

  it('tries prepended rules before the defaults, so they override them', () => {
    const policy = createEgressPolicy({ prepend: [rule('allow', '127.0.0.1/32'), rule('deny', '10.9.0.0/16')] });
    expect(decide('127.0.0.1', policy)).toEqual(allowed);
    expect(decide('127.0.0.2', policy)).toEqual(denied('127.0.0.2 is in denied range 127.0.0.0/8'));
    expect(decide('10.9.1.1', policy)).toEqual(denied('10.9.1.1 is in denied range 10.9.0.0/16'));
    expect(decide('10.8.1.1', policy)).toEqual(allowed);
  });

  it('tries appended rules after the defaults, so the defaults still deny what is dangerous', () => {
    const policy = createEgressPolicy({ rules: [rule('allow', '0.0.0.0/0'), rule('allow', '::/0')] });
    for (const address of ['8.8.8.8', '2606:4700::1111', '64:ff9b::8.8.8.8']) expect(decide(address, policy)).toEqual(allowed);
    for (const address of ['127.0.0.1', '169.254.169.254', '100.64.0.1', '::1', 'fe80::1', '2002:7f00:1::1', '2001::1']) {
      expect(decide(address, policy).allowed).toBe(false);
    }
  });

  it('applies only the given rules with replaceDefaults', () => {
    const policy = createEgressPolicy({ replaceDefaults: true, rules: [rule('allow', '127.0.0.0/8')] });
    expect(policy.rules).toEqual([rule('allow', '127.0.0.0/8')]);
    expect(decide('127.0.0.1', policy)).toEqual(allowed);
    expect(decide('::ffff:127.0.0.1', policy)).toEqual(allowed);
    expect(decide('10.0.0.5', policy)).toEqual(denied('10.0.0.5 is in no allowed range'));
  });

  it('lets the first matching rule decide', () => {
    const narrowFirst = createEgressPolicy({ replaceDefaults: true, rules: [rule('deny', '10.1.0.0/16'), rule('allow', '10.0.0.0/8')] });
    const broadFirst = createEgressPolicy({ replaceDefaults: true, rules: [rule('allow', '10.0.0.0/8'), rule('deny', '10.1.0.0/16')] });
    expect(decide('10.1.2.3', narrowFirst).allowed).toBe(false);
    expect(decide('10.1.2.3', broadFirst).allowed).toBe(true);
  });

  it('limits host names to exact names and *.suffix patterns, any case, trailing dot or not', () => {
    const policy = createEgressPolicy({ allowedHosts: ['jira.corp.example', '*.hooks.corp.example', '10.0.0.9'] });
    const host = (name: string) => checkEgress(policy, { host: name, address: '10.0.0.5' }).allowed;
    expect(host('jira.corp.example')).toBe(true);
    expect(host('JIRA.corp.example.')).toBe(true);
    expect(host('a.hooks.corp.example')).toBe(true);
    expect(host('a.b.hooks.corp.example')).toBe(true);
    expect(host('10.0.0.9')).toBe(true);
    expect(host('hooks.corp.example')).toBe(false);
    expect(host('evilhooks.corp.example')).toBe(false);
    expect(host('jira.corp.example.evil.example')).toBe(false);
    expect(checkEgress(policy, { host: 'evil.example', address: '10.0.0.5' })).toEqual(
      denied('host evil.example is not in the allowed hosts'),
    );
  });

  it('limits ports when allowedPorts is set', () => {
    const policy = createEgressPolicy({ allowedPorts: [443, 8443] });
    expect(checkEgress(policy, { port: 8443, address: '10.0.0.5' })).toEqual(allowed);
    expect(checkEgress(policy, { port: 80, address: '10.0.0.5' })).toEqual(denied('port 80 is not in the allowed ports'));
  });

  it.each([
    [{ prepend: [rule('allow', '10.0.0.0/33')] }, RangeError, '"10.0.0.0/33"'],
    [{ rules: [rule('allow', 'intranet')] }, TypeError, '"intranet"'],
    [{ rules: [{ action: 'permit', cidr: '10.0.0.0/8' } as unknown as EgressRule] }, TypeError, '"permit"'],
    [{ rules: [rule('allow', '::ffff:10.0.0.0/104')] }, RangeError, 'IPv4-mapped range, which is judged by the IPv4 address'],
    [{ rules: [rule('allow', '64:ff9b::/96')] }, RangeError, 'NAT64 range'],
    [{ rules: [rule('allow', '2001::/32')] }, RangeError, 'Teredo range, which is always denied'],
    [{ allowedHosts: ['exa mple.com'] }, TypeError, '"exa mple.com"'],
    [{ allowedHosts: ['*.'] }, TypeError, '"*."'],
    [{ allowedHosts: ['a*.example.com'] }, TypeError, '"a*.example.com"'],
    [{ allowedHosts: ['*.10.0.0.5'] }, TypeError, '"*.10.0.0.5"'],
    [{ allowedPorts: [0] }, RangeError, 'port 0'],
    [{ allowedPorts: [65_536] }, RangeError, 'port 65536'],
    [{ allowedPorts: [80.5] }, RangeError, 'port 80.5'],
  ])('refuses bad configuration %o', (options, type, mention) => {
    expect(() => createEgressPolicy(options)).toThrow(type);
    expect(() => createEgressPolicy(options)).toThrow(mention);
  });

  it('accepts the IPv6 unspecified and loopback addresses, outside the IPv4-compatible form', () => {
    const policy = createEgressPolicy({ replaceDefaults: true, rules: [rule('allow', '::1/128'), rule('allow', '::/128')] });
    expect(decide('::1', policy)).toEqual(allowed);
    expect(decide('::', policy)).toEqual(allowed);
  });
});

describe('parseEgressRules', () => {
  it('reads deny rules first, then allow rules, skipping blanks', () => {
    expect(parseEgressRules({ allow: ' 10.1.0.0/16, fd12::/16 ,', deny: '10.1.9.0/24' })).toEqual([
      { action: 'deny', cidr: '10.1.9.0/24' },
      { action: 'allow', cidr: '10.1.0.0/16' },
      { action: 'allow', cidr: 'fd12::/16' },
    ]);
    expect(parseEgressRules({ allow: undefined, deny: '' })).toEqual([]);
  });

  it('makes a range listed in both variables denied', () => {
    const policy = createEgressPolicy({ prepend: parseEgressRules({ allow: '127.0.0.1', deny: '127.0.0.1' }) });
    expect(decide('127.0.0.1', policy)).toEqual(denied('127.0.0.1 is in denied range 127.0.0.1'));
  });

  it('names the item it cannot read', () => {
    expect(() => parseEgressRules({ allow: '10.1.0.0/16,10.2.0.0/33' })).toThrow('"10.2.0.0/33"');
    expect(() => parseEgressRules({ deny: '10.1.0.0/16;10.2.0.0/16' })).toThrow(TypeError);
  });
});
