import { describe, expect, it } from 'vitest';
import { describeFailure, judgeError, judgeStatus, type Verdict } from '../../src/delivery/verdict';
import { PorticoError } from '../../src/errors';

describe('judgeStatus', () => {
  it.each<[number, Verdict]>([
    [200, 'delivered'],
    [202, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'retry'],
    [302, 'retry'],
    [307, 'retry'],
    [308, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [599, 'retry'],
    [400, 'failed'],
    [401, 'failed'],
    [403, 'failed'],
    [404, 'failed'],
    [413, 'failed'],
    [422, 'failed'],
    [410, 'gone'],
  ])('judges HTTP %i: %s', (status, verdict) => {
    expect(judgeStatus(status)).toBe(verdict);
  });
});

describe('judgeError', () => {
  it.each<[unknown, Verdict]>([
    [new PorticoError('EGRESS_DENIED', 'refused'), 'failed'],
    [new PorticoError('VALIDATION_FAILED', 'bad URL'), 'failed'],
    [new PorticoError('UPSTREAM_UNAVAILABLE', 'reset'), 'retry'],
    [new PorticoError('INTERNAL', 'sealed headers unreadable'), 'retry'],
    [new Error('anything else'), 'retry'],
  ])('judges %s: %s', (error, verdict) => {
    expect(judgeError(error)).toBe(verdict);
  });
});

describe('describeFailure', () => {
  it('names the code and keeps the message of a PorticoError', () => {
    expect(describeFailure(new PorticoError('UPSTREAM_UNAVAILABLE', 'POST http://10.0.0.5 failed.'))).toBe(
      'UPSTREAM_UNAVAILABLE: POST http://10.0.0.5 failed.',
    );
  });

  it('hides the message of an unexpected error, which may hold internals', () => {
    expect(describeFailure(new Error('password=hunter2 in /etc/app.conf'))).toBe('INTERNAL: An unexpected error occurred.');
  });
});
