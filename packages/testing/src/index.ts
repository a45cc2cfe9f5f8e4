export * from './rate-limiter-suite';
export * from './storage-suite';
