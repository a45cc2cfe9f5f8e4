import { afterAll, describe, expect, it, vi } from 'vitest';

process.env.PORTICO_MASTER_KEY = Buffer.alloc(32, 13).toString('base64');
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { apiKey, gateway, integration, onWebhook } = await import('../snippets/getting-started-core.ts');

describe('getting started without HTTP', () => {
  afterAll(async () => {
    await gateway.stop();
    printed.mockRestore();
  });

  it('registers an integration and shows its key once', () => {
    expect(apiKey).toMatch(/^gk_/);
    expect(integration.apiKeyPrefix).toBe(apiKey.slice(0, integration.apiKeyPrefix.length));
    expect(integration.createdBy).toBe('admin');
  });

  it('accepts a webhook handed over with its raw bytes, keeps it in the inbox and calls the handler', async () => {
    const payload = { event: 'ALERT_RAISED', data: { host: 'db-1' } };
    const answer = await onWebhook(apiKey, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(payload)));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: true, event_id: expect.stringMatching(/^evt_/) });
    const eventId = (answer.body as { event_id: string }).event_id;
    await expect(gateway.events.get(eventId)).resolves.toMatchObject({ id: eventId, intId: integration.id, payload });
    await vi.waitFor(() => expect(printed).toHaveBeenCalledWith(`ALERT_RAISED from ${integration.id}`, payload));
  });

  it('answers a refusal with its status and problem document', async () => {
    const answer = await onWebhook('gk_wrong', {}, new Uint8Array());
    expect(answer).toMatchObject({ status: 401, body: { code: 'INVALID_API_KEY', status: 401 } });
  });
});
