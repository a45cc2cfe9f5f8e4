import { describe, expect, it } from 'vitest';
import { createEgressPolicy } from '../../src/egress/egress-policy';
import { setup } from './harness';
import { answer } from './receiver';

describe('gateway.testIntegration', () => {
  it('answers OK for an answer below 400, having sent a GET with the custom headers, and logs TEST_PING', async () => {
    const { gateway, receiver, id } = await setup({}, { headers: { Authorization: 'Bearer real-token' } });
    receiver.respond(answer(204));

    const result = await gateway.testIntegration(id);

    expect(result).toEqual({ status: 'OK', statusCode: 204, elapsedMs: expect.any(Number), url: `${receiver.url}/hook` });
    expect(receiver.requests[0]).toMatchObject({ method: 'GET', headers: { authorization: 'Bearer real-token', 'user-agent': 'Portico' } });
    const logs = await gateway.logs.query({ intId: id, direction: 'OUT' });
    expect(logs.items[0]).toMatchObject({ event: 'TEST_PING', status: 'OK', payload: { url: `${receiver.url}/hook`, status_code: 204 } });
  });

  it('answers ERROR with the status for an answer of 400 or more', async () => {
    const { gateway, receiver, id } = await setup();
    receiver.respond(answer(500));
    expect(await gateway.testIntegration(id)).toMatchObject({ status: 'ERROR', statusCode: 500 });
    expect((await gateway.logs.query({ intId: id, direction: 'OUT' })).items[0]).toMatchObject({ event: 'TEST_PING', status: 'ERROR' });
  });

  it('answers SKIPPED without an endpoint, sending nothing', async () => {
    const { gateway, receiver, id } = await setup({}, { endpointUrl: null });
    expect(await gateway.testIntegration(id)).toEqual({ status: 'SKIPPED', message: 'The integration has no endpoint_url.' });
    expect(receiver.connections).toBe(0);
  });

  it('answers ERROR with EGRESS_DENIED when the policy refuses the endpoint, and nothing reaches it', async () => {
    const { gateway, receiver, id } = await setup({ egress: { policy: createEgressPolicy() } });

    const result = await gateway.testIntegration(id);

    expect(result).toEqual({
      status: 'ERROR',
      url: `${receiver.url}/hook`,
      message: expect.stringMatching(/^EGRESS_DENIED: Egress to 127\.0\.0\.1 refused/),
    });
    expect(receiver.connections).toBe(0);
    const logs = await gateway.logs.query({ intId: id, direction: 'OUT' });
    expect(logs.items[0]).toMatchObject({ event: 'TEST_PING', status: 'ERROR', error: result.message });
  });

  it('throws NOT_FOUND for an unknown integration', async () => {
    const { gateway } = await setup();
    await expect(gateway.testIntegration('GW-00000000')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
