// The example of packages/testing/README.md, the page npm shows for @portico/testing. The README's
// block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json typechecks it.
// #region example
// conformance.test.ts, run by Vitest
import express from 'express';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';
import { listenOnLoopback, runAdapterSuite, runStorageSuite } from '@portico/testing';

// A store: integrations, log, usage, replay ids, outbox and inbox, each with its edge cases.
runStorageSuite('sqliteStorage', () => sqliteStorage({ filename: ':memory:' }));

// An adapter, over real sockets; the host answers 418 to whatever the adapter passes on.
runAdapterSuite('express', (handler) =>
  listenOnLoopback(express().use(createExpressRouter(handler)).use((_req, res) => res.status(418).end())),
);
// #endregion example
