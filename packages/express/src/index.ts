export { createExpressRouter } from './express-router';
