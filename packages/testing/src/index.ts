export * from './rate-limiter-suite';
export * from './storage-suite';
export * from './adapter-suite';
export * from './services';
